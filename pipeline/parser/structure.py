"""Body lines → paragraphs, lists and the tree of numbered sections.

Levels come from the hierarchy the document actually uses: a kind of marker
that appears inside another becomes its child, whatever the kind, and a kind
that ranks higher (一、 above （一）) closes the lower ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.i18n import _
from pipeline.model import Block, ListItem, Section
from pipeline.parser.dates import is_date_only
from pipeline.parser.lines import Line, Notes
from pipeline.parser.markers import PART_HEADING, Marker, cn_numeral, find_marker, rank
from pipeline.parser.text import LINE_END_OK, SENTENCE_END, han_count, widen_punctuation

# "总　则", "附　则": a two- or three-character heading spaced out to fill the line
_LETTER_SPACED = re.compile(r"^([\u4e00-\u9fff])[ \u3000]+([\u4e00-\u9fff](?:[ \u3000]*[\u4e00-\u9fff])?)$")
_HALF_STOP = re.compile(r"(?<=[\u4e00-\u9fff”）])\.(?=[\u4e00-\u9fff“（])")
_TOC_LINE = re.compile(r"(.*?\S)\s*(?:[.．·…]{2,}|\s)\s*(\d{1,3})")
_BULLET = re.compile(r"(——|—|•|·|●|■|◆|▪|-|\*)\s*(.+)")
# A letter's or notice's closing formula is never a subhead.
_CLOSING = re.compile(r"此\s*致|敬\s*礼[！!]?|特此(?:通知|报告|公告|函告|说明|证明|批复)[。！]?|顺颂\S{0,4}|谨此\S{0,6}")



@dataclass
class Unit:
    """A paragraph-sized piece of the body: one or more joined source lines."""

    text: str
    lineno: int
    indented: bool = False
    heading: int | None = None
    lines: int = 1
    size: float | None = None  # what the first line looked like, where the format says
    bold: bool = False
    centered: bool = False
    table: list[list[str]] | None = None


@dataclass
class Item:
    unit: Unit
    role: str = "para"  # para, heading, list, toc, signature, note
    marker: Marker | None = None
    kind: str = ""  # heading kind: a marker kind, "md<N>" or "plain"
    label: str = ""
    title: str = ""
    run_in_body: str = ""
    run_in: bool = False
    form: str = ""


@dataclass
class Tree:
    body: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


# --- lines → units -----------------------------------------------------------

def _hard_wrapped(lines: list[Line]) -> bool:
    """Do lines break inside sentences (text pasted from a fixed-width source)?"""
    text_lines = [ln for ln in lines if not ln.blank]
    breaks = 0
    for a, b in zip(text_lines, text_lines[1:], strict=False):
        if b.lineno == a.lineno + 1 and _continues(a, b, indented_doc=False):
            breaks += 1
    return breaks >= 2 and breaks >= len(text_lines) // 40


def line_width(lines: list[Line]) -> int | None:
    """The width text was wrapped at (copied from a PDF or an e-mail), or None.

    Hard-wrapped text has many lines of one length (give or take a character or two of
    punctuation): that length is the margin.  Text with a paragraph per line does not.
    """
    lengths = [len(ln.text) for ln in lines if not ln.blank and ln.table is None and len(ln.text) >= 10]
    if len(lengths) < 6:
        return None
    counts: dict[int, int] = {}
    for n in lengths:
        counts[n] = counts.get(n, 0) + 1
    best = max(counts, key=lambda w: (sum(counts.get(w - d, 0) for d in range(3)), w))
    near = sum(counts.get(best - d, 0) for d in range(3))
    return best if near >= 6 and near >= 0.4 * len(lengths) else None


def _continues(a: Line, b: Line, indented_doc: bool, width: int | None = None) -> bool:
    if a.heading is not None or b.heading is not None or a.table is not None or b.table is not None:
        return False
    if find_marker(b.text) or find_marker(a.text) or _BULLET.match(b.text):
        return False
    if b.text[0] in "，。、；：？！”’）》…" and len(a.text) >= 10:
        return True  # no line starts with closing punctuation: the line was wrapped before it
    if b.text[0] in "“‘《（(【" or (indented_doc and b.indented) or b.text.startswith("—"):
        return False
    if width is not None:
        # a line that runs to the margin goes on; a short one ends its paragraph
        if len(a.text) < width - 3:
            return False
        if a.text[-1] in LINE_END_OK and not (indented_doc and not b.indented):
            return False
        return han_count(b.text) > 0
    if len(a.text) < 20 or a.text[-1] in LINE_END_OK:
        return False
    return han_count(b.text) > 0


def make_units(lines: list[Line]) -> list[Unit]:
    width = line_width(lines)
    wrapped = width is not None or _hard_wrapped(lines)
    indented_doc = sum(1 for ln in lines if ln.indented and len(ln.text) > 30) >= 3
    units: list[Unit] = []
    prev: Line | None = None
    for line in lines:
        if line.blank:
            prev = None
            continue
        if line.table is not None:
            units.append(Unit(line.text, line.lineno, table=line.table))
            prev = None
            continue
        if (wrapped and prev is not None and units and line.lineno == prev.lineno + 1
                and _continues(prev, line, indented_doc, width)):
            units[-1].text += line.text
            units[-1].lines += 1
        else:
            units.append(Unit(line.text, line.lineno, line.indented, line.heading, size=line.size,
                              bold=line.bold, centered=line.centered))
        prev = line
    return units


# --- units → items (what each unit is) ---------------------------------------

def _form(rest: str) -> tuple[str, str, str]:
    """How a numbered line reads: (form, heading text, run-in body)."""
    if not rest:
        return "bare", "", ""
    p = rest.find("。")
    half = _HALF_STOP.search(rest)  # "(一)坚持党的领导.正文…": half-width punctuation throughout
    if half and (p < 0 or half.start() < p):
        p = half.start()
    if 0 < p <= 45 and p < len(rest) - 1:
        return "runin", rest[:p], rest[p + 1:]
    if p == len(rest) - 1 and len(rest) <= 60:
        return "sentence", rest[:-1], ""
    q = rest.find("？")
    if 0 < q <= 45 and q < len(rest) - 1 and "。" not in rest[:q]:
        return "runin", rest[:q + 1], rest[q + 1:]
    if (rest[-1] not in SENTENCE_END + "，、" or rest[-1] in "？?") and len(rest) <= 50:
        return "title", rest.rstrip("：:"), ""
    return "long", rest, ""


def classify(units: list[Unit], notes: Notes, has_numbered: bool | None = None) -> list[Item]:
    items = [Item(u) for u in units]
    _mark_toc(items, notes)
    for it in items:
        if it.role == "toc":
            continue
        u = it.unit
        if u.table is not None:
            it.role = "table"
            continue
        m = find_marker(u.text)
        if u.heading is not None:
            it.role, it.kind = "heading", f"md{u.heading}"
            if m and m.kind in ("part", "chapter", "section") and m.rest:
                it.label, it.title = m.label, m.rest
            else:
                it.title = u.text
            continue
        if m is None:
            continue
        it.marker = m
        if m.kind == "article":
            it.role, it.label = "para", m.label
            continue
        it.form, it.title, it.run_in_body = _form(m.rest)
    _rejoin_broken_headings(items)
    _decide_numbered(items)
    ordinal = [it for it in items if it.role == "heading" and it.kind == "ordinal"]
    if len(ordinal) < 2:  # 第一，… opens sections only as a series
        for it in ordinal:
            it.role, it.kind, it.label, it.run_in = "para", "", "", False
    if has_numbered is None:
        has_numbered = any(it.role == "heading" for it in items)
    has_numbered = _bare_numbers(items) or has_numbered
    _find_plain_headings(items, has_numbered)
    return [it for it in items if it.role != "drop"]


def _mark_toc(items: list[Item], notes: Notes) -> None:
    """A run of 3+ lines that end in page numbers is a table of contents."""
    run: list[Item] = []

    def flush() -> None:
        if len(run) >= 3:
            for it in run:
                it.role = "toc"
                notes.discard(None, "table of contents", it.unit.text)
                notes.discarded[-1].line = it.unit.lineno
        run.clear()

    for it in items:
        t = it.unit.text
        if len(t) <= 40 and _TOC_LINE.fullmatch(t) and t[-1] not in SENTENCE_END:
            run.append(it)
        else:
            flush()
    flush()


def _rejoin_broken_headings(items: list[Item]) -> None:
    """'（二）坚持不懈用' + blank + '新时代…凝心铸魂。正文' → one run-in heading.

    A short unpunctuated numbered line is a broken run-in heading when its
    nearest siblings of the same kind, before and after, are run-in headings.
    """
    by_kind: dict[str, list[int]] = {}
    for k, it in enumerate(items):
        if it.marker is not None:
            by_kind.setdefault(it.marker.kind, []).append(k)
    for kind, positions in by_kind.items():
        for n, k in enumerate(positions):
            it = items[k]
            if it.form not in ("title", "bare") or k + 1 >= len(items):
                continue
            nxt = items[k + 1]
            if nxt.marker is not None or nxt.role != "para" or nxt.unit.heading is not None:
                continue
            if nxt.unit.text.startswith(("—", "-")) or nxt.unit.table is not None:
                continue  # a heading never takes the "——" line under it
            if it.form == "bare" and (len(nxt.unit.text) > 40 or nxt.unit.text[-1] in SENTENCE_END):
                continue  # "第一部分" over body text: a part without a title
            neighbours = [items[positions[m]] for m in (n - 1, n + 1) if 0 <= m < len(positions)]
            if it.form == "bare":
                joined = nxt.unit.text
            elif (neighbours and len(it.title) <= 20 and all(o.form == "runin" for o in neighbours)) \
                    or _heading_tail(it, nxt, items[k + 2] if k + 2 < len(items) else None):
                joined = it.marker.rest + nxt.unit.text
            else:
                continue
            it.unit = Unit(f"{it.marker.label}{joined}", it.unit.lineno, it.unit.indented,
                           None, it.unit.lines + nxt.unit.lines)
            it.marker.rest = joined
            it.form, it.title, it.run_in_body = _form(joined)
            nxt.role = "drop"
        del kind


def _heading_tail(it: Item, nxt: Item, after: Item | None) -> bool:
    """'一、突出政治建设，把坚持' + blank + '党的领导落到实处' + blank + body."""
    t = nxt.unit.text
    if len(t) > 20 or t[-1] in LINE_END_OK + "，、" or han_count(t) < 2 or nxt.unit.lines > 1:
        return False
    if len(it.title) + len(t) > 50 or after is None or after.marker is not None:
        return False
    if after.role != "para" or not (len(after.unit.text) >= 30 and after.unit.text[-1] in SENTENCE_END):
        return False
    # only when the line break sits inside a phrase: the heading does not read as complete
    return it.title[-1] in "的和与及把在对为以将从向" or "，" in it.title


def _decide_numbered(items: list[Item]) -> None:
    """Numbered lines: headings, or items of a list (rule paragraphs, enumerations)."""
    live = [it for it in items if it.role not in ("toc", "drop")]
    k = 0
    while k < len(live):
        it = live[k]
        if it.marker is None or it.marker.kind == "article":
            k += 1
            continue
        kind = it.marker.kind
        # the run of same-kind items that follow each other with nothing between
        j = k
        while j + 1 < len(live) and live[j + 1].marker and live[j + 1].marker.kind == kind:
            j += 1
        group = live[k:j + 1]
        prev = live[k - 1] if k > 0 else None
        after = live[j + 1] if j + 1 < len(live) else None
        enumeration = (prev is not None and prev.role == "para"
                       and (prev.marker is None or prev.marker.kind == "article")
                       and prev.unit.text[-1] in "：:")
        body_follows = after is not None and after.marker is None and after.role == "para"
        dense = len(group) >= 2
        for g in group:
            g.role = _numbered_role(g, group, enumeration, body_follows, dense)
            if g.role == "heading":
                g.kind, g.label = kind, g.marker.label
        listed = sum(1 for g in group if g.role == "list")
        if dense and listed and (not any(g.run_in for g in group) or listed * 2 >= len(group)):
            # items of one run share one role: one list, not a list with stray headings
            # (a short item that happens to read as a run-in heading is still an item)
            for g in group:
                if g.role == "heading":
                    g.role, g.run_in = "list", False
        _continue_list(live, k, group)
        k = j + 1


def _continue_list(live: list[Item], k: int, group: list[Item]) -> None:
    """A series goes on after a plain paragraph: "三、" after the list "一、 二、" and an
    unnumbered paragraph is the list's next item, even when its first sentence is short
    enough to read as a run-in heading."""
    if not all(g.role == "heading" and g.run_in for g in group):
        return
    first = group[0]
    for prev in reversed(live[:k]):
        if prev.marker is None:
            if prev.role != "para" or prev.label:
                return
            continue
        if (prev.marker.kind == first.marker.kind and prev.role == "list"
                and prev.marker.number + 1 == first.marker.number):
            for g in group:
                g.role, g.run_in, g.kind, g.label = "list", False, "", ""
        return


def _numbered_role(g: Item, group: list[Item], enumeration: bool, body_follows: bool,
                   dense: bool) -> str:
    """Heading or list item, from the line's form and what surrounds its group."""
    last = g is group[-1]
    if g.marker is not None and g.marker.kind == "ordinal":
        # "第一，…" is a heading only as a short line of its own with text under it;
        # at the head of a paragraph it is the paragraph's own enumeration
        return "heading" if g.form in ("sentence", "title") and body_follows else "para"
    if g.form == "long":
        return "list"  # a whole rule paragraph
    if enumeration and not (body_follows and last and len(group) == 1):
        return "list"  # items announced by a line ending in ：
    if g.form == "runin":
        g.run_in = True
        return "heading"
    if g.form == "sentence":
        return "heading" if last and body_follows else "list"
    # title or bare marker: a heading unless it is one of several short items in a
    # row; beside run-in headings of the same kind it is a heading like them
    if dense and not (last and body_follows) and not any(o.form == "runin" for o in group):
        return "list"
    return "heading"


