"""The user's corrections: a model step between the parser and enrich.

No parser is right on every page.  What it got wrong is corrected once — with
``-M key=value`` on the command line, in ``studykit.toml`` under
``[articles."FILE"]``, or in the page's edit fields — and the correction is
applied to every later parse of that source:

- ``title``, ``subtitle``, ``authors``, ``date``, ``source`` replace the
  metadata the parser found;
- ``drop`` moves lines of the text (exact text) into ``discarded``;
- ``keep`` moves discarded lines back into the text, where they stood;
- ``levels`` maps a heading's text to a new level (0: not a heading; a
  paragraph's text to a level ≥ 1 makes it a heading) and re-nests the outline.

Each applied value is recorded in ``Document.corrections`` (``check`` shows
them); a correction that matches nothing becomes a ``correction-unused``
warning, so a stale one is seen rather than silently ignored.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pipeline.errors import InputError
from pipeline.i18n import _
from pipeline.model import (
    Author,
    Block,
    Correction,
    Discarded,
    Document,
    Section,
    Warning,
    block_lines,
    heading_text,
    section_name,
)

META_FIELDS = ("title", "subtitle", "authors", "date", "source")
KEYS = (*META_FIELDS, "drop", "keep", "levels")
MAX_LEVEL = 9
UNUSED = "correction-unused"


@dataclass
class Corrections:
    """What the user corrected for one source.  ``None``: that field is not corrected
    (an empty string is: "no subtitle", "no date")."""

    title: str | None = None
    subtitle: str | None = None
    authors: list[Author] | None = None
    date: str | None = None  # ISO, or "" for "no date"
    source: str | None = None
    drop: list[str] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)
    levels: dict[str, int] = field(default_factory=dict)
    # Where each value came from, by field ("title") or item ("drop:听全文", "levels:引言").
    origin: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(getattr(self, k) not in (None, [], {}) for k in KEYS)

    def to_dict(self) -> dict[str, Any]:
        """The corrected fields only, in the form studykit.toml and the page use."""
        out: dict[str, Any] = {}
        for key in META_FIELDS:
            value = getattr(self, key)
            if value is not None:
                out[key] = [author_text(a) for a in value] if key == "authors" else value
        for key in ("drop", "keep"):
            if getattr(self, key):
                out[key] = list(getattr(self, key))
        if self.levels:
            out["levels"] = dict(self.levels)
        return out

    def digest(self) -> str:
        """Changes when any corrected value does (the build cache's key for a source)."""
        blob = json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()

    def merged(self, over: Corrections) -> Corrections:
        """These corrections with ``over`` on top (its fields win; lists are joined)."""
        out = copy.deepcopy(self)
        for key in META_FIELDS:
            if getattr(over, key) is not None:
                setattr(out, key, copy.deepcopy(getattr(over, key)))
        for key in ("drop", "keep"):
            mine = getattr(out, key)
            mine.extend(t for t in getattr(over, key) if t not in mine)
        out.levels.update(over.levels)
        out.origin.update(over.origin)
        _no_conflict(out, "")
        return out


# --- reading corrections: -M, studykit.toml, the page -------------------------------

def from_metadata(items: list[str] | tuple[str, ...], origin: str = "-M") -> Corrections:
    """``-M KEY=VALUE`` options (pandoc's ``--metadata``); ``author`` may repeat."""
    data: dict[str, Any] = {}
    for item in items:
        key, eq, value = item.partition("=")
        key = key.strip()
        if not eq:
            raise InputError(_("-M {item}: expected KEY=VALUE, e.g. -M title=正确的标题").format(
                                 item=item))
        if key.startswith("levels."):
            heading, _eq, level = item[len("levels."):].rpartition("=")
            data.setdefault("levels", {})[heading.strip()] = _level_text(level, f"-M {item}")
        elif key in ("author", "authors", "drop", "keep"):
            name = "authors" if key == "author" else key
            data.setdefault(name, []).append(value)
        elif key in META_FIELDS:
            data[key] = value
        else:
            raise InputError(_("-M {item}: unknown key '{key}' (known: title, subtitle, author, "
                               "date, source, drop, keep, levels.HEADING)").format(
                                 item=item, key=key))
    return from_mapping(data, "-M", origin)


def from_mapping(data: Any, where: str, origin: str) -> Corrections:
    """A table of corrections (``[articles."FILE"]`` or the page's JSON), validated:
    every mistake is one line naming ``where`` and the key."""
    if not isinstance(data, dict):
        raise InputError(_("{where}: expected a table of corrections (title = \"…\", …)").format(
                             where=where))
    corr = Corrections()

    def bad(key: str, why: str) -> InputError:
        return InputError(f"{where}.{key}: {why}" if where != "-M" else f"-M {key}: {why}")

    def text(key: str, value: Any) -> str:
        if not isinstance(value, str):
            raise bad(key, _("expected a string in quotes, got {value!r}").format(value=value))
        return " ".join(value.split()) if key != "title" else value.strip()

    def texts(key: str, value: Any) -> list[str]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            raise bad(key, _("expected a list of strings, e.g. [\"听全文\"]"))
        return [t for t in (text(key, v).strip() for v in items) if t]

    for key, value in data.items():
        if key in ("title", "subtitle", "source"):
            setattr(corr, key, text(key, value).strip())
        elif key in ("authors", "author"):
            names = texts(key, value)
            corr.authors = [a for name in names for a in parse_authors(name)]
        elif key == "date":
            corr.date = parse_date(text(key, value), f"{where}.date" if where != "-M" else "-M date")
        elif key in ("drop", "keep"):
            setattr(corr, key, list(dict.fromkeys(texts(key, value))))
        elif key == "levels":
            if not isinstance(value, dict):
                raise bad(key, _("expected a table of heading = level, e.g. { \"引言\" = 1 }"))
            for heading, level in value.items():
                name = " ".join(str(heading).split())
                if not name:
                    raise bad(key, _("a heading's text is empty"))
                corr.levels[name] = _level(level, f"{where}.levels.\"{heading}\""
                                           if where != "-M" else f"-M levels.{heading}")
        else:
            raise bad(key, _("unknown key (known: {value})").format(value=', '.join(KEYS)))
    for key in META_FIELDS:
        if getattr(corr, key) is not None:
            corr.origin[key] = origin
    for key in ("drop", "keep"):
        for t in getattr(corr, key):
            corr.origin[f"{key}:{t}"] = origin
    for t in corr.levels:
        corr.origin[f"levels:{t}"] = origin
    _no_conflict(corr, where)
    return corr


def _no_conflict(corr: Corrections, where: str) -> None:
    both = set(map(_norm, corr.drop)) & set(map(_norm, corr.keep))
    if both:
        line = next(t for t in corr.drop if _norm(t) in both)
        prefix = f"{where}: " if where else ""
        raise InputError(_("{prefix}“{line}” is both in drop and in keep: choose one").format(
                             prefix=prefix, line=line))


def _level(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_LEVEL:
        raise InputError(_("{where}: expected a level 0–{MAX_LEVEL} (0: not a heading), got "
                           "{value!r}").format(where=where, MAX_LEVEL=MAX_LEVEL, value=value))
    return value


def _level_text(value: str, where: str) -> int:
    value = value.strip()
    return _level(int(value) if value.isdigit() else value, where)


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def parse_date(value: str, where: str) -> str:
    """``2024-03-05``, ``2024年3月5日``, ``2024/3/5`` → ISO; "" stays "" (no date)."""
    value = value.strip()
    if not value:
        return ""
    m = _DATE.fullmatch(value.translate(_FULL_DIGITS))
    try:
        if m is None:
            raise ValueError
        return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        raise InputError(_("{where}: '{value}' is not a date like 2024-03-05").format(
                             where=where, value=value)) from None


_FULL_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_BRACKETS = {"（": "）", "(": ")"}


def _split_outside_brackets(text: str, separators: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in _BRACKETS:
            depth += 1
        elif ch in _BRACKETS.values():
            depth = max(depth - 1, 0)
        elif ch in separators and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def parse_authors(text: str) -> list[Author]:
    """``张三（某某县委书记、县长）；李四`` → authors with their titles.

    Authors are separated by ；、， (outside brackets); titles go in brackets after
    the name, or before it separated by a space (``某某县委书记 张三``), as bylines print.
    """
    authors = []
    for part in _split_outside_brackets(text, "；;、，,\n"):
        m = re.fullmatch(r"(.+?)\s*[（(](.*)[）)]", part)
        if m:
            titles = _split_outside_brackets(m.group(2), "、，,；;")
            authors.append(Author(m.group(1).strip(), titles))
            continue
        words = part.split()
        if len(words) > 1 and re.fullmatch(r"[\u4e00-\u9fff·]{2,8}", words[-1]):
            authors.append(Author(words[-1], [" ".join(words[:-1])]))
        else:
            authors.append(Author(part))
    return authors


def author_text(author: Author) -> str:
    """The form ``parse_authors`` reads: ``张三（某某县委书记、县长）``."""
    return author.name + (f"（{'、'.join(author.titles)}）" if author.titles else "")


def authors_text(authors: list[Author]) -> str:
    return "；".join(author_text(a) for a in authors)


# --- applying them ---------------------------------------------------------------------

def _norm(text: str) -> str:
    """Text compared for matching: whitespace (including ideographic spaces) removed."""
    return "".join(text.split())


def apply(doc: Document, corr: Corrections | None,
          source_lines: dict[int, str] | None = None) -> Document:
    """A copy of ``doc`` with ``corr`` applied and recorded.

    ``source_lines`` (line number → text of the decoded source) places a kept
    line where it stood and gives a dropped line its line number; without it
    (a model file) a kept line goes after the text.
    """
    if not corr:
        return doc
    doc = copy.deepcopy(doc)
    run = _Run(doc, corr, source_lines or {})
    run.meta()
    changed = run.keep()  # first: a restored line may be made a heading
    changed |= run.levels()
    changed |= run.drop()
    if changed:
        from pipeline.parser.inline import collect

        collect(doc)  # quotations and formulations now stand in other sections or text
    replaced = {(r.field, _record_key(r)) for r in run.records}
    doc.corrections = [r for r in doc.corrections
                       if (r.field, _record_key(r)) not in replaced] + run.records
    answered = {UNUSED} | ({"no-title", "title-from-file-name"} if corr.title else set())
    doc.warnings = [w for w in doc.warnings if w.code not in answered] + run.unused
    return doc


def _record_key(rec: Correction) -> str:
    if rec.field == "level":
        return _norm(rec.value.rsplit(" → ", 1)[0])
    return _norm(rec.value) if rec.field in ("drop", "keep") else ""


class _Run:
    def __init__(self, doc: Document, corr: Corrections, lines: dict[int, str]) -> None:
        self.doc, self.corr, self.lines = doc, corr, lines
        self.records: list[Correction] = []
        self.unused: list[Warning] = []
        self.dropped_heads: dict[str, str] = {}  # drop key → the heading's printed text

    def origin(self, key: str) -> str:
        return self.corr.origin.get(key, "")

    def record(self, field_: str, value: str, origin_key: str, was: str = "") -> None:
        self.records.append(Correction(field_, value, self.origin(origin_key), was))

    def warn_unused(self, field_: str, message: str) -> None:
        self.unused.append(Warning(UNUSED, message, field=field_))

    # --- metadata -------------------------------------------------------------------

    def meta(self) -> None:
        meta, corr = self.doc.meta, self.corr
        for key in ("title", "subtitle", "source"):
            value = getattr(corr, key)
            if value is not None:
                self.record(key, value, key, getattr(meta, key))
                setattr(meta, key, value)
        if corr.authors is not None:
            self.record("authors", authors_text(corr.authors), "authors",
                        authors_text(meta.authors))
            meta.authors = copy.deepcopy(corr.authors)
        if corr.date is not None:
            self.record("date", corr.date, "date", meta.date or "")
            meta.date = corr.date or None

    # --- levels: re-level headings, un-head them, make paragraphs headings ----------

    def levels(self) -> bool:
        # Dropping a heading's text un-heads it first; its line is then dropped as text.
        heads = {_norm(k) for k in self.corr.drop}
        wanted: dict[str, tuple[str, int]] = {_norm(k): (k, v) for k, v in self.corr.levels.items()}
        if not wanted and not heads:
            return False
        used: set[str] = set()
        stream: list[Block | Section] = list(self.doc.body)
        for sec in self.doc.sections:
            _flatten(sec, stream)
        out: list[Block | Section] = []
        run_in: Block | None = None  # a run-in heading made text: its sentence and the rest
        for item in stream:
            if run_in is not None and isinstance(item, Block) and item.type == "paragraph" \
                    and not item.label:
                run_in.text += item.text  # were one paragraph in the source
                run_in = None
                continue
            run_in = None
            if isinstance(item, Section):
                key = next((k for k in _heading_keys(item) if k in wanted or k in heads), None)
                if key is None:
                    out.append(item)
                    continue
                if key in heads and key not in wanted:  # drop a heading: its line goes,
                    self.dropped_heads[key] = _unhead(item)[0].text  # its text stays
                    used.add(key)
                    continue
                used.add(key)
                text, level = wanted[key]
                if item.kind == "article":
                    self.warn_unused("outline", _("correction not used: “{text}” is an article's "
                                                      "title; its level cannot be changed").format(
                                                        text=text))
                    out.append(item)
                    continue
                self.record("level", f"{text} → {level}", f"levels:{text}", str(item.level))
                if level == 0:
                    out.extend(_unhead(item))
                    run_in = out[-1] if item.run_in else None  # type: ignore[assignment]
                else:
                    item.level = level
                    out.append(item)
            else:
                key = next((k for k in _block_keys(item) if k in wanted), None)
                if key is None or wanted[key][1] == 0:
                    out.append(item)
                    continue
                used.add(key)
                text, level = wanted[key]
                self.record("level", f"{text} → {level}", f"levels:{text}", "0")
                out.append(_head_of(item, level))
        for key, (text, _was) in wanted.items():
            if key not in used:
                self.warn_unused("outline", _(
                    "correction not used: “{text}” in levels is neither a heading nor a "
                    "paragraph of the text (has the source changed?)").format(text=text))
        if not used:
            return False
        self.doc.body, self.doc.sections = _nest(out)
        return True

    # --- drop and keep ---------------------------------------------------------------

    def drop(self) -> bool:
        if not self.corr.drop:
            return False
        wanted = {_norm(t): t for t in self.corr.drop}
        found: set[str] = set()

        def discard(text: str, key: str) -> None:
            found.add(key)
            origin = self.origin(f"drop:{wanted[key]}") or "correction"
            self.doc.discarded.append(Discarded(text, f"dropped by correction ({origin})",
                                                self._line_of(key)))

        for blocks in _containers(self.doc):
            kept: list[Block] = []
            for block in blocks:
                if block.type == "list":
                    items = []
                    for item in block.items:
                        key = next((k for k in (_norm(item.label + item.text), _norm(item.text))
                                    if k in wanted), None)
                        if key is None:
                            items.append(item)
                        else:
                            discard(item.label + item.text, key)
                    block.items = items
                    if items:
                        kept.append(block)
                    continue
                key = next((k for k in _block_keys(block) if k in wanted), None)
                if key is None or block.type == "table":
                    kept.append(block)
                else:
                    discard("".join(block_lines(block)) if block.label else block.text, key)
            blocks[:] = kept
        for key, text in self.dropped_heads.items():
            discard(text, key)
        notes = []
        for note in self.doc.meta.notes:
            if _norm(note) in wanted:
                discard(note, _norm(note))
            else:
                notes.append(note)
        self.doc.meta.notes = notes
        for key, text in wanted.items():
            if key in found:
                self.record("drop", text, f"drop:{text}")
            else:
                self.warn_unused("text", _(
                    "correction not used: “{text}” in drop was not found in the text (has the "
                    "source changed?)").format(text=text))
        self.doc.discarded.sort(key=lambda d: d.line)
        return bool(found)

    def _line_of(self, key: str) -> int:
        return next((n for n, t in sorted(self.lines.items()) if _norm(t) == key), 0)

    def keep(self) -> bool:
        if not self.corr.keep:
            return False
        wanted = {_norm(t): t for t in self.corr.keep}
        back = [d for d in self.doc.discarded if _norm(d.text) in wanted]
        self.doc.discarded = [d for d in self.doc.discarded if _norm(d.text) not in wanted]
        gone = {d.line for d in self.doc.discarded if d.line}
        for d in sorted(back, key=lambda d: d.line):
            self._place(Block("paragraph", d.text.strip()), d.line, gone)
        found = {_norm(d.text) for d in back}
        for key, text in wanted.items():
            if key in found:
                self.record("keep", text, f"keep:{text}")
            else:
                self.warn_unused("text", _("correction not used: “{text}” in keep is not "
                                           "among the discarded lines").format(text=text))
        return bool(back)

    def _place(self, block: Block, line: int, gone: set[int]) -> None:
        """Put a restored line after the text that stood above it in the source."""
        anchors = list(_anchors(self.doc))
        for n in range(line - 1, 0, -1) if line and self.lines else ():
            if n in gone:
                continue
            key = _key(self.lines.get(n, ""))
            if len(key) < 2:
                continue
            if any(key in _key(t) for t in _meta_texts(self.doc)):
                self.doc.body.insert(0, block)
                return
            for blocks, index, text in anchors:
                if key in _key(text):
                    blocks.insert(index + 1, block)
                    return
        if not line or not self.lines:  # a model file: no positions; after the text
            _last_container(self.doc).append(block)
        else:  # nothing above it in the text: the first line of the body
            self.doc.body.insert(0, block)


# --- the outline as a stream of headings and blocks ---------------------------------------

def _flatten(sec: Section, out: list[Block | Section]) -> None:
    """The section's heading (a copy without its contents), its blocks, its subsections'."""
    out.append(dataclasses.replace(sec, body=[], sections=[]))
    out.extend(sec.body)
    for child in sec.sections:
        _flatten(child, out)


def _nest(stream: list[Block | Section]) -> tuple[list[Block], list[Section]]:
    """Blocks before the first heading, and the sections: each heading holds the
    blocks after it and the following headings of a deeper level."""
    body: list[Block] = []
    top: list[Section] = []
    open_: list[Section] = []
    for item in stream:
        if isinstance(item, Section):
            while open_ and open_[-1].level >= item.level:
                open_.pop()
            (open_[-1].sections if open_ else top).append(item)
            open_.append(item)
        else:
            (open_[-1].body if open_ else body).append(item)
    return body, top


def _heading_keys(sec: Section) -> list[str]:
    return list(dict.fromkeys(_norm(t) for t in (
        section_name(sec), sec.label + sec.title, sec.label + heading_text(sec), sec.title,
        heading_text(sec)) if t))


def _block_keys(block: Block) -> list[str]:
    if block.type == "list":
        return []
    return [k for k in dict.fromkeys((_norm("".join(block_lines(block))),
                                      _norm(block.label + block.text), _norm(block.text))) if k]


def _unhead(sec: Section) -> list[Block | Section]:
    """A heading turned back into the paragraph it was (a run-in one with its text)."""
    text = f"{sec.label}{heading_text(sec)}" if sec.run_in else section_name(sec)
    return [Block("paragraph", text)]


def _head_of(block: Block, level: int) -> Section:
    """A paragraph made a heading: its numbering marker becomes the label."""
    from pipeline.parser.markers import find_marker

    text = block.label + block.text
    marker = find_marker(text)
    if marker is not None and marker.rest:
        return Section(level=level, label=marker.label, title=marker.rest)
    return Section(level=level, label="", title=text)


def _containers(doc: Document) -> Iterator[list[Block]]:
    yield doc.body
    for sec in doc.walk():
        yield sec.body


def _anchors(doc: Document) -> Iterator[tuple[list[Block], int, str]]:
    """(blocks, index, text) in reading order: a heading inserts at the start of its body."""
    for i, block in enumerate(doc.body):
        yield doc.body, i, "".join(block_lines(block))
    for sec in doc.walk():
        yield sec.body, -1, section_name(sec)
        for i, block in enumerate(sec.body):
            yield sec.body, i, "".join(block_lines(block))


def _meta_texts(doc: Document) -> Iterator[str]:
    meta = doc.meta
    yield from (meta.title, meta.subtitle, *meta.notes)
    for a in meta.authors:
        yield a.name


def _last_container(doc: Document) -> list[Block]:
    secs = list(doc.walk())
    return secs[-1].body if secs else doc.body


_NOT_TEXT = re.compile(r"[\W_]+")


def _key(text: str) -> str:
    """Letters and digits only: a source line and the text the parser made of it
    (punctuation widened, lines joined) still match."""
    return _NOT_TEXT.sub("", text)
