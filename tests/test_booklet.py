"""The PDF booklet: pages, bookmarks, metadata, text conservation, typography, imposition, safety."""

from __future__ import annotations

import re
import shutil
import subprocess
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("weasyprint")
pypdf = pytest.importorskip("pypdf")

from conftest import corpus_files  # noqa: E402
from sample_doc import sample_document  # noqa: E402

from pipeline.errors import EnvironmentProblem, TemplateError  # noqa: E402
from pipeline.model import (  # noqa: E402
    Block,
    Document,
    Excerpt,
    GlossaryEntry,
    Meta,
    Question,
    QuizItem,
    Section,
    StudyAids,
)
from pipeline.options import BuildOptions  # noqa: E402
from pipeline.writers import booklet  # noqa: E402
from pipeline.writers.booklet import compilation, typeset  # noqa: E402
from pipeline.writers.booklet.imposition import padded_count, placement, saddle_stitch_order  # noqa: E402
from pipeline.writers.booklet.kinsoku import CLOSING, OPENING, protect  # noqa: E402

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("pdffonts"),
                                   reason="poppler-utils not installed")


def aided(doc: Document) -> Document:
    doc.aids = StudyAids(
        excerpts=[Excerpt("坚持不懈用习近平新时代中国特色社会主义思想凝心铸魂", "党的二十大报告")],
        glossary=[GlossaryEntry("四个意识", "政治意识、大局意识、核心意识、看齐意识。", "党章"),
                  GlossaryEntry("三个务必")],
        questions=[Question("一、突出政治建设", "如何把坚持党的领导落到实处？")],
        quiz=[QuizItem("要深刻领悟“____”的决定性意义。", "两个确立")],
        notes_page=True)
    return doc


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Document, list[Path]]:
    doc = aided(sample_document())
    opts = BuildOptions(out_dir=tmp_path_factory.mktemp("out"), org="十一师党委组织部",
                        session_date="2024-05-01")
    return doc, booklet.write(doc, opts)


def page_texts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return out.split("\f")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def body_texts(doc: Document) -> list[str]:
    """Body text in reading order, as the booklet must print it."""
    out = [b.text for b in doc.body if b.text]

    def walk(sections: list[Section]) -> None:
        for s in sections:
            out.extend(b.text for b in s.body if b.text)
            out.extend(i.text for b in s.body for i in b.items)
            walk(s.sections)

    walk(doc.sections)
    return out


# --- the reading PDF ----------------------------------------------------------


def test_writes_reading_and_print_pdfs(built):
    doc, paths = built
    reading, printed = paths
    assert reading.name == f"{doc.meta.title}.booklet.pdf" and reading.exists()
    assert printed.name == f"{doc.meta.title}.print.pdf" and printed.exists()
    pages = pypdf.PdfReader(reading).pages
    # cover + blank, 目录 + blank, text, 4 appendices (the quiz one has answers), notes
    assert 7 <= len(pages) <= 12
    box = pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (420, 595)  # A5


def test_metadata_and_language(built):
    doc, (reading, _) = built
    reader = pypdf.PdfReader(reading)
    assert reader.metadata.title == doc.meta.title
    assert reader.metadata.author == "程秀娥"
    assert reader.trailer["/Root"].get("/Lang") == "zh-CN"


def test_bookmarks_for_every_heading_level(built):
    _doc, (reading, _) = built
    reader = pypdf.PdfReader(reading)

    def flatten(items, depth=1):
        for it in items:
            if isinstance(it, list):
                yield from flatten(it, depth + 1)
            else:
                yield depth, it.title

    marks = list(flatten(reader.outline))
    titles = [t for _, t in marks]
    assert "目录" in titles
    assert any("突出政治建设" in t for t in titles)
    assert any("构建学习体系" in t for t in titles)  # a run-in heading
    assert any("抓好班子" in t for t in titles)
    assert {"重点摘编", "名词解释", "思考讨论题", "学习测试", "学习笔记"} <= set(titles)
    assert max(d for d, _ in marks) >= 3


@needs_poppler
def test_every_body_text_printed_in_order(built):
    doc, (reading, _) = built
    text = squash("".join(page_texts(reading)))
    pos = 0
    for para in body_texts(doc):
        found = text.find(squash(para), pos)
        assert found >= 0, f"missing or out of order: {para[:30]}"
        pos = found
    assert "两个确立" in text and "【" not in text  # the quiz answer, in the answers


