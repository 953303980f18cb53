"""The Word handout: text conserved, GB/T 9704 styles, fonts named, templates safe."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from sample_doc import sample_document

from pipeline.enrich import enrich
from pipeline.errors import TemplateError
from pipeline.model import Block, Document, Meta, heading_text, section_name
from pipeline.options import AidOptions, BuildOptions
from pipeline.templating import builtin_templates_dir
from pipeline.writers.handout import write

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus")
HAN = re.compile(r"[\u3400-\u9fff]")
QUOTES = set("“”‘’")


def build(tmp_path: Path, doc: Document | None = None, **kw) -> Path:
    doc = doc if doc is not None else enrich(sample_document(), AidOptions())
    opts = BuildOptions(out_dir=tmp_path / "out", **kw)
    (path,) = write(doc, opts)
    return path


def expected_pieces(doc: Document) -> list[str]:
    """Every heading and block of the model, in order, as it must appear."""
    out: list[str] = []

    def blocks(body: list[Block]) -> None:
        for b in body:
            if b.type == "list":
                out.extend(f"{i.label}{i.text}" for i in b.items)
            else:
                out.extend(t for t in (b.label, b.text) if t)

    blocks(doc.body)
    for sec in doc.walk():
        out.append(f"{sec.label}{heading_text(sec)}" if sec.run_in else section_name(sec))
        blocks(sec.body)
    return out


def assert_conserved(path: Path, doc: Document) -> None:
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    pos = 0
    for piece in expected_pieces(doc):
        found = text.find(piece, pos)
        assert found >= 0, f"missing or out of order: {piece[:40]!r}"
        pos = found + len(piece)


def test_text_conserved_in_order(tmp_path: Path) -> None:
    doc = enrich(sample_document(), AidOptions())
    assert_conserved(build(tmp_path, doc), doc)


def test_markup_characters_survive(tmp_path: Path) -> None:
    doc = sample_document()
    doc.body.append(Block("paragraph", "a<b & c>d {{ x }} {% y %} “引号”"))
    path = build(tmp_path, enrich(doc, AidOptions.none()))
    assert "a<b & c>d {{ x }} {% y %} “引号”" in [p.text for p in docx.Document(str(path)).paragraphs]


def test_output_path(tmp_path: Path) -> None:
    path = build(tmp_path)
    title = "以党的二十大精神为指引书写新时代新答卷"
    assert path == tmp_path / "out" / title / f"{title}.handout.docx"
    assert path.is_file()
    assert not list(path.parent.glob("*.part"))


def test_heading_levels_map_to_styles(tmp_path: Path) -> None:
    d = docx.Document(str(build(tmp_path)))
    by_text = {p.text: p for p in d.paragraphs}
    assert by_text["一、突出政治建设，把坚持党的领导落到实处"].style.name == "Heading 1"
    assert by_text["二、突出政治标准，着力建设高素质专业化干部队伍"].style.name == "Heading 1"
    assert by_text["1.抓好班子"].style.name == "Heading 3"
    fonts = {name: d.styles[name].element.rPr.rFonts.get(qn("w:eastAsia"))
             for name in ("Heading 1", "Heading 2", "Heading 3", "Normal", "Title")}
    assert fonts == {"Heading 1": "黑体", "Heading 2": "楷体_GB2312", "Heading 3": "仿宋_GB2312",
                     "Normal": "仿宋_GB2312", "Title": "方正小标宋简体"}
    # GB/T 9704: 黑体, 楷体, 仿宋, 仿宋, none bold (bold is --bold-headings)
    assert not any(d.styles[n].font.bold for n in ("Heading 1", "Heading 2", "Heading 3"))
    assert d.styles["Normal"].font.size == Pt(16) and d.styles["Title"].font.size == Pt(22)


def test_run_in_heading_takes_its_level_font_in_the_same_paragraph(tmp_path: Path) -> None:
    d = docx.Document(str(build(tmp_path)))
    (p,) = [p for p in d.paragraphs if p.text.startswith("（一）构建学习体系。")]
    assert p.text == "（一）构建学习体系。坚持用“三个务必”武装头脑，指导实践。"
    assert p.style.name == "Normal"
    head, body = p.runs[0], p.runs[1]
    # a level-2 run-in heading is 楷体 (GB/T 9704), not bold 仿宋
    assert head.text == "（一）构建学习体系。" and head.style.name == "二级标题字"
    assert head.style.element.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    assert not head.style.font.bold
    assert body.text.startswith("坚持") and not body.bold and not body.style.font.bold


def test_bold_headings_is_an_option(tmp_path: Path) -> None:
    d = docx.Document(str(build(tmp_path, bold_headings=True)))
    assert d.styles["Heading 2"].font.bold and d.styles["Heading 3"].font.bold
    assert d.styles["二级标题字"].font.bold and not d.styles["Heading 1"].font.bold
    (p,) = [p for p in d.paragraphs if p.text.startswith("（一）构建学习体系。")]
    assert p.runs[0].style.font.bold and not p.runs[1].style.font.bold


def test_body_style_is_official(tmp_path: Path) -> None:
    normal = docx.Document(str(build(tmp_path))).styles["Normal"]
    pf = normal.paragraph_format
    ind = normal.element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"
    assert pf.line_spacing == Pt(28.9) and pf.space_after == 0


def _runs_with_text(root):
    for r in root.iter(qn("w:r")):
        text = "".join(t.text or "" for t in r.iter(qn("w:t")))
        if text:
            yield r, text


def test_east_asian_fonts_everywhere(tmp_path: Path) -> None:
    d = docx.Document(str(build(tmp_path, org="十一师党委组织部")))
    styles = d.styles.element
    default = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert default.get(qn("w:eastAsia"))
    for st in styles.findall(qn("w:style")):
        rfonts = st.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        if rfonts is not None:
            assert rfonts.get(qn("w:eastAsia")), st.get(qn("w:styleId"))
            assert rfonts.get(qn("w:eastAsiaTheme")) is None
    roots = [d.element.body] + [s.footer._element for s in d.sections] + \
        [s.even_page_footer._element for s in d.sections]
    checked = hinted = 0
    for root in roots:
        for r, text in _runs_with_text(root):
            rfonts = r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
            if HAN.search(text):
                checked += 1
                assert rfonts is not None and rfonts.get(qn("w:eastAsia")), text
            if QUOTES & set(text):
                hinted += 1
                assert rfonts.get(qn("w:hint")) == "eastAsia", text
    assert checked > 20 and hinted > 3


def test_page_size_and_margins(tmp_path: Path) -> None:
    sec = docx.Document(str(build(tmp_path))).sections[0]
    for got, want in ((sec.page_width, 210), (sec.page_height, 297), (sec.top_margin, 37),
                      (sec.bottom_margin, 35), (sec.left_margin, 28), (sec.right_margin, 26)):
        assert abs(got - Mm(want)) < Mm(0.1)


def test_odd_and_even_page_numbers(tmp_path: Path) -> None:
    d = docx.Document(str(build(tmp_path)))
    assert d.settings.element.find(qn("w:evenAndOddHeaders")) is not None
    sec = d.sections[0]
    for footer, align in ((sec.footer, "right"), (sec.even_page_footer, "left")):
        (p,) = footer.paragraphs
        instr = "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
        assert re.fullmatch(r"— \d+ —", p.text)
        jc = p._p.pPr.find(qn("w:jc")).get(qn("w:val"))
        assert jc == align
        rfonts = [r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}") for r, _ in _runs_with_text(p._p)]
        assert all(f is not None and f.get(qn("w:eastAsia")) == "宋体" for f in rfonts)
        assert footer.paragraphs[0].style.font.size == Pt(14)


def test_header_block(tmp_path: Path) -> None:
    d = docx.Document(str(build(tmp_path, org="十一师党委组织部", session_date="2026-12-01")))
    texts = [p.text for p in d.paragraphs]
    assert texts[0] == "十一师党委组织部"
    assert texts[1] == "以党的二十大精神为指引书写新时代新答卷"
    assert d.paragraphs[1].style.name == "Title"
    assert "——踔厉奋发勇毅前行" in texts
    assert "十一师党委常委、副政委、组织部部长　程秀娥" in texts
    assert "来源：十一师融媒体中心　2022年12月19日" in texts
    assert "学习时间：2026年12月1日" in texts


def test_aids_sections_and_answer_key_last(tmp_path: Path) -> None:
    d = docx.Document(str(build(tmp_path)))
    texts = [p.text for p in d.paragraphs]
    for heading in ("重点摘编", "名词解释", "思考讨论题", "学习测试", "学习笔记", "学习测试参考答案"):
        assert heading in texts
    answers = texts.index("学习测试参考答案")
    assert texts.index("学习笔记") < answers
    assert d.paragraphs[answers].style.paragraph_format.page_break_before
    quiz = enrich(sample_document(), AidOptions()).aids.quiz
    assert quiz and texts[answers + 1:] == [f"{i}. {q.answer}" for i, q in enumerate(quiz, 1)]
    glossary = texts[texts.index("名词解释") + 1:texts.index("思考讨论题")]
    assert glossary and all(re.match(r"^\S+：\S", t) for t in glossary)  # no blank to fill
    assert not any("{{" in t or "{%" in t for t in texts)


def test_aids_switched_off_and_plain(tmp_path: Path) -> None:
    doc = enrich(sample_document(), AidOptions.none())
    texts = [p.text for p in docx.Document(str(build(tmp_path / "a", doc))).paragraphs]
    assert not {"学习辅导", "重点摘编", "学习笔记", "学习测试参考答案"} & set(texts)
    full = enrich(sample_document(), AidOptions())
    texts = [p.text for p in docx.Document(str(build(tmp_path / "b", full, variant="plain"))).paragraphs]
    assert not {"学习辅导", "重点摘编", "学习笔记", "学习测试参考答案"} & set(texts)
    assert_conserved(build(tmp_path / "c", full, variant="plain"), full)


def test_large_print(tmp_path: Path) -> None:
    d = docx.Document(str(build(tmp_path, variant="large-print")))
    assert Pt(18) <= d.styles["Normal"].font.size <= Pt(20)
    assert d.styles["Normal"].paragraph_format.line_spacing > Pt(30)
    assert d.styles["Footer"].font.size == Pt(14)


def _user_template(tmp_path: Path) -> Path:
    folder = tmp_path / "templates" / "handout"
    folder.mkdir(parents=True)
    target = folder / "handout.docx"
    shutil.copy(builtin_templates_dir() / "handout" / "handout.docx", target)
    return target


def test_user_template_is_used(tmp_path: Path) -> None:
    target = _user_template(tmp_path)
    t = docx.Document(str(target))
    t.styles["Normal"].element.rPr.rFonts.set(qn("w:eastAsia"), "楷体")
    header = t.sections[0].header
    header.paragraphs[0].text = "内部学习资料　{{ org }}"
    t.save(str(target))
    d = docx.Document(str(build(tmp_path, org="十一师党委组织部",
                                template_dirs=[tmp_path / "templates"])))
    assert d.sections[0].header.paragraphs[0].text == "内部学习资料　十一师党委组织部"
    (p,) = [p for p in d.paragraphs if p.text.startswith("党的二十大报告中指出")]
    assert p.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "楷体"


@pytest.mark.parametrize("tag,words", [
    ("{{ title | }}", ["syntax error"]),
    ("{{ nosuchvar }}", ["nosuchvar", "undefined"]),
    ("{{ meta.nosuchfield }}", ["nosuchfield"]),
    ("{{ title.__class__.__mro__ }}", ["not allowed"]),
    ("{%p if x %}", ["syntax error"]),
])
def test_bad_template_is_one_line_and_leaves_nothing(tmp_path: Path, tag: str, words: list[str]) -> None:
    target = _user_template(tmp_path)
    t = docx.Document(str(target))
    t.add_paragraph(tag)
    t.save(str(target))
    with pytest.raises(TemplateError) as info:
        build(tmp_path, template_dirs=[tmp_path / "templates"])
    msg = str(info.value)
    assert "\n" not in msg
    assert "templates/handout/handout.docx" in msg
    assert tag.replace("{%p", "{%") in msg, msg
    for word in words:
        assert word in msg
    out = tmp_path / "out"
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()]


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir() if p.name != "README.md")


@pytest.mark.parametrize("source", _corpus_files(), ids=lambda p: p.name)
def test_corpus_builds(tmp_path: Path, source: Path) -> None:
    from pipeline.readers import read

    doc = enrich(read(str(source)), AidOptions())
    path = build(tmp_path, doc)
    assert_conserved(path, doc)


# --- official documents (公文, GB/T 9704) and tables -------------------------------

def _ind(p, attr: str) -> int:
    """A paragraph's indent attribute (hundredths of a character), own or from its style."""
    for ppr in (p._p.pPr, p.style.element.pPr):
        ind = ppr.find(qn("w:ind")) if ppr is not None else None
        if ind is not None and ind.get(qn(f"w:{attr}")) is not None:
            return int(ind.get(qn(f"w:{attr}")))
    return 0


