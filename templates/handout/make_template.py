"""Build the default handout template, templates/handout/handout.docx.

Run:  python templates/handout/make_template.py
The .docx is generated (and committed) so that every style and tag in it can
be reviewed here and rebuilt; users open the .docx in Word, change fonts,
wording, header or logo, save it in their own templates/handout/ folder, and
studykit uses it from then on.

The layout follows GB/T 9704-2012 (党政机关公文格式): A4, margins 37/35/28/26 mm,
22 lines of 28 characters, title 2号小标宋, body 3号仿宋, headings 黑体/楷体/仿宋/仿宋
(not bold: bold is local practice, ``--bold-headings``), 第一章 headings centred,
page numbers “— 1 —” in 4号宋体 on the outer side.  An official document's own
parts sit where the standard puts them: 发文字号 under the title, 主送 flush
left, 附件说明 after an empty line, 发文机关署名 and 成文日期 (右空四字) after an
empty line, 抄送 and 印发 in the 版记 between rules.  Tables are Word tables
(表题, 表头, 表格文字 styles).

All formatting lives in named styles (正文 = Normal, 标题 1–3, …); paragraphs
in the template carry no direct formatting, so restyling in Word's style pane
changes every paragraph of that kind.  The writer names each run's
East-Asian font from these styles at render time.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

OUT = Path(__file__).resolve().parent / "handout.docx"

# Office fonts named in the document, with the fallback Word/WPS substitute
# when the reader lacks them (w:altName in the font table).
FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"
LATIN = "Times New Roman"
FALLBACKS = {FANGSONG: "仿宋", KAITI: "楷体", XIAOBIAOSONG: "宋体", HEITI: "SimHei",
             SONGTI: "SimSun"}

BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
PAGE_NO_PT = 14  # 四号
LINE_PITCH = Pt(28.9)  # 22 lines in the 225 mm type area
# 28 characters in the 156 mm line: 442 pt / 28 = 15.79 pt per character, so
# 16 pt text is condensed by 0.25 pt.  (Word's character grid, docGrid
# linesAndChars, does the same in Word but LibreOffice spreads the text.)
CONDENSE_TWIPS = -5
TEXT_WIDTH = Mm(210 - 28 - 26)  # 156 mm
CHARS_PER_LINE = 28
NOTE_LINES = 20
GRID_TYPE = "lines"
BANJI_PT = 14  # 版记: 4号仿宋
TABLE_PT = 14  # table text: 4号仿宋
TABLE_LINE = Pt(22)
RULE_THICK, RULE_THIN = 8, 6  # 版记 rules in eighths of a point: 1 pt (0.35 mm), 0.75 pt

KEEP = {"Normal", "Header", "Footer", "Heading 1", "Heading 2", "Heading 3", "Title", "Subtitle",
        "List Paragraph", "Default Paragraph Font", "Normal Table", "No List", "Table Grid"}


def set_fonts(rpr, east: str, latin: str = LATIN) -> None:
    """Name the Latin and the East-Asian font; drop theme fonts, which would win."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in list(rfonts.attrib):
        if attr.endswith("Theme") or attr.endswith("theme"):
            del rfonts.attrib[attr]
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east)
    rfonts.set(qn("w:cs"), latin)


def first_line_chars(pf_element, chars: int) -> None:
    """First-line indent in characters (w:firstLineChars), which scales with the font."""
    ppr = pf_element.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    for attr in list(ind.attrib):
        del ind.attrib[attr]
    # explicit zeros too: an empty w:ind would inherit Normal's indent
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(chars * BODY_PT * 20))