_BARE_NUMBER = re.compile(r"0?(\d{1,2})")


def _bare_numbers(items: list[Item]) -> bool:
    """Section numbers set alone on a line ("1", "2", "3" or "01", "02"), in order from one:
    each opens a section, titled by the short line under it if there is one."""
    live = [it for it in items if it.role == "para" and it.marker is None and not it.label]
    found = [it for it in live if _BARE_NUMBER.fullmatch(it.unit.text)]
    numbers = [int(_BARE_NUMBER.fullmatch(it.unit.text).group(1)) for it in found]
    if len(found) < 2 or numbers != list(range(1, len(found) + 1)):
        return False
    position = {id(it): k for k, it in enumerate(items)}
    for it in found:
        it.role, it.kind, it.label = "heading", "bare", it.unit.text
        k = position[id(it)]
        nxt = items[k + 1] if k + 1 < len(items) else None
        after = items[k + 2] if k + 2 < len(items) else None
        if (nxt is not None and nxt.role == "para" and nxt.marker is None and len(nxt.unit.text) <= 30
                and nxt.unit.text[-1] not in LINE_END_OK + "，、" and after is not None):
            it.title = nxt.unit.text
            nxt.role = "drop"
    return True


def _stands_out(unit: Unit, body_size: float) -> bool:
    """Where the format shows type, a subhead is set apart: bold, larger or centred."""
    return unit.size is None or unit.bold or unit.centered or unit.size >= body_size + 1


