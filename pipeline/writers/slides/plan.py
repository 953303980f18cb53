"""The slide plan: what goes on which slide, shared by outline.md and the .pptx.

Both slide outputs render the same list of ``Slide`` objects, so they cannot
drift apart; only the renderers differ.  Condensing is not done here (that is
``pipeline.enrich.keypoints``); the plan paginates the key points, adds the
title, agenda, section, quotation and closing slides, and makes sure the
speaker notes of all slides together hold every paragraph of the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from pipeline.model import (
    Block,
    Document,
    Excerpt,
    Section,
    block_lines,
    heading_text,
    section_name,
)
from pipeline.options import BuildOptions
from pipeline.writers.context import (
    addressee_line,
    cc_line,
    cn_date,
    quoted,
    table_grid,
    table_header,
)

SlideKind = Literal["title", "agenda", "section", "content", "quote", "table", "closing"]

CONTINUED = "（续）"
ELLIPSIS = "…"
AGENDA_TITLE = "目录"
INTRO_TITLE = "引言"
WHOLE_TITLE = "主要内容"
QUOTE_TITLE = "重点摘编"
CLOSING_TITLE = "思考讨论"
THANKS_TITLE = "谢谢！"
TABLE_TITLE = "表格"
_SENTENCE_END = "。！？；"
QUOTE_MIN_CHARS = 12  # shorter quotations are catchphrases: the glossary's business


@dataclass(frozen=True)
class Limits:
    """How much goes on one slide; a renderer with smaller boxes may ask for less."""

    bullets: int = 6  # key points per content slide
    bullet_chars: int = 90  # a key point longer than this is clipped (enrich keeps them shorter)
    agenda: int = 8  # sections per agenda slide
    quotes: int = 6  # quotation slides in a deck
    questions: int = 4  # discussion questions per closing slide
    quote_chars: int = 150  # characters of a quotation per slide
    table_rows: int = 6  # body rows of a table per slide (the header row is repeated)
    table_columns: int = 5  # wider tables are shown as one key point per row
    cell_chars: int = 24  # longest cell a table slide shows whole; longer ones → key points

    @classmethod
    def for_variant(cls, variant: str) -> Limits:
        """大字版: fewer points and rows per slide, so the deck's type can be larger."""
        if variant == "large-print":
            return cls(bullets=4, bullet_chars=24, agenda=6, quotes=6, questions=3,
                       quote_chars=90, table_rows=4, table_columns=4, cell_chars=20)
        return cls()


@dataclass
class Slide:
    """One slide, independent of how it is drawn.

    ``subtitle``: the title slide's subtitle, a section slide's label, a
    quotation's attribution.  ``lines``: the title slide's byline (authors,
    organisation, date).  ``notes``: speaker-note paragraphs.  ``heads``:
    indices of bullets that stand for a sub-section heading (drawn bold).
    """

    kind: SlideKind
    title: str
    subtitle: str = ""
    lines: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    quote: str = ""
    notes: list[str] = field(default_factory=list)
    continued: bool = False
    heads: list[int] = field(default_factory=list)  # bullets that are sub-headings
    # a table slide: the cells row by row (the first row is a header when ``header``)
    rows: list[list[str]] = field(default_factory=list)
    header: bool = False