def style(doc, name: str, *, base: str | None = "Normal", east: str = FANGSONG, size: float = BODY_PT,
          bold: bool = False, align=None, indent_chars: int | None = None, line: Pt | None = LINE_PITCH,
          kind=WD_STYLE_TYPE.PARAGRAPH, page_break: bool = False, keep_next: bool = False,
          outline: int | None = None, latin: str = LATIN, space_before: Pt | None = None):
    styles = doc.styles
    st = styles[name] if name in [s.name for s in styles] else styles.add_style(name, kind)
    if base and name != base:
        st.base_style = styles[base]
    st.hidden = False
    st.quick_style = True
    st.font.size = Pt(size)
    st.font.bold = bold
    st.font.italic = False
    st.font.color.rgb = None
    set_fonts(st.element.get_or_add_rPr(), east, latin)
    if kind != WD_STYLE_TYPE.PARAGRAPH:
        return st
    pf = st.paragraph_format
    pf.space_before = space_before or Pt(0)
    pf.space_after = Pt(0)
    if line is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = line
    if align is not None:
        pf.alignment = align
    pf.keep_with_next = keep_next
    pf.page_break_before = page_break
    pf.widow_control = False  # keep the 22-line grid: no lines pushed to the next page
    if indent_chars is not None:
        pf.left_indent = None
        pf.right_indent = None
        first_line_chars(st.element, indent_chars)
    ppr = st.element.get_or_add_pPr()
    for tag in ("w:pBdr", "w:contextualSpacing"):
        for el in ppr.findall(qn(tag)):
            ppr.remove(el)
    if outline is not None:
        el = ppr.find(qn("w:outlineLvl"))
        if el is None:
            el = OxmlElement("w:outlineLvl")
            ppr.append(el)
        el.set(qn("w:val"), str(outline))
    return st


def condense(rpr) -> None:
    el = rpr.find(qn("w:spacing"))
    if el is None:
        el = OxmlElement("w:spacing")
        after = [rpr.find(qn(t)) for t in ("w:w", "w:kern", "w:position", "w:sz")]
        anchor = next((a for a in after if a is not None), None)
        if anchor is not None:
            anchor.addprevious(el)
        else:
            rpr.append(el)
    el.set(qn("w:val"), str(CONDENSE_TWIPS))


def clean_defaults(doc) -> None:
    """Document defaults: 仿宋 16 pt, Chinese language, no theme fonts."""
    styles_el = doc.styles.element
    rpr = styles_el.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, FANGSONG)
    rpr.find(qn("w:sz")).set(qn("w:val"), str(BODY_PT * 2))
    rpr.find(qn("w:szCs")).set(qn("w:val"), str(BODY_PT * 2))
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    ppr = styles_el.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), str(int(LINE_PITCH.pt * 20)))
    spacing.set(qn("w:lineRule"), "exact")


def prune_styles(doc) -> None:
    """Keep the styles the handout uses, so users see a short, meaningful style list."""
    styles_el = doc.styles.element
    for st in list(doc.styles):
        if st.name not in KEEP and not st.element.get("studykit"):
            styles_el.remove(st.element)
    for st in styles_el.findall(qn("w:style")):
        for tag in ("w:link",):
            for el in st.findall(qn(tag)):
                st.remove(el)


def font_table(doc) -> None:
    """Declare the office fonts with GB2312 charset and a fallback (w:altName)."""
    part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype == RT.FONT_TABLE)
    from docx.oxml import parse_xml

    root = parse_xml(part.blob)
    for name, alt in FALLBACKS.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        el = OxmlElement("w:altName")
        el.set(qn("w:val"), alt)
        font.append(el)
        for tag, val in (("w:charset", "86"), ("w:family", "modern" if name != HEITI else "swiss"),
                         ("w:pitch", "fixed")):
            el = OxmlElement(tag)
            el.set(qn("w:val"), val)
            font.append(el)
        root.append(font)
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def page_setup(doc) -> None:
    sec = doc.sections[0]
    sec.start_type = WD_SECTION.NEW_PAGE
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    sec.header_distance, sec.footer_distance = Mm(15), Mm(25)
    doc.settings.odd_and_even_pages_header_footer = True  # <w:evenAndOddHeaders/>
    sectpr = sec._sectPr
    grid = sectpr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sectpr.append(grid)
    # 28 characters per line: the grid's pitch is 156 mm / 28, i.e. a little
    # under 16 pt; w:charSpace is the difference in 1/4096 pt.
    pitch = TEXT_WIDTH.pt / CHARS_PER_LINE
    grid.set(qn("w:type"), GRID_TYPE)
    grid.set(qn("w:linePitch"), str(int(LINE_PITCH.pt * 20)))
    grid.set(qn("w:charSpace"), str(round((pitch - BODY_PT) * 4096)))


