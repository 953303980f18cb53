"""Large 学习汇编: parts laid out in parallel processes, merged with pypdf.

WeasyPrint lays a document out on one core and keeps every page in memory, so
a 500-page compilation is slow and large as one call.  Here consecutive
articles are grouped into parts of about equal size, each laid out in a forked
worker; the cover and 目录 are one more part, laid out once, at the same time.
No part can know its page numbers while it is laid out, so the parent merges
the parts and then stamps them: the folios, and the 目录's dot leaders and
page numbers (the 目录 reserves a column for them).  WeasyPrint's own
``leader()`` would also cost ~19 000 text boxes for a 600-entry 目录, a
quarter of the whole layout.  Every chapter starts on a right-hand page, so a
part's left/right pages do not depend on where it lands.
"""

from __future__ import annotations

import io
import math
import multiprocessing
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.model import Block, Document, Section
from pipeline.options import BuildOptions

PARALLEL_MIN_CHARS = 60_000  # below this one WeasyPrint call is as fast
PART_CHARS = 40_000  # most characters in one part: bounds a worker's memory
PARTS_PER_WORKER = 3  # enough parts to even the workers' loads out, few enough to pay little per part
TOC_ENTRY_CHARS = 12  # laying out one 目录 entry costs about as much as this many body characters
STAMP_CHARS = "— 0123456789 —."  # what the stamped folios and 目录 numbers draw
MM = 72 / 25.4
PX = 0.75  # CSS px → pt


def _blocks_chars(blocks: list[Block]) -> int:
    return sum(len(b.text) + sum(len(i.text) for i in b.items) for b in blocks)


def _sections_chars(sections: list[Section]) -> int:
    return sum(len(s.title) + _blocks_chars(s.body) + _sections_chars(s.sections)
               for s in sections)


def doc_chars(doc: Document) -> int:
    return _blocks_chars(doc.body) + _sections_chars(doc.sections)


def workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def use_parallel(docs: list[Document]) -> bool:
    """Parallel layout pays off for big compilations on a machine with several cores."""
    return (len(docs) > 1 and workers() > 1 and "fork" in multiprocessing.get_all_start_methods()
            and sum(doc_chars(d) for d in docs) >= PARALLEL_MIN_CHARS)


