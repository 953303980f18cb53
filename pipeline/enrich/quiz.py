"""学习测试: fill-in-the-blank items on the formulations, key terms and numbers of the text.

Items come from the text's key sentences (the same ranking as 重点摘编, spread
over the sections).  What is blanked, in order of preference:

1. a formulation the sentence contains (the glossary's, or one the parser found
   such as “四个意识”);
2. a number that carries the fact (2035年, 90g/L, 三个务必) — first for a notice;
3. what a definition defines (X是**最高国家权力机关**): the head of “X是Y” when short;
4. a key term: a noun of three or more characters that the text keeps using;
5. the middle item of an enumeration (信念坚定、**为民服务**、勤政务实…).

A sentence offering none of these is skipped rather than blanked at random.  Every
blank has the same width, so its length gives nothing away; the answers go on a
page of their own at the end of every output.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from importlib import resources

from pipeline.enrich.analysis import SAID, Analysis, analyse
from pipeline.enrich.excerpts import pick
from pipeline.enrich.glossary import Glossary, Table, is_fragment, load_glossary
from pipeline.enrich.rank import Ranked
from pipeline.enrich.sentences import clauses, main_clauses
from pipeline.model import Document, QuizItem
from pipeline.segment import is_noun, tagged

LIMIT = 10
MIN_CHARS = 10
PROMPT_CHARS = 64  # a longer sentence is cut to the clauses around the blank
BLANK = "＿" * 6  # one width for every blank: its length must not hint at the answer

_CLAUSE = re.compile(r"[，。；：！？]")
_HAN_ITEM = re.compile(r"^[\u4e00-\u9fff]{2,8}$")
_NUMBER = re.compile(
    r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?|\d+(?:\.\d+)?\s?(?:g/L|mg|kg|km|%|％|万亿|亿|万|千|"
    r"个百分点|个|项|条|次|人|名|所|家|年|天|岁|倍|公里|平方公里|吨|元)")
_DEFINES = re.compile(r"^(?P<x>[^，。；：“”]{2,24}?)(?<!不)是(?P<y>[^，。；：]{3,14}?)(?<!的)[。；]?$")
_FACT_NUMBER = re.compile(r"^\d{4}年|[%％]$|个百分点$")
COMMON = 0.12  # a word in more of the sentences than this is too general to ask for


@functools.cache
def key_phrases() -> tuple[str, ...]:
    text = resources.files("pipeline").joinpath("data/keyphrases.txt").read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


def blank(answer: str) -> str:  # noqa: ARG001 - one width for every answer, on purpose
    return BLANK


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
    return item if _HAN_ITEM.match(item) and len(item) >= 3 else ""


def _key_term(text: str, frequent: Counter) -> str:
    nouns = [w for w, t in tagged(text) if is_noun(t) and len(w) >= 3 and frequent[w] >= 2]
    return max(nouns, key=lambda w: (frequent[w], len(w)), default="")


def pick_answer(text: str, formulations: list[str], used: frozenset[str] = frozenset(),
                frequent: Counter | None = None, numbers_first: bool = False,
                avoid: frozenset[str] = frozenset()) -> str:
    """What to blank out of a sentence, or '' when nothing in it is worth asking.

    ``numbers_first``: a notice's facts are its numbers and dates, any of them;
    elsewhere only a year, a percentage or a numbered formulation counts.
    ``avoid``: words too general to ask for (the title's, the commonest).
    """
    def fresh(hits: list[str]) -> str:
        hits = [h for h in hits if h and h != text and h not in used and h not in avoid
                and not h.endswith("的")]
        return max(hits, key=lambda h: (len(h), -text.find(h))) if hits else ""

    def number() -> str:
        return fresh([m.group(0).strip() for m in _NUMBER.finditer(text)
                      if numbers_first or _FACT_NUMBER.search(m.group(0).strip())])

    if numbers_first and number():
        return number()
    found = fresh([t for t in formulations if t in text])
    if found:
        return found
    if number():
        return number()
    d = _DEFINES.match(text.strip())
    if d and d.group("y") not in used and d.group("y") not in avoid:
        return d.group("y")
    found = fresh([t for t in key_phrases() if t in text])
    if found:
        return found
    if frequent is not None:
        term = _key_term(text, Counter({w: c for w, c in frequent.items() if w not in avoid}))
        if term and term not in used:
            return term
    item = _enumeration_item(text)
    return item if item not in used and item not in avoid and not item.endswith("的") else ""


def _statement(text: str) -> str:
    """The sentence as a quiz states it: what was said, without lead-ins."""
    m = SAID.match(text.strip())
    return m.group("said") if m else "".join(main_clauses(text)).strip()


def _around(text: str, answer: str) -> str:
    """A long sentence cut to the clauses around the answer."""
    if len(text) <= PROMPT_CHARS:
        return text
    parts = clauses(text, "，；")
    at = next((i for i, p in enumerate(parts) if answer in p), 0)
    lo, hi = at, at + 1
    while True:
        grown = False
        if hi < len(parts) and len("".join(parts[lo:hi + 1])) <= PROMPT_CHARS:
            hi, grown = hi + 1, True
        if lo > 0 and len("".join(parts[lo - 1:hi])) <= PROMPT_CHARS:
            lo, grown = lo - 1, True
        if not grown:
            break
    piece = "".join(parts[lo:hi]).rstrip("，；")
    return ("……" if lo else "") + piece + ("……" if hi < len(parts) else "")


def quiz(doc: Document, table: Table | None = None, analysis: Analysis | None = None,
         limit: int = LIMIT) -> list[QuizItem]:
    """Up to ``limit`` items from the key sentences, one answer each, in the order of the text."""
    table = load_glossary() if table is None else table
    analysis = analysis or analyse(doc)
    names = list(table.names()) if isinstance(table, Glossary) else list(table)
    formulations = [t.text for t in doc.terms if t.kind == "formulation" and not is_fragment(t.text)]
    formulations += [n for n in names if n not in formulations]
    frequent: Counter = Counter(w for r in analysis.ranked for w in r.words)
    numbers_first = analysis.genre.kind in ("notice", "news")
    too_common = max(3, COMMON * len(analysis.ranked))
    avoid = frozenset([w for w, c in frequent.items() if c > too_common]
                      + [w for w, _ in tagged(doc.meta.title) if len(w) >= 2])
    items: list[QuizItem] = []
    used: set[str] = set()

    def askable(r: Ranked) -> bool:
        s = _statement(r.sentence.text)
        return (len(s) >= MIN_CHARS and not r.sentence.lead
                and not s.endswith(("？", "?", "：", ":")))

    for r in pick(analysis, limit * 3, askable):
        text = _statement(r.sentence.text)
        answer = pick_answer(text, formulations, frozenset(used), frequent, numbers_first, avoid)
        if not answer or len(answer) < 2:
            continue
        used.add(answer)
        prompt = _around(text, answer).replace(answer, BLANK)
        items.append(QuizItem(prompt=prompt, answer=answer, section=r.sentence.section))
    if len(items) > limit:  # keep the spread: every len/limit-th item
        step = len(items) / limit
        items = [items[int(i * step)] for i in range(limit)]
    return items