def page_number(paragraph) -> None:
    """“— 7 —”: em dashes around a PAGE field (complex field, so Word and LibreOffice agree)."""
    def run(text: str | None = None, fld: str | None = None, instr: str | None = None):
        r = paragraph.add_run(text or "")
        if fld:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), fld)
            r._r.append(el)
        if instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
            r._r.append(el)
        return r

    run("— ")
    run(fld="begin")
    run(instr=" PAGE ")
    run(fld="separate")
    run("1")
    run(fld="end")
    run(" —")


def footers(doc) -> None:
    sec = doc.sections[0]
    sec.different_first_page_header_footer = False
    for footer, align, side in ((sec.footer, WD_ALIGN_PARAGRAPH.RIGHT, "w:right"),
                                (sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "w:left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = doc.styles["Footer"]
        p.alignment = align
        ind = OxmlElement("w:ind")
        ind.set(qn(side), str(PAGE_NO_PT * 20))  # one character in from the edge
        p._p.get_or_add_pPr().append(ind)
        page_number(p)
    for header in (sec.header, sec.even_page_header):
        header.is_linked_to_previous = False


def make_styles(doc) -> None:
    clean_defaults(doc)
    C = WD_ALIGN_PARAGRAPH.CENTER
    normal = style(doc, "Normal", base=None, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars=2)
    condense(normal.element.get_or_add_rPr())
    style(doc, "Title", east=XIAOBIAOSONG, size=TITLE_PT, align=C, indent_chars=0, line=Pt(36),
          latin=XIAOBIAOSONG)
    style(doc, "Subtitle", east=KAITI, align=C, indent_chars=0)
    style(doc, "Heading 1", east=HEITI, keep_next=True, indent_chars=2, outline=0)
    style(doc, "Heading 2", east=KAITI, keep_next=True, indent_chars=2, outline=1)
    style(doc, "Heading 3", east=FANGSONG, keep_next=True, indent_chars=2, outline=2)
    style(doc, "List Paragraph", indent_chars=2)
    style(doc, "Header", east=SONGTI, size=10.5, align=C, indent_chars=0, line=None, latin=SONGTI)
    style(doc, "Footer", east=SONGTI, size=PAGE_NO_PT, indent_chars=0, line=None, latin=SONGTI)
    custom = [
        style(doc, "抬头", east=KAITI, align=C, indent_chars=0),
        style(doc, "署名", east=KAITI, align=C, indent_chars=0),
        style(doc, "题注", east=KAITI, align=C, indent_chars=0),
        style(doc, "落款", align=WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0),
        style(doc, "发文机关署名", align=WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0),
        style(doc, "成文日期", align=WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0),
        style(doc, "发文字号", align=C, indent_chars=0),
        style(doc, "主送", align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars=0),
        style(doc, "附件说明", indent_chars=0),
        style(doc, "附件名称", indent_chars=0),
        style(doc, "章标题", east=HEITI, align=C, indent_chars=0, keep_next=True, outline=0),
        style(doc, "节标题", east=KAITI, align=C, indent_chars=0, keep_next=True, outline=1),
        style(doc, "版记", size=BANJI_PT, indent_chars=0, line=None),
        style(doc, "版记粗线", size=1, indent_chars=0, line=Pt(1)),
        style(doc, "版记细线", size=1, indent_chars=0, line=Pt(1)),
        style(doc, "表题", east=HEITI, align=C, indent_chars=0, keep_next=True),
        style(doc, "表头", size=TABLE_PT, bold=True, align=C, indent_chars=0, line=TABLE_LINE),
        style(doc, "表格文字", size=TABLE_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars=0,
              line=TABLE_LINE),
        style(doc, "注释", east=KAITI, size=14, indent_chars=2),
        style(doc, "辅文总标题", east=XIAOBIAOSONG, size=TITLE_PT, align=C, indent_chars=0,
              line=Pt(36), page_break=True, keep_next=True, outline=0, latin=XIAOBIAOSONG),
        style(doc, "辅文标题", east=HEITI, align=C, indent_chars=0, keep_next=True, outline=0,
              space_before=LINE_PITCH),
        style(doc, "摘编出处", east=KAITI, align=WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0),
        style(doc, "出处字", east=KAITI, kind=WD_STYLE_TYPE.CHARACTER, base=None),
        style(doc, "笔记横线", indent_chars=0, line=Pt(28.9)),
        style(doc, "记录栏", align=WD_ALIGN_PARAGRAPH.LEFT, indent_chars=0),
        style(doc, "栏目字", east=HEITI, kind=WD_STYLE_TYPE.CHARACTER, base=None),
        style(doc, "标题加粗", east=FANGSONG, bold=True, kind=WD_STYLE_TYPE.CHARACTER, base=None),
        style(doc, "一级标题字", east=HEITI, kind=WD_STYLE_TYPE.CHARACTER, base=None),
        style(doc, "二级标题字", east=KAITI, kind=WD_STYLE_TYPE.CHARACTER, base=None),
        style(doc, "三级标题字", east=FANGSONG, kind=WD_STYLE_TYPE.CHARACTER, base=None),
        style(doc, "填空", east=FANGSONG, kind=WD_STYLE_TYPE.CHARACTER, base=None),
    ]
    doc.styles["填空"].font.underline = True
    pf = doc.styles["摘编出处"].paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    ind = doc.styles["摘编出处"].element.pPr.find(qn("w:ind"))
    ind.set(qn("w:leftChars"), "400")
    ind.set(qn("w:left"), str(4 * BODY_PT * 20))
    official_styles(doc)
    for st in custom:
        st.element.set("studykit", "1")
    prune_styles(doc)
    for st in custom:
        del st.element.attrib["studykit"]
    doc.styles["笔记横线"].paragraph_format.tab_stops.add_tab_stop(
        TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.LINES)
    doc.styles["记录栏"].paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)


PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
             "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
             "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
             "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
             "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
             "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
             "sectPr", "pPrChange")


