"""Tables in the handout: Word tables the template places with ``{{p b.table }}``.

Each table is built as WordprocessingML (``w:tbl``) and handed to docxtpl as
markup, the way a docxtpl Subdoc is, without making a python-docx document
per table.  Its look comes from the template's paragraph styles (表头 for a
header row, 表格文字 for the cells, both 仿宋 4号), so a user restyles tables
in Word's style pane; borders, widths and the repeated header row are set
here because Word keeps them on the table, not in a paragraph style.
"""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn
from lxml import etree
from markupsafe import Markup

from pipeline.writers.context import Para, column_shares

HEADER_STYLE, CELL_STYLE = "表头", "表格文字"
BORDER_EIGHTHS = 4  # 0.5 pt
LONG_ROW_CHARS = 200  # a row holding more than this may break across pages


def _el(tag: str, parent: Any = None, **attrs: str) -> Any:
    el = etree.SubElement(parent, qn(tag)) if parent is not None else etree.Element(qn(tag))
    for name, value in attrs.items():
        el.set(qn(f"w:{name}"), value)
    return el


def column_widths(rows: list[list[str]], total: int) -> list[int]:
    """Column widths (twips) summing to ``total``, shared out as in the booklet."""
    widths = [int(total * share) for share in column_shares(rows)]
    widths[-1] += total - sum(widths)
    return widths


def table_xml(para: Para, text_width: int, styles: dict[str, str]) -> Markup:
    """One ``w:tbl`` as markup for docxtpl; ``styles`` maps style names to the template's
    style ids (a name the template lacks leaves its cells in the default style)."""
    rows = para.rows
    widths = column_widths(rows, text_width)
    tbl = _el("w:tbl")
    tpr = _el("w:tblPr", tbl)
    _el("w:tblW", tpr, w=str(text_width), type="dxa")
    _el("w:jc", tpr, val="center")
    borders = _el("w:tblBorders", tpr)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _el(f"w:{side}", borders, val="single", sz=str(BORDER_EIGHTHS), space="0", color="000000")
    _el("w:tblLayout", tpr, type="fixed")
    margins = _el("w:tblCellMar", tpr)
    for side in ("left", "right"):
        _el(f"w:{side}", margins, w="85", type="dxa")  # 1.5 mm
    grid = _el("w:tblGrid", tbl)
    for w in widths:
        _el("w:gridCol", grid, w=str(w))
    for i, row in enumerate(rows):
        header = para.header and i == 0
        tr = _el("w:tr", tbl)
        trpr = _el("w:trPr", tr)
        if sum(len(c) for c in row) <= LONG_ROW_CHARS:
            _el("w:cantSplit", trpr)
        if header:
            _el("w:tblHeader", trpr)  # repeated at the top of each page
        style = styles.get(HEADER_STYLE if header else CELL_STYLE)
        for w, text in zip(widths, row, strict=True):
            tc = _el("w:tc", tr)
            tcpr = _el("w:tcPr", tc)
            _el("w:tcW", tcpr, w=str(w), type="dxa")
            _el("w:vAlign", tcpr, val="center")
            for line in text.split("\n") or [""]:
                p = _el("w:p", tc)
                if style:
                    _el("w:pStyle", _el("w:pPr", p), val=style)
                if line:
                    t = _el("w:t", _el("w:r", p))
                    t.text = line
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return Markup(etree.tostring(tbl, encoding="unicode"))


def style_ids(document, names: tuple[str, ...] = (HEADER_STYLE, CELL_STYLE)) -> dict[str, str]:
    """The template's style id of each named paragraph style it has."""
    found = {}
    for st in document.styles.element.findall(qn("w:style")):
        name = st.find(qn("w:name"))
        if name is not None and name.get(qn("w:val")) in names:
            found[name.get(qn("w:val"))] = st.get(qn("w:styleId"))
    return found


def text_width(document) -> int:
    """Width of the type area in twips, from the template's first section."""
    sec = document.sections[0]
    width = (sec.page_width or 0) - (sec.left_margin or 0) - (sec.right_margin or 0)
    return max(int(width / 635), 1440)  # EMU → twips; at least an inch


def attach_tables(paras: list[Para], document) -> None:
    """Give every table paragraph its Word table (``para.table``)."""
    tables = [p for p in paras if p.kind == "table" and p.rows]
    if not tables:
        return
    styles, width = style_ids(document), text_width(document)
    for para in tables:
        para.table = table_xml(para, width, styles)
