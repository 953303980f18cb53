"""Word reader: paragraphs and cells in order, heading styles, core properties, bad files."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement

from pipeline.errors import InputError
from pipeline.readers import docx as docx_reader
from pipeline.readers import read_source


def _save(document, tmp_path: Path, name: str = "t.docx") -> bytes:
    path = tmp_path / name
    document.save(str(path))
    return path.read_bytes()


def _sample() -> docx.document.Document:
    d = docx.Document()
    d.add_paragraph("党史学习教育工作条例", style="Title")
    d.add_paragraph("（2024年1月18日中共中央政治局常委会会议审议批准）")
    d.add_heading("第一章 总则", level=1)
    d.add_paragraph("第一条 为了推动党史学习教育常态化长效化，制定本条例。")
    d.add_heading("（一）学史明理", level=2)
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "项目"
    table.cell(0, 1).text = "内容"
    table.cell(1, 0).text = "时间"
    table.cell(1, 1).text = "2024年"
    d.add_paragraph("")
    d.add_paragraph("（来源：新华社）")
    return d


def test_paragraphs_headings_and_cells_in_order(tmp_path):
    st = docx_reader.read(_save(_sample(), tmp_path), "t.docx")
    assert st.format == "docx"
    got = [(ln.lineno, ln.heading, ln.text, ln.table) for ln in st.lines]
    assert got == [
        (1, None, "党史学习教育工作条例", None),
        (2, None, "（2024年1月18日中共中央政治局常委会会议审议批准）", None),
        (3, 1, "第一章 总则", None),
        (4, None, "第一条 为了推动党史学习教育常态化长效化，制定本条例。", None),
        (5, 2, "（一）学史明理", None),
        (6, None, "", [["项目", "内容"], ["时间", "2024年"]]),  # a table of data: one table
        (8, None, "（来源：新华社）", None),  # the empty paragraph 7 gives no line
    ]
    assert st.hints.title == "党史学习教育工作条例"


def test_tables_become_table_blocks_and_layout_tables_paragraphs(tmp_path):
    d = docx.Document()
    cover = d.add_table(rows=1, cols=1)  # a frame around the title: layout, not data
    cover.cell(0, 0).text = "关于开展主题教育的通知"
    d.add_paragraph("各支部：现将有关事项通知如下，请认真贯彻执行，确保取得实效。")
    data = d.add_table(rows=2, cols=3)
    for c, text in enumerate(["时间", "地点", "内容"]):
        data.cell(0, c).text = text
    for c, text in enumerate(["3月5日", "会议室", "集中学习"]):
        data.cell(1, c).text = text
    doc = read_source(_save(d, tmp_path), "t.docx")
    assert doc.lines[0].text == "关于开展主题教育的通知" and doc.lines[0].table is None
    from pipeline.parser import parse

    model = parse(doc)
    tables = [b for b in model.body if b.type == "table"]
    assert [b.rows for b in tables] == [[["时间", "地点", "内容"], ["3月5日", "会议室", "集中学习"]]]


def test_word_numbering_is_printed_into_the_labels(tmp_path):
    """Numbers Word draws from list definitions (一、 （一） 1.) are part of the heading text."""
    data = _numbered_docx(tmp_path)
    st = docx_reader.read(data, "n.docx")
    assert [ln.text for ln in st.lines] == [
        "一、总体要求", "（一）指导思想", "正文段落。", "（二）工作目标", "二、主要任务", "（一）学习", "1.读原著"]


def _numbered_docx(tmp_path: Path) -> bytes:
    """A .docx whose headings are numbered by Word (w:numPr), not typed."""
    import zipfile

    d = docx.Document()
    for text, level in [("总体要求", 0), ("指导思想", 1), ("正文段落。", None), ("工作目标", 1),
                        ("主要任务", 0), ("学习", 1), ("读原著", 2)]:
        p = d.add_paragraph(text)
        if level is not None:
            ppr = p._p.get_or_add_pPr()
            num_pr = ppr.makeelement(qn("w:numPr"), {})
            ilvl = num_pr.makeelement(qn("w:ilvl"), {qn("w:val"): str(level)})
            num_id = num_pr.makeelement(qn("w:numId"), {qn("w:val"): "7"})
            num_pr.extend([ilvl, num_id])
            ppr.append(num_pr)
    path = tmp_path / "n.docx"
    d.save(str(path))
    numbering = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<w:abstractNum w:abstractNumId="3">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="（%2）"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%3."/></w:lvl>'
        '</w:abstractNum><w:num w:numId="7"><w:abstractNumId w:val="3"/></w:num></w:numbering>')
    with zipfile.ZipFile(path) as zin:
        items = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    items["word/numbering.xml"] = numbering.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for fname, blob in items.items():
            zout.writestr(fname, blob)
    return path.read_bytes()


def test_word_number_formats():
    from pipeline.readers.docx import format_number

    assert [format_number(n, "chineseCounting") for n in (1, 10, 11, 20, 21, 99)] == [
        "一", "十", "十一", "二十", "二十一", "九十九"]
    assert format_number(3, "decimalEnclosedCircle") == "③"
    assert format_number(2, "chineseLegalSimplified") == "贰"
    assert format_number(4, "upperRoman") == "IV"


def test_core_properties_into_hints(tmp_path):
    d = docx.Document()
    d.add_paragraph("正文")
    d.core_properties.title = "关于开展学习的通知"
    d.core_properties.author = "张三；李四"
    d.core_properties.created = dt.datetime(2024, 2, 25, 9, 30)
    st = docx_reader.read(_save(d, tmp_path), "t.docx")
    assert st.hints.title == "关于开展学习的通知"
    assert [a.name for a in st.hints.authors] == ["张三", "李四"]
    assert st.hints.date is None  # when the file was made is not the document's date


def test_placeholder_properties_are_ignored(tmp_path):
    d = docx.Document()  # python-docx's template: author "python-docx", created 2013-12-23
    d.add_paragraph("正文")
    st = docx_reader.read(_save(d, tmp_path), "t.docx")
    assert st.hints.authors == []
    assert st.hints.date is None
    assert st.hints.title == ""
    d.core_properties.author = "Administrator"
    assert docx_reader.read(_save(d, tmp_path), "t.docx").hints.authors == []


def test_chinese_style_names_base_styles_and_outline_levels(tmp_path):
    d = docx.Document()
    styles = d.styles
    cn = styles.add_style("标题 3", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    custom = styles.add_style("我的章标题", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = styles["Heading 2"]
    d.add_paragraph("一、总体要求", style=cn)
    d.add_paragraph("二、主要任务", style=custom)
    p = d.add_paragraph("三、大纲级别")
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "0")
    p._p.get_or_add_pPr().append(outline)
    d.add_paragraph("副标题文字", style="Subtitle")
    st = docx_reader.read(_save(d, tmp_path), "t.docx")
    assert [(ln.heading, ln.text) for ln in st.lines] == [
        (3, "一、总体要求"), (2, "二、主要任务"), (1, "三、大纲级别"), (None, "副标题文字")]
    assert st.hints.subtitle == "副标题文字"


def test_soft_breaks_tabs_and_tracked_insertions(tmp_path):
    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("第一行")
    p.add_run().add_break()
    p.add_run("第二行\t尾")
    # A tracked insertion: python-docx's Paragraph.text would miss it.
    p2 = d.add_paragraph("前")
    ins = OxmlElement("w:ins")
    ins.set(qn("w:id"), "1")
    ins.set(qn("w:author"), "x")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "插入的字"
    run.append(t)
    ins.append(run)
    p2._p.append(ins)
    # Deleted text is not text.
    dele = OxmlElement("w:del")
    dele.set(qn("w:id"), "2")
    dele.set(qn("w:author"), "x")
    drun = OxmlElement("w:r")
    dt_ = OxmlElement("w:delText")
    dt_.text = "删掉的字"
    drun.append(dt_)
    dele.append(drun)
    p2._p.append(dele)
    st = docx_reader.read(_save(d, tmp_path), "t.docx")
    assert [(ln.lineno, ln.text) for ln in st.lines] == [
        (1, "第一行"), (1, "第二行\t尾"), (2, "前插入的字")]


def test_merged_cells_are_read_once(tmp_path):
    d = docx.Document()
    table = d.add_table(rows=1, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "合并"
    table.cell(0, 2).text = "单独"
    st = docx_reader.read(_save(d, tmp_path), "t.docx")
    assert [ln.text for ln in st.lines] == ["合并", "单独"]  # one row: a layout table


def test_dispatch_by_extension(tmp_path):
    assert read_source(_save(_sample(), tmp_path), "x.DOCX").format == "docx"


def _bad_inputs(tmp_path: Path) -> dict[str, bytes]:
    good = _save(_sample(), tmp_path)
    no_doc = io.BytesIO()
    with zipfile.ZipFile(no_doc, "w") as zf:
        zf.writestr("hello.txt", "hi")
    broken_xml = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(broken_xml, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "word/document.xml":
                body = body[: len(body) // 2]
            dst.writestr(info, body)
    return {
        "truncated": good[: len(good) // 2],
        "truncated-tail": good[:-30],
        "empty": b"",
        "text": "这不是Word文件".encode(),
        "garbage": bytes(range(256)) * 10,
        "encrypted-or-doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        "zip-without-document": no_doc.getvalue(),
        "broken-xml": broken_xml.getvalue(),
    }


@pytest.mark.parametrize("case", ["truncated", "truncated-tail", "empty", "text", "garbage",
                                  "encrypted-or-doc", "zip-without-document", "broken-xml"])
def test_bad_files_are_input_errors(tmp_path, case):
    data = _bad_inputs(tmp_path)[case]
    with pytest.raises(InputError) as err:
        docx_reader.read(data, "bad.docx")
    msg = str(err.value)
    assert msg.startswith("bad.docx: not a valid .docx file (")
    assert "\n" not in msg