def ppr_child(st, name: str):
    """The style's w:pPr child ``name``, made empty and placed where the schema wants it."""
    ppr = st.element.get_or_add_pPr()
    old = ppr.find(qn(f"w:{name}"))
    if old is not None:
        ppr.remove(old)
    el = OxmlElement(f"w:{name}")
    later = set(PPR_ORDER[PPR_ORDER.index(name) + 1:])
    anchor = next((c for c in ppr if c.tag.split("}")[-1] in later), None)
    (anchor.addprevious(el) if anchor is not None else ppr.append(el))
    return el


def indent(st, *, left: float = 0, right: float = 0, first: float = 0, size: float = BODY_PT) -> None:
    """Indents in characters (w:leftChars…, which scale with the font) with twips beside them."""
    ind = ppr_child(st, "ind")
    for name, chars in (("left", left), ("right", right)):
        ind.set(qn(f"w:{name}Chars"), str(round(chars * 100)))
        ind.set(qn(f"w:{name}"), str(round(chars * size * 20)))
    kind = "firstLine" if first >= 0 else "hanging"
    ind.set(qn(f"w:{kind}Chars"), str(round(abs(first) * 100)))
    ind.set(qn(f"w:{kind}"), str(round(abs(first) * size * 20)))


def border(st, sides: dict[str, int]) -> None:
    """Paragraph rules (版记's lines): side → width in eighths of a point."""
    pbdr = ppr_child(st, "pBdr")
    for side in ("top", "bottom"):
        if side in sides:
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:val"), "single")
            el.set(qn("w:sz"), str(sides[side]))
            el.set(qn("w:space"), "1")
            el.set(qn("w:color"), "000000")
            pbdr.append(el)