def _official(tmp_path: Path, **kw) -> docx.document.Document:
    from official_doc import official_notice

    doc = enrich(official_notice(**kw), AidOptions())
    return docx.Document(str(build(tmp_path, doc)))


def test_official_document_parts_where_gb9704_puts_them(tmp_path: Path) -> None:
    from official_doc import ADDRESSEES

    d = _official(tmp_path)
    paras = d.paragraphs
    texts = [p.text for p in paras]
    at = {p.style.name: i for i, p in reversed(list(enumerate(paras)))}  # first of each style
    # 发文字号 under the title, centred
    number = paras[at["发文字号"]]
    assert number.text == "组厅字〔2025〕38号" and at["Title"] < at["发文字号"]
    assert number.style.paragraph_format.alignment == 1  # centre
    # 主送 flush left, after an empty line, before the text, ending with a colon
    main = paras[at["主送"]]
    assert main.text == "".join(ADDRESSEES) + "：" and main.text.endswith("卫生健康委：")
    assert _ind(main, "firstLineChars") == 0 and _ind(main, "leftChars") == 0
    assert paras[at["主送"] - 1].text == ""
    assert at["主送"] < texts.index(next(t for t in texts if t.startswith("为进一步提高")))
    # 附件说明: an empty line above; 附件：1.… wraps under the name, 2.… aligned with 1.
    note = paras[at["附件说明"]]
    assert note.text.startswith("附件：1.") and paras[at["附件说明"] - 1].text == ""
    assert _ind(note, "leftChars") == 500 and _ind(note, "hangingChars") == 300
    item = paras[at["附件名称"]]
    assert item.text.startswith("2.") and _ind(item, "leftChars") == 500
    # 发文机关署名 and 成文日期: an empty line above, the date 右空四字, the signer centred on it
    signer, date = paras[at["发文机关署名"]], paras[at["成文日期"]]
    assert at["附件名称"] < at["发文机关署名"] - 1 and paras[at["发文机关署名"] - 1].text == ""
    assert at["成文日期"] == at["发文机关署名"] + 1 and date.text == "2025年11月11日"
    assert date.style.paragraph_format.alignment == 2 and _ind(date, "rightChars") == 400
    # 10 characters over 8¼: its right indent is 4 − (10 − 8.25) / 2 characters
    assert signer.text == "国家卫生健康委办公厅" and _ind(signer, "rightChars") == 312
    # 版记: 抄送 and 印发 between rules, after the signature, before the study aids
    cc = paras[at["版记"]]
    assert cc.text == "抄送：中央纪委国家监委机关，最高人民法院，最高人民检察院。"
    issued = paras[at["版记"] + 2]
    assert issued.text == "中共中央组织部办公厅\t2025年11月12日印发"
    assert paras[at["版记"] + 1].style.name == "版记细线"
    assert paras[at["版记"] - 1].style.name == "版记粗线" == paras[at["版记"] + 3].style.name
    assert at["成文日期"] < at["版记"] < at["辅文总标题"]
    rule = d.styles["版记粗线"].element.pPr.find(qn("w:pBdr")).find(qn("w:top"))
    assert rule.get(qn("w:sz")) == "8"  # 1 pt, the standard's 0.35 mm