@needs_poppler
def test_toc_page_numbers_point_at_the_headings(built):
    _doc, (reading, _) = built
    pages = page_texts(reading)
    toc = next(p for p in pages if "目" in p and "录" in p and "…" not in p and "." in p)
    entries = re.findall(r"([一二三四]、\S+?)\s*\.{3,}\s*(\d+)", toc)
    assert len(entries) >= 2
    for title, number in entries:
        assert squash(title) in squash(pages[int(number) - 1]), title


@needs_poppler
def test_fonts_embedded_and_no_notdef(built):
    _doc, (reading, _) = built
    out = subprocess.run(["pdffonts", str(reading)], capture_output=True, text=True,
                         check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        assert " yes yes yes " in row, row  # embedded, subset, ToUnicode
    names = " ".join(rows)
    assert "Noto-Serif-CJK-SC" in names and "Noto-Sans-CJK-SC" in names and "WenKai" in names
    for page in pypdf.PdfReader(reading).pages:
        assert "\ufffd" not in page.extract_text()
    assert "(cid:" not in "".join(page_texts(reading))


def test_compact_cid_subsets_draw_what_weasyprint_subsets_draw(tmp_path, monkeypatch):
    """Subsetting the CJK faces without keeping glyph ids changes no pixel, and the PDF
    still embeds each face as a subset with every drawn character mapped."""
    import contextlib

    pdfium = pytest.importorskip("pypdfium2")
    from pipeline.writers.booklet import cff

    doc = aided(sample_document())
    compact = booklet.write(doc, BuildOptions(out_dir=tmp_path / "compact"))[0]
    monkeypatch.setattr(cff, "compact_cid_subsets", lambda: contextlib.nullcontext(False))
    plain = booklet.write(doc, BuildOptions(out_dir=tmp_path / "plain"))[0]
    a, b = pdfium.PdfDocument(compact), pdfium.PdfDocument(plain)
    assert len(a) == len(b)
    for i in range(len(a)):
        assert (a[i].render(scale=1).to_pil().tobytes()
                == b[i].render(scale=1).to_pil().tobytes()), f"page {i + 1} differs"
    assert compact.stat().st_size <= plain.stat().st_size
    texts = [page.extract_text() for page in pypdf.PdfReader(compact).pages]
    assert texts == [page.extract_text() for page in pypdf.PdfReader(plain).pages]


def test_chinese_lines_are_justified(tmp_path):
    pdfplumber = pytest.importorskip("pdfplumber")
    text = ("坚持以马克思列宁主义、毛泽东思想、邓小平理论、“三个代表”重要思想、科学发展观为指导，"
            "全面贯彻习近平新时代中国特色社会主义思想，深入贯彻党的二十大精神，弘扬伟大建党精神，"
            "自信自强、守正创新，踔厉奋发、勇毅前行，为全面建设社会主义现代化国家而团结奋斗。") * 2
    doc = Document(meta=Meta(title="对齐"), body=[Block("paragraph", text)])
    opts = BuildOptions(out_dir=tmp_path)
    ctx = typeset.booklet_context([doc], opts, compilation=False,
                                  parts={"articles": True})
    html = typeset.render_html(ctx, opts)
    pdf = tmp_path / "j.pdf"
    typeset.write_pdf(typeset.layout(html, opts), pdf)
    with pdfplumber.open(pdf) as p:
        rows: dict[int, list] = {}
        for c in p.pages[0].chars:
            rows.setdefault(round(c["top"]), []).append(c)
    lines = [sorted(cs, key=lambda c: c["x0"]) for _, cs in sorted(rows.items()) if len(cs) > 10]
    body = lines[1:-1]  # after the title; the paragraph's last line stays ragged
    rights = [cs[-1]["x1"] for cs in body]
    assert len(body) >= 4
    assert max(rights) - min(rights) < 0.5  # pt: every full line reaches the right edge


def test_protect_keeps_punctuation_with_its_neighbour():
    out = protect("他说：“好。”（注）——破折号……")
    assert "\u2060”" in out and "“\u2060" in out and "（\u2060" in out and "\u2060）" in out
    assert "—\u2060—" in out and "…\u2060…" in out
    assert protect("") == ""
    assert protect("a &amp; b").count("&amp;") == 1


# --- imposition -----------------------------------------------------------------


@pytest.mark.parametrize(("pages", "expected"), [
    (1, [(None, 0), (None, None)]),
    (4, [(3, 0), (1, 2)]),
    (5, [(None, 0), (1, None), (None, 2), (3, 4)]),
    (8, [(7, 0), (1, 6), (5, 2), (3, 4)]),
    (13, [(None, 0), (1, None), (None, 2), (3, 12), (11, 4), (5, 10), (9, 6), (7, 8)]),
])
def test_saddle_stitch_order(pages, expected):
    order = saddle_stitch_order(pages)
    assert order == expected
    assert len(order) == padded_count(pages) // 2
    shown = sorted(p for side in order for p in side if p is not None)
    assert shown == list(range(pages))  # every page exactly once


def test_a5_sits_on_a4_without_scaling():
    scale, x0, y0 = placement(419.53, 595.28, 841.89, 595.28)
    assert scale == 1.0 and abs(x0) < 2 and abs(y0) < 0.5  # 2 × 148 mm on 297 mm


def test_print_pdf_is_imposed(built):
    _doc, (reading, printed) = built
    n = len(pypdf.PdfReader(reading).pages)
    sheet = pypdf.PdfReader(printed).pages
    assert len(sheet) == padded_count(n) // 2
    box = sheet[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape


def test_print_pdf_update_draws_what_pypdf_imposition_draws(built, tmp_path):
    """The appended imposition (reading pages' streams by reference) renders pixel for pixel
    like the form-XObject one, and leaves the reading PDF's bytes untouched in front."""
    pdfium = pytest.importorskip("pypdfium2")
    from pipeline.writers.booklet.imposition import impose

    _doc, (reading, printed) = built
    assert printed.read_bytes().startswith(reading.read_bytes())
    assert b"/Prev" in printed.read_bytes()[len(reading.read_bytes()):]
    reference = tmp_path / "pypdf.print.pdf"
    impose(reading, reference, "A4")
    ours, theirs = pdfium.PdfDocument(printed), pdfium.PdfDocument(reference)
    assert len(ours) == len(theirs)
    for i in range(len(ours)):
        a = ours[i].render(scale=0.5).to_pil().convert("L").tobytes()
        b = theirs[i].render(scale=0.5).to_pil().convert("L").tobytes()
        assert a == b, f"sheet side {i + 1} differs"


def test_a4_pages_on_a3_sheets(tmp_path):
    opts = BuildOptions(out_dir=tmp_path, paper="A4", print_sheet="A3")
    reading, printed = booklet.write(sample_document(), opts)
    box = pypdf.PdfReader(reading).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    box = pypdf.PdfReader(printed).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (1191, 842)


# --- errors and safety ---------------------------------------------------------------


def test_template_error_names_the_file_and_leaves_no_output(tmp_path):
    user = tmp_path / "tpl" / "booklet"
    user.mkdir(parents=True)
    (user / "cover.html").write_text("<h1>{{ book.title }}</h1>\n<p>{{ sectoins }}</p>\n",
                                     encoding="utf-8")
    opts = BuildOptions(out_dir=tmp_path / "out", template_dirs=[tmp_path / "tpl"])
    with pytest.raises(TemplateError, match=r"templates?/booklet/cover.html:2: 'sectoins' is undefined|cover.html:2"):
        booklet.write(sample_document(), opts)
    assert not any((tmp_path / "out").rglob("*.pdf"))
    assert not any((tmp_path / "out").rglob("*.part"))


def test_url_fetcher_refuses_network_and_outside_files(tmp_path):
    user = tmp_path / "tpl" / "booklet"
    user.mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-DO-NOT-EMBED", encoding="utf-8")
    (user / "mine.css").write_text(".cover-title { color: rgb(1, 2, 3); }", encoding="utf-8")
    (user / "cover.html").write_text(
        '<link rel="stylesheet" href="mine.css">'
        '<link rel="stylesheet" href="http://127.0.0.1:9/evil.css">'
        f'<link rel="attachment" href="{secret.as_uri()}">'
        '<img src="file:///etc/passwd"><img src="https://example.com/x.png">'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<h1 class="cover-title">{{ book.title }}</h1>', encoding="utf-8")
    opts = BuildOptions(out_dir=tmp_path / "out", template_dirs=[tmp_path / "tpl"])
    reading, _ = booklet.write(sample_document(), opts)
    data = reading.read_bytes()
    assert b"TOP-SECRET" not in data and b"root:x:0" not in data
    assert b"/EmbeddedFile" not in data

    fetcher = typeset.TemplateFetcher([user, *typeset.search_path("booklet", [])])
    for url in ("http://127.0.0.1:9/evil.css", "file:///etc/passwd", secret.as_uri(),
                (user / ".." / ".." / "secret.txt").as_uri()):
        with pytest.raises(ValueError):
            fetcher.load(url)
    assert fetcher.load((user / "mine.css").as_uri())[0].startswith(b".cover-title")
    # a name the user folder lacks falls back to the built-in template folder
    assert b"@page" in fetcher.load((user / "booklet.css").as_uri())[0]
    assert fetcher.load("data:text/plain,hi")[0] == b"hi"


def test_no_cjk_font_stops_with_a_clear_error(tmp_path, monkeypatch):
    from pipeline import fonts

    monkeypatch.setattr(fonts, "cjk_families", lambda: ())
    with pytest.raises(EnvironmentProblem, match="no Chinese"):
        booklet.write(sample_document(), BuildOptions(out_dir=tmp_path))
    assert not list(tmp_path.rglob("*.pdf"))


# --- compilations ------------------------------------------------------------------


def small_docs() -> list[Document]:
    docs = []
    for n, title in enumerate(["第一篇学习材料", "第二篇学习材料", "第三篇学习材料"], 1):
        doc = sample_document()
        doc.meta.title = title
        doc.sections[0].title = f"{title}的第一部分"
        docs.append(aided(doc) if n == 2 else doc)
    return docs


def article_pages(pdf: Path, titles: list[str]) -> list[int]:
    pages = page_texts(pdf)
    return [next(i for i, p in enumerate(pages) if title in p and "目" not in p[:40]) + 1
            for title in titles]


@needs_poppler
def test_compilation_chapters_start_on_right_pages(tmp_path):
    docs = small_docs()
    opts = BuildOptions(out_dir=tmp_path, compile_title="学习资料汇编", org="十一师")
    reading, printed = booklet.write_compilation(docs, opts)
    assert reading.name == "学习资料汇编.booklet.pdf" and printed.exists()
    starts = article_pages(reading, [d.meta.title for d in docs])
    assert all(p % 2 == 1 for p in starts), starts
    text = squash("".join(page_texts(reading)))
    assert text.count("重点摘编") >= 1 and text.count("学习资料汇编") >= 1


@needs_poppler
def test_parallel_compilation_numbers_toc_and_folios(tmp_path, monkeypatch):
    monkeypatch.setattr(compilation, "PART_CHARS", 1)  # one article per part
    docs = small_docs()
    opts = BuildOptions(out_dir=tmp_path, compile_title="并行汇编")
    target = tmp_path / "p.pdf"
    compilation.write_parallel(docs, opts, target)
    pages = page_texts(target)
    toc = "".join(p for p in pages[:4] if "目" in p)
    for doc in docs:
        m = re.search(re.escape(doc.meta.title) + r"\s*\.{3,}\s*(\d+)", toc)
        assert m, doc.meta.title
        number = int(m.group(1))
        assert number % 2 == 1
        assert doc.meta.title in pages[number - 1]
        assert f"—{number}—" in squash(pages[number - 1])  # the stamped folio
    reader = pypdf.PdfReader(target)
    titles = [it.title for it in reader.outline if not isinstance(it, list)]
    assert [d.meta.title for d in docs] == [t for t in titles if t in {d.meta.title for d in docs}]
    links = [a for p in reader.pages[:4] for a in (p.get("/Annots") or [])]
    assert len(links) >= len(docs)
    # Section entries too: stamped numbers point at their headings.
    for doc in docs:
        title = doc.sections[0].title
        m = re.search(re.escape(title[:8]) + r".*?\.{3,}\s*(\d+)", toc)
        assert m and squash(title) in squash(pages[int(m.group(1)) - 1]), title
    # Every body text, in order, from the merged fonts' ToUnicode maps.
    text = squash("".join(pages))
    pos = 0
    for para in [t for doc in docs for t in body_texts(doc)]:
        pos = text.find(squash(para), pos)
        assert pos >= 0, para[:30]


@needs_poppler
def test_parallel_compilation_embeds_each_face_once(tmp_path, monkeypatch):
    from pipeline.writers.booklet.cff import parse_cff

    monkeypatch.setattr(compilation, "PART_CHARS", 1)
    target = tmp_path / "p.pdf"
    compilation.write_parallel(small_docs(), BuildOptions(out_dir=tmp_path), target)
    rows = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True,
                          check=True).stdout.splitlines()[2:]
    # The CFF faces (Noto CJK, ~300 KB a copy) are merged; TrueType ones (WenKai) are not yet.
    names = [row.split()[0] for row in rows if "CID Type 0C" in row]
    assert len(names) == len(set(names)) >= 2, names
    assert all(" yes yes yes " in row for row in rows)
    for page in pypdf.PdfReader(target).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            cid = font["/DescendantFonts"][0].get_object()
            if "/FontFile3" not in cid["/FontDescriptor"]:
                continue
            data = cid["/FontDescriptor"]["/FontFile3"].get_object().get_data()
            cids = set(parse_cff(data).cids)
            codes = {int(g, 16) for g in re.findall(
                rb"<([0-9a-f]{4})> <", font["/ToUnicode"].get_object().get_data())}
            assert codes <= cids  # every glyph the text uses is in the merged font
    assert "(cid:" not in "".join(page_texts(target))


def test_balanced_groups_are_consecutive_and_even():
    docs = [Document(meta=Meta(title=str(i)), body=[Block("paragraph", "字" * (100 + 37 * (i % 5)))])
            for i in range(40)]
    groups = compilation.balanced_groups(docs, 2)
    assert [i for g in groups for i in g] == list(range(40))
    assert len(groups) == 2 * compilation.PARTS_PER_WORKER
    sizes = [sum(compilation.doc_chars(docs[i]) for i in g) for g in groups]
    assert max(sizes) - min(sizes) <= 2 * max(compilation.doc_chars(d) for d in docs)


# --- every corpus file ------------------------------------------------------------------


def _render_corpus_file(path: str, out: str) -> tuple[str, list[str]]:
    from pipeline.build import load, prepare

    opts = BuildOptions(out_dir=Path(out))
    doc = prepare(load(path), opts)
    ctx = typeset.booklet_context([doc], opts, compilation=False)
    pdf = Path(out) / (Path(path).name + ".pdf")
    typeset.write_pdf(typeset.layout(typeset.render_html(ctx, opts), opts), pdf)
    bad = []
    for page in page_texts(pdf):
        for line in page.splitlines():
            line = line.strip()
            if line and (line[0] in CLOSING or line[-1] in OPENING):
                bad.append(line)
    return Path(path).name, bad


@needs_poppler
@pytest.mark.skipif(not corpus_files(), reason="corpus not found")
def test_no_forbidden_punctuation_at_line_edges_in_any_corpus_file(tmp_path):
    pytest.importorskip("pipeline.parser")
    files = [str(p) for p in corpus_files()]
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_render_corpus_file, files, [str(tmp_path)] * len(files)))
    problems = {name: bad[:3] for name, bad in results if bad}
    assert not problems


