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

    Each page becomes a form XObject placed on the sheet (no content-stream
    rewriting, and fonts are shared, so this takes milliseconds).  Returns the
    number of sheet sides written.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
    )

    reader = PdfReader(str(reading_pdf))
    pages = reader.pages
    if not pages:
        raise ValueError("nothing to impose: the PDF has no pages")
    sheet_w, sheet_h = SHEETS[sheet]
    box = pages[0].mediabox
    page_w, page_h = float(box.width), float(box.height)
    scale, x0, y0 = placement(page_w, page_h, sheet_w, sheet_h)
    writer = PdfWriter()
    forms: dict[int, object] = {}

    def form(index: int) -> object:
        if index not in forms:
            page = pages[index]
            xobj = DecodedStreamObject()
            contents = page.get_contents()
            xobj.set_data(contents.get_data() if contents is not None else b"")
            mb = page.mediabox
            xobj.update({
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(FloatObject(v) for v in
                                                 (mb.left, mb.bottom, mb.right, mb.top)),
                NameObject("/Resources"): page["/Resources"].get_object().clone(writer)
                if "/Resources" in page else DictionaryObject(),
            })
            forms[index] = writer._add_object(xobj.flate_encode())
        return forms[index]

    sides = saddle_stitch_order(len(pages))
    for left, right in sides:
        side = writer.add_blank_page(sheet_w, sheet_h)
        xobjects = DictionaryObject()
        ops = []
        for slot, index in enumerate((left, right)):
            if index is None:
                continue
            name = f"/P{index}"
            xobjects[NameObject(name)] = form(index)
            x = x0 + slot * page_w * scale
            ops.append(f"q {scale:g} 0 0 {scale:g} {x:.3f} {y0:.3f} cm {name} Do Q")
        content = DecodedStreamObject()
        content.set_data("\n".join(ops).encode())
        side[NameObject("/Contents")] = writer._add_object(content)
        side[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
    info = reader.metadata or {}
    writer.add_metadata({k: v for k, v in info.items() if isinstance(k, str)})
    with open(out, "wb") as fh:
        writer.write(fh)
    return len(sides)
