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

The sheet defaults to the one that holds two pages at 100 % (A5 → A4, B5 →
B4, A4 → A3); a sheet that needs the pages scaled down is allowed, with a
warning (``warnings``).  On a sheet larger than the spread, crop marks show
where to trim; creep compensation moves the pages of inner sheets toward the
fold, which thick saddle-stitched booklets need (inner sheets stick out at the
fore-edge once folded, and are trimmed shorter).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.i18n import _

MM = 72 / 25.4
# Sheet sizes in PostScript points, landscape (width > height); B sizes are ISO 216.
SHEETS = {"A4": (841.89, 595.28), "A3": (1190.55, 841.89), "B4": (1000.63, 708.66)}
# Booklet page sizes (portrait), and the sheet that holds two of them side by side at 100 %.
PAGES = {"A5": (419.53, 595.28), "B5": (498.90, 708.66), "A4": (595.28, 841.89)}
DEFAULT_SHEET = {"A5": "A4", "B5": "B4", "A4": "A3"}
MARK_LENGTH, MARK_GAP, MARK_WIDTH = 5 * MM, 2 * MM, 0.25  # crop marks: 5 mm, 2 mm off the trim


@dataclass(frozen=True)
class Imposition:
    """How the print PDF is made: the sheet, creep compensation (pt), crop marks."""

    sheet: str = "A4"
    creep: float = 0.0  # how far the innermost sheet's pages move toward the fold
    marks: bool = False


def sheet_for(paper: str, wanted: str = "auto") -> str:
    """The sheet to impose ``paper`` pages on: the one asked for, else the 100 % one."""
    wanted = (wanted or "auto").upper()
    if wanted in SHEETS:
        return wanted
    return DEFAULT_SHEET.get(paper.upper(), "A4")


def imposition_for(paper: str, sheet: str = "auto", creep_mm: float = 0.0,
                   crop_marks: bool = False) -> Imposition:
    """The imposition a build asks for; crop marks only where the sheet has room for them."""
    chosen = sheet_for(paper, sheet)
    page_w, page_h = PAGES.get(paper.upper(), PAGES["A5"])
    return Imposition(chosen, max(0.0, creep_mm) * MM,
                      crop_marks and mark_room(page_w, page_h, chosen))


def print_scale(paper: str, sheet: str = "auto") -> float:
    """The scale the print PDF prints ``paper`` pages at (1.0: actual size)."""
    page_w, page_h = PAGES.get(paper.upper(), PAGES["A5"])
    sheet_w, sheet_h = SHEETS[sheet_for(paper, sheet)]
    return placement(page_w, page_h, sheet_w, sheet_h)[0]


def mark_room(page_w: float, page_h: float, sheet: str) -> bool:
    """Whether crop marks fit around two pages side by side on the sheet."""
    sheet_w, sheet_h = SHEETS[sheet]
    need = 2 * (MARK_GAP + MARK_LENGTH)
    return sheet_w - 2 * page_w >= need and sheet_h - page_h >= need


def warnings(paper: str, sheet: str = "auto", crop_marks: bool = False,
             body_pt: float = 0.0) -> list[str]:
    """What the user should know about the print PDF: scaling, crop marks that cannot be
    drawn.  ``body_pt``: the booklet's body size, to say what it prints at."""
    out = []
    paper, chosen = paper.upper(), sheet_for(paper, sheet)
    scale = print_scale(paper, chosen)
    if scale < 0.999:
        size = _(" ({body:g} pt text prints at {printed:.1f} pt)").format(
            body=body_pt, printed=body_pt * scale) if body_pt else ""
        better = DEFAULT_SHEET.get(paper, "A3")
        out.append(_("{paper} pages on {sheet} sheets are scaled to {scale:.0%} in the print "
                     "PDF{size}; --print-sheet {better} prints them at 100 %").format(
                         paper=paper, sheet=chosen, scale=scale, size=size, better=better))
    page = PAGES.get(paper, PAGES["A5"])
    if crop_marks and not mark_room(*page, chosen):
        roomy = [s for s in SHEETS if mark_room(*page, s) and print_scale(paper, s) >= 0.999]
        hint = _("--print-sheet {sheet} has room for them").format(sheet=roomy[0]) if roomy else \
            _("no sheet studykit prints on has room for them")
        out.append(_("crop marks left out: two {paper} pages fill the {sheet} sheet; {hint}")
                   .format(paper=paper, sheet=chosen, hint=hint))
    return out

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
    if scale > 0.999:  # A4 is half of A3 to within a hundredth of a point: actual size
        scale = 1.0
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