def test_kept_fonts_are_renewed_when_a_template_file_changes(tmp_path):
    from pipeline.templating import search_path

    user = tmp_path / "templates" / "booklet"
    user.mkdir(parents=True)
    css = user / "booklet.css"
    css.write_text("/* mine */\n", encoding="utf-8")
    folders = [Path(f).resolve() for f in search_path("booklet", [tmp_path / "templates"])]
    assert typeset._shared_fonts.get(folders) is None  # not kept unless asked
    typeset.keep_fonts_loaded()
    try:
        first = typeset._shared_fonts.get(folders)
        assert first is not None and typeset._shared_fonts.get(folders) is first
        css.write_text("/* mine, edited */\n@font-face { font-family: x; src: local(y) }\n",
                       encoding="utf-8")
        assert typeset._shared_fonts.get(folders) is not first
    finally:
        typeset.keep_fonts_loaded(False)
    assert typeset._shared_fonts.get(folders) is None


# --- variants, paper and sheet, short documents, 目录 and bookmarks -------------------


def _body_size(pdf: Path, pages: list[int]) -> float:
    """The most common character size on the given pages (0-based), measured in the PDF."""
    from collections import Counter

    pdfplumber = pytest.importorskip("pdfplumber")
    sizes: Counter[float] = Counter()
    with pdfplumber.open(pdf) as doc:
        for n in pages:
            sizes.update(round(c["size"], 1) for c in doc.pages[n].chars if c["text"].strip())
    return sizes.most_common(1)[0][0]