def build_plan(doc: Document, opts: BuildOptions, limits: Limits | None = None) -> list[Slide]:
    """The slides for an enriched document, in order."""
    limits = limits or Limits.for_variant(opts.variant)
    aids = doc.aids
    points = {sp.section: sp.points for sp in aids.keypoints} if aids else {}
    slides = [_title_slide(doc, opts)]

    intro_title = INTRO_TITLE if doc.sections else WHOLE_TITLE
    intro = _content_slides(intro_title, points.get("", []), limits)
    intro += _table_slides(doc.body, intro_title, limits)
    _conserve(intro or slides, _block_texts(doc.body))
    slides.extend(intro)

    names = [section_name(s) for s in doc.sections]
    for n, chunk in enumerate(_balanced(names, limits.agenda) if names else []):
        slides.append(Slide("agenda", AGENDA_TITLE, bullets=chunk, continued=n > 0))

    quotes = _quotes_by_section(doc, aids.excerpts if aids else [], limits, points)
    for sec in doc.sections:
        name = section_name(sec)
        group = [Slide("section", heading_text(sec) or name, subtitle=part_label(sec.label),
                       notes=[f"{sec.label}{heading_text(sec)}"])]
        group.extend(_content_slides(sec.title or name, points.get(name, []), limits,
                                     _sub_headings(sec)))
        group.extend(_table_slides(_tree_blocks(sec), sec.title or name, limits))
        _conserve(group, list(_section_texts(sec)))
        slides.extend(group)
        slides.extend(quotes.pop(id(sec), []))
    slides.extend(quotes.pop(0, []))
    slides.extend(_closing_slides(doc, limits))
    slides[-1].notes.extend(t for t in (cc_line(doc.meta), doc.meta.imprint) if t)  # 版记
    return [_with_markers(s) for s in slides]


def _with_markers(slide: Slide) -> Slide:
    if slide.continued and not slide.title.endswith(CONTINUED):
        slide.title += CONTINUED
    return slide


def _title_slide(doc: Document, opts: BuildOptions) -> Slide:
    meta = doc.meta
    lines = []
    for author in meta.authors:  # the name on its own line: never broken by a wrap
        if author.titles:
            lines.append("　".join(author.titles))
        if author.name:
            lines.append(author.name)
    if meta.doc_number:
        lines.append(meta.doc_number)
    if opts.org:
        lines.append(opts.org)
    date = cn_date(opts.session_date) or cn_date(meta.date)
    if date:
        lines.append(date)
    notes = [t for t in (meta.title, meta.subtitle, meta.doc_number, *meta.notes, meta.source,
                         addressee_line(meta)) if t]
    return Slide("title", meta.title or "学习材料", subtitle=meta.subtitle, lines=lines,
                 notes=notes)


def clip(text: str, limit: int) -> str:
    """A bullet at most ``limit`` characters long (enrich already aims for that)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


_CN_NUMERAL = re.compile(r"^([一二三四五六七八九十百]+)[、．.]$")


def part_label(label: str) -> str:
    """"一、" → "第一部分" for a section slide; other markers as printed."""
    label = label.strip()
    m = _CN_NUMERAL.match(label)
    return f"第{m.group(1)}部分" if m else label


def _sub_headings(sec: Section) -> list[str]:
    """Squashed heading lines of a section's sub-sections (how key points begin)."""
    out, stack = [], list(sec.sections)
    while stack:
        sub = stack.pop()
        out.append(_squash(f"{sub.label}{heading_text(sub)}"))
        stack.extend(sub.sections)
    return out


