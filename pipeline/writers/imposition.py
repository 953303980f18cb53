"""Saddle-stitch imposition: the reading PDF's pages two-up on folded sheets.

The page order is a pure function (tested for 1, 4, 5, 8, 13 pages); pypdf
only places pages.  Links and bookmarks do not survive imposition, which is
why the linked reading PDF is always written beside the print PDF.
"""

from __future__ import annotations

from pathlib import Path

# Sheet sizes in PostScript points, landscape (width > height).
SHEETS = {"A4": (841.89, 595.28), "A3": (1190.55, 841.89)}

Side = tuple[int | None, int | None]  # (left page, right page), 0-based; None = blank


def padded_count(pages: int) -> int:
    """Pages in the folded booklet: a multiple of 4 (one sheet is 4 pages), at least 4."""
    return max(4, -(-pages // 4) * 4)


def saddle_stitch_order(pages: int) -> list[Side]:
    """Sheet sides in printing order: front, back, front, back, …

    For n padded pages the sides take pages (n,1), (2,n-1), (n-2,3), (4,n-3), …
    (1-based); pages past the real count are blanks (None).
    """
    n = padded_count(pages)

    def page(i: int) -> int | None:
        return i if i < pages else None

    sides: list[Side] = []
    for sheet in range(n // 4):
        front = (page(n - 1 - 2 * sheet), page(2 * sheet))
        back = (page(2 * sheet + 1), page(n - 2 - 2 * sheet))
        sides.extend([front, back])
    return sides


def placement(page_w: float, page_h: float, sheet_w: float, sheet_h: float) -> tuple[float, float, float]:
    """Scale and left/bottom origin of the left page so two pages fit the sheet, centred.

    A5 on A4 (or A4 on A3) fits exactly at scale 1; other pairs are scaled down.
    """
    scale = min(1.0, sheet_w / (2 * page_w), sheet_h / page_h)
    x0 = (sheet_w - 2 * page_w * scale) / 2
    y0 = (sheet_h - page_h * scale) / 2
    return scale, x0, y0


def impose(reading_pdf: Path, out: Path, sheet: str = "A4") -> int:
    """Write ``out``: the pages of ``reading_pdf`` imposed for duplex saddle stitching.

    Returns the number of sheet sides written.
    """
    from pypdf import PageObject, PdfReader, PdfWriter, Transformation

    reader = PdfReader(str(reading_pdf))
    pages = reader.pages
    if not pages:
        raise ValueError("nothing to impose: the PDF has no pages")
    sheet_w, sheet_h = SHEETS[sheet]
    box = pages[0].mediabox
    page_w, page_h = float(box.width), float(box.height)
    scale, x0, y0 = placement(page_w, page_h, sheet_w, sheet_h)
    writer = PdfWriter()
    sides = saddle_stitch_order(len(pages))
    for left, right in sides:
        side = PageObject.create_blank_page(width=sheet_w, height=sheet_h)
        for slot, index in enumerate((left, right)):
            if index is None:
                continue
            x = x0 + slot * page_w * scale
            transform = Transformation().scale(scale, scale).translate(x, y0)
            side.merge_transformed_page(pages[index], transform)
        writer.add_page(side)
    info = reader.metadata or {}
    writer.add_metadata({k: v for k, v in info.items() if isinstance(k, str)})
    with open(out, "wb") as fh:
        writer.write(fh)
    return len(sides)