def _outline(reader) -> list[tuple[int, str]]:
    def flatten(items, depth=1):
        for it in items:
            if isinstance(it, list):
                yield from flatten(it, depth + 1)
            else:
                yield depth, it.title

    return list(flatten(reader.outline))


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> tuple[list[Path], list[Path]]:
    """The same booklet, standard and 大字版."""
    out = tmp_path_factory.mktemp("variants")
    doc = aided(sample_document())
    return (booklet.write(doc, BuildOptions(out_dir=out / "std", org="十一师")),
            booklet.write(doc, BuildOptions(out_dir=out / "large", org="十一师",
                                            variant="large-print")))


def test_large_print_body_is_at_least_14pt(large):
    (std, _), (big, big_print) = large
    text_page = [next(i for i, t in enumerate(page_texts(big)) if "习近平总书记作的" in t)]
    assert _body_size(big, text_page) >= 14.0
    std_page = [next(i for i, t in enumerate(page_texts(std)) if "习近平总书记作的" in t)]
    assert _body_size(std, std_page) == 10.5
    assert "大字版" in squash(page_texts(big)[0]) and "大字版" not in squash(page_texts(std)[0])
    assert pypdf.PdfReader(big_print).pages[0].mediabox.width > 800  # still imposed


@needs_poppler
def test_large_print_scales_running_heads_and_folios(large):
    pdfplumber = pytest.importorskip("pdfplumber")
    (std, _), (big, _) = large

    def edge_sizes(pdf: Path) -> set[float]:
        with pdfplumber.open(pdf) as doc:
            page = doc.pages[-2]
            return {round(c["size"], 1) for c in page.chars
                    if c["top"] < 40 or c["top"] > page.height - 45}

    assert min(edge_sizes(big)) > max(edge_sizes(std))