def _body_size(items: list[Item]) -> float | None:
    sizes: dict[float, int] = {}
    for it in items:
        if it.unit.size and len(it.unit.text) >= 20:
            sizes[it.unit.size] = sizes.get(it.unit.size, 0) + len(it.unit.text)
    return max(sizes, key=sizes.get) if sizes else None


def _find_plain_headings(items: list[Item], has_numbered: bool) -> None:
    """Unnumbered subheads: short, unpunctuated lines standing alone before body text."""
    live = [it for it in items if it.role not in ("toc", "drop")]
    body_size = _body_size(live)
    indented_doc = sum(1 for it in live if it.unit.indented) >= max(3, len(live) // 2)
    gaps = [b.unit.lineno - (a.unit.lineno + a.unit.lines) for a, b in zip(live, live[1:], strict=False)]
    blank_separated = bool(gaps) and sum(1 for g in gaps if g >= 1) >= len(gaps) * 0.6
    first: Item | None = None
    for k, it in enumerate(live):
        if it.role != "para" or it.marker is not None or it.label:
            continue
        t = it.unit.text
        quoted = it.unit.bold and t[-1] in "”’》）)"  # a bold “引语” subhead
        if not (2 <= len(t) <= 30) or (t[-1] in LINE_END_OK + "，、—" and not quoted) \
                or han_count(t) < 2:
            continue
        if it.unit.lines > 1 or _BULLET.match(t) or is_date_only(t) or _CLOSING.fullmatch(t):
            continue
        prev = live[k - 1] if k > 0 else None
        if prev is not None and prev.role == "para" and prev.unit.text[-1] not in SENTENCE_END + "：:”":
            continue  # the line goes on from an unfinished one: a phrase of its paragraph
        if body_size and not _stands_out(it.unit, body_size):
            continue
        nxt = live[k + 1] if k + 1 < len(live) else None
        # In dump layout every paragraph is indented; a subhead there is told
        # apart by sitting directly on its first paragraph, with no blank line.
        tight = nxt is not None and nxt.unit.lineno == it.unit.lineno + it.unit.lines
        if indented_doc and it.unit.indented and not it.unit.bold and not (tight and blank_separated):
            continue
        if nxt is None or nxt.role != "para" or not (
                len(nxt.unit.text) >= 20 or nxt.unit.text[-1] in SENTENCE_END):
            continue
        if k == 0 and not has_numbered:
            first = it  # a heading only if it looks like the subheads found below it
            continue
        if has_numbered and not PART_HEADING.fullmatch(t):
            continue
        it.role, it.kind, it.title = "heading", "plain", re.sub(r"\s+", "", t) if PART_HEADING.fullmatch(t) else t
        if (prev is not None and prev.role == "para" and prev.marker is None and not prev.label
                and prev.unit.bold and it.unit.bold and len(prev.unit.text) <= 20
                and prev.unit.text[-1] in "：:"):
            # "英国《泰晤士报》：" set bold on its own line over the subhead it introduces
            it.title = prev.unit.text.strip() + it.title
            prev.role = "drop"
    if first is not None and first.role == "para":
        # the text opens with a subhead set like the two or more found under it
        look = (first.unit.bold, first.unit.size, first.unit.centered)
        alike = [it for it in live if it.role == "heading" and it.kind == "plain"
                 and (it.unit.bold, it.unit.size, it.unit.centered) == look]
        if len(alike) >= 2 and len(first.unit.text) <= max(len(it.unit.text) for it in alike):
            first.role, first.kind, first.title = "heading", "plain", first.unit.text


# --- items → tree --------------------------------------------------------------

def assemble(items: list[Item], notes: Notes) -> Tree:
    tree = Tree()
    stack: list[tuple[str, Section]] = []  # (kind, section)

    def target() -> list[Block]:
        return stack[-1][1].body if stack else tree.body

    for k, it in enumerate(items):
        if it.role == "toc":
            continue
        if it.role == "heading":
            kind = it.kind
            if kind == "plain" or (stack and stack[0][0] == "plain"):
                stack.clear()  # unnumbered 序言/实施 stand beside the top level
            elif any(k == kind for k, _ in stack):
                while stack[-1][0] != kind:
                    stack.pop()
                stack.pop()
            else:
                while stack and rank(stack[-1][0]) > rank(kind):
                    stack.pop()
            title = widen_punctuation(_LETTER_SPACED.sub(r"\1\2", it.title.strip()))
            sec = Section(level=len(stack) + 1, label=it.label, title=title, run_in=it.run_in)
            (stack[-1][1].sections if stack else tree.sections).append(sec)
            stack.append((kind, sec))
            if it.run_in_body:
                sec.body.append(Block("paragraph", widen_punctuation(it.run_in_body)))
            continue
        blocks = target()
        if it.role == "table":
            rows = [[widen_punctuation(c) for c in row] for row in it.unit.table or []]
            blocks.append(Block("table", rows=rows))
            continue
        text = widen_punctuation(it.unit.text)
        if it.role == "list":
            label = it.marker.label if it.marker else ""
            rest = widen_punctuation(it.marker.rest) if it.marker else text
            _append_item(blocks, label, rest)
            continue
        b = _BULLET.fullmatch(text)
        if b and b.group(1) in ("——", "—", "•", "●", "■", "◆", "▪") and not _attribution(k, items):
            _append_item(blocks, b.group(1), b.group(2))
            continue
        if it.label:  # 第一条 …
            m = it.marker or find_marker(it.unit.text)
            rest = m.rest if m else text
            blocks.append(Block("paragraph", widen_punctuation(rest), label=it.label))
            continue
        blocks.append(Block("paragraph", text))
    _check_numbering(tree.sections, notes)
    return tree


def _attribution(k: int, items: list[Item]) -> bool:
    """'——（宋）陆游' under a poem or a quotation: who wrote it, not a list of one."""
    it = items[k]
    if not it.unit.text.startswith("—"):
        return False
    neighbours = [items[j].unit.text for j in (k - 1, k + 1) if 0 <= j < len(items)]
    return not any(n.startswith("—") for n in neighbours) and len(it.unit.text) <= 30


def _append_item(blocks: list[Block], label: str, text: str) -> None:
    if blocks and blocks[-1].type == "list" and _same_list(blocks[-1].items[-1].label, label):
        blocks[-1].items.append(ListItem(label, text))
    else:
        blocks.append(Block("list", items=[ListItem(label, text)]))


def _same_list(a: str, b: str) -> bool:
    ka, kb = find_marker(a + "x"), find_marker(b + "x")
    if ka is None or kb is None:
        return a == b
    return ka.kind == kb.kind


def _check_numbering(sections: list[Section], notes: Notes) -> None:
    """Warn about numbering that starts late, jumps, or runs on across sections."""
    last_seen: dict[str, int] = {}
    continued: set[str] = set()

    def walk(secs: list[Section], parent: str) -> None:
        expected: dict[str, int] = {}
        for sec in secs:
            m = find_marker(sec.label + "x") if sec.label else None
            if m is not None:
                kind = m.kind
                want = expected.get(kind, 1)
                if m.number != want:
                    where = (_("under “{parent}”").format(parent=parent) if parent
                             else _("at the start of the text"))
                    if want == 1 and last_seen.get(kind) == m.number - 1:
                        if kind not in continued:
                            continued.add(kind)
                            notes.warn("numbering-continues", _(
                                "{label}-level numbering runs on across parts (e.g. {where} it "
                                "starts at {label}); kept as in the original").format(
                                    label=sec.label, where=where))
                    elif want == 1:
                        notes.warn("numbering-starts-late", _(
                            "numbering {where} starts at {label}, not at {first} (the original "
                            "may be incomplete)").format(where=where, label=sec.label,
                                                          first=cn_numeral(1)))
                    else:
                        notes.warn("numbering-gap", _(
                            "numbering {where} jumps from item {n} to {label}").format(
                                where=where, n=want - 1, label=sec.label))
                expected[kind] = m.number + 1
                last_seen[kind] = m.number
            walk(sec.sections, f"{sec.label}{sec.title}")

    walk(sections, "")
