"""The variables every template sees: one place, so writers cannot drift apart.

Documented for template authors in docs/templates.md.
"""

from __future__ import annotations

import datetime
from typing import Any

from pipeline.model import Document, Section, heading_text, section_name
from pipeline.options import BuildOptions


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
    aids = doc.aids
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
    }


def all_sections(sections: list[Section]):
    """Depth-first walk, for writers that flatten the tree."""
    for sec in sections:
        yield sec
        yield from all_sections(sec.sections)