def test_long_signer_stays_right_of_the_margin(tmp_path: Path) -> None:
    d = _official(tmp_path, signer="中共中央组织部办公厅　国家卫生健康委办公厅")
    (signer,) = [p for p in d.paragraphs if p.style.name == "发文机关署名"]
    assert _ind(signer, "rightChars") == 0  # longer than the date: flush right, not negative


def test_chapter_headings_are_centred(tmp_path: Path) -> None:
    from pipeline.model import Section

    doc = Document(meta=Meta(title="某某工作条例"), sections=[
        Section(1, "第一章", "总则", body=[Block("paragraph", "第一条", label="第一条")],
                sections=[Section(2, "第一节", "一般规定", body=[Block("paragraph", "规定。")])]),
        Section(1, "第二章", "组织", body=[Block("paragraph", "组织。")])])
    d = docx.Document(str(build(tmp_path, enrich(doc, AidOptions.none()))))
    by_text = {p.text: p for p in d.paragraphs}
    chapter, section = by_text["第一章　总则"], by_text["第一节　一般规定"]
    assert chapter.style.name == "章标题" and section.style.name == "节标题"
    for p in (chapter, section):
        assert p.style.paragraph_format.alignment == 1 and _ind(p, "firstLineChars") == 0
    assert chapter.style.element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert chapter.style.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == "0"


