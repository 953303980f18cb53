"""Key points for slides: each paragraph condensed to one short line.

One ``KeyPoint`` per paragraph (and per list, and per sub-heading) of the
intro and of each top-level section: ``text`` is the paragraph's first
sentence or first clauses, cut at a natural boundary, at most ``LIMIT``
characters; ``note`` is the full paragraph, so the speaker notes lose nothing.
The condensing function is a parameter, so a better one (a summariser, say)
can replace it without touching the slides writer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from pipeline.enrich.text import block_text
from pipeline.model import Document, KeyPoint, Section, SectionPoints, heading_text, section_name

LIMIT = 30
SENTENCE_END = "。！？"
CLAUSE_END = "；：，"
MIN_CUT = 6  # a cut shorter than this says too little; look further
ELLIPSIS = "…"
_TRAILING = "。；，：、！？ \u3000"
_OPENING = "“‘《（〈「『【"

Condenser = Callable[[str], str]
_SAID = re.compile(r"[^“。！？]{2,40}?(?:指出|强调|表示|要求|提出|说)[，：:]?\s*“([^”]{6,})”?")


def _balanced(text: str) -> bool:
    return text.count("“") == text.count("”") and text.count("《") == text.count("》") \
        and text.count("（") == text.count("）")


def condense(text: str, limit: int = LIMIT) -> str:
    """The first sentence, or as many whole clauses as fit in ``limit`` characters.

    Cuts only after 。！？；：， outside quotation marks and brackets; a text with no
    such boundary in reach is cut hard and ends with ….  Trailing punctuation
    is dropped (a bullet needs none), except a closing quotation mark.
    """
    text = " ".join(text.split())
    # "习近平总书记在…中指出，“…”": the point is what was said, not who said it
    said = _SAID.match(text)
    if said:
        text = said.group(1)
    first = text
    for i, ch in enumerate(text):
        if ch in SENTENCE_END and _balanced(text[: i + 1]):
            first = text[: i + 1]
            break
    if len(first.rstrip(_TRAILING)) <= limit:
        return first.rstrip(_TRAILING)
    best = ""
    for i, ch in enumerate(first[: limit + 1]):
        if ch in CLAUSE_END + SENTENCE_END and i >= MIN_CUT and _balanced(first[:i]):
            best = first[:i]
    if best:
        return best.rstrip(_TRAILING)
    # an opening mark just before the cut would promise text that never comes
    return first[: limit - 1].rstrip(_TRAILING + _OPENING).rstrip(_TRAILING) + ELLIPSIS


def _paragraphs(sec: Section, top: bool) -> Iterator[str]:
    """A section's paragraphs in reading order; run-in headings join their paragraph."""
    body = list(sec.body)
    if not top:
        head = f"{sec.label}{heading_text(sec)}"
        if sec.run_in and body and body[0].type == "paragraph":
            yield head + block_text(body.pop(0))
        else:
            yield head
    for block in body:
        if block.type in ("paragraph", "list"):
            text = block_text(block)
            if text.strip():
                yield text
    for sub in sec.sections:
        yield from _paragraphs(sub, top=False)


def key_points(doc: Document, condenser: Condenser = condense) -> list[SectionPoints]:
    """The intro (``section`` is '') and each top-level section, condensed."""
    out: list[SectionPoints] = []
    intro = [block_text(b) for b in doc.body if b.type in ("paragraph", "list")]
    intro = [t for t in intro if t.strip()]
    if intro:
        out.append(SectionPoints(section="", points=[KeyPoint(condenser(t), t) for t in intro]))
    for sec in doc.sections:
        paras = list(_paragraphs(sec, top=True))
        out.append(SectionPoints(section=section_name(sec),
                                 points=[KeyPoint(condenser(t), t) for t in paras]))
    return out
