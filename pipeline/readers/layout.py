"""Printed pages → paragraphs: the geometry half of the PDF reader.

Input: the glyphs of each page (character, box, size, weight) or, from OCR, the
words of each printed line.  Output: the body's paragraphs with their look (size,
bold, centred, page), and the page furniture (page numbers, running heads and
feet, browser print headers, watermarks, rule lines) with a reason each.

Coordinates are points with y growing downwards from the page's top edge.  Knows
nothing of pdfium or Tesseract, so it can be tested on hand-made pages.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from pipeline.readers.furniture import (
    browser_print_reason,
    is_page_number,
    is_rule,
)


@dataclass(slots=True)
class Glyph:
    ch: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # font size in points, after the text matrix
    bold: bool = False
    faint: bool = False  # light fill colour or mostly transparent: a watermark's look
    rotated: bool = False
    unweighed: bool = False  # the font does not say whether it is bold (Type 3 shapes)


@dataclass
class Row:
    """One printed line (or one column's part of it)."""

    glyphs: list[Glyph]
    page: int
    text: str = ""
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0
    bold: bool = False
    faint: bool = False
    rotated: bool = False
    number: int = 0  # 1-based printed-line number in the document, in reading order
    column: int = 0  # 0: the page's only column (or across both), 1: left, 2: right

    def finish(self) -> Row:
        """Text and box from the glyphs."""
        gs = self.glyphs
        self.x0 = min(g.x0 for g in gs)
        self.x1 = max(g.x1 for g in gs)
        self.top = min(g.top for g in gs)
        self.bottom = max(g.bottom for g in gs)
        ink = [g for g in gs if not g.ch.isspace()] or gs
        sizes = Counter(round(g.size * 2) / 2 for g in ink)
        self.size = sizes.most_common(1)[0][0]
        self.bold = sum(g.bold for g in ink) >= 0.6 * len(ink)
        self.faint = sum(g.faint for g in ink) >= 0.6 * len(ink)
        self.rotated = sum(g.rotated for g in ink) >= 0.6 * len(ink)
        self.text = join_glyphs(gs)
        return self

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    rows: list[Row] = field(default_factory=list)


@dataclass
class Paragraph:
    text: str
    rows: list[Row]
    page: int
    size: float
    bold: bool
    centered: bool
    heading: int | None = None

    @property
    def number(self) -> int:
        return self.rows[0].number


@dataclass
class Furniture:
    text: str
    reason: str
    number: int


@dataclass
class Layout:
    paragraphs: list[Paragraph]
    furniture: list[Furniture]
    body_size: float


# --- glyphs → text -----------------------------------------------------------

_HAN = re.compile("[\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3400-\u4dbf\u4e00-\u9fff"
                  "\uf900-\ufaff\U00020000-\U0002fa1f]")
_CJK_PUNCT = set("，。、；：？！“”‘’（）《》〈〉【】「」『』〔〕［］—…·～　")


_KINDS: dict[str, str] = {}


def _kind(ch: str) -> str:
    """'han' (Han and Chinese punctuation), 'latin' (letters, digits, Western marks) or 'space'."""
    kind = _KINDS.get(ch)
    if kind is None:
        if ch.isspace():
            kind = "space"
        elif (_HAN.match(ch) or ch in _CJK_PUNCT or "\u3000" <= ch <= "\u303f"
              or "\uff00" <= ch <= "\uffef"):
            kind = "han"
        else:
            kind = "latin"
        if len(_KINDS) < 100_000:
            _KINDS[ch] = kind
    return kind


def join_glyphs(glyphs: list[Glyph]) -> str:
    """The glyphs of one line as text: spaces only where the print shows one.

    A space character the file holds is kept (once).  Otherwise the gap between two
    glyphs decides, measured in ems: between Latin letters or digits a gap of a
    word space (0.15 em) is a space; between Chinese and Latin text only a wide gap
    (0.6 em: the automatic ¼-em spacing of word processors is not a space); between
    Han characters only a gap clearly wider than the line's own letter-spacing (so
    "通　知" set with spaced letters stays "通知", "电　话" keeps its gap).
    """
    kinds = [_kind(g.ch) for g in glyphs]
    ink = [(g, k) for g, k in zip(glyphs, kinds, strict=True) if k != "space"]
    if not ink:
        return ""
    han_gaps = [b.x0 - a.x1 for (a, ka), (b, kb) in zip(ink, ink[1:], strict=False)
                if ka == kb == "han"]
    spacing = statistics.median(han_gaps) if han_gaps else 0.0
    out: list[str] = []
    pending_space = False
    prev: Glyph | None = None
    prev_kind = ""
    for g, b in zip(glyphs, kinds, strict=True):
        if b == "space":
            pending_space = prev is not None
            continue
        if prev is not None:
            em = max(min(prev.size, g.size), 1.0)
            gap = (g.x0 - prev.x1) / em
            a = prev_kind
            if a == b == "latin":
                space = pending_space or gap > 0.15
            elif a == b == "han":
                space = gap > 2.5 or gap - spacing / em > 0.18
            else:
                space = gap > 0.6 or (pending_space and gap > 0.5 and (a == "latin" or b == "latin"))
            if space:
                out.append(" ")
        out.append(g.ch)
        prev, prev_kind = g, b
        pending_space = False
    return "".join(out)


# --- glyphs → rows -----------------------------------------------------------

def build_rows(glyphs: list[Glyph], page: int, width: float) -> list[Row]:
    """Glyphs in the file's order → printed lines in reading order.

    Runs of glyphs that follow each other on one baseline are found in file
    order, then runs on the same line are put together and lines sorted top to
    bottom.  A page set in two columns is read column by column (``_columns``).
    """
    straight = [g for g in glyphs if not g.rotated]
    rotated = [g for g in glyphs if g.rotated]
    runs = _runs(straight)
    rows: list[Row] = []
    for column, band in _column_bands(runs, width):
        for row in _rows_of(band, page):
            row.column = column
            rows.append(row)
    rows.extend(_rotated_rows(rotated, page))
    return rows


def _runs(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs that follow each other in the file along one baseline."""
    runs: list[list[Glyph]] = []
    cur: list[Glyph] = []
    for g in glyphs:
        if cur:
            p = cur[-1]
            ph, gh = p.bottom - p.top, g.bottom - g.top
            h = ph if ph < gh else gh
            h = h if h > 1.0 else 1.0
            shift = (p.top + p.bottom - g.top - g.bottom) / 2  # between the two middles
            reach = 6 * (p.size if p.size > g.size else g.size)
            if -0.5 * h < shift < 0.5 * h and g.x0 >= p.x0 - 0.3 * h and g.x0 - p.x1 < reach:
                cur.append(g)
                continue
            runs.append(cur)
        cur = [g]
    if cur:
        runs.append(cur)
    return [r for r in runs if any(not g.ch.isspace() for g in r)]


def _rotated_rows(glyphs: list[Glyph], page: int) -> list[Row]:
    """Turned text (a watermark across the page, a note in the margin): one row per
    stretch of glyphs that follow each other closely in the file."""
    groups: list[list[Glyph]] = []
    for g in glyphs:
        if groups:
            p = groups[-1][-1]
            dist = abs((g.x0 + g.x1) / 2 - (p.x0 + p.x1) / 2) + abs(g.top - p.top)
            if dist < 3 * max(p.size, g.size, 1.0):
                groups[-1].append(g)
                continue
        groups.append([g])
    rows = []
    for grp in groups:
        row = Row(grp, page).finish()
        row.text = re.sub(r"\s+", " ", "".join(g.ch for g in grp)).strip()
        if row.text:
            rows.append(row)
    return rows


def _rows_of(runs: list[list[Glyph]], page: int) -> list[Row]:
    """Runs that share a line form one row: their middles within half a line height.

    Smaller runs (a superscript note mark, a raised ordinal) join the line they overlap
    most, so they do not break it in two.
    """
    boxes = [(min(g.top for g in r), max(g.bottom for g in r), r) for r in runs]
    if not boxes:
        return []
    usual = statistics.median(b - t for t, b, _ in boxes)
    big = sorted((b for b in boxes if b[1] - b[0] >= 0.75 * usual), key=lambda b: b[0] + b[1])
    small = [b for b in boxes if b[1] - b[0] < 0.75 * usual]
    rows: list[list[tuple[float, float, list[Glyph]]]] = []
    spans: list[list[float]] = []  # each row's [top, bottom]
    for top, bottom, run in big:
        if rows:
            ltop, lbottom = spans[-1]
            h = min(bottom - top, lbottom - ltop)
            if abs((top + bottom) / 2 - (ltop + lbottom) / 2) < 0.5 * max(h, 1.0):
                rows[-1].append((top, bottom, run))
                spans[-1] = [min(ltop, top), max(lbottom, bottom)]
                continue
        rows.append([(top, bottom, run)])
        spans.append([top, bottom])
    for top, bottom, run in small:
        overlaps = [min(bottom, b) - max(top, t) for t, b in spans]
        k = max(range(len(overlaps)), key=overlaps.__getitem__) if overlaps else -1
        if k >= 0 and overlaps[k] >= 0.5 * max(bottom - top, 1.0):
            rows[k].append((top, bottom, run))
        else:
            rows.append([(top, bottom, run)])
            spans.append([top, bottom])
    order = sorted(range(len(rows)), key=lambda k: spans[k][0] + spans[k][1])
    out = []
    for k in order:
        parts = sorted(rows[k], key=lambda b: min(g.x0 for g in b[2]))
        glyphs = [g for _, _, run in parts for g in run]
        out.append(Row(glyphs, page).finish())
    return out


def _column_bands(runs: list[list[Glyph]], width: float) -> list[tuple[int, list[list[Glyph]]]]:
    """Split a two-column page into reading order: what spans both columns, left, right.

    A gutter is a vertical strip at least 1 em wide, in the middle third of the text,
    that no run crosses, with at least eight lines on each side, most of the left
    lines reaching it (running text, not a table's short cells) and the left lines
    sharing one left edge.  Otherwise the page is one column.
    """
    if len(runs) < 16:
        return [(0, runs)]
    spans = [(min(g.x0 for g in r), max(g.x1 for g in r), r) for r in runs]
    left_edge = min(s[0] for s in spans)
    right_edge = max(s[1] for s in spans)
    text_w = right_edge - left_edge
    if text_w < 0.4 * width:
        return [(0, runs)]
    em = statistics.median(g.size for r in runs for g in r if not g.ch.isspace())
    lo, hi = int(left_edge + text_w / 3), int(left_edge + 2 * text_w / 3)
    # the gutter: the widest strip of the middle third that (almost) no line crosses;
    # a title centred over both columns may
    cover = [0] * (hi - lo + 1)
    for a, b, _ in spans:
        for x in range(max(int(a), lo), min(int(b), hi) + 1):
            cover[x - lo] += 1
    allowed = max(1, len(spans) // 20)
    best, start = (0, 0), None
    for k, c in enumerate(cover + [allowed + 1]):
        if c <= allowed and start is None:
            start = k
        elif c > allowed and start is not None:
            if k - start > best[1] - best[0]:
                best = (start, k)
            start = None
    g0, g1 = lo + best[0], lo + best[1]
    if g1 - g0 < em:
        return [(0, runs)]
    narrow = spans
    left = [s for s in narrow if s[1] <= g0 + 0.1]
    right = [s for s in narrow if s[0] >= g1 - 0.1]
    if len(left) < 8 or len(right) < 8:
        return [(0, runs)]
    reach = sum(1 for s in left if s[1] >= g0 - 2 * em)
    edges = Counter(round(s[0]) for s in left)
    if reach < 0.5 * len(left) or edges.most_common(1)[0][1] < 0.5 * len(left):
        return [(0, runs)]
    # spanning runs cut the page into bands; each band reads left column then right
    spanning = sorted((s for s in spans if s not in left and s not in right),
                      key=lambda s: min(g.top for g in s[2]))
    col_top = min(min(g.top for g in s[2]) for s in left + right)
    col_bottom = max(max(g.bottom for g in s[2]) for s in left + right)
    above = [s[2] for s in spanning if max(g.bottom for g in s[2]) <= col_top + 1]
    below = [s[2] for s in spanning if min(g.top for g in s[2]) >= col_bottom - 1]
    inside = [s[2] for s in spanning if s[2] not in above and s[2] not in below]
    bands = [(0, above)] if above else []
    bands.append((1, [s[2] for s in left] + inside))
    bands.append((2, [s[2] for s in right]))
    if below:
        bands.append((0, below))
    return bands


# --- rows → furniture and paragraphs -----------------------------------------

def lay_out(pages: list[Page]) -> Layout:
    """Number the rows, set the furniture aside, join the rest into paragraphs."""
    n = 0
    for page in pages:
        for row in page.rows:
            n += 1
            row.number = n
    furniture: list[Furniture] = []
    body_rows = _strip_furniture(pages, furniture)
    body_size = _body_size(body_rows)
    paragraphs = _paragraphs(pages, body_rows, body_size)
    _mark_title(paragraphs, body_size)
    furniture.sort(key=lambda f: f.number)
    return Layout(paragraphs, furniture, body_size)


def _body_size(rows: list[Row]) -> float:
    sizes: Counter[float] = Counter()
    for r in rows:
        sizes[r.size] += len(r.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _norm(text: str) -> str:
    """A running head's text with its page number blanked, for comparing pages."""
    return re.sub(r"\d+|[ivxlc]+$", "#", re.sub(r"\s+", "", text))


def _strip_furniture(pages: list[Page], out: list[Furniture]) -> list[Row]:
    """Rows that are not page furniture, in reading order; the others into ``out``."""
    drop: dict[int, str] = {}  # id(row) → reason
    body_size = _body_size([r for p in pages for r in p.rows])
    margin_rows: dict[int, list[tuple[str, str, Row]]] = {}  # page → (band, norm, row)
    for page in pages:
        rows = page.rows
        straight = [r for r in rows if not r.rotated]
        for r in rows:
            if r.rotated:
                drop[id(r)] = "rotated text across the page (watermark)"
            elif is_rule(r.text):
                drop[id(r)] = "rule line"
        for band, picks in (("top", straight[:3]), ("bottom", straight[::-1][:3])):
            for r in picks:
                if id(r) in drop:
                    continue
                in_band = (r.bottom < page.height * 0.13 if band == "top"
                           else r.top > page.height * 0.87)
                if not in_band:
                    break
                key = f"{_norm(r.text)}@{round(r.size)}"  # same text, same size
                margin_rows.setdefault(page.number, []).append((band, key, r))
                parts = _segments(r)
                if all(is_page_number(t) for t in parts):
                    drop[id(r)] = "page number"
                elif (reason := browser_print_reason(r.text)) is not None:
                    drop[id(r)] = reason
                elif len(parts) > 1 and all(is_page_number(t) or browser_print_reason(t)
                                            for t in parts):
                    drop[id(r)] = "browser print header or footer"
    # running heads and feet: the same text (page numbers aside) in the same margin on
    # several pages
    if len(pages) >= 2:
        seen: Counter[tuple[str, str]] = Counter()
        for entries in margin_rows.values():
            for key in {(band, norm) for band, norm, _ in entries}:
                seen[key] += 1
        need = 2 if len(pages) <= 3 else max(2, len(pages) // 3)
        for entries in margin_rows.values():
            for band, norm, r in entries:
                if id(r) not in drop and seen[(band, norm)] >= need and len(r.text) <= 80:
                    drop[id(r)] = "running head" if band == "top" else "running foot"
    # a short line set apart in the top margin, smaller than the text: a running head
    for page in pages:
        straight = [r for r in page.rows if not r.rotated and id(r) not in drop]
        if len(straight) >= 2:
            r, nxt = straight[0], straight[1]
            if (r.bottom < page.height * 0.13 and r.size < body_size - 0.4
                    and len(r.text) <= 40 and nxt.top - r.bottom > 1.5 * body_size):
                drop[id(r)] = "running head"
    _mark_watermarks(pages, drop)
    _mark_contents(pages, drop)
    _mark_cover(pages, drop)
    body: list[Row] = []
    for page in pages:
        for r in page.rows:
            if id(r) in drop:
                out.append(Furniture(r.text, drop[id(r)], r.number))
            else:
                body.append(r)
    return body


def _segments(row: Row) -> list[str]:
    """A margin line's parts, split where the glyphs stand more than two ems apart
    ("— 3 —" in the middle and "第3页 共12页" at the right are two folios)."""
    parts: list[list[Glyph]] = [[]]
    prev: Glyph | None = None
    for g in row.glyphs:
        if g.ch.isspace():
            continue
        if prev is not None and g.x0 - prev.x1 > 2 * max(prev.size, 1.0):
            parts.append([])
        parts[-1].append(g)
        prev = g
    return [join_glyphs(p) for p in parts if p]


def _mark_watermarks(pages: list[Page], drop: dict[int, str]) -> None:
    """The same text at the same place on most pages, faint or over the text: a watermark."""
    if len(pages) < 2:
        for page in pages:
            for r in page.rows:
                if r.faint and r.size >= 20 and id(r) not in drop:
                    drop[id(r)] = "faint large text across the page (watermark)"
        return
    where: dict[tuple[str, int, int], list[Row]] = {}
    for page in pages:
        for r in page.rows:
            if id(r) in drop or not r.text:
                continue
            where.setdefault((re.sub(r"\s+", "", r.text), round(r.x0 / 10), round(r.top / 10)),
                             []).append(r)
    need = max(2, (len(pages) * 3 + 4) // 5)
    for rows in where.values():
        pages_hit = {r.page for r in rows}
        if len(pages_hit) < need:
            continue
        styled = all(r.faint or r.size >= 24 for r in rows)
        for k, r in enumerate(rows):
            if styled:
                drop[id(r)] = "watermark (the same faint text on every page)"
            elif k > 0:
                drop[id(r)] = "repeated on every page"


_TOC_ROW = re.compile(r".*\S\s*(?:[.．·⋯]{4,}|…{3,}|[.．·⋯…]{2,}\s+)\s*\d{1,4}")


def _mark_contents(pages: list[Page], drop: dict[int, str]) -> None:
    """A page whose lines are mostly "entry ……… page number" is a table of contents."""
    for page in pages:
        rows = [r for r in page.rows if id(r) not in drop]
        entries = sum(1 for r in rows if _TOC_ROW.fullmatch(r.text))
        if entries >= 3 and entries >= 0.5 * len(rows):
            for r in rows:
                drop[id(r)] = "table of contents"


def _mark_cover(pages: list[Page], drop: dict[int, str]) -> None:
    """A first page of a few short lines whose title is printed again inside is a cover."""
    if len(pages) < 2:
        return
    rows = [r for r in pages[0].rows if id(r) not in drop]
    if not rows or len(rows) > 10 or any(len(r.text) > 40 or r.text[-1] in "。；;" for r in rows):
        return
    top = max(r.size for r in rows)
    title = "".join(re.sub(r"\s+", "", r.text) for r in rows if r.size == top)
    if len(title) < 4:
        return
    inside = "".join(re.sub(r"\s+", "", r.text) for p in pages[1:] for r in p.rows
                     if id(r) not in drop)
    if title in inside:
        for r in rows:
            drop[id(r)] = "cover page (its title is printed again inside)"


# --- paragraphs --------------------------------------------------------------

_SENTENCE_END = "。！？!?；;…”’」』）)"
_MARKER = re.compile(r"(第[一二三四五六七八九十百零〇\d]+[章节条部分篇编]|[一二三四五六七八九十]{1,3}、"
                     r"|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.．、](?!\d)|附件)")


@dataclass
class _Frame:
    """A page's text block: where lines start and end."""

    left: float
    right: float
    ragged: bool


def _frames(pages: list[Page], rows: list[Row], body_size: float) -> dict[tuple[int, int], _Frame]:
    """Each page's (and column's) text block; the document's when a page has few lines."""
    frames: dict[tuple[int, int], _Frame] = {}
    by_column: dict[tuple[int, int], list[Row]] = {}
    for r in rows:
        by_column.setdefault((r.page, r.column), []).append(r)
    all_text = [r for r in rows if abs(r.size - body_size) <= 1.0 and len(r.text) >= 8
                and r.column == 0]
    doc_frame = _frame_of(all_text or rows, body_size)
    for page in pages:
        for column in (0, 1, 2):
            text_rows = [r for r in by_column.get((page.number, column), [])
                         if abs(r.size - body_size) <= 1.0 and len(r.text) >= 8]
            frames[(page.number, column)] = (_frame_of(text_rows, body_size)
                                             if len(text_rows) >= 4 else doc_frame)
    return frames


def _frame_of(rows: list[Row], body_size: float) -> _Frame:
    if not rows:
        return _Frame(0.0, 1e9, True)
    lefts = Counter(round(r.x0) for r in rows)
    left = float(min(x for x, c in lefts.items() if c >= max(1, lefts.most_common(1)[0][1] // 3)))
    ends = sorted(r.x1 for r in rows)
    right = ends[int(len(ends) * 0.8)] if len(ends) >= 5 else ends[-1]
    right = max(right, ends[-1] - 0.5 * body_size) if len(ends) < 5 else right
    flush = sum(1 for x in ends if abs(x - right) <= 1.0)
    return _Frame(left, right, ragged=flush < 0.4 * len(ends))


def _pitch(rows: list[Row]) -> dict[float, float]:
    """The usual distance between the baselines of two lines of one paragraph, per size."""
    gaps: dict[float, list[float]] = {}
    for a, b in zip(rows, rows[1:], strict=False):
        if a.page == b.page and a.size == b.size and b.top > a.top:
            gaps.setdefault(a.size, []).append(round(b.bottom - a.bottom, 1))
    out = {}
    for size, values in gaps.items():
        out[size] = Counter(values).most_common(1)[0][0] if len(values) >= 2 else min(values)
    return out


def _paragraphs(pages: list[Page], rows: list[Row], body_size: float) -> list[Paragraph]:
    frames = _frames(pages, rows, body_size)
    pitch = _pitch(rows)
    paras: list[list[Row]] = []
    for k, row in enumerate(rows):
        prev = rows[k - 1] if k else None
        if prev is not None and paras and _continues(prev, row, frames, pitch, body_size):
            paras[-1].append(row)
        elif prev is not None and prev.page != row.page and (
                group := _open_before_notes(paras, row, frames, pitch, body_size)) is not None:
            group.append(row)  # a paragraph that runs on past the page's footnotes
        else:
            paras.append([row])
    out = []
    for group in paras:
        text = group[0].text
        for a, b in zip(group, group[1:], strict=False):
            text += _line_join(a.text, b.text) + b.text
        ink = [g for r in group for g in r.glyphs if not g.ch.isspace()]
        sizes = Counter(round(g.size * 2) / 2 for g in ink)
        frame = frames[(group[0].page, group[0].column)]
        out.append(Paragraph(text=text, rows=group, page=group[0].page,
                             size=sizes.most_common(1)[0][0] if sizes else group[0].size,
                             bold=all(r.bold for r in group),
                             centered=all(_centered(r, frame) for r in group)))
    return out


def _open_before_notes(paras: list[list[Row]], row: Row, frames: dict[tuple[int, int], _Frame],
                       pitch: dict[float, float], body_size: float) -> list[Row] | None:
    """The paragraph a new page's first line carries on when smaller print (footnotes)
    ended the page before: the last one of the line's size on the page before."""
    for group in reversed(paras[-6:]):
        last = group[-1]
        if last.page != row.page - 1:
            return None
        if abs(last.size - row.size) <= 0.6:
            return group if _continues(last, row, frames, pitch, body_size) else None
        if last.size > row.size:
            return None  # larger print between: a heading, not notes
    return None


def _centered(r: Row, f: _Frame) -> bool:
    """Set off both margins by an em or more, its middle on the text block's middle."""
    em = max(r.size, 1.0)
    return (r.x0 > f.left + em and r.x1 < f.right - em
            and abs((r.x0 + r.x1) / 2 - (f.left + f.right) / 2) < em)


def _standalone(r: Row, f: _Frame) -> bool:
    """Centred or pushed to the right (a signature, a date): a line of its own."""
    em = max(r.size, 1.0)
    return _centered(r, f) or r.x0 > f.left + 3.2 * em


def _continues(a: Row, b: Row, frames: dict[tuple[int, int], _Frame], pitch: dict[float, float],
               body_size: float) -> bool:
    """Does line ``b`` carry on the paragraph of line ``a``?"""
    fa, fb = frames[(a.page, a.column)], frames[(b.page, b.column)]
    em = max(a.size, 1.0)
    if abs(a.size - b.size) > 0.6 or a.bold != b.bold:
        return False
    if a.page == b.page and a.column == b.column:
        usual = pitch.get(a.size, 1.5 * em)
        step = b.bottom - a.bottom
        if step <= 0 or step > usual * 1.3 + 0.1 * em:
            return False
    elif not (a.page == b.page and (a.column, b.column) == (1, 2)) and b.page != a.page + 1:
        return False  # only on from one column or page to the next
    if _centered(a, fa) and _centered(b, fb):
        # a title set over several centred lines (display sizes only: centred lines of
        # text size are a signature, an address, a poem)
        return (a.page, a.column) == (b.page, b.column) and a.size >= body_size + 1 \
            and a.text[-1] not in _SENTENCE_END
    if _standalone(a, fa) or _standalone(b, fb):
        return False
    if b.x0 > fb.left + 0.8 * max(b.size, 1.0):
        return False  # first-line indent: a new paragraph
    tol = (2.5 if fa.ragged else 1.2) * em
    if a.x1 < fa.right - tol:
        return False  # a short line ends its paragraph
    return not (a.text[-1] in "。！？!?" and _MARKER.match(b.text))


_LATIN_END = re.compile(r"[A-Za-z0-9,.;:!?%)\]]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9(\[]")


def _line_join(a: str, b: str) -> str:
    """What goes between two lines of one paragraph: a space between Latin words only."""
    if a.endswith("-"):
        return ""
    return " " if _LATIN_END.search(a) and _LATIN_START.match(b) else ""


def _mark_title(paras: list[Paragraph], body_size: float) -> None:
    """A title set larger than the text, above the first paragraph: heading 1.

    Only one paragraph qualifies: the largest display text among the first few, before
    the body starts, unpunctuated at its end, when no other paragraph there is as large.
    """
    head: list[Paragraph] = []
    for p in paras[:6]:
        if p.page != paras[0].page or (abs(p.size - body_size) <= 1.0 and len(p.text) > 40):
            break
        head.append(p)
    big = [p for p in head if p.size >= body_size + 2]
    if not big:
        return
    top = max(p.size for p in big)
    cands = [p for p in big if p.size == top]
    if len(cands) == 1 and len(cands[0].text) <= 80 and cands[0].text[-1] not in "。；;，,：:":
        cands[0].heading = 1
