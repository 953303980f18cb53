"""学习测试: fill-in-the-blank items made from the quotations.

The answer is a formulation that occurs in the quotation (the parser's terms
and the glossary), else a known key phrase (``pipeline/data/keyphrases.txt``),
else one item of an enumeration (“信念坚定、为民服务、勤政务实…”).  A quotation
offering none of these is skipped rather than blanked at random.  The prompt is
the quotation with every occurrence of the answer replaced by a blank.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from pipeline.enrich.glossary import Table, load_glossary
from pipeline.model import Document, QuizItem

LIMIT = 10
MIN_CHARS = 8
BLANK_UNIT = "＿"  # one full-width low line per character of the answer, at least 4

_CLAUSE = re.compile(r"[，。；：！？]")
_HAN_ITEM = re.compile(r"^[\u4e00-\u9fff]{2,8}$")


@functools.cache
def key_phrases() -> tuple[str, ...]:
    text = resources.files("pipeline").joinpath("data/keyphrases.txt").read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


def blank(answer: str) -> str:
    return BLANK_UNIT * max(4, len(answer))


def _enumeration_item(text: str) -> str:
    """The middle item of the longest 、-list of short Han phrases, or ''."""
    best: list[str] = []
    for clause in _CLAUSE.split(text):
        items = [i.strip("“”‘’") for i in clause.split("、")]
        if len(items) >= 3 and all(_HAN_ITEM.match(i) for i in items[1:-1]) and len(items) > len(best):
            best = items
    if not best:
        return ""
    item = best[len(best) // 2]
    return item if _HAN_ITEM.match(item) else ""


def pick_answer(text: str, formulations: list[str], used: frozenset[str] = frozenset()) -> str:
    """What to blank out of a quotation: formulation, key phrase, list item, or ''.

    Among candidates, one not yet asked wins, then the longest, then the first.
    """
    for group in (formulations, key_phrases()):
        hits = [t for t in group if t and t in text and t != text]
        if hits:
            return max(hits, key=lambda t: (t not in used, len(t), -text.find(t)))
    return _enumeration_item(text)


def quiz(doc: Document, table: Table | None = None, limit: int = LIMIT) -> list[QuizItem]:
    """Up to ``limit`` items, one per distinct quotation, in the order of the text."""
    table = load_glossary() if table is None else table
    formulations = [t.text for t in doc.terms if t.kind == "formulation"]
    formulations += [t for t in table if t not in formulations]
    items: list[QuizItem] = []
    seen: set[str] = set()
    for quote in doc.quotes:
        text = quote.text.strip()
        if len(text) < MIN_CHARS or text in seen:
            continue
        seen.add(text)
        answer = pick_answer(text, formulations, frozenset(i.answer for i in items))
        if not answer:
            continue
        items.append(QuizItem(prompt=text.replace(answer, blank(answer)), answer=answer,
                              section=quote.section))
        if len(items) >= limit:
            break
    return items
