"""What the page needs to review and correct one article, from its corrected model.

The page edits a ``Corrections`` value (the same keys as ``[articles."FILE"]`` in
studykit.toml) and asks the server again after each change; this is the answer:
the metadata now and as parsed, the warnings by field, the outline with each
heading's level now and as parsed (headings turned into text included, at their
place), the lines of the text that may be dropped, and the dropped lines.
"""

from __future__ import annotations

from pipeline.corrections import META_FIELDS, Corrections, author_text, authors_text
from pipeline.i18n import _
from pipeline.model import Block, Document, Meta, Section, block_lines, section_name

MAX_LINES = 2000  # lines of text offered for dropping (a long report has ~600)


def _norm(text: str) -> str:
    return "".join(text.split())


def _meta(meta: Meta) -> dict:
    return {"title": meta.title, "subtitle": meta.subtitle, "date": meta.date or "",
            "source": meta.source, "authors": authors_text(meta.authors),
            "author_list": [author_text(a) for a in meta.authors]}


def review_view(doc: Document, corrections: Corrections | None) -> dict:
    now = _meta(doc.meta)
    parsed = dict(now)
    for rec in doc.corrections:
        if rec.field in META_FIELDS:
            parsed[rec.field] = rec.was
    return {
        "meta": now,
        "parsed": parsed,
        "issues": [{"code": w.code, "message": w.message, "field": w.field} for w in doc.warnings],
        "outline": _outline(doc),
        "lines": _lines(doc),
        "dropped": [{"text": d.text, "reason": reason_text(d.reason), "line": d.line,
                     "by_user": d.reason.startswith("dropped by correction")}
                    for d in doc.discarded],
        "corrections": corrections.to_dict() if corrections else {},
    }


def reason_text(reason: str) -> str:
    """Why a line was dropped, in the reader's language (the check report's words)."""
    from pipeline.report import DISCARD_REASONS

    return _(reason) if reason in DISCARD_REASONS else reason


def _outline(doc: Document) -> list[dict]:
    """Headings in reading order, with the text paragraphs that were headings before."""
    levels = [(r.value.rsplit(" → ", 1), r.was) for r in doc.corrections if r.field == "level"]
    was = {_norm(key): int(before or 0) for (key, _), before in levels}
    unheaded = {_norm(key): (key, int(before or 0)) for (key, after), before in levels
                if after == "0"}
    rows: list[dict] = []
    shown: set[str] = set()

    def blocks(items: list[Block]) -> None:
        for b in items:
            text = _norm(b.text)
            key = next((k for k in unheaded if k in text[:len(k) + 8]), None)
            if b.type == "paragraph" and key is not None and key not in shown:
                shown.add(key)
                rows.append({"key": unheaded[key][0], "text": b.text, "level": 0,
                             "original": unheaded[key][1], "kind": "text"})

    def walk(secs: list[Section]) -> None:
        for sec in secs:
            name = section_name(sec)
            original = next((was[k] for k in (_norm(name), _norm(sec.label + sec.title),
                                              _norm(sec.title)) if k in was), sec.level)
            rows.append({"key": name, "text": name, "level": sec.level, "original": original,
                         "kind": sec.kind, "run_in": sec.run_in})
            blocks(sec.body)
            walk(sec.sections)

    blocks(doc.body)
    walk(doc.sections)
    return rows


def _lines(doc: Document) -> list[dict]:
    """The text's lines (paragraphs and list entries) a user may drop, in reading order."""
    out: list[dict] = []

    def add(items: list[Block], section: str) -> None:
        for b in items:
            if b.type == "table":
                continue
            texts = [f"{i.label}{i.text}" for i in b.items] if b.type == "list" else \
                ["".join(block_lines(b)) if b.label else b.text]
            out.extend({"text": t, "section": section} for t in texts if t)

    add(doc.body, "")
    for sec in doc.walk():
        add(sec.body, section_name(sec))
    return out[:MAX_LINES]
