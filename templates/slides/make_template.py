"""Generate templates/slides/slides.pptx, the default slide template.

Run from the repository root:  python templates/slides/make_template.py
The .pptx is committed; this script says how it was made and remakes it.
It starts from python-pptx's blank template, makes it 16:9, names the Chinese
font in the theme (``a:ea``, not only ``a:latin``), keeps the layouts the
slides writer uses ("Title Slide", "Title and Content", "Section Header",
"Quote", plus "Title Only" and "Blank" for people editing the deck) and gives
them a plain red-and-white study-session look.
"""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches

FONT = "Microsoft YaHei"  # 微软雅黑: present wherever the deck is shown in PowerPoint/WPS
RED = RGBColor(0xB0, 0x12, 0x1B)
GREY = RGBColor(0x40, 0x40, 0x40)
WIDTH, HEIGHT = Emu(12192000), Inches(7.5)
KEEP = ("Title Slide", "Title and Content", "Section Header", "Two Content", "Title Only",
        "Blank")


def box(shape, x: float, y: float, w: float, h: float) -> None:
    shape.left, shape.top, shape.width, shape.height = (Inches(x), Inches(y), Inches(w),
                                                        Inches(h))


def set_theme_fonts(prs) -> None:
    """Latin, East-Asian and the zh-Hans script font of the theme all name FONT."""
    theme = prs.slide_master.part.part_related_by(RT.THEME)
    xml = theme.blob.decode("utf-8")
    xml = re.sub(r'<a:latin typeface="[^"]*"', f'<a:latin typeface="{FONT}"', xml)
    xml = re.sub(r'<a:ea typeface="[^"]*"', f'<a:ea typeface="{FONT}"', xml)
    xml = re.sub(r'<a:font script="Hans" typeface="[^"]*"',
                 f'<a:font script="Hans" typeface="{FONT}"', xml)
    theme._blob = xml.encode("utf-8")


