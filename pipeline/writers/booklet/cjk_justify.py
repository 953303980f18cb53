"""Inter-character justification for Chinese lines in WeasyPrint.

WeasyPrint (≤ 70 at least) justifies a line only by widening spaces, so a line
of pure Chinese text, which has none, stays ragged on the right by up to one
em.  CSS ``text-justify: inter-character`` is not implemented, so while the
booklet is laid out we count every CJK character as a justification
opportunity and draw it with the matching Pango letter spacing.  The patch is
installed only inside :func:`inter_character_justification` and checks the
internals it relies on, falling back to WeasyPrint's behaviour if they moved.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

# Han, CJK punctuation, full-width forms, kana, curly quotes, —— and …….
CJK = re.compile(
    "[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\ufe30-\ufe4f\uff01-\uff60\u2018\u2019\u201c\u201d\u2014\u2026\U00020000-\U0003ffff]"
)


def _patch_targets():
    """The WeasyPrint internals we wrap, or None when they are not as expected."""
    try:
        from weasyprint.formatting_structure import boxes
        from weasyprint.layout import inline
        from weasyprint.text import line_break
        from weasyprint.text.ffi import pango
    except ImportError:  # pragma: no cover - depends on the installed version
        return None
    if not (hasattr(inline, "count_expandable_spaces") and hasattr(line_break, "Layout")
            and hasattr(line_break.Layout, "set_text")
            and hasattr(pango, "pango_attr_letter_spacing_new")):
        return None  # pragma: no cover
    return boxes, inline, line_break, pango


@contextlib.contextmanager
def inter_character_justification() -> Iterator[bool]:
    """Lay out and draw with CJK characters as justification opportunities.

    Yields whether the patch is active.  Not thread-safe (nor is WeasyPrint).
    """
    targets = _patch_targets()
    if targets is None:  # pragma: no cover
        yield False
        return
    boxes, inline, line_break, pango = targets
    original_count = inline.count_expandable_spaces
    original_set_text = line_break.Layout.set_text
    units = line_break.TO_UNITS if hasattr(line_break, "TO_UNITS") else 1024

    def count(box):
        if isinstance(box, boxes.TextBox):
            return original_count(box) + len(CJK.findall(box.text))
        if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            return sum(count(child) for child in box.children)
        return 0

    def set_text(self, text, justify=False):
        original_set_text(self, text, justify)
        spacing = getattr(self, "justification_spacing", 0)
        if not (justify and spacing and CJK.search(self.text)):
            return
        data = self.text.encode()
        attr_list = pango.pango_layout_get_attributes(self.layout)
        if attr_list == line_break.ffi.NULL:
            attr_list = line_break.ffi.gc(pango.pango_attr_list_new(),
                                          pango.pango_attr_list_unref)
        last = len(data)
        for match in CJK.finditer(self.text):
            start = len(self.text[:match.start()].encode())
            end = start + len(match.group().encode())
            # Pango gives a character at either end of the text only half its spacing.
            factor = 2 if start == 0 or end == last else 1
            attr = pango.pango_attr_letter_spacing_new(int(factor * spacing * units))
            attr.start_index, attr.end_index = start, end
            pango.pango_attr_list_change(attr_list, attr)
        pango.pango_layout_set_attributes(self.layout, attr_list)

    inline.count_expandable_spaces = count
    line_break.Layout.set_text = set_text
    try:
        yield True
    finally:
        inline.count_expandable_spaces = original_count
        line_break.Layout.set_text = original_set_text