def test_table_is_a_word_table(tmp_path: Path) -> None:
    from official_doc import TABLE

    d = _official(tmp_path)
    (table,) = d.tables
    assert [[c.text for c in row.cells] for row in table.rows] == TABLE
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on each page
    assert all(c.paragraphs[0].style.name == "表头" for c in header.cells)
    assert d.styles["表头"].font.bold and d.styles["表格文字"].font.size == Pt(14)
    assert table.rows[1].cells[0].paragraphs[0].style.name == "表格文字"
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {el.tag.split("}")[1] for el in borders} >= {"top", "bottom", "insideH", "insideV"}
    widths = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert abs(sum(widths) - int(Mm(156).twips)) < 30 and widths[2] > widths[1]  # the wordy column
    caption = next(p for p in d.paragraphs if p.text == "表1　调整前后标准对照")
    assert caption.style.name == "表题"
    for r in table._tbl.iter(qn("w:r")):  # East-Asian font on every run in the table
        assert r.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_first_row_of_figures_is_not_a_header(tmp_path: Path) -> None:
    doc = Document(meta=Meta(title="数据"), body=[
        Block("table", rows=[["2023年", "100"], ["2024年", "120"]])])
    d = docx.Document(str(build(tmp_path, enrich(doc, AidOptions.none()))))
    (table,) = d.tables
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is None
    assert table.rows[0].cells[0].paragraphs[0].style.name == "表格文字"