def no_grid(st) -> None:
    """Lines at their own spacing, not snapped to the page's 22-line grid (tables, 版记)."""
    ppr_child(st, "snapToGrid").set(qn("w:val"), "0")


def official_styles(doc) -> None:
    """The GB/T 9704 parts' indents, rules and tabs (see the module docstring)."""
    styles = {s.name: s for s in doc.styles}
    indent(styles["落款"], right=2)  # a signature without a date: 右空二字
    indent(styles["发文机关署名"], right=4)  # centred on the date by the writer
    indent(styles["成文日期"], right=4)  # 右空四字
    indent(styles["附件说明"], left=5, first=-3)  # 附件：1.… wraps under the name
    indent(styles["附件名称"], left=5)
    indent(styles["记录栏"], left=5, first=-5)  # 参加人员：a long list wraps under the names
    banji = styles["版记"]
    indent(banji, left=4, right=1, first=-3, size=BANJI_PT)  # 左空一字; 抄送：… wraps after the colon
    banji.paragraph_format.tab_stops.add_tab_stop(  # 印发日期 右空一字
        Pt(TEXT_WIDTH.pt - BANJI_PT), WD_TAB_ALIGNMENT.RIGHT)
    banji.paragraph_format.space_before = Pt(5)
    banji.paragraph_format.space_after = Pt(3)
    # The 版记's rules span the type area (the text inside is indented one character):
    # empty one-point paragraphs with a top border.
    border(styles["版记粗线"], {"top": RULE_THICK})
    border(styles["版记细线"], {"top": RULE_THIN})
    for name in ("版记", "版记粗线", "版记细线"):
        no_grid(styles[name])
    for name in ("表头", "表格文字"):
        no_grid(styles[name])
    styles["表题"].paragraph_format.space_before = Pt(6)


class Body:
    """Appends template paragraphs; a paragraph holds one run so no tag is split."""

    def __init__(self, doc) -> None:
        self.doc = doc
        self.styles = {s.name: s for s in doc.styles}

    def p(self, text: str, style: str = "Normal"):
        para = self.doc.add_paragraph(style=self.styles[style])
        if text:
            para.add_run(text)
        return para

    def tag(self, text: str) -> None:
        """A {%p %} line: docxtpl removes the paragraph and keeps the tag."""
        self.doc.add_paragraph(text, style=self.styles["Normal"])

    def runs(self, style: str, *parts: tuple[str, str | None]):
        para = self.doc.add_paragraph(style=self.styles[style])
        for text, char_style in parts:
            para.add_run(text, style=self.styles[char_style] if char_style else None)
        return para