@pytest.mark.parametrize(("paper", "sheet"), [("A5", "A4"), ("B5", "B4"), ("A4", "A3")])
def test_default_sheet_holds_two_pages_at_full_size(paper, sheet):
    from pipeline.writers.booklet import imposition

    assert imposition.sheet_for(paper) == sheet == imposition.sheet_for(paper, "auto")
    assert imposition.print_scale(paper) == 1.0
    assert imposition.warnings(paper) == []


def test_a_smaller_sheet_scales_with_a_warning():
    from pipeline.writers.booklet import imposition

    assert round(imposition.print_scale("A4", "A4"), 3) == 0.707
    assert round(imposition.print_scale("B5", "A4"), 2) == 0.84
    (a4,) = imposition.warnings("A4", "A4", body_pt=12)
    assert "71%" in a4 and "8.5 pt" in a4 and "--print-sheet A3" in a4
    (b5,) = imposition.warnings("B5", "A4")
    assert "84%" in b5 and "--print-sheet B4" in b5


def test_b5_booklet_prints_on_b4(tmp_path):
    reading, printed = booklet.write(sample_document(), BuildOptions(out_dir=tmp_path, paper="B5"))
    box = pypdf.PdfReader(reading).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (499, 709)  # B5
    box = pypdf.PdfReader(printed).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (1001, 709)  # B4 landscape