def creep_shift(side: int, sides: int, creep: float) -> float:
    """How far the pages of a sheet side move toward the fold: 0 on the outermost sheet,
    ``creep`` on the innermost, in proportion between."""
    sheets = sides // 2
    if sheets < 2 or creep <= 0:
        return 0.0
    return creep * (side // 2) / (sheets - 1)


def sheet_sides(pages: int, page_w: float, page_h: float, sheet: str | Imposition,
                ) -> list[list[Placed]]:
    """Where each page goes, side by side, in printing order."""
    how = sheet if isinstance(sheet, Imposition) else Imposition(sheet)
    sheet_w, sheet_h = SHEETS[how.sheet]
    scale, x0, y0 = placement(page_w, page_h, sheet_w, sheet_h)
    order = saddle_stitch_order(pages)
    out = []
    for n, side in enumerate(order):
        shift = creep_shift(n, len(order), how.creep)
        out.append([Placed(index, scale, x0 + slot * page_w * scale + (shift if slot == 0 else -shift),
                           y0)
                    for slot, index in enumerate(side) if index is not None])
    return out


def mark_ops(page_w: float, page_h: float, sheet: str) -> str:
    """Content-stream operators drawing crop marks at the corners of the spread and a
    fold mark at the middle of its top and bottom edges."""
    sheet_w, sheet_h = SHEETS[sheet]
    scale, x0, y0 = placement(page_w, page_h, sheet_w, sheet_h)
    x1, y1 = x0 + 2 * page_w * scale, y0 + page_h * scale
    mid = (x0 + x1) / 2
    g, n = MARK_GAP, MARK_LENGTH
    lines = []
    for x, dx in ((x0, -1), (x1, 1)):
        for y, dy in ((y0, -1), (y1, 1)):
            lines.append((x + dx * g, y, x + dx * (g + n), y))  # horizontal, beside the corner
            lines.append((x, y + dy * g, x, y + dy * (g + n)))  # vertical, above or below it
    lines.append((mid, y1 + g, mid, y1 + g + n))  # the fold
    lines.append((mid, y0 - g, mid, y0 - g - n))
    ops = [f"{ax:.2f} {ay:.2f} m {bx:.2f} {by:.2f} l" for ax, ay, bx, by in lines]
    return f"q 0 G {MARK_WIDTH:g} w [] 0 d " + " ".join(ops) + " S Q"


def impose(reading_pdf: Path, out: Path, sheet: str | Imposition = "A4") -> int:
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

    how = sheet if isinstance(sheet, Imposition) else Imposition(sheet)
    reader = PdfReader(str(reading_pdf))
    pages = reader.pages
    if not pages:
        raise ValueError("nothing to impose: the PDF has no pages")
    sheet_w, sheet_h = SHEETS[how.sheet]
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

    sides = sheet_sides(len(pages), float(box.width), float(box.height), how)
    marks = mark_ops(float(box.width), float(box.height), how.sheet) if how.marks else ""
    for side_pages in sides:
        side = writer.add_blank_page(sheet_w, sheet_h)
        xobjects = DictionaryObject()
        ops = [marks] if marks else []
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


def imposition_update(written: WrittenPdf, offset: int,
                      sheet: str | Imposition = "A4") -> bytes | None:
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
    how = sheet if isinstance(sheet, Imposition) else Imposition(sheet)
    left, bottom, right, top = written.pages[0][2]
    sheet_w, sheet_h = SHEETS[how.sheet]
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
    marks = [stream("\n" + mark_ops(right - left, top - bottom, how.sheet) + "\n")] \
        if how.marks else []
    kids = []
    for side in sheet_sides(len(written.pages), right - left, top - bottom, how):
        contents = list(marks)
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