def make_body(doc) -> None:
    b = Body(doc)
    # Header block
    b.tag("{%p if org %}")
    b.p("{{ org }}", "抬头")
    b.tag("{%p endif %}")
    b.p('{{ title_lines|join("\\n") }}', "Title")
    b.tag("{%p if subtitle %}")
    b.p("{{ subtitle }}", "Subtitle")
    b.tag("{%p endif %}")
    b.tag("{%p if meta.doc_number %}")
    b.p("{{ meta.doc_number }}", "发文字号")
    b.tag("{%p endif %}")
    b.tag("{%p for line in meta.notes %}")
    b.p("{{ line }}", "题注")
    b.tag("{%p endfor %}")
    b.tag("{%p for line in bylines %}")
    b.p("{{ line }}", "署名")
    b.tag("{%p endfor %}")
    b.tag("{%p if source_line %}")
    b.p("{{ source_line }}", "署名")
    b.tag("{%p endif %}")
    b.tag("{%p if session_date_cn %}")
    b.p("学习时间：{{ session_date_cn }}", "署名")
    b.tag("{%p endif %}")
    b.p("", "Normal")
    b.tag("{%p if addressee_line %}")
    b.p("{{ addressee_line }}", "主送")
    b.tag("{%p endif %}")

    # The text: one paragraph per block, styled by kind (see pipeline/writers/context.py)
    b.tag("{%p for b in blocks %}")
    b.tag("{%p set k = b.kind %}")  # one sandboxed attribute lookup per paragraph
    b.tag('{%p if k == "p" and not b.head %}')
    b.p("{{ b.text }}")
    b.tag('{%p elif b.chapter == "章" %}')
    b.p("{{ b.text }}", "章标题")
    b.tag('{%p elif b.chapter == "节" %}')
    b.p("{{ b.text }}", "节标题")
    b.tag('{%p elif k == "h1" %}')
    b.p("{{ b.text }}", "Heading 1")
    b.tag('{%p elif k == "h2" %}')
    b.p("{{ b.text }}", "Heading 2")
    b.tag('{%p elif k == "h3" %}')
    b.p("{{ b.text }}", "Heading 3")
    b.tag('{%p elif k == "item" %}')
    b.p("{{ b.text }}", "List Paragraph")
    b.tag('{%p elif k == "title" %}')
    b.p("{{ b.text }}", "Title")
    b.tag('{%p elif k == "byline" %}')
    b.p("{{ b.text }}", "署名")
    b.tag('{%p elif k == "gap" %}')
    b.p("", "Normal")
    b.tag('{%p elif k == "signature" and b.role == "signer" %}')
    b.p("{{ b.text }}", "发文机关署名")
    b.tag('{%p elif k == "signature" and b.role == "date" %}')
    b.p("{{ b.text }}", "成文日期")
    b.tag('{%p elif k == "signature" %}')
    b.p("{{ b.text }}", "落款")
    b.tag('{%p elif k == "attachment" %}')
    b.p("{{ b.text }}", "附件说明")
    b.tag('{%p elif k == "attachment_item" %}')
    b.p("{{ b.text }}", "附件名称")
    b.tag('{%p elif k == "note" %}')
    b.p("{{ b.text }}", "注释")
    b.tag('{%p elif k == "caption" %}')
    b.p("{{ b.text }}", "表题")
    b.tag('{%p elif k == "table" %}')
    b.tag("{{p b.table }}")  # a Word table the writer builds (styles 表头, 表格文字)
    b.tag("{%p elif b.level == 1 %}")
    b.runs("Normal", ("{{ b.head }}", "一级标题字"), ("{{ b.text }}", None))
    b.tag("{%p elif b.level == 2 %}")
    b.runs("Normal", ("{{ b.head }}", "二级标题字"), ("{{ b.text }}", None))
    b.tag("{%p elif b.level >= 3 %}")
    b.runs("Normal", ("{{ b.head }}", "三级标题字"), ("{{ b.text }}", None))
    b.tag("{%p else %}")
    b.runs("Normal", ("{{ b.head }}", "标题加粗"), ("{{ b.text }}", None))
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")

    # 版记: 抄送 and 印发 between rules (GB/T 9704 7.4), after an empty line
    b.tag("{%p if cc_line or meta.imprint %}")
    b.p("", "Normal")
    b.p("", "版记粗线")
    b.tag("{%p if cc_line %}")
    b.p("{{ cc_line }}", "版记")
    b.tag("{%p endif %}")
    b.tag("{%p if cc_line and meta.imprint %}")
    b.p("", "版记细线")
    b.tag("{%p endif %}")
    b.tag("{%p if meta.imprint %}")
    b.runs("版记", ("{{ imprint_parts[0] }}", None), ("\t", None), ("{{ imprint_parts[1] }}", None))
    b.tag("{%p endif %}")
    b.p("", "版记粗线")
    b.tag("{%p endif %}")

    # Study aids
    b.tag("{%p if aids.excerpts or aids.glossary or aids.questions or aids.quiz %}")
    b.p("学习辅导", "辅文总标题")
    b.tag("{%p endif %}")

    b.tag("{%p if aids.excerpts %}")
    b.p("重点摘编", "辅文标题")
    b.tag("{%p for e in aids.excerpts %}")
    b.p("{{ loop.index }}. {{ quoted(e.text) }}")
    b.tag("{%p if e.speaker or e.source or e.section %}")
    b.p("{{ attribution(e) }}", "摘编出处")  # ——speaker, or where it stands; right-aligned
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")

    b.tag("{%p if aids.glossary %}")
    b.p("名词解释", "辅文标题")
    b.tag("{%p for g in aids.glossary %}")
    b.tag("{%p if g.definition %}")
    b.runs("Normal", ("{{ g.term }}：", "标题加粗"),
           ("{{ g.definition }}", None),
           ("{% if g.source %}〔来源：{{ g.source }}〕{% endif %}", "出处字"))
    b.tag("{%p else %}")
    b.runs("Normal", ("{{ g.term }}：", "标题加粗"), ("　" * 16, "填空"))
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")

    b.tag("{%p if aids.questions %}")
    b.p("思考讨论题", "辅文标题")
    b.tag("{%p for q in aids.questions %}")
    b.p("{{ loop.index }}. {{ q.text }}")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")

    b.tag("{%p if aids.quiz %}")
    b.p("学习测试", "辅文标题")
    b.p("根据原文填空（答案见最后一页）。")
    b.tag("{%p for q in aids.quiz %}")
    b.p("{{ loop.index }}. {{ quoted(q.prompt) }}")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")

    # A roster row's 学习记录 takes the place of the 学习笔记 page: its fields, each value
    # on a rule to the margin (a blank one to fill in by hand), then ruled lines.
    b.tag("{%p if aids.notes_page and record %}")
    b.p("学习记录", "辅文总标题")
    b.tag("{%p for line in record.lines %}")
    # (an empty value is a full-width space: the tab then reaches the margin, not the indent)
    b.runs("记录栏", ("{{ line.label }}：", "栏目字"), ('{{ line.value or "\u3000" }}', "填空"),
           ("\t", "填空"))
    b.tag("{%p endfor %}")
    b.runs("记录栏", ("学习讨论记录：", "栏目字"))
    b.tag("{%p for _ in range(record_rules) %}")
    b.p("\t", "笔记横线")
    b.tag("{%p endfor %}")
    b.tag("{%p elif aids.notes_page %}")
    b.p("学习笔记", "辅文总标题")
    for _ in range(NOTE_LINES):
        b.p("\t", "笔记横线")
    b.tag("{%p endif %}")

    b.tag("{%p if aids.quiz %}")
    b.p("学习测试参考答案", "辅文总标题")
    b.tag("{%p for q in aids.quiz %}")
    b.p("{{ loop.index }}. {{ q.answer }}")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")


def build(path: Path = OUT) -> Path:
    doc = Document()
    body = doc.element.body
    for p in list(body.findall(qn("w:p"))):
        body.remove(p)
    make_styles(doc)
    font_table(doc)
    page_setup(doc)
    footers(doc)
    make_body(doc)
    props = doc.core_properties
    props.author, props.title, props.comments = "studykit", "学习材料", ""
    props.last_modified_by, props.keywords, props.subject = "studykit", "", ""
    props.revision = 1
    doc.save(path)
    return path


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
