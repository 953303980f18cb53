"""The PDF reader: spacing, paragraphs, page furniture, the look of lines, bad inputs, OCR.

Layout rules are tested on hand-made pages (exact geometry) and on PDFs made with
WeasyPrint (real fonts, real line breaking): running heads, folios in several forms,
browser print headers, a watermark, two columns, paragraphs across pages.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pdf_samples import FONT, LATIN, PARAGRAPHS, html_page, write_pdf

from pipeline.cli import main
from pipeline.errors import EXIT_ENVIRONMENT, EXIT_INPUT, EnvironmentProblem, InputError
from pipeline.parser import parse
from pipeline.readers import pdf, read_source
from pipeline.readers.furniture import browser_print_reason, is_page_number, is_rule
from pipeline.readers.layout import Glyph, Page, Row, build_rows, join_glyphs, lay_out

# --- hand-made pages ----------------------------------------------------------------


def glyphs(text: str, x: float, baseline: float, size: float = 10.0, gap: float = 0.0,
           bold: bool = False) -> list[Glyph]:
    """One printed line: Han one em wide, Latin half an em, ``gap`` ems between glyphs."""
    out = []
    for ch in text:
        w = size if ord(ch) > 0x2000 else size / 2
        if ch != " ":
            out.append(Glyph(ch, x, x + w, baseline - 0.88 * size, baseline + 0.12 * size, size,
                             bold))
        x += w + gap * size
    return out


def row(text: str, x: float, baseline: float, page: int = 1, **kw) -> Row:
    return Row(glyphs(text, x, baseline, **kw), page).finish()


def page_of(number: int, *rows: Row, width: float = 300.0, height: float = 400.0) -> Page:
    for r in rows:
        r.page = number
    return Page(number, width, height, list(rows))


def test_han_characters_join_without_spaces_latin_words_keep_theirs() -> None:
    line = glyphs("学习", 0, 10) + glyphs("Python", 22, 10) + glyphs("and", 60, 10) \
        + glyphs("贯彻", 79, 10)
    assert join_glyphs(line) == "学习Python and贯彻"


def test_a_space_between_han_characters_is_kept_letter_spacing_is_not() -> None:
    # a word space (a quarter em) between two slogans, as in “听党指挥 薪火百年”
    spaced = glyphs("听党指挥", 0, 10) + glyphs("薪火百年", 42.5, 10)
    assert join_glyphs(spaced) == "听党指挥 薪火百年"
    # a title set with even letter-spacing stays one word
    assert join_glyphs(glyphs("通知", 0, 10, gap=2.0)) == "通知"
    # the automatic quarter-em space word processors put between Han and digits is no space
    auto = glyphs("2012", 0, 10) + glyphs("年", 22.5, 10) + glyphs("12", 35, 10) + glyphs("月", 47.5, 10)
    assert join_glyphs(auto) == "2012年12月"


def test_a_full_line_continues_an_indent_or_short_line_ends_the_paragraph() -> None:
    left = 20.0  # the text block is 20 ems of 10 pt wide
    lines = [
        row("学" * 18, left + 20, 40),  # indented first line, runs to the margin
        row("习" * 20, left, 55),  # full: the paragraph goes on
        row("贯彻落实。", left, 70),  # short: it ends here
        row("新" * 18, left + 20, 85),  # indent: a new paragraph
        row("段" * 20, left, 100),
    ]
    layout = lay_out([page_of(1, *lines)])
    assert [p.text for p in layout.paragraphs] == ["学" * 18 + "习" * 20 + "贯彻落实。",
                                                   "新" * 18 + "段" * 20]


def test_a_raised_note_mark_stays_in_its_line() -> None:
    mark = glyphs("1", 220, 34, size=6)  # a superscript note mark after the line's last word
    rows = build_rows(glyphs("甲" * 20, 20, 40) + mark + glyphs("乙乙乙。", 20, 55), 1, 300)
    assert len(rows) == 2
    layout = lay_out([page_of(1, *rows)])
    assert [p.text for p in layout.paragraphs] == ["甲" * 20 + "1乙乙乙。"]


def test_a_paragraph_runs_on_across_pages_and_past_a_page_number() -> None:
    p1 = page_of(1, row("一" * 20, 20, 40), row("二" * 20, 20, 55), row("— 1 —", 130, 390))
    p2 = page_of(2, row("三" * 20, 20, 40), row("四四四。", 20, 55), row("— 2 —", 130, 390))
    layout = lay_out([p1, p2])
    assert [p.text for p in layout.paragraphs] == ["一" * 20 + "二" * 20 + "三" * 20 + "四四四。"]
    assert [(f.text, f.reason) for f in layout.furniture] == [("—1—", "page number"),
                                                             ("—2—", "page number")]


def test_a_paragraph_runs_on_past_the_footnotes_at_the_foot_of_a_page() -> None:
    p1 = page_of(1, row("一" * 20, 20, 40), row("二" * 20, 20, 55),
                 row("①见《人民日报》2024年1月1日。", 20, 360, size=7))
    p2 = page_of(2, row("三三三。", 20, 40))
    texts = [p.text for p in lay_out([p1, p2]).paragraphs]
    assert texts == ["一" * 20 + "二" * 20 + "三三三。", "①见《人民日报》2024年1月1日。"]


def test_more_space_between_lines_ends_a_paragraph() -> None:
    rows = [row("甲" * 20, 20, 40), row("乙" * 20, 20, 55), row("丙" * 20, 20, 80), row("丁" * 20, 20, 95)]
    assert [p.text for p in lay_out([page_of(1, *rows)]).paragraphs] == [
        "甲" * 20 + "乙" * 20, "丙" * 20 + "丁" * 20]


def test_centred_title_lines_join_a_signature_stands_alone() -> None:
    rows = [row("关于开展主题教育的", 48, 40, size=16), row("通知", 104, 62, size=16),
            row("正" * 20, 20, 100), row("文文文。", 20, 115),
            row("某某委员会", 150, 140), row("2024年3月5日", 148, 155)]
    layout = lay_out([page_of(1, *rows)])
    texts = [p.text for p in layout.paragraphs]
    assert texts == ["关于开展主题教育的通知", "正" * 20 + "文文文。", "某某委员会", "2024年3月5日"]
    title = layout.paragraphs[0]
    assert title.heading == 1 and title.centered and title.size == 16


def test_running_heads_repeat_in_the_margin_and_go() -> None:
    pages = [page_of(n, row("学习资料汇编", 110, 20, size=8), row("正文甲乙丙丁"[n] * 20, 20, 60),
                     row(f"第{n}页 共3页", 120, 390, size=8)) for n in (1, 2, 3)]
    layout = lay_out(pages)
    assert {f.reason for f in layout.furniture} == {"running head", "page number"}
    assert len(layout.furniture) == 6


def test_a_watermark_turned_across_every_page_goes() -> None:
    pages = []
    for n in (1, 2):
        mark = Row([Glyph(ch, 50 + 30 * k, 80 + 30 * k, 200 - 20 * k, 230 - 20 * k, 40,
                          faint=True, rotated=True)
                    for k, ch in enumerate("内部资料")], n).finish()
        pages.append(page_of(n, row("正文"[n - 1] * 20, 20, 60), mark))
    layout = lay_out(pages)
    assert [f.reason for f in layout.furniture] == ["rotated text across the page (watermark)"] * 2
    assert "内部资料" not in "".join(p.text for p in layout.paragraphs)


@given(st.integers(1, 9999), st.integers(1, 9999))
def test_page_numbers_in_every_usual_form(n: int, m: int) -> None:
    for form in (f"{n}", f"— {n} —", f"- {n} -", f"–– {n} ––", f"—{n}—", f"第{n}页",
                 f"第 {n} 页 共 {m} 页", f"第{n}页/共{m}页", f"{n}/{m}", f"{n} / {m}",
                 f"Page {n} of {m}", f"·{n}·"):
        assert is_page_number(form), form


@given(st.text(alphabet="学习贯彻党的二十大精神全面建设社会主义现代化国家，。、", min_size=2, max_size=40))
def test_running_text_is_not_a_page_number(text: str) -> None:
    assert not is_page_number(text) or not re.search("[\u4e00-\u9fff]{2}", text)


def test_browser_print_headers_and_rules() -> None:
    assert browser_print_reason("2024/5/3 10:21 在博物馆里上好大思政课 - 光明网")
    assert browser_print_reason("2024/5/3 下午3:05")
    assert browser_print_reason("https://news.gmw.cn/2024-12/10/content_37728716.htm 1/3")
    assert browser_print_reason("file:///C:/Users/a/Desktop/1.html")
    assert browser_print_reason("2024年5月3日，全市召开大会，部署学习任务。") is None
    assert is_rule("=" * 60) and is_rule("━━━━━★━━━━━") and is_rule("★")
    assert not is_rule("——踔厉奋发") and not is_rule("……")


def test_site_name_after_a_printed_page_title() -> None:
    assert pdf.split_site_title("在博物馆里上好“大思政课”-光明日报-光明网") == (
        "在博物馆里上好“大思政课”", "-光明日报-光明网", "光明日报")
    assert pdf.split_site_title("借智博物馆打造“行走的思政课堂”_先锋文汇_共产党员网")[2] == "共产党员网"
    assert pdf.split_site_title("百年接力，党旗映照清华园 - 中华人民共和国教育部政府门户网站")[0] == \
        "百年接力，党旗映照清华园"
    # a title with a dash that names no site keeps it
    assert pdf.split_site_title("1-10月德清县固定资产投资结构趋稳趋优") == (
        "1-10月德清县固定资产投资结构趋稳趋优", "", "")


# --- PDFs made with WeasyPrint ---------------------------------------------------------

pytest.importorskip("weasyprint")


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdfs")
    paras = PARAGRAPHS * 6
    folio = f"font-family: {FONT}; font-size: 9pt;"
    running = html_page(
        "<h1>关于深入学习贯彻党的二十大精神的通知</h1>"
        + "".join(f"<p>{p}</p>" for p in paras[:6]) + "<h2>一、提高政治站位</h2>"
        + "".join(f"<p>{p}</p>" for p in paras[6:]) + f"<p>{LATIN}</p>",
        f"""@page {{ @top-center {{ content: "学习资料汇编"; {folio} }}
            @bottom-center {{ content: "— " counter(page) " —"; {folio} }}
            @bottom-right {{ content: "第" counter(page) "页 共" counter(pages) "页"; {folio} }} }}""")
    browser = html_page(
        "<h1>在博物馆里上好大思政课</h1>" + "".join(f"<p>{p}</p>" for p in paras[:10]),
        f"""@page {{ margin: 15mm 12mm;
            @top-left {{ content: "2024/5/3 10:21"; {folio} }}
            @top-center {{ content: "在博物馆里上好大思政课 - 光明网"; {folio} }}
            @bottom-left {{ content: "https://news.gmw.cn/2024-12/10/content_37728716.htm"; {folio} }}
            @bottom-right {{ content: counter(page) "/" counter(pages); {folio} }} }}""")
    mark = ('<div style="position: fixed; top: 110mm; left: 20mm; transform: rotate(-35deg); '
            'font-size: 60pt; color: #dddddd;">内部资料 注意保存</div>')
    watermark = html_page(mark + "<h1>学习材料</h1>" + "".join(f"<p>{p}</p>" for p in paras))
    columns = html_page("<h1>两栏排版的文章</h1><div style='columns: 2; column-gap: 8mm'>"
                        + "".join(f"<p>{p}</p>" for p in paras) + "</div>")
    return {name: write_pdf(html, folder / f"{name}.pdf") for name, html in
            (("running", running), ("browser", browser), ("watermark", watermark),
             ("columns", columns))}


def _read(path: Path, **kw):
    return read_source(path.read_bytes(), path.name, **kw)


def test_made_pdf_paragraphs_furniture_and_look(made, zh) -> None:
    src = _read(made["running"])
    texts = [ln.text for ln in src.lines]
    assert texts[0] == "关于深入学习贯彻党的二十大精神的通知"
    assert src.lines[0].heading == 1 and src.lines[0].bold and src.lines[0].centered
    body = [t for t in texts[1:] if t != "一、提高政治站位"]
    assert body[:-1] == (PARAGRAPHS * 6)  # every paragraph whole, one across the page break
    head = next(ln for ln in src.lines if ln.text == "一、提高政治站位")
    assert head.bold and head.size == 14 and not head.centered
    assert body[-1] == re.sub(r" (?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff，；。]) ", "", LATIN)
    reasons = {(d.text, d.reason) for d in src.discarded}
    assert ("学习资料汇编", "running head") in reasons
    assert ("—1— 第1页 共2页", "page number") in reasons or \
        ("—1— 第1页共2页", "page number") in reasons
    assert all(d.reason in ("running head", "page number") for d in src.discarded)
    assert src.read_as == "PDF，2 页，文字层"


def test_made_pdf_parses_into_title_and_sections(made, zh) -> None:
    doc = parse(_read(made["running"]))
    assert doc.meta.title == "关于深入学习贯彻党的二十大精神的通知"
    assert [f"{s.label}{s.title}" for s in doc.sections] == ["一、提高政治站位"]
    assert len(doc.body) == 6 and doc.read_as == "PDF，2 页，文字层"


def test_browser_print_header_and_footer_go(made) -> None:
    src = _read(made["browser"])
    assert src.lines[0].text == "在博物馆里上好大思政课"
    reasons = [d.reason for d in src.discarded]
    assert any(r.startswith("browser print header") for r in reasons)
    assert any(r.startswith("browser print footer") for r in reasons)
    assert "http" not in "".join(ln.text for ln in src.lines)


def test_watermark_goes_and_text_stays(made) -> None:
    src = _read(made["watermark"])
    text = "".join(ln.text for ln in src.lines)
    assert "内部资料" not in text and "注意保存" not in text
    assert [ln.text for ln in src.lines[1:]] == PARAGRAPHS * 6
    assert all("watermark" in d.reason for d in src.discarded)


def test_two_columns_read_column_by_column(made) -> None:
    src = _read(made["columns"])
    assert src.lines[0].text == "两栏排版的文章"
    assert [ln.text for ln in src.lines[1:]] == PARAGRAPHS * 6


# --- bad inputs --------------------------------------------------------------------------


def _error(data: bytes, name: str = "x.pdf", **kw) -> str:
    with pytest.raises(InputError) as err:
        read_source(data, name, **kw)
    message = str(err.value)
    assert "\n" not in message and message.startswith(name)
    return message


def _scan_pdf() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("L", (400, 560), 255)
    ImageDraw.Draw(image).rectangle((40, 40, 360, 80), fill=0)
    buf = io.BytesIO()
    image.save(buf, format="PDF", resolution=50)
    return buf.getvalue()


def test_scan_says_it_is_a_scan_and_what_to_do() -> None:
    message = _error(_scan_pdf())
    assert "scanned PDF" in message and "--ocr" in message


def test_encrypted_pdf(made) -> None:
    import pypdf

    reader = pypdf.PdfReader(made["browser"])
    writer = pypdf.PdfWriter()
    for p in reader.pages:
        writer.add_page(p)
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    assert "encrypted" in _error(buf.getvalue())


def test_pdf_with_only_an_owner_password_is_read(made) -> None:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(made["browser"]))
    writer.encrypt(user_password="", owner_password="owner", permissions_flag=0)
    buf = io.BytesIO()
    writer.write(buf)
    src = read_source(buf.getvalue(), "x.pdf")
    assert src.lines[0].text == "在博物馆里上好大思政课"


def test_truncated_pdf(made) -> None:
    data = made["running"].read_bytes()
    assert "truncated" in _error(data[: len(data) // 2])


def test_not_a_pdf() -> None:
    assert "not a PDF" in _error(b"<html><body>hello</body></html>")


def test_blank_pdf() -> None:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument.new()
    doc.new_page(595, 842)
    buf = io.BytesIO()
    doc.save(buf)
    assert "no text" in _error(buf.getvalue())


def test_cli_bad_pdf_one_line_no_traceback(tmp_path, capsys) -> None:
    bad = tmp_path / "扫描件.pdf"
    bad.write_bytes(_scan_pdf())
    with pytest.raises(SystemExit) as exit_:
        main(["check", str(bad)])
    err = capsys.readouterr().err
    assert exit_.value.code == EXIT_INPUT and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and "scanned PDF" in err


def test_ocr_without_tesseract_names_the_packages(monkeypatch) -> None:
    from pipeline.readers import ocr

    monkeypatch.setattr(ocr, "tesseract", lambda: None)
    with pytest.raises(EnvironmentProblem) as err:
        read_source(_scan_pdf(), "x.pdf", ocr=True)
    assert "tesseract-ocr-chi-sim" in str(err.value)
    assert err.value.exit_code == EXIT_ENVIRONMENT


def _has_tesseract() -> bool:
    from pipeline.readers import ocr

    return shutil.which("tesseract") is not None and ocr.tesseract() is not None


@pytest.mark.skipif(not _has_tesseract(), reason="tesseract-ocr-chi-sim not installed")
def test_ocr_reads_a_scanned_page(zh) -> None:
    from PIL import Image, ImageDraw, ImageFont

    font_path = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
    if not Path(font_path).is_file():
        pytest.skip("Noto Serif CJK not installed")
    image = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    draw = ImageDraw.Draw(image)
    draw.text((300, 150), "关于召开学习会议的通知", font=ImageFont.truetype(font_path, 56), fill=0)
    body = ImageFont.truetype(font_path, 36)
    lines = ["各支部：", "　　定于三月五日召开学习会议，请准时参加。"]
    for k, text in enumerate(lines):
        draw.text((150, 320 + 70 * k), text, font=body, fill=0)
    buf = io.BytesIO()
    image.save(buf, format="PDF", resolution=150)
    src = read_source(buf.getvalue(), "scan.pdf", ocr=True)
    text = "".join(ln.text for ln in src.lines)
    assert "学习会议的通知" in text and "请准时参加" in text
    assert src.read_as == "PDF，1 页，OCR 识别（Tesseract）"


# --- round trip through the project's own booklet writer ----------------------------------


def _long_model():
    from pipeline.model import Author, Block, Document, ListItem, Meta, Section

    def paras(topic: str, n: int) -> list[Block]:
        return [Block("paragraph", f"{topic}第{k}点：" + PARAGRAPHS[k % 3]) for k in range(1, n + 1)]

    return Document(
        meta=Meta(title="以党的二十大精神为指引书写新时代新答卷", subtitle="——踔厉奋发勇毅前行",
                  date="2022-12-19", source="十一师融媒体中心", authors=[Author("程秀娥")]),
        body=paras("总体要求", 2),
        sections=[
            Section(1, "一、", "突出政治建设，把坚持党的领导落到实处", body=paras("政治建设", 7), sections=[
                Section(2, "（一）", "构建学习体系", body=paras("学习体系", 4)),
                Section(2, "（二）", "抓好班子建设", body=[
                    Block("list", items=[ListItem("①", "抓学习；"), ListItem("②", "抓落实。")])]),
            ]),
            Section(1, "二、", "突出政治标准，着力建设高素质专业化干部队伍",
                    body=paras("干部队伍", 8) + [Block("signature", "十一师党委组织部")]),
        ])


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    from pipeline.options import AidOptions, BuildOptions
    from pipeline.writers import booklet

    model = _long_model()
    opts = BuildOptions(out_dir=tmp_path_factory.mktemp("booklet"), aids=AidOptions.none())
    reading = booklet.write(model, opts)[0]
    from pipeline.readers import read

    return model, read(reading)


def _outline(doc) -> list[tuple[int, str, str]]:
    return [(s.level, s.label, s.title) for s in doc.walk()]


def _texts(doc) -> list[str]:
    out = []
    for blocks in [doc.body] + [s.body for s in doc.walk()]:
        for b in blocks:
            out.extend([b.text] if b.type != "list" else [i.label + i.text for i in b.items])
    return out


def test_booklet_round_trip_outline_and_text(round_trip) -> None:
    model, doc = round_trip
    assert doc.meta.title == model.meta.title and doc.meta.subtitle == model.meta.subtitle
    assert _outline(doc) == _outline(model)
    got = _texts(doc)
    want = _texts(model)
    # every paragraph whole and in order (paragraphs broken across pages rejoined)
    positions = [got.index(t) for t in want]
    assert positions == sorted(positions)
    assert int(doc.read_as.split(", ")[1].split()[0]) >= 4  # several pages


def test_booklet_round_trip_discards_running_heads_folios_cover_and_contents(round_trip) -> None:
    model, doc = round_trip
    reasons = {d.reason for d in doc.discarded}
    assert {"running head", "page number", "table of contents"} <= reasons
    assert any(r.startswith("cover page") for r in reasons)
    body = "".join(_texts(doc))
    assert "—" + "3" + "—" not in body and "目录" not in body


def test_booklet_round_trip_byline(round_trip) -> None:
    model, doc = round_trip
    assert [a.name for a in doc.meta.authors] == ["程秀娥"]
    assert doc.meta.source == model.meta.source and doc.meta.date == model.meta.date
    assert _texts(doc)[0] == _texts(model)[0]


def test_booklet_round_trip_signature(round_trip) -> None:
    _, doc = round_trip
    assert doc.sections[-1].body[-1].type == "signature"


# --- the command line and the page say how a source was read ------------------------------


def test_check_says_how_the_pdf_was_read(made, capsys, zh) -> None:
    main(["check", "--input-format", "pdf", str(made["running"])])
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"文件：{made['running']}（PDF，2 页，文字层）"


def test_the_page_accepts_a_pdf_and_says_how_it_was_read(made, zh) -> None:
    pytest.importorskip("fastapi")
    from pipeline.serve.jobs import Upload, check_report

    report = check_report(Upload("通知.pdf", made["running"].read_bytes()))
    assert report["read_as"] == "PDF，2 页，文字层"
    assert report["title"] == "关于深入学习贯彻党的二十大精神的通知"
    assert report["report"].startswith("文件：通知.pdf（PDF，2 页，文字层）")