def test_crop_marks_only_where_the_sheet_has_room(tmp_path):
    from pipeline.writers.booklet import imposition

    assert not imposition.imposition_for("A5", "A4", crop_marks=True).marks
    assert imposition.imposition_for("A5", "A3", crop_marks=True).marks
    assert "crop marks left out" in imposition.warnings("A5", "A4", crop_marks=True)[0]
    opts = BuildOptions(out_dir=tmp_path, print_sheet="A3", crop_marks=True)
    _reading, printed = booklet.write(sample_document(), opts)
    page = pypdf.PdfReader(printed).pages[0]
    ops = page.get_contents().get_data()
    assert b"0.25 w" in ops and ops.count(b" l") >= 10  # eight corner strokes, two fold marks


def test_creep_moves_inner_sheets_toward_the_fold():
    from pipeline.writers.booklet.imposition import Imposition, sheet_sides

    w, h = 419.53, 595.28
    plain = sheet_sides(16, w, h, "A4")
    crept = sheet_sides(16, w, h, Imposition("A4", creep=4.0))
    assert [p.x for p in plain[0]] == [p.x for p in crept[0]]  # the outer sheet stays
    inner_plain, inner = plain[-1], crept[-1]  # the innermost sheet: the most
    assert inner[0].x - inner_plain[0].x == pytest.approx(4.0)  # left page → right
    assert inner[1].x - inner_plain[1].x == pytest.approx(-4.0)  # right page → left
    middle = crept[2]  # the second of four sheets: a third of it
    assert middle[0].x - plain[2][0].x == pytest.approx(4.0 / 3)


