"""The variables every template sees: one place, so writers cannot drift apart.

Documented for template authors in docs/templates.md.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass
from typing import Any

from pipeline.model import (
    Author,
    Block,
    Document,
    Excerpt,
    Meta,
    Section,
    StudyAids,
    block_lines,
    heading_text,
    section_name,
)
from pipeline.options import BuildOptions
from pipeline.writers.titles import break_title


def cn_date(iso: str | None) -> str:
    """2022-10-16 → 2022年10月16日 (how dates are printed in Chinese documents)."""
    if not iso:
        return ""
    try:
        d = datetime.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.year}年{d.month}月{d.day}日"


def template_context(doc: Document, opts: BuildOptions) -> dict[str, Any]:
    """The model plus build options, flattened the way templates use them."""
    aids = printable(doc.aids) if doc.aids is not None and opts.variant != "plain" else StudyAids()
    return {
        "doc": doc,
        "meta": doc.meta,
        "title": doc.meta.title,
        "subtitle": doc.meta.subtitle,
        "authors": doc.meta.authors,
        "date": doc.meta.date or "",
        "date_cn": cn_date(doc.meta.date),
        "source": doc.meta.source,
        "body": doc.body,
        "sections": doc.sections,
        "quotes": doc.quotes,
        "terms": doc.terms,
        "aids": aids,
        "org": opts.org,
        "session_date": opts.session_date or "",
        "session_date_cn": cn_date(opts.session_date),
        "variant": opts.variant,
        "heading_text": heading_text,
        "section_name": section_name,
        "title_lines": title_lines(doc.meta.title),
        "bylines": bylines(doc.meta.authors),
        "source_line": source_line(doc.meta),
        "attribution": attribution,
    }


TITLE_CHARS = 20  # 22 pt title characters on the handout's 156 mm line


def title_lines(text: str, per_line: float = TITLE_CHARS) -> list[str]:
    """A title as the lines a centred title is set in: broken at phrase boundaries and
    balanced (``pipeline.writers.titles``); ``per_line`` is the room of one line in
    full-width characters."""
    return break_title(text, per_line)


def byline(author: Author) -> str:
    """十一师党委常委、副政委、组织部部长　程秀娥: titles, then the name."""
    titles = "、".join(author.titles)
    return f"{titles}　{author.name}" if titles else author.name


def bylines(authors: list[Author]) -> list[str]:
    return [byline(a) for a in authors if a.name or a.titles]


def source_line(meta: Meta) -> str:
    """来源：十一师融媒体中心　2022年12月19日 (empty when neither is known)."""
    parts = [f"来源：{meta.source}" if meta.source else "", cn_date(meta.date)]
    return "　".join(p for p in parts if p)


def printable(aids: StudyAids) -> StudyAids:
    """The aids as printed: a glossary entry without a definition is never a blank line."""
    if all(g.definition for g in aids.glossary):
        return aids
    return dataclasses.replace(aids, glossary=[g for g in aids.glossary if g.definition])


def attribution(ex: Excerpt) -> str:
    """Under an excerpt: ——习近平总书记，党的二十大报告（一、…） when the sentence names who
    spoke, else only where it stands, （一、…）: a section heading is not a speaker."""
    who = "，".join(p for p in (ex.speaker, ex.source) if p)
    where = f"（{ex.section}）" if ex.section else ""
    return f"——{who}{where}" if who else where


# --- the body as a flat list of paragraphs ----------------------------------

# Characters XML 1.0 cannot hold; a template would silently lose the paragraph.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Para:
    """One printed paragraph of the body, for templates that loop over paragraphs.

    ``kind``: h1/h2/h3 (heading by Section.level; deeper levels are h3), title
    and byline (a second article's head), p, item (list entry), signature,
    note.  ``head`` is printed bold before ``text`` in the same paragraph: a
    run-in heading sentence, or an article label such as 第一条.
    """

    kind: str
    text: str
    head: str = ""
    level: int = 0


def _clean(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def block_paras(block: Block) -> list[Para]:
    if block.type == "list":
        return [Para("item", _clean(f"{item.label}{item.text}")) for item in block.items]
    if block.type in ("signature", "note"):
        return [Para(block.type, _clean(block.text))]
    if block.type == "table":  # until the writers draw tables: one paragraph a row
        return [Para("p", _clean(line)) for line in block_lines(block)]
    if block.label:
        return [Para("p", _clean(block.text), head=_clean(block.label) + "　")]
    return [Para("p", _clean(block.text))]


def section_paras(sec: Section) -> list[Para]:
    out: list[Para] = []
    body = list(sec.body)
    if sec.kind == "article":
        out.append(Para("title", _clean(section_name(sec)), level=sec.level))
        if sec.meta is not None:
            if sec.meta.subtitle:
                out.append(Para("byline", _clean(sec.meta.subtitle)))
            out.extend(Para("byline", line) for line in bylines(sec.meta.authors))
            if source_line(sec.meta):
                out.append(Para("byline", source_line(sec.meta)))
    elif sec.run_in:
        head = _clean(f"{sec.label}{heading_text(sec)}")
        if body and body[0].type == "paragraph" and not body[0].label:
            out.append(Para("p", _clean(body.pop(0).text), head=head, level=sec.level))
        else:
            out.append(Para("p", "", head=head, level=sec.level))
    else:
        kind = f"h{min(max(sec.level, 1), 3)}"
        out.append(Para(kind, _clean(section_name(sec)), level=sec.level))
    for block in body:
        out.extend(block_paras(block))
    for sub in sec.sections:
        out.extend(section_paras(sub))
    return out


def body_paras(doc: Document) -> list[Para]:
    """The whole text, intro and sections, as paragraphs in reading order."""
    out: list[Para] = []
    for block in doc.body:
        out.extend(block_paras(block))
    for sec in doc.sections:
        out.extend(section_paras(sec))
    return out
