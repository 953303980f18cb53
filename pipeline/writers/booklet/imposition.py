"""Saddle-stitch imposition: the reading PDF's pages two-up on folded sheets.

The page order is a pure function (tested for 1, 4, 5, 8, 13 pages).  Two
ways to place the pages: ``impose`` reads any PDF with pypdf and draws each
page as a form XObject; ``imposition_update`` appends an incremental update
to a PDF that pydyf (WeasyPrint) has just written: new sheet pages whose
content is the reading pages' own content streams, by reference, each inside
a clip and a placement matrix.  Nothing is parsed, copied or compressed again,
and pypdf (0.05 s to import, ~0.07 s of first-use costs) is not needed.
Links and bookmarks do not survive imposition, which is why the linked
reading PDF is always written beside the print PDF.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@dataclass(frozen=True)
class Placed:
    """One reading page on a sheet side: scaled by ``scale``, its lower left corner at (x, y)."""

    index: int
    scale: float
    x: float
    y: float


def sheet_sides(pages: int, page_w: float, page_h: float, sheet: str) -> list[list[Placed]]:
    """Where each page goes, side by side, in printing order."""
    sheet_w, sheet_h = SHEETS[sheet]
    scale, x0, y0 = placement(page_w, page_h, sheet_w, sheet_h)
    return [[Placed(index, scale, x0 + slot * page_w * scale, y0)
             for slot, index in enumerate(side) if index is not None]
            for side in saddle_stitch_order(pages)]


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

    sides = sheet_sides(len(pages), float(box.width), float(box.height), sheet)
    for side_pages in sides:
        side = writer.add_blank_page(sheet_w, sheet_h)
        xobjects = DictionaryObject()
        ops = []
        for p in side_pages:
            name = f"/P{p.index}"
            xobjects[NameObject(name)] = form(p.index)
            ops.append(f"q {p.scale:g} 0 0 {p.scale:g} {p.x:.3f} {p.y:.3f} cm {name} Do Q")
        content = DecodedStreamObject()
        content.set_data("\n".join(ops).encode())
        side[NameObject("/Contents")] = writer._add_object(content)
        side[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
    info = reader.metadata or {}
    writer.add_metadata({k: v for k, v in info.items() if isinstance(k, str)})
    with open(out, "wb") as fh:
        writer.write(fh)
    return len(sides)


# --- appended to a PDF pydyf has just written -------------------------------------------


@dataclass(frozen=True)
class WrittenPdf:
    """What an incremental update needs from a PDF written with a cross-reference stream."""

    size: int  # its objects, counting object 0 (the update's first number)
    xref: int  # offset of its cross-reference stream
    info: bytes  # reference to its document information, or b""
    catalog: dict[str, bytes]  # catalog entries to keep (/Lang)
    pages: list[tuple[bytes, bytes, tuple[float, float, float, float]]]  # contents, resources, box


def written_pdf(pdf: Any) -> WrittenPdf | None:
    """The layout of a ``pydyf.PDF`` after ``write(..., compress=True)``; None if unexpected."""
    try:
        kids = pdf.pages["Kids"]
        pages = []
        for number in kids[::3]:
            page = pdf.objects[number]
            box = tuple(float(v) for v in page["MediaBox"])
            contents, resources = page["Contents"], page["Resources"]
            if not (isinstance(contents, bytes) and isinstance(resources, bytes) and len(box) == 4):
                return None
            pages.append((contents, resources, box))
        xref = pdf.objects[-1]
        if pdf.xref_position is None or xref.extra.get("Type") != "/XRef" or not pages:
            return None
        lang = pdf.catalog.get("Lang")
        return WrittenPdf(size=len(pdf.objects), xref=pdf.xref_position,
                          info=pdf.info.reference if pdf.info else b"",
                          catalog={"Lang": lang.data} if lang is not None else {},
                          pages=pages)
    except (AttributeError, KeyError, IndexError, TypeError, ValueError):
        return None


def imposition_update(written: WrittenPdf, offset: int, sheet: str = "A4") -> bytes | None:
    """An incremental update that makes the PDF of ``offset`` bytes the imposed one.

    Its new catalog's page tree holds only the sheet sides; each side's content
    is an array: for each page, a stream opening ``q``, its placement and clip,
    then that page's own content stream, then ``Q``.  The reading pages stay
    in the file, unused.  None when the pages do not share one resource
    dictionary (WeasyPrint's always do), so the caller falls back to ``impose``.
    """
    resources = {res for _c, res, _b in written.pages}
    if len(resources) != 1:
        return None
    (shared,) = resources
    left, bottom, right, top = written.pages[0][2]
    sheet_w, sheet_h = SHEETS[sheet]
    objects: list[bytes] = []

    def add(data: bytes) -> bytes:
        objects.append(data)
        return b"%d 0 R" % (written.size + len(objects) - 1)

    def stream(text: str) -> bytes:
        data = text.encode()
        return add(b"<</Length %d>>\nstream\n%s\nendstream" % (len(data), data))

    pages_number = written.size  # the page tree is the first new object
    objects.append(b"")
    close = stream("\nQ\n")
    kids = []
    for side in sheet_sides(len(written.pages), right - left, top - bottom, sheet):
        contents = []
        for p in side:
            x, y = p.x - p.scale * left, p.y - p.scale * bottom
            contents += [stream(f"\nq {p.scale:g} 0 0 {p.scale:g} {x:.3f} {y:.3f} cm "
                                f"{left:.3f} {bottom:.3f} {right - left:.3f} {top - bottom:.3f} "
                                "re W n\n"),
                         written.pages[p.index][0], close]
        kids.append(add(b"<</Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] "
                        b"/Resources %s /Contents [%s]>>"
                        % (pages_number, sheet_w, sheet_h, shared, b" ".join(contents))))
    objects[0] = b"<</Type /Pages /Count %d /Kids [%s]>>" % (len(kids), b" ".join(kids))
    extra = b"".join(b" /%s %s" % (k.encode(), v) for k, v in written.catalog.items())
    root = add(b"<</Type /Catalog /Pages %d 0 R%s>>" % (pages_number, extra))

    out, offsets = [], []
    position = offset
    for number, data in enumerate(objects, written.size):
        chunk = b"%d 0 obj\n%s\nendobj\n" % (number, data)
        offsets.append(position)
        out.append(chunk)
        position += len(chunk)
    xref_number = written.size + len(objects)
    offsets.append(position)  # the cross-reference stream itself
    rows = zlib.compress(b"".join(b"\x01" + o.to_bytes(4, "big") + b"\0\0" for o in offsets))
    info = b" /Info " + written.info if written.info else b""
    out.append(b"%d 0 obj\n<</Type /XRef /Size %d /Index [%d %d] /W [1 4 2] /Root %s%s "
               b"/Prev %d /Filter /FlateDecode /Length %d>>\nstream\n%s\nendstream\nendobj\n"
               b"startxref\n%d\n%%%%EOF\n"
               % (xref_number, xref_number + 1, written.size, len(offsets), root, info,
                  written.xref, len(rows), rows, position))
    return b"".join(out)
