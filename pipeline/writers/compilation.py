"""Large 学习汇编: chapters laid out in parallel processes, merged with pypdf.

WeasyPrint lays a document out on one core and keeps every page in memory, so
a 500-page compilation is slow and large as one call.  Here consecutive
articles are grouped into parts, each laid out in a forked worker; the parent
merges the parts, fills in the 目录 from the parts' anchors, rebuilds the
bookmarks and the TOC links, and stamps the page numbers (folios), which no
part can know while it is laid out.  Every chapter starts on a right-hand page,
so a part's left/right pages do not depend on where it lands.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.model import Block, Document, Section
from pipeline.options import BuildOptions

PARALLEL_MIN_CHARS = 60_000  # below this one WeasyPrint call is as fast
PART_CHARS = 24_000  # characters per part: bounds each worker's memory
FOLIO_SIZE = 9.0  # pt, as in booklet.css
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


def group(docs: list[Document], size: int = PART_CHARS) -> list[list[int]]:
    """Consecutive article indices, about ``size`` characters per group."""
    groups: list[list[int]] = [[]]
    chars = 0
    for i, doc in enumerate(docs):
        if groups[-1] and chars >= size:
            groups.append([])
            chars = 0
        groups[-1].append(i)
        chars += doc_chars(doc)
    return groups


@dataclass
class Part:
    """A laid-out part, in a form that crosses process boundaries."""

    pdf: bytes
    pages: int
    anchors: dict[str, int]  # anchor id → page index within the part
    bookmarks: list[tuple[int, str, int, float]]  # level, label, page, y (pt from top)
    links: list[tuple[int, str, tuple[float, float, float, float]]] = field(default_factory=list)
    blank: list[int] = field(default_factory=list)  # page indices left without a folio


_DOCS: list[Document] = []  # set in the parent before forking: workers read, never pickle


def render_part(indices: list[int], opts: BuildOptions, parts: dict[str, bool],
                page_numbers: dict[str, int] | None = None) -> Part:
    """Lay out and write one part (runs in a worker, or in the parent)."""
    from pipeline.writers.booklet import booklet_context, layout, render_html, write_pdf

    docs = [_DOCS[i] for i in indices] if parts.get("articles") else _DOCS
    numbers = [i + 1 for i in indices] if parts.get("articles") else None
    ctx = booklet_context(docs, opts, compilation=True, indices=numbers, parts=parts,
                          folio=False, page_numbers=page_numbers)
    document = layout(render_html(ctx, opts), opts)
    anchors: dict[str, int] = {}
    bookmarks, links, blank = [], [], []
    for n, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, n)
        for level, label, (_x, y), _state in page.bookmarks:
            bookmarks.append((level, label, n, y * PX))
        kept = []
        for link in page.links:
            kind, target, rect = link[0], link[1], link[2]
            if kind == "internal" and target not in anchors and parts.get("toc"):
                x0, y0, x1, y1 = rect
                links.append((n, target, (x0 * PX, y0 * PX, x1 * PX, y1 * PX)))
            else:
                kept.append(link)
        page.links[:] = kept
        page_type = getattr(getattr(page, "_page_box", None), "page_type", None)
        if getattr(page_type, "blank", False) or getattr(page_type, "name", "") == "cover":
            blank.append(n)
    pdf = write_pdf(document, None)
    assert pdf is not None
    return Part(pdf, len(document.pages), anchors, bookmarks, links, blank)


def _even(n: int) -> int:
    return n + (n % 2)


def write_parallel(docs: list[Document], opts: BuildOptions, target: Path) -> None:
    """Write the reading PDF of a compilation to ``target`` using worker processes."""
    global _DOCS
    _DOCS = docs
    groups = sorted(group(docs), key=lambda g: -sum(doc_chars(docs[i]) for i in g))
    front_parts = {"cover": True, "toc": True}
    carrier = _carrier(opts)  # also warms fonts up before forking, for every worker
    with ProcessPoolExecutor(max_workers=min(workers(), len(groups) + 1),
                             mp_context=multiprocessing.get_context("fork")) as pool:
        # The 目录's length (with wide page numbers) decides where chapters start.
        dry = pool.submit(render_part, [], opts, front_parts, _AnyNumber(888))
        futures = {g[0]: pool.submit(render_part, g, opts, {"articles": True}) for g in groups}
        aids_future = pool.submit(render_part, [], opts, {"aids": True})
        front_pages = dry.result().pages
        parts = [futures[g[0]].result() for g in sorted(groups)]
        aids = aids_future.result()
        numbers: dict[str, int] = {}
        for _ in range(3):  # re-lay the 目录 out if real numbers changed its length
            offset = _even(front_pages)
            starts = []
            for part in parts:
                starts.append(offset)
                for name, page in part.anchors.items():
                    numbers[name] = offset + page + 1
                offset += _even(part.pages)
            front = pool.submit(render_part, [], opts, front_parts, dict(numbers)).result()
            if front.pages == front_pages:
                break
            front_pages = front.pages
    _DOCS = []
    aids_start = offset
    _merge(front, parts, starts, aids, aids_start, numbers, opts, target, carrier)


class _AnyNumber(dict):
    """Every TOC entry at a wide page number, for measuring the 目录's length."""

    def __init__(self, number: int):
        super().__init__()
        self.number = number

    def get(self, key: Any, default: Any = None) -> int:
        return self.number