@needs_poppler
def test_one_page_notice_has_no_empty_pages(tmp_path):
    from official_doc import one_page_notice

    from pipeline.enrich import enrich
    from pipeline.options import AidOptions

    doc = enrich(one_page_notice(), AidOptions())
    opts = BuildOptions(out_dir=tmp_path, org="十一师党委组织部")
    reading, printed = booklet.write(doc, opts)
    pages = page_texts(reading)[:len(pypdf.PdfReader(reading).pages)]
    assert not any("目" in p and "录" in p and "…" not in p and len(squash(p)) < 40
                   for p in pages), "an empty 目录"
    assert all(squash(p) for p in pages), "an empty page"
    assert squash(pages[0]).count("十一师党委组织部") == 1  # the organisation once on the cover
    assert "各省、自治区" in pages[1]  # the text starts on the back of the cover
    # the only blank pages are the ones folding needs, at the end
    n = len(pages)
    sides = pypdf.PdfReader(printed).pages
    assert len(sides) == padded_count(n) // 2


@needs_poppler
def test_running_heads_are_one_line_cut_short(tmp_path):
    """A title too long for the head line is cut (with an ellipsis), never wrapped."""
    pdfplumber = pytest.importorskip("pdfplumber")
    from official_doc import TITLE, official_notice

    reading, _ = booklet.write(official_notice(), BuildOptions(out_dir=tmp_path))
    right = 148 * 72 / 25.4 - 15 * 72 / 25.4  # A5 width less the right margin, in pt
    with pdfplumber.open(reading) as pdf:
        heads = []
        for page in pdf.pages[1:]:
            glyphs = sorted((c for c in page.chars if c["top"] < 17 * 72 / 25.4 - 4),
                            key=lambda c: c["x0"])
            if glyphs:
                heads.append(glyphs)
    assert heads
    for glyphs in heads:
        assert len({round(c["top"]) for c in glyphs}) == 1  # one line
        assert glyphs[-1]["x1"] <= right + 0.5  # inside the type area
    cut = [g for g in heads if "".join(c["text"] for c in g).startswith(TITLE[:10])]
    assert cut and all(len(g) < len(TITLE.replace(" ", "")) for g in cut)


def test_toc_top_level_is_the_bookmarks_top_level(built):
    doc, (reading, _) = built
    reader = pypdf.PdfReader(reading)
    top = [t for depth, t in _outline(reader) if depth == 1 and t != "目录"]
    ctx = typeset.booklet_context([doc], BuildOptions(), compilation=False)
    assert [e.text.replace(" ", "") for e in ctx["toc"] if e.level == 0] == \
        [t.replace(" ", "") for t in top]
    assert {"重点摘编", "名词解释", "思考讨论题", "学习测试", "学习笔记"} <= set(top)


@needs_poppler
def test_toc_lists_the_study_aids_with_their_pages(built):
    _doc, (reading, _) = built
    pages = page_texts(reading)
    toc = next(p for p in pages if "目" in p and "录" in p and "." in p)
    for name in ("重点摘编", "名词解释", "思考讨论题", "学习测试", "学习笔记"):
        m = re.search(name + r"\s*\.{3,}\s*(\d+)", toc)
        assert m, name
        assert name in squash(pages[int(m.group(1)) - 1])