def text_color(el, color: RGBColor, level_style: str = "a:lvl1pPr", align: str = "") -> None:
    """Colour (and align) the first level of a placeholder's list style."""
    txBody = el.find(qn("p:txBody"))
    lst = txBody.find(qn("a:lstStyle"))
    if lst is None:
        lst = etree.SubElement(txBody, qn("a:lstStyle"))
        txBody.insert(1, lst)
    lvl = lst.find(qn(level_style))
    if lvl is None:
        lvl = etree.SubElement(lst, qn(level_style))
    if align:
        lvl.set("algn", align)
    rpr = lvl.find(qn("a:defRPr"))
    if rpr is None:
        rpr = etree.SubElement(lvl, qn("a:defRPr"))
    fill = etree.SubElement(rpr, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr"), val=str(color))


def rect(prs, x, y, w, h, color: RGBColor):
    """A filled, borderless rectangle's XML (masters and layouts have no add_shape)."""
    scratch = prs.slides.add_slide(prs.slide_layouts[0])
    shape = scratch.shapes.add_shape(MSO_SHAPE.RECTANGLE, x, y, w, h)
    shape.fill.solid()
    shape.fill.fore_color.rgb = color
    shape.line.fill.background()
    shape.shadow.inherit = False
    el = copy.deepcopy(shape._element)
    ids = prs.slides._sldIdLst
    prs.part.drop_rel(ids[-1].rId)
    ids.remove(ids[-1])
    return el


def add_behind(shapes, el) -> None:
    """Put a decoration behind the placeholders (first after the group properties)."""
    shapes._spTree.insert(2, el)


def style_master(prs) -> None:
    master = prs.slide_master
    for ph in master.placeholders:
        kind = ph.placeholder_format.idx
        if ph.name.startswith("Title"):
            box(ph, 0.6, 0.35, 12.13, 1.0)
        elif ph.name.startswith("Text"):
            box(ph, 0.6, 1.55, 12.13, 5.25)
        elif kind or ph.name.startswith(("Date", "Footer", "Slide Number")):
            x = {"Date": 0.6, "Footer": 4.67, "Slide": 9.73}[ph.name.split()[0]]
            box(ph, x, 6.95, 3.0, 0.4)
    styles = master._element.find(qn("p:txStyles"))
    title_rpr = styles.find(f"{qn('p:titleStyle')}/{qn('a:lvl1pPr')}/{qn('a:defRPr')}")
    title_rpr.set("b", "1")
    title_rpr.find(f"{qn('a:solidFill')}/{qn('a:schemeClr')}").getparent().remove(
        title_rpr.find(f"{qn('a:solidFill')}/{qn('a:schemeClr')}"))
    etree.SubElement(title_rpr.find(qn("a:solidFill")), qn("a:srgbClr"), val=str(RED))
    styles.find(f"{qn('p:titleStyle')}/{qn('a:lvl1pPr')}").set("algn", "l")
    # A red bar along the top and a thin rule under the title, on every slide.
    add_behind(master.shapes, rect(prs, Inches(0.6), Inches(1.38), Inches(12.13), Emu(19050), RED))
    add_behind(master.shapes, rect(prs, 0, 0, WIDTH, Inches(0.14), RED))


def style_layouts(prs) -> None:
    layouts = {lo.name: lo for lo in prs.slide_layouts}
    for name, layout in list(layouts.items()):
        if name not in KEEP:
            prs.slide_layouts.remove(layout)
    for layout in prs.slide_layouts:
        for ph in layout.placeholders:
            if ph.placeholder_format.idx >= 10:  # date, footer, number: as on the master
                x = {10: 0.6, 11: 4.67, 12: 9.73}[ph.placeholder_format.idx]
                box(ph, x, 6.95, 3.0, 0.4)
    title = layouts["Title Slide"]
    phs = {ph.placeholder_format.idx: ph for ph in title.placeholders}
    box(phs[0], 1.0, 1.9, 11.33, 1.9)
    text_color(phs[0]._element, RED, align="ctr")
    box(phs[1], 1.5, 4.25, 10.33, 2.6)
    text_color(phs[1]._element, GREY)
    title._element.set("showMasterSp", "0")  # no title rule on the cover
    add_behind(title.shapes, rect(prs, Inches(3.67), Inches(4.02), Inches(6.0), Emu(28575), RED))
    add_behind(title.shapes, rect(prs, 0, 0, WIDTH, Inches(0.14), RED))

    content = layouts["Title and Content"]
    phs = {ph.placeholder_format.idx: ph for ph in content.placeholders}
    box(phs[0], 0.6, 0.35, 12.13, 1.0)
    box(phs[1], 0.6, 1.6, 12.13, 5.2)

    section = layouts["Section Header"]
    section._element.set("showMasterSp", "0")
    section.background.fill.solid()
    section.background.fill.fore_color.rgb = RED
    phs = {ph.placeholder_format.idx: ph for ph in section.placeholders}
    box(phs[1], 1.0, 1.5, 11.33, 1.5)  # the section's number
    text_color(phs[1]._element, RGBColor(0xFF, 0xE0, 0xA0), align="ctr")
    box(phs[0], 1.0, 3.1, 11.33, 2.2)  # the section's title
    text_color(phs[0]._element, RGBColor(0xFF, 0xFF, 0xFF), align="ctr")

    quote = layouts["Two Content"]
    quote._element.find(qn("p:cSld")).set("name", "Quote")
    phs = {ph.placeholder_format.idx: ph for ph in quote.placeholders}
    box(phs[0], 0.6, 0.35, 12.13, 1.0)
    for idx in (1, 2):
        ph_el = phs[idx]._element.ph
        ph_el.set("type", "body")
        ph_el.attrib.pop("sz", None)
    box(phs[1], 1.2, 1.75, 10.93, 3.9)  # the quotation, centred in its box
    text_color(phs[1]._element, GREY)
    phs[1]._element.find(f"{qn('p:txBody')}/{qn('a:bodyPr')}").set("anchor", "ctr")
    box(phs[2], 1.2, 5.8, 10.93, 0.8)  # who said it, where
    text_color(phs[2]._element, RED, align="r")
    for ph in quote.placeholders:
        ph.name = {0: "Title", 1: "Quotation", 2: "Attribution"}.get(
            ph.placeholder_format.idx, ph.name)


def make(path: Path) -> Path:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    set_theme_fonts(prs)
    style_master(prs)
    style_layouts(prs)
    prs.core_properties.title = "studykit slides"
    prs.core_properties.author = "studykit"
    prs.save(str(path))
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("slides.pptx")
    print(make(out))