def _merge(front: Part, parts: list[Part], starts: list[int], aids: Part, aids_start: int,
           numbers: dict[str, int], opts: BuildOptions, target: Path, carrier: bytes) -> None:
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link
    from pypdf.generic import Fit

    writer = PdfWriter()
    blank: set[int] = set()

    def append(part: Part, pad: bool) -> None:
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(part.pdf)), import_outline=False)
        blank.update(start + n for n in part.blank)
        if pad and part.pages % 2:
            blank.add(len(writer.pages))
            box = writer.pages[-1].mediabox
            writer.add_blank_page(float(box.width), float(box.height))

    append(front, True)
    for part in parts:
        append(part, True)
    if aids.pages:
        append(aids, False)
    starts_all = [0] + starts + ([aids_start] if aids.pages else [])
    all_parts = [front, *parts] + ([aids] if aids.pages else [])
    height = float(writer.pages[0].mediabox.height)

    # Bookmarks, nested by level, pointing at absolute pages.
    stack: list[tuple[int, Any]] = []
    for start, part in zip(starts_all, all_parts, strict=True):
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
    stamp_folios(writer, blank, opts, carrier)
    from pypdf import PdfReader as _Reader

    info = _Reader(io.BytesIO(front.pdf)).metadata or {}
    writer.add_metadata({k: v for k, v in info.items() if isinstance(k, str)})
    writer.page_mode = "/UseOutlines"
    with open(target, "wb") as fh:
        writer.write(fh)


# --- folios -----------------------------------------------------------------


def _carrier(opts: BuildOptions) -> bytes:
    """A one-page PDF whose first font draws the folio characters.

    It also shows the other faces, so that fonts are loaded once in the parent
    and every forked worker starts warm.
    """
    from pipeline.writers.booklet import FONTS, css_stack, layout, write_pdf

    def face(name: str, weight: str = "normal") -> str:
        return f"font-family:{css_stack(FONTS[name])};font-weight:{weight}"

    html = (f'<html lang="zh-CN"><body style="margin:0;font-size:{FOLIO_SIZE}pt">'
            f"<p style='{face('body')}'>— 0123456789 —</p>"
            f"<p style='{face('body', 'bold')}'>字</p><p style='{face('heading', 'bold')}'>字</p>"
            f"<p style='{face('kai')}'>字</p></body></html>")
    pdf = write_pdf(layout(html, opts), None)
    assert pdf is not None
    return pdf


_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


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


def _margins(opts: BuildOptions) -> tuple[float, float, float, float]:
    from pipeline.writers.booklet import PAPERS

    paper = PAPERS.get(opts.paper.upper(), PAPERS["A5"])
    values = [float(v.removesuffix("mm")) * MM for v in paper.margin.split()]
    top, right, bottom, left = (values * 4)[:4] if len(values) == 1 else values
    return top, right, bottom, left


def stamp_folios(writer: Any, blank: set[int], opts: BuildOptions, carrier_pdf: bytes) -> None:
    """Draw ``— n —`` on the outer side of every page but the cover and blank pages."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    carrier = PdfReader(io.BytesIO(carrier_pdf)).pages[0]
    font = next(iter(carrier["/Resources"]["/Font"].values())).get_object()
    glyphs, widths = _font_tables(font)
    copy = font.clone(writer)  # the font and its file, once
    font_ref = copy.indirect_reference or writer._add_object(copy)
    _top, right, bottom, left = _margins(opts)
    size = FOLIO_SIZE
    baseline = bottom - 4 * MM - size * 1.0
    for n, page in enumerate(writer.pages):
        if n in blank:
            continue
        text = f"— {n + 1} —"
        gids = [glyphs.get(ch) for ch in text]
        if None in gids:
            continue  # cannot happen: the carrier draws every folio character
        width = sum(widths.get(g, 1000.0) for g in gids) * size / 1000
        page_w = float(page.mediabox.width)
        x = page_w - right - size - width if n % 2 == 0 else left + size
        hexes = "".join(f"{g:04x}" for g in gids)
        before = DecodedStreamObject()
        before.set_data(b"q\n")
        after = DecodedStreamObject()
        after.set_data(f"Q\nq BT /StkFolio {size:g} Tf 0 g {x:.2f} {baseline:.2f} Td "
                       f"<{hexes}> Tj ET Q\n".encode())
        contents = page.get("/Contents")
        existing = contents.get_object() if contents is not None else None
        array = ArrayObject([writer._add_object(before)])
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
        fonts[NameObject("/StkFolio")] = font_ref
        resources[NameObject("/Font")] = fonts
        page[NameObject("/Resources")] = resources
