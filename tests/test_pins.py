"""The private APIs studykit patches or reaches into, checked against what is installed.

pyproject.toml bounds WeasyPrint, pypdf and python-pptx at the newest releases these
were checked against.  At run time the patches fall back quietly to the library's own
behaviour when an internal has moved (a user's booklet still comes out); here they must
not: each test fails loudly, naming what moved, so a release that breaks a patch is
caught before the bound is raised.
"""

from __future__ import annotations

import pytest

weasyprint = pytest.importorskip("weasyprint")


def test_cjk_justification_patch_applies():
    from pipeline.writers.booklet.cjk_justify import _patch_targets, inter_character_justification

    assert _patch_targets() is not None, (
        "WeasyPrint moved layout.inline.count_expandable_spaces, text.line_break.Layout.set_text "
        "or pango_attr_letter_spacing_new: Chinese lines are no longer justified")
    with inter_character_justification() as active:
        assert active


def test_cjk_justification_changes_the_layout():
    """With the patch a justified line of Chinese reaches the right edge; without, it does not."""
    from pipeline.writers.booklet.cjk_justify import inter_character_justification
    from pipeline.writers.booklet.weasy import load

    wp = load()
    html = ("<p style='width:10.5em;text-align:justify;font-size:10pt;font-family:Noto Serif CJK SC'>"
            + "学习贯彻党的二十大精神，" * 6 + "</p>")

    def right_edges() -> list[float]:
        doc = wp.HTML(string=html).render()
        lines = []
        for box in doc.pages[0]._page_box.descendants():
            if type(box).__name__ == "LineBox":
                lines.append(max(c.position_x + c.width for c in box.children))
        return lines

    plain = right_edges()
    with inter_character_justification():
        justified = right_edges()
    assert len(justified) >= 3
    # every line but the last ends at the same x when justified
    assert max(justified[:-1]) - min(justified[:-1]) < 0.5
    assert plain != justified


def test_compact_cid_subsets_patch_applies():
    from pipeline.writers.booklet.cff import compact_cid_subsets

    with compact_cid_subsets() as active:
        assert active, ("WeasyPrint moved pdf.fonts.Font.subset or the HarfBuzz subset API: "
                        "CJK fonts are embedded with WeasyPrint's slower subsetting")


def test_layout_internals_the_compilation_reads():
    """compilation.toc_marks walks the laid-out boxes (page._page_box, element_tag, style)."""
    from weasyprint.formatting_structure import boxes

    doc = weasyprint.HTML(string="<a href='#x' style='display:block'>目录一</a><p id=x>正文</p>"
                          ).render()
    page_box = doc.pages[0]._page_box
    links = [b for b in page_box.descendants()
             if getattr(b, "element_tag", None) == "a" and isinstance(b, boxes.BlockBox)]
    assert links and links[0].element.get("href") == "#x"
    assert links[0].style["font_size"] > 0 and callable(links[0].content_box_x)


def test_finisher_sees_fonts_and_pdf_objects():
    """cff.finisher and typeset.visible_strings read document.fonts and pdf.objects."""
    seen = {}

    def finisher(document, pdf):
        seen["fonts"] = getattr(document, "fonts", None)
        seen["objects"] = getattr(pdf, "objects", None)

    weasyprint.HTML(string="<p style='font-family:Noto Serif CJK SC'>学习</p>").write_pdf(
        finisher=finisher)
    assert isinstance(seen["fonts"], dict) and seen["fonts"]
    assert isinstance(seen["objects"], list) and seen["objects"]


def test_pypdf_writer_internals():
    """compilation merges duplicate font objects through PdfWriter._objects/_add_object."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    assert isinstance(writer._objects, list)
    assert callable(writer._add_object)


def test_python_pptx_internals():
    """deck.py drops a template's sample slides (_sldIdLst) and sets run/paragraph XML."""
    from pptx import Presentation

    from pipeline.templating import builtin_templates_dir

    prs = Presentation(str(builtin_templates_dir() / "slides" / "slides.pptx"))
    assert prs.slides._sldIdLst is not None
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    shape = slide.placeholders[0]
    run = shape.text_frame.paragraphs[0].add_run()
    assert run._r.get_or_add_rPr() is not None
    assert shape.text_frame.paragraphs[0]._p.get_or_add_pPr() is not None
    assert shape._element.getparent() is not None
