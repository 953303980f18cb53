"""GB/T 9704 rules that depend on the text, applied to the rendered handout.

The template's styles carry everything fixed (成文日期 右空四字, 版记 rules,
附件说明 indents).  Two things cannot be a style: the 发文机关署名 is centred
over the 成文日期 below it, which depends on both lines' lengths; and bold
headings are a local practice switched on per build (``--bold-headings``).
"""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn
from lxml import etree

from pipeline.writers.context import display_width

SIGNER, DATE = "发文机关署名", "成文日期"
# Styles made bold by --bold-headings: levels 2–4 (level 1 is 黑体, bold by nature).
BOLD_STYLES = ("Heading 2", "Heading 3", "节标题", "二级标题字", "三级标题字")

W_P, W_PPR, W_PSTYLE, W_VAL = qn("w:p"), qn("w:pPr"), qn("w:pStyle"), qn("w:val")
W_IND = qn("w:ind")


def _styles_by_name(document) -> dict[str, Any]:
    """Style elements by lower-case name (Word stores built-in names as "heading 2")."""
    out = {}
    for st in document.styles.element.findall(qn("w:style")):
        name = st.find(qn("w:name"))
        if name is not None:
            out[name.get(W_VAL).lower()] = st
    return out


def _style_id(p) -> str | None:
    ppr = p.find(W_PPR)
    ps = ppr.find(W_PSTYLE) if ppr is not None else None
    return ps.get(W_VAL) if ps is not None else None


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def _right_chars(style) -> float:
    """A style's right indent in characters (w:rightChars), 0 if it has none."""
    ind = style.find(f"{W_PPR}/{W_IND}")
    if ind is None:
        return 0.0
    if ind.get(qn("w:rightChars")):
        return int(ind.get(qn("w:rightChars"))) / 100
    return 0.0


def printed_width(text: str) -> float:
    """Width in characters as Word sets it: display width plus the quarter-character gap
    Word puts between Han characters and Latin letters or digits (autoSpaceDE/DN)."""
    gaps = sum(1 for a, b in zip(text, text[1:], strict=False)
               if (a.isascii() and a.isalnum()) != (b.isascii() and b.isalnum())
               and not a.isspace() and not b.isspace())
    return display_width(text) + gaps / 4


def centre_signers(document) -> None:
    """Each 发文机关署名 directly above a 成文日期: centred on the date (GB/T 9704 7.3.5.1),
    i.e. its right indent is the date's plus half the difference of their widths."""
    styles = _styles_by_name(document)
    if SIGNER not in styles or DATE not in styles:
        return
    signer_id, date_id = styles[SIGNER].get(qn("w:styleId")), styles[DATE].get(qn("w:styleId"))
    date_right = _right_chars(styles[DATE])
    signer_style = styles[SIGNER]
    paras = list(document.element.body.iter(W_P))
    for p, nxt in zip(paras, paras[1:], strict=False):
        if _style_id(p) != signer_id or _style_id(nxt) != date_id:
            continue
        chars = max(0.0, date_right + (printed_width(_text(nxt)) - printed_width(_text(p))) / 2)
        ppr = p.find(W_PPR)
        ind = ppr.find(W_IND)
        if ind is None:
            ind = etree.SubElement(ppr, W_IND)
            jc = ppr.find(qn("w:jc"))  # w:ind comes before w:jc and w:outlineLvl
            if jc is not None:
                jc.addprevious(ind)
        ind.set(qn("w:rightChars"), str(round(chars * 100)))
        ind.set(qn("w:right"), str(round(chars * _font_twips(document, signer_style))))


def _font_twips(document, style) -> int:
    """Width of one character of a style in twips (its size, or the document default)."""
    sz = style.find(f"{qn('w:rPr')}/{qn('w:sz')}")
    if sz is None:
        sz = document.styles.element.find(
            f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:sz')}")
    half_points = int(sz.get(W_VAL)) if sz is not None else 32
    return half_points * 10


def embolden_headings(document) -> None:
    """``--bold-headings``: levels 2–4 bold, as local practice often asks."""
    styles = _styles_by_name(document)
    for name in BOLD_STYLES:
        st = styles.get(name.lower())
        if st is None:
            continue
        rpr = st.find(qn("w:rPr"))
        if rpr is None:
            rpr = etree.SubElement(st, qn("w:rPr"))
        for tag in ("w:b", "w:bCs"):
            if rpr.find(qn(tag)) is None:
                el = etree.Element(qn(tag))
                # w:b and w:bCs follow w:rStyle and w:rFonts in CT_RPr
                anchor = next((c for c in rpr if c.tag not in (qn("w:rStyle"), qn("w:rFonts"),
                                                                qn("w:b"))), None)
                (anchor.addprevious(el) if anchor is not None else rpr.append(el))
            else:
                rpr.find(qn(tag)).attrib.pop(W_VAL, None)