def test_no_invisible_characters_in_bookmarks_or_metadata(built):
    _doc, (reading, _) = built
    reader = pypdf.PdfReader(reading)
    invisible = re.compile("[\u00ad\u200b-\u200d\u2060-\u2064\ufeff]")
    titles = [t for _d, t in _outline(reader)]
    assert any("“" in t or "，" in t for t in titles)  # headings that get word joiners in the text
    for title in titles:
        assert not invisible.search(title), repr(title)
    for value in reader.metadata.values():
        assert not invisible.search(str(value))


@needs_poppler
def test_no_gap_after_a_list_label(tmp_path):
    pdfplumber = pytest.importorskip("pdfplumber")
    from official_doc import one_page_notice

    reading, _ = booklet.write(one_page_notice(), BuildOptions(out_dir=tmp_path))
    with pdfplumber.open(reading) as pdf:
        chars = [c for p in pdf.pages for c in p.chars if abs(c["top"] - 0) >= 0]
        for i, c in enumerate(chars[:-1]):
            if c["text"] == "、" and chars[i - 1]["text"] in "一二" and chars[i + 1]["text"] in "地有":
                gap = chars[i + 1]["x0"] - c["x1"]
                line = [d for d in chars if abs(d["top"] - c["top"]) < 1]
                gaps = sorted(b["x0"] - a["x1"] for a, b in zip(line, line[1:], strict=False))
                assert gap <= gaps[len(gaps) // 2] + 0.3  # no wider than between other characters


@needs_poppler
def test_toc_dot_leaders_never_stand_alone(tmp_path):
    # Headings of every length around a full 目录 line (about 30 characters on A5).
    base = "坚持以人民为中心的发展思想推动高质量发展取得新成效不断增强人民群众获得感幸福感安全感"
    doc = Document(meta=Meta(title="目录测试"), sections=[
        Section(1, f"{'一二三四五六七八九十'[n]}、", base[:24 + n], body=[Block("paragraph", "正文。")])
        for n in range(10)])
    reading, _ = booklet.write(doc, BuildOptions(out_dir=tmp_path))
    toc = next(p for p in page_texts(reading) if "目" in p and "录" in p and "." in p)
    for line in toc.splitlines():
        assert not re.fullmatch(r"\s*\.+\s*\d*\s*", line) or not line.strip(), repr(line)
    assert len(re.findall(r"\.{3,}\s*\d+", toc)) == 11  # the article and its ten sections


@needs_poppler
def test_booklet_tables_keep_their_header_on_each_page(tmp_path):
    rows = [["序号", "工作任务", "责任单位"]] + [[str(n), f"第{n}项重点工作任务落实情况", "组织部"]
                                          for n in range(1, 81)]
    doc = Document(meta=Meta(title="任务分解表"), body=[Block("table", text="表1　任务分解", rows=rows)])
    reading, _ = booklet.write(doc, BuildOptions(out_dir=tmp_path))
    pages = [p for p in page_texts(reading) if "重点工作任务" in p]
    assert len(pages) >= 2
    assert all("工作任务" in p.split("重点工作任务")[0] for p in pages)  # the header first
    text = squash("".join(pages))
    for row in rows[1:]:
        assert "".join(row) in text or all(c in text for c in row)
    assert text.count("表1") == 1  # the caption once
def test_quiz_answers_are_on_the_last_page_apart_from_the_questions(tmp_path):
    from pipeline.enrich import enrich
    from pipeline.options import AidOptions

    doc = enrich(sample_document(), AidOptions())
    assert doc.aids.quiz
    pdf = booklet.write(doc, BuildOptions(out_dir=tmp_path))[0]
    pages = page_texts(pdf)
    last = pages[-1] if pages[-1].strip() else pages[-2]
    assert "参考答案" in last and doc.aids.quiz[0].answer in last
    quiz_page = next(p for p in pages if "学习测试" in p and "填空" in p)
    assert "参考答案" not in quiz_page


def test_compiled_questions_are_grouped_by_article_not_prefixed():
    a, b = aided(sample_document()), aided(sample_document())
    b.meta.title = "另一篇文章"
    merged = typeset.merge_aids([a, b])
    assert [q.article for q in merged.questions] == ["《以党的二十大精神为指引书写新时代新答卷》", "《另一篇文章》"]
    assert not any(q.text.startswith("《") for q in merged.questions)
