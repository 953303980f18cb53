"""重点摘编: the key quotations of a text, with who said them and where.

Quotations that are only a formulation (“四个意识”) or a short phrase are not
"key quotations": they belong to the glossary.  When there are more than
``limit``, the ones with a speaker or source and the longer ones win; the
chosen ones keep the order of the text.
"""

from __future__ import annotations

from pipeline.model import Document, Excerpt, Quote

LIMIT = 12
MIN_CHARS = 8  # shorter quotations are formulations or catchwords


def _key(text: str) -> str:
    return "".join(text.split()).rstrip("。；，！？")


def excerpts(doc: Document, limit: int = LIMIT) -> list[Excerpt]:
    """Up to ``limit`` de-duplicated quotations, in the order they occur."""
    seen: set[str] = set()
    candidates: list[tuple[int, Quote]] = []
    for index, quote in enumerate(doc.quotes):
        text = quote.text.strip()
        key = _key(text)
        if len(key) < MIN_CHARS or key in seen:
            continue
        seen.add(key)
        candidates.append((index, quote))
    if len(candidates) > limit:
        ranked = sorted(candidates, key=lambda iq: (not (iq[1].speaker or iq[1].source),
                                                    -len(iq[1].text), iq[0]))
        candidates = sorted(ranked[:limit], key=lambda iq: iq[0])
    return [Excerpt(text=q.text.strip(), speaker=q.speaker, source=q.source, section=q.section)
            for _, q in candidates]