def _balanced(items: list, limit: int) -> list[list]:
    """At most ``limit`` per page, pages as even as possible: 7 → 4 + 3."""
    pages = -(-len(items) // limit)
    size = -(-len(items) // pages)
    return [items[i:i + size] for i in range(0, len(items), size)]


def _pages(points: list, limit: int, heads: list[str]) -> list[list]:
    """Pages of key points that start, where they can, at a sub-section heading.

    Tries page sizes from the balanced one up to ``limit`` and keeps the first
    that needs no more pages than ``limit`` would, so pages come out even.
    """
    runs: list[list] = []
    for p in points:
        if not runs or (heads and _squash(p.note).startswith(tuple(heads))):
            runs.append([])
        runs[-1].append(p)
    fewest = len(_pack(runs, limit))
    for size in range(len(_balanced(points, limit)[0]) if points else 1, limit):
        pages = _pack(runs, size)
        if len(pages) <= fewest:
            return pages
    return _pack(runs, limit)


def _pack(runs: list[list], limit: int) -> list[list]:
    """Whole runs onto pages of at most ``limit``; a longer run is split evenly."""
    pages: list[list] = []
    current: list = []
    for run in runs:
        if len(current) + len(run) <= limit:
            current += run
            continue
        if current:
            pages.append(current)
        chunks = _balanced(run, limit)
        pages.extend(chunks[:-1])
        current = chunks[-1]
    if current:
        pages.append(current)
    return pages


def _content_slides(title: str, points: list, limits: Limits,
                    heads: list[str] | None = None) -> list[Slide]:
    """Key points, at most ``limits.bullets`` per slide, each slide a "（续）" of the last."""
    heads = heads or []
    slides = []
    for n, chunk in enumerate(_pages(points, limits.bullets, heads)):
        slides.append(Slide("content", title,
                            bullets=[clip(p.text, limits.bullet_chars) for p in chunk],
                            notes=[p.note for p in chunk if p.note.strip()],
                            continued=n > 0,
                            heads=[i for i, p in enumerate(chunk)
                                   if heads and _squash(p.note).startswith(tuple(heads))]))
    return slides


def _quotes_by_section(doc: Document, excerpts: list[Excerpt], limits: Limits,
                       points: dict[str, list] | None = None) -> dict[int, list[Slide]]:
    """Quotation slides keyed by the top-level section they occur in (0: unknown).

    An excerpt a bullet already states gets no slide of its own: a deck says a thing once.
    """
    owner: dict[str, int] = {}
    for top in doc.sections:
        stack = [top]
        while stack:
            sec = stack.pop()
            owner.setdefault(section_name(sec), id(top))
            stack.extend(sec.sections)
    shown = [_squash(p.text) for pts in (points or {}).values() for p in pts]
    shown = [b.lstrip("（）一二三四五六七八九十、.0123456789") for b in shown]
    out: dict[int, list[Slide]] = {}
    for ex in _key_quotes(excerpts, limits.quotes):
        key = _squash(ex.text).rstrip("。；！？")
        if any(len(b) >= 8 and (b in key or key in b) for b in shown):
            continue
        attribution = _attribution(ex)
        chunks = _split_quote(ex.text.strip(), limits.quote_chars)
        for n, chunk in enumerate(chunks):
            note = f"{quoted(ex.text)}{attribution}" if n == 0 else chunk
            out.setdefault(owner.get(ex.section, 0), []).append(
                Slide("quote", QUOTE_TITLE, subtitle=attribution, quote=chunk, notes=[note],
                      continued=n > 0))
    return out


def _key_quotes(excerpts: list[Excerpt], limit: int) -> list[Excerpt]:
    """The quotations worth a slide: attributed ones first, no catchphrases, in text order."""
    long = [e for e in excerpts if len(_squash(e.text)) >= QUOTE_MIN_CHARS]
    ranked = [e for e in long if e.speaker or e.source] + \
        [e for e in long if not (e.speaker or e.source)]
    keep = {id(e) for e in ranked[:limit]}
    return [e for e in long if id(e) in keep]


def _attribution(ex: Excerpt) -> str:
    source = ex.source.strip()
    if source and not source.startswith("《"):
        source = f"《{source}》"
    who = f"{ex.speaker.strip()}{source}"
    return f"——{who}" if who else ""


def _split_quote(text: str, limit: int) -> list[str]:
    """A long quotation in pieces of at most ``limit`` characters, cut after sentences."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = max(rest.rfind(ch, 0, limit) for ch in _SENTENCE_END + "，")
        cut = cut + 1 if cut >= limit // 3 else limit
        chunks.append(rest[:cut])
        rest = rest[cut:]
    if rest:
        chunks.append(rest)
    return chunks


def _tree_blocks(sec: Section) -> list[Block]:
    """A section's blocks and its sub-sections', in reading order."""
    out = list(sec.body)
    for sub in sec.sections:
        out.extend(_tree_blocks(sub))
    return out


def _table_slides(blocks: list[Block], title: str, limits: Limits) -> list[Slide]:
    """One or more slides per table: the table itself, a few rows a slide with the header
    row repeated; a table too wide or too wordy for a slide becomes a key point per row.
    The notes hold every cell."""
    out: list[Slide] = []
    for block in blocks:
        grid = table_grid(block.rows) if block.type == "table" else []
        if not grid:
            continue
        name = block.text.strip() or f"{title}（{TABLE_TITLE}）"
        header = table_header(grid)
        head, body = (grid[:1], grid[1:]) if header else ([], grid)
        lines = ["\u3000".join(c for c in row if c) for row in grid]
        fits = (len(grid[0]) <= limits.table_columns
                and all(len(c) <= limits.cell_chars for row in grid for c in row))
        if not fits:
            points = [_row_point(row, head[0] if head else []) for row in body]
            chunks = _balanced(points, limits.bullets)
            rows_per = [len(c) for c in chunks]
        else:
            chunks = _balanced(body, limits.table_rows) if body else [[]]
            rows_per = [len(c) for c in chunks]
        start = 0
        for n, (chunk, count) in enumerate(zip(chunks, rows_per, strict=True)):
            notes = ([block.text.strip()] if n == 0 and block.text.strip() else []) + \
                ([lines[0]] if header and n == 0 else []) + \
                lines[len(head) + start:len(head) + start + count]
            start += count
            if fits:
                out.append(Slide("table", name, rows=head + chunk, header=header, notes=notes,
                                 continued=n > 0))
            else:
                out.append(Slide("content", name, bullets=[clip(p, limits.bullet_chars)
                                                           for p in chunk],
                                 notes=notes, continued=n > 0))
    return out


def _row_point(row: list[str], head: list[str]) -> str:
    """A table row as one key point: 项目：地中海贫血，调整后：合格 (with a header row),
    else its cells in order."""
    cells = [(h, c) for h, c in zip(head, row, strict=False) if c] if head else \
        [("", c) for c in row if c]
    return "，".join(f"{h}：{c}" if h and i else c for i, (h, c) in enumerate(cells))


def _closing_slides(doc: Document, limits: Limits) -> list[Slide]:
    questions = doc.aids.questions if doc.aids else []
    if not questions:
        return [Slide("closing", THANKS_TITLE)]
    slides = []
    for i in range(0, len(questions), limits.questions):
        chunk = questions[i:i + limits.questions]
        slides.append(Slide("closing", CLOSING_TITLE, bullets=[q.text for q in chunk],
                            notes=[f"{q.text}（{q.section}）" if q.section else q.text
                                   for q in chunk],
                            continued=i > 0))
    return slides


# --- conservation: every paragraph of the source reaches some speaker note ---

def _block_texts(blocks: list) -> list[str]:
    return [t for block in blocks for t in block_lines(block) if t.strip()]


def _section_texts(sec: Section):
    """Headings and block texts of a section tree, in reading order."""
    yield f"{sec.label}{heading_text(sec)}"
    yield from _block_texts(sec.body)
    for sub in sec.sections:
        yield from _section_texts(sub)


_REACH = 2000  # characters of notes between one source text and the next


def _squash(text: str) -> str:
    return "".join(text.split())


def _conserve(slides: list[Slide], texts: list[str]) -> None:
    """Add to the last slide's notes any source text the notes do not yet contain.

    Key points cover paragraphs and lists; signatures, footnote lines and
    anything a future condenser skips would otherwise be lost.  Notes and texts
    are both in reading order, so each text is looked for near the last one
    found (within ``_REACH`` characters), and among the texts added here: linear,
    where looking through all the notes for every text was quadratic in a
    section's length.
    """
    if not slides:
        return
    notes = [_squash(n) for s in slides for n in s.notes]
    have = "".join(notes)
    cursor = 0
    whole = set(notes)  # a text that is a whole note (or was added) is found anywhere
    added = ""  # texts added here, also looked for (the recent ones)
    for text in texts:
        key = _squash(text)
        if not key:
            continue
        found = have.find(key, cursor, cursor + len(key) + _REACH)
        if found < 0:
            found = have.find(key, max(cursor - _REACH - len(key), 0), cursor + len(key))
        if found >= 0:
            cursor = max(cursor, found + len(key))
        elif key not in whole and added.find(key, max(len(added) - _REACH - len(key), 0)) < 0:
            slides[-1].notes.append(text)
            added += key
            whole.add(key)