def balanced_groups(docs: list[Document], n_workers: int) -> list[list[int]]:
    """Consecutive articles in parts of about equal size, enough to even the workers out.

    A part costs a fixed ~0.2 s (fonts subset and written, one more PDF to
    merge), so there are only ``PARTS_PER_WORKER`` per worker, unless that
    would make a part longer than ``PART_CHARS``.
    """
    sizes = [doc_chars(d) for d in docs]
    total = max(sum(sizes), 1)
    count = max(n_workers * PARTS_PER_WORKER, math.ceil(total / max(PART_CHARS, 1)))
    groups: dict[int, list[int]] = {}
    done = 0
    for i, size in enumerate(sizes):  # an article goes where its middle falls
        groups.setdefault(min(count - 1, (done + size // 2) * count // total), []).append(i)
        done += size
    return list(groups.values())


@dataclass
class TocMark:
    """Where the parent stamps one 目录 entry's dot leader and page number (pt, from top left)."""

    page: int  # page index within the part
    anchor: str
    face: int  # page of the part's carrier PDF whose font draws the entry
    start: float  # where the entry's last line of text ends
    right: float  # where the page number ends
    baseline: float
    size: float


@dataclass
class Part:
    """A laid-out part, in a form that crosses process boundaries."""

    pdf: bytes
    pages: int
    anchors: dict[str, int]  # anchor id → page index within the part
    bookmarks: list[tuple[int, str, int, float]]  # level, label, page, y (pt from top)
    links: list[tuple[int, str, tuple[float, float, float, float]]] = field(default_factory=list)
    blank: list[int] = field(default_factory=list)  # page indices left without a folio
    marks: list[TocMark] = field(default_factory=list)
    carrier: bytes = b""  # one page per face, drawing STAMP_CHARS; page 0 is the folios' face


Job = tuple[str, tuple[int, ...]]  # ("front" | "articles" | "aids", article indices)

_DOCS: list[Document] = []  # set in the parent before forking: workers read, never pickle
_OPTS: list[BuildOptions] = []


def render_part(job: Job) -> tuple[Job, Part]:
    """Lay out and write one part (runs in a worker, or in the parent)."""
    from pipeline.writers.booklet.kinsoku import visible
    from pipeline.writers.booklet.typeset import booklet_context, layout, render_html, write_pdf

    kind, indices = job
    opts = _OPTS[0]
    articles = kind == "articles"
    docs = [_DOCS[i] for i in indices] if articles else _DOCS
    parts = {"cover": kind == "front", "toc": kind == "front", "articles": articles,
             "aids": kind == "aids"}
    ctx = booklet_context(docs, opts, compilation=True, parts=parts, folio=False,
                          indices=[i + 1 for i in indices] if articles else None)
    document = layout(render_html(ctx, opts), opts)
    anchors: dict[str, int] = {}
    bookmarks, links, blank = [], [], []
    for n, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, n)
        for level, label, (_x, y), _state in page.bookmarks:
            bookmarks.append((level, visible(label), n, y * PX))
        kept = []
        for link in page.links:
            kind_, target, rect = link[0], link[1], link[2]
            if kind_ == "internal" and target not in anchors and kind == "front":
                x0, y0, x1, y1 = rect
                links.append((n, target, (x0 * PX, y0 * PX, x1 * PX, y1 * PX)))
            else:
                kept.append(link)
        page.links[:] = kept
        page_type = getattr(getattr(page, "_page_box", None), "page_type", None)
        if getattr(page_type, "blank", False) or getattr(page_type, "name", "") == "cover":
            blank.append(n)
    part = Part(b"", len(document.pages), anchors, bookmarks, links, blank)
    if kind == "front":
        part.marks, faces = toc_marks(document)
        part.carrier = carrier(faces, opts)
    part.pdf = write_pdf(document, None) or b""
    return job, part


Face = tuple[tuple[str, ...], int]  # font families, weight


def toc_marks(document: Any) -> tuple[list[TocMark], list[Face]]:
    """The 目录 entries (block links to other parts) and the faces they are set in.

    Face 0 is the folios' (body font, regular).
    """
    from weasyprint.formatting_structure import boxes

    from pipeline.writers.booklet.typeset import FONTS

    faces: list[Face] = [(tuple(FONTS["body"]), 400)]
    marks: dict[str, TocMark] = {}
    for n, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            href = box.element.get("href", "") if box.element_tag == "a" else ""
            if not (href.startswith("#") and isinstance(box, boxes.BlockBox)):
                continue
            texts = [t for t in box.descendants() if isinstance(t, boxes.TextBox)]
            if not texts:
                continue
            last = max(texts, key=lambda t: (t.position_y, t.position_x))
            face = (tuple(box.style["font_family"]), int(box.style["font_weight"]))
            if face not in faces:
                faces.append(face)
            # The last fragment of an entry split across pages wins.
            marks[href[1:]] = TocMark(
                page=n, anchor=href[1:], face=faces.index(face),
                start=max(t.position_x + t.width for t in texts
                          if t.position_y == last.position_y) * PX,
                right=(box.content_box_x() + box.width + box.padding_right) * PX,
                baseline=(last.position_y + last.baseline) * PX,
                size=box.style["font_size"] * PX)
    return list(marks.values()), faces


def carrier(faces: list[Face], opts: BuildOptions) -> bytes:
    """A PDF whose page i draws STAMP_CHARS in face i: the fonts of the stamps."""
    from pipeline.writers.booklet.typeset import css_stack, layout, write_pdf

    pages = "".join(f"<p style='font-family:{css_stack(list(families))};font-weight:{weight};"
                    f"{'break-before:page' if i else ''}'>{STAMP_CHARS}</p>"
                    for i, (families, weight) in enumerate(faces))
    from pipeline.writers.booklet.typeset import paper_for

    size = paper_for(opts).folio_size
    html = f'<html lang="zh-CN"><body style="margin:0;font-size:{size}">{pages}</body></html>'
    return write_pdf(layout(html, opts), None) or b""


def _even(n: int) -> int:
    return n + (n % 2)


def _warm(opts: BuildOptions) -> None:
    """Compile the templates once, before forking, for every worker.

    Fonts are not loaded here: a parent holding WeasyPrint's font state made
    the workers' summed memory ~120 MiB larger and the run no faster.
    """
    from pipeline.writers.booklet.typeset import booklet_context, render_html

    render_html(booklet_context(_DOCS[:1], opts, compilation=True), opts)


def plan(docs: list[Document], n_workers: int, with_aids: bool) -> list[Job]:
    """The parts to lay out, the costliest first so that the workers finish together."""
    from pipeline.writers.booklet.typeset import booklet_context

    toc = len(booklet_context(docs, _OPTS[0], compilation=True, parts={"toc": True})["toc"])
    cost: dict[Job, int] = {("front", ()): toc * TOC_ENTRY_CHARS}
    for g in balanced_groups(docs, n_workers):
        cost[("articles", tuple(g))] = sum(doc_chars(docs[i]) for i in g)
    if with_aids:
        cost[("aids", ())] = 0
    return sorted(cost, key=lambda job: -cost[job])


def write_parallel(docs: list[Document], opts: BuildOptions, target: Path) -> None:
    """Write the reading PDF of a compilation to ``target`` using worker processes."""
    from pipeline.writers.booklet.typeset import has_aids, merge_aids

    _DOCS[:] = docs
    _OPTS[:] = [opts]
    try:
        n_workers = max(1, workers())
        jobs = plan(docs, n_workers, has_aids(merge_aids(docs)))
        _warm(opts)
        with multiprocessing.get_context("fork").Pool(min(n_workers, len(jobs))) as pool:
            done = dict(pool.imap_unordered(render_part, jobs))
    finally:
        _DOCS[:] = []
        _OPTS[:] = []
    front = done.pop(("front", ()))
    aids = done.pop(("aids", ()), None)
    parts = [done[job] for job in sorted(done, key=lambda job: job[1])]
    _merge(front, parts, aids, opts, target)


def _merge(front: Part, parts: list[Part], aids: Part | None, opts: BuildOptions,
           target: Path) -> None:
    """One PDF: the parts in order, each padded to an even length; then bookmarks, links, stamps."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link
    from pypdf.generic import Fit

    writer = PdfWriter()
    blank: set[int] = set()
    starts: list[int] = []
    numbers: dict[str, int] = {}  # anchor → page number
    ordered = [front, *parts] + ([aids] if aids and aids.pages else [])
    for part in ordered:
        start = len(writer.pages)
        starts.append(start)
        writer.append(PdfReader(io.BytesIO(part.pdf)), import_outline=False)
        blank.update(start + n for n in part.blank)
        for name, page in part.anchors.items():
            numbers.setdefault(name, start + page + 1)
        if part is not ordered[-1] and part.pages % 2:
            blank.add(len(writer.pages))
            box = writer.pages[-1].mediabox
            writer.add_blank_page(float(box.width), float(box.height))
    height = float(writer.pages[0].mediabox.height)

    # Bookmarks, nested by level, pointing at absolute pages.
    stack: list[tuple[int, Any]] = []
    for start, part in zip(starts, ordered, strict=True):
        for level, label, page, y in part.bookmarks:
            while stack and stack[-1][0] >= level:
                stack.pop()
            parent = stack[-1][1] if stack else None
            item = writer.add_outline_item(title=label, page_number=start + page, parent=parent,
                                           fit=Fit.xyz(0, height - y, None))
            stack.append((level, item))
    # The 目录's links, now that the chapters' pages are known.
    for page, anchor, (x0, y0, x1, y1) in front.links:
        if anchor in numbers:
            link = Link(rect=(x0, height - y1, x1, height - y0),
                        target_page_index=numbers[anchor] - 1)
            writer.add_annotation(page, link)
    stamper = Stamper(writer, front.carrier)
    stamp_folios(stamper, blank, opts)
    stamp_toc(stamper, front.marks, numbers)
    stamper.apply()
    share_fonts(writer)  # after the stamps: their fonts join the book's
    info = PdfReader(io.BytesIO(front.pdf)).metadata or {}
    writer.add_metadata({k: v for k, v in info.items() if isinstance(k, str)})
    writer.page_mode = "/UseOutlines"
    with open(target, "wb") as fh:
        writer.write(fh)


# --- one copy of each font ----------------------------------------------------

_CMAP_HEAD = (b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
              b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
              b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
              b"1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n")
_CMAP_TAIL = b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"


def _cff_font_parts(ref: Any) -> tuple[Any, Any, Any] | None:
    """Type0 font, its CIDFont and FontDescriptor, if it embeds bare CID-keyed CFF."""
    font = ref.get_object()
    try:
        cid = font["/DescendantFonts"][0].get_object()
        descriptor = cid["/FontDescriptor"].get_object()
        stream = descriptor["/FontFile3"].get_object()
    except (KeyError, IndexError, TypeError):
        return None
    if cid.get("/Subtype") != "/CIDFontType0" or stream.get("/Subtype") != "/CIDFontType0C":
        return None
    return font, cid, descriptor


def share_fonts(writer: Any) -> int:
    """Embed each face once for the whole book: merge the parts' subsets into the first.

    Every part embeds its own subset of each face (~300 KB for the body face);
    the subsets' glyphs, widths and ToUnicode maps are merged and the pages
    pointed at one font.  Returns how many font copies were dropped.
    """
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        FloatObject,
        IndirectObject,
        NameObject,
        NumberObject,
    )

    from pipeline.writers.booklet.cff import merge_cffs

    font_dicts: dict[int, Any] = {}
    for page in writer.pages:
        fonts = page["/Resources"].get_object().get("/Font")
        if fonts is not None:
            font_dicts.setdefault(id(fonts.get_object()), fonts.get_object())
    groups: dict[str, list[IndirectObject]] = {}
    for fonts in font_dicts.values():
        for ref in fonts.values():
            if isinstance(ref, IndirectObject) and _cff_font_parts(ref) is not None:
                same = groups.setdefault(str(ref.get_object()["/BaseFont"]), [])
                if ref not in same:
                    same.append(ref)
    replace: dict[IndirectObject, IndirectObject] = {}
    for refs in groups.values():
        if len(refs) < 2:
            continue
        members = [_cff_font_parts(r) for r in refs]
        try:
            data = merge_cffs([m[2]["/FontFile3"].get_object().get_data() for m in members])
        except (ValueError, IndexError, KeyError):
            continue  # keep the copies rather than risk a broken font
        glyphs: dict[int, bytes] = {}
        widths: dict[int, float] = {}
        for font, _cid, _descriptor in members:
            cmap = font["/ToUnicode"].get_object().get_data()
            for gid, uni in _BFCHAR.findall(cmap):
                glyphs.setdefault(int(gid, 16), uni)
            for gid, width in _font_tables(font)[1].items():
                widths.setdefault(gid, width)
        for ref, (other, other_cid, other_descriptor) in zip(refs, members, strict=True):
            dropped = [other_descriptor.get("/FontFile3"), other.get("/ToUnicode")]
            if ref != refs[0]:
                replace[ref] = refs[0]
                dropped += [other_cid["/FontDescriptor"], other["/DescendantFonts"][0], ref]
            for obj in dropped:
                if isinstance(obj, IndirectObject):
                    writer._objects[obj.idnum - 1] = None  # left out of the file
        font, cid, descriptor = members[0]
        stream = DecodedStreamObject()
        stream.set_data(data)
        stream[NameObject("/Subtype")] = NameObject("/CIDFontType0C")
        descriptor[NameObject("/FontFile3")] = writer._add_object(stream.flate_encode())
        cmap = DecodedStreamObject()
        cmap.set_data(_CMAP_HEAD + _bfchars(glyphs) + _CMAP_TAIL)
        font[NameObject("/ToUnicode")] = writer._add_object(cmap.flate_encode())
        cid[NameObject("/W")] = ArrayObject(
            x for g in sorted(widths)
            for x in (NumberObject(g), ArrayObject([FloatObject(widths[g])])))
    for fonts in font_dicts.values():
        for name, ref in list(fonts.items()):
            if ref in replace:
                fonts[NameObject(name)] = replace[ref]
    return len(replace)


def _bfchars(glyphs: dict[int, bytes]) -> bytes:
    """ToUnicode ``bfchar`` blocks (at most 100 entries each) for glyph id → UTF-16BE hex."""
    items = sorted(glyphs.items())
    out = []
    for i in range(0, len(items), 100):
        chunk = items[i:i + 100]
        out.append(b"%d beginbfchar\n" % len(chunk))
        out.extend(b"<%04x> <%s>\n" % (gid, uni) for gid, uni in chunk)
        out.append(b"endbfchar\n")
    return b"".join(out)


# --- stamps: folios and the 目录's numbers ------------------------------------

_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
_TF = re.compile(rb"/([^\s/]+)\s+[-\d.]+\s+Tf\b")


def _font_tables(font: Any) -> tuple[dict[str, int], dict[int, float]]:
    """Character → glyph id (from ToUnicode) and glyph id → width (from /W) of a CID font."""
    cmap = font["/ToUnicode"].get_object().get_data()
    glyphs = {}
    for gid, uni in _BFCHAR.findall(cmap):
        glyphs[bytes.fromhex(uni.decode()).decode("utf-16-be")] = int(gid, 16)
    widths: dict[int, float] = {}
    w = font["/DescendantFonts"][0].get_object().get("/W", [])
    i = 0
    while i < len(w):
        first = int(w[i])
        if isinstance(w[i + 1], list) or hasattr(w[i + 1], "__iter__"):
            for k, value in enumerate(w[i + 1]):
                widths[first + k] = float(value)
            i += 2
        else:
            last, value = int(w[i + 1]), float(w[i + 2])
            for g in range(first, last + 1):
                widths[g] = value
            i += 3
    return glyphs, widths


class Stamper:
    """Text drawn onto the merged pages in fonts taken from a carrier PDF (one face a page)."""

    def __init__(self, writer: Any, carrier_pdf: bytes):
        from pypdf import PdfReader

        self.writer = writer
        self.faces: list[tuple[Any, dict[str, int], dict[int, float]]] = []
        for page in PdfReader(io.BytesIO(carrier_pdf)).pages:
            # WeasyPrint shares one resource dictionary between pages: take the fonts this page sets.
            used = set(_TF.findall(page.get_contents().get_data()))
            fonts = [f.get_object() for name, f in page["/Resources"]["/Font"].items()
                     if name[1:].encode() in used]
            tables = [_font_tables(f) for f in fonts]
            best = max(range(len(fonts)), key=lambda i: len(set(STAMP_CHARS) & set(tables[i][0])))
            copy = fonts[best].clone(writer)  # the font and its file, once
            self.faces.append((copy.indirect_reference or writer._add_object(copy), *tables[best]))
        self.ops: dict[int, list[str]] = {}

    def width(self, face: int, text: str, size: float) -> float:
        _ref, glyphs, widths = self.faces[face]
        return sum(widths.get(glyphs.get(ch, -1), 1000.0) for ch in text) * size / 1000

    def text(self, page: int, face: int, x: float, y: float, size: float, text: str) -> None:
        """Draw ``text`` with its baseline at (x, y), pt from the bottom left; if it can be drawn."""
        glyphs = self.faces[face][1]
        if any(ch not in glyphs for ch in text):
            return  # cannot happen: the carrier draws every stamped character
        hexes = "".join(f"{glyphs[ch]:04x}" for ch in text)
        self.ops.setdefault(page, []).append(
            f"BT /StkF{face} {size:g} Tf 0 g {x:.2f} {y:.2f} Td <{hexes}> Tj ET")

    def apply(self) -> None:
        """Append the stamps to each page's content, after its own (kept in q … Q)."""
        from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

        writer = self.writer
        before = DecodedStreamObject()
        before.set_data(b"q\n")
        before_ref = writer._add_object(before)
        for n, ops in self.ops.items():
            page = writer.pages[n]
            after = DecodedStreamObject()
            after.set_data(("Q\nq " + "\n".join(ops) + " Q\n").encode())
            contents = page.get("/Contents")
            existing = contents.get_object() if contents is not None else None
            array = ArrayObject([before_ref])
            if isinstance(existing, ArrayObject):
                array.extend(existing)
            elif contents is not None:
                array.append(contents)
            array.append(writer._add_object(after))
            page[NameObject("/Contents")] = array
            resources = page.get("/Resources")
            resources = resources.get_object() if resources is not None else DictionaryObject()
            fonts = resources.get("/Font")
            fonts = fonts.get_object() if fonts is not None else DictionaryObject()
            for face, (ref, _glyphs, _widths) in enumerate(self.faces):
                fonts[NameObject(f"/StkF{face}")] = ref
            resources[NameObject("/Font")] = fonts
            page[NameObject("/Resources")] = resources


def _margins(opts: BuildOptions) -> tuple[float, float, float, float]:
    from pipeline.writers.booklet.typeset import paper_for

    paper = paper_for(opts)
    values = [float(v.removesuffix("mm")) * MM for v in paper.margin.split()]
    top, right, bottom, left = (values * 4)[:4] if len(values) == 1 else values
    return top, right, bottom, left


def stamp_folios(stamper: Stamper, blank: set[int], opts: BuildOptions) -> None:
    """``— n —`` on the outer side of every page but the cover and blank pages (face 0)."""
    from pipeline.writers.booklet.typeset import paper_for

    _top, right, bottom, left = _margins(opts)
    size = paper_for(opts).folio_pt
    baseline = bottom - 4 * MM - size * 1.0
    for n, page in enumerate(stamper.writer.pages):
        if n in blank:
            continue
        text = f"— {n + 1} —"
        width = stamper.width(0, text, size)
        x = float(page.mediabox.width) - right - size - width if n % 2 == 0 else left + size
        stamper.text(n, 0, x, baseline, size, text)


def stamp_toc(stamper: Stamper, marks: list[TocMark], numbers: dict[str, int]) -> None:
    """Each 目录 entry's page number, flush right, and a dot leader up to it.

    The dots sit on a grid counted from the right edge, as WeasyPrint's
    ``leader()`` places them, so they line up from entry to entry.
    """
    height = float(stamper.writer.pages[0].mediabox.height)
    for mark in marks:
        if mark.anchor not in numbers:
            continue
        number = str(numbers[mark.anchor])
        y = height - mark.baseline
        num_x = mark.right - stamper.width(mark.face, number, mark.size)
        stamper.text(mark.page, mark.face, num_x, y, mark.size, number)
        dot = stamper.width(mark.face, ".", mark.size)
        if dot <= 0:
            continue
        first = math.ceil((mark.right - num_x) / dot + 1 - 1e-6)  # dots counted from the right
        last = math.floor((mark.right - mark.start) / dot + 1e-6)
        if last >= first:
            stamper.text(mark.page, mark.face, mark.right - last * dot, y, mark.size,
                         "." * (last - first + 1))
