"""Quotations with their speaker and source, numbered formulations, book titles."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator

from pipeline.model import Block, Document, Quote, Section, Term, block_lines, section_name

_QUOTE = re.compile(r"“([^“”]{1,600})”")
_BOOK = re.compile(r"《([^《》]{1,60})》")
# “两个确立” “四个意识” “三会一课” “8321” “3+N” “十四五” “一带一路”
_FORMULATION = re.compile(r"[一二三四五六七八九十两百千\d][\u4e00-\u9fff\d+＋]{0,11}")
_VERB = re.compile(r"(指出|强调|说|表示|要求|提出|认为|写道|宣布|讲到|讲道|明确|所说|指示|号召|"
                   r"告诫|阐明|深刻指出|重申|谈到|称)[，,:：]?\s*$")
_WHERE = re.compile(r"在(.{2,30}?)(?:中|上|时|里)$")
_MIN_QUOTE = 10  # shorter quoted phrases are formulations or emphasis, not quotations


_SENTENCE_MARKS = re.compile(r"[“‘「『”’」』。！？]")
_OPENING = "“‘「『"
_CLOSING = "”’」』"
_ENDS = "。！？"
# A quotation is at most this long (``_QUOTE``): an opening mark whose closing
# mark has not come by then is a stray one, and no longer holds sentences together.
_QUOTE_REACH = 600
# What is kept of a quotation's sentence, and how far back its speaker is looked for:
# a run-on "sentence" (no full stop for pages) is not copied once per quotation.
_MAX_SENTENCE = 800
_CONTEXT = 100
_ATTRIBUTION_REACH = 200


def sentences(text: str) -> list[str]:
    """Split after 。！？ outside quotation marks (a quoted sentence stays whole).

    Linear: an opening mark counts only while its quotation could still close
    (``_QUOTE_REACH`` characters), so one stray “ does not glue the rest of a
    paragraph into one sentence.
    """
    out: list[str] = []
    opened: deque[int] = deque()  # positions of the open quotation marks, innermost last
    start = 0
    for m in _SENTENCE_MARKS.finditer(text):
        ch, i = m.group(), m.start()
        while opened and i - opened[0] > _QUOTE_REACH:
            opened.popleft()
        if ch in _OPENING:
            opened.append(i)
        elif ch in _CLOSING:
            if opened:
                opened.pop()
            if not opened and i > 0 and text[i - 1] in _ENDS:
                out.append(text[start:i + 1])
                start = i + 1
        elif not opened:
            out.append(text[start:i + 1])
            start = i + 1
    if start < len(text):
        out.append(text[start:])
    return out


def _sentence_of(sentence: str, start: int, end: int) -> str:
    """The sentence a quotation at ``sentence[start:end]`` stands in, at most
    ``_MAX_SENTENCE`` characters: of a longer one, the clause around the quotation."""
    if len(sentence) <= _MAX_SENTENCE:
        return sentence.strip()
    lo = max(start - _CONTEXT, 0)
    cut = max(sentence.rfind(ch, lo, start) for ch in _ENDS + "；")
    lo = cut + 1 if cut >= 0 else lo
    hi = min(end + _CONTEXT, len(sentence))
    cut = min((k for k in (sentence.find(ch, end, hi) for ch in _ENDS + "；") if k >= 0),
              default=-1)
    hi = cut + 1 if cut >= 0 else hi
    return sentence[lo:hi].strip()


def _paragraph_texts(blocks: list[Block]) -> Iterator[str]:
    for b in blocks:
        if b.type == "list":
            for item in b.items:
                yield item.text
        elif b.type == "table":
            yield from block_lines(b)
        else:
            yield b.text


def _units(doc: Document) -> Iterator[tuple[str, str]]:
    """(text, section name) for every heading and block, in reading order."""
    for text in _paragraph_texts(doc.body):
        yield text, ""

    def walk(secs: list[Section], top: str) -> Iterator[tuple[str, str]]:
        for sec in secs:
            name = top or section_name(sec)
            yield sec.title, name
            for text in _paragraph_texts(sec.body):
                yield text, name
            yield from walk(sec.sections, name)

    yield from walk(doc.sections, "")


def is_formulation(text: str) -> bool:
    return bool(_FORMULATION.fullmatch(text)) and len(text) >= 2 and not text.isdigit() or (
        text.isdigit() and len(text) >= 3)


def _attribution(before: str, cut: bool = False) -> tuple[str, str]:
    """'习近平总书记在党的二十大报告中指出，' → ('习近平总书记', '党的二十大报告').

    ``cut``: ``before`` is only the end of a longer text; a clause that fills
    all of it is longer than any speaker or source.
    """
    text = before.rstrip("，,:：\u3000 ")
    k = max(text.rfind(ch) for ch in "。；！？，")
    clause, whole = text[k + 1:], k >= 0 or not cut
    v = _VERB.search(clause)
    if not v:
        return "", ""
    subject = clause[: v.start()].strip()
    source = ""
    w = _WHERE.search(subject)
    if w:
        source = w.group(1)
        subject = subject[: w.start()]
    elif subject.endswith(("中", "上")) and len(subject) > 3 and whole:
        source, subject = subject[:-1], ""
    subject = subject.lstrip("”’」』 ")  # the end of the quotation before, not a name
    opening = max(subject.rfind(ch) for ch in _OPENING)
    if opening >= 0 and not any(ch in subject[opening:] for ch in _CLOSING):
        subject = subject[opening + 1:]  # after a mark never closed: a stray, not a name
    subject = re.sub(r"^(正如|如|就像|诚如|同时|其中|对此|他|她)", "", subject).strip()
    if len(subject) > 20:
        subject = ""
    return subject, source


def collect(doc: Document) -> None:
    """Fill doc.quotes and doc.terms from the headings and blocks."""
    quotes: list[Quote] = []
    terms: dict[tuple[str, str], Term] = {}
    for text, section in _units(doc):
        for book in _BOOK.finditer(text):
            _count(terms, book.group(1), "book", section)
        for sentence in sentences(text):
            speaker, source = "", ""
            for q in _QUOTE.finditer(sentence):
                inner = q.group(1)
                if is_formulation(inner):
                    _count(terms, inner, "formulation", section)
                    continue
                reach = max(q.start() - _ATTRIBUTION_REACH, 0)
                s, src = _attribution(sentence[reach: q.start()], cut=reach > 0)
                if s or src:
                    speaker, source = s, src
                elif sentence[max(q.start() - 1, 0): q.start()] != "”":
                    speaker, source = "", ""
                if len(inner) >= _MIN_QUOTE or speaker or source:
                    quotes.append(Quote(text=inner, speaker=speaker, source=source,
                                        section=section,
                                        sentence=_sentence_of(sentence, q.start(), q.end())))
    doc.quotes = quotes
    doc.terms = list(terms.values())


def _count(terms: dict[tuple[str, str], Term], text: str, kind: str, section: str) -> None:
    key = (text, kind)
    if key in terms:
        terms[key].count += 1
    else:
        terms[key] = Term(text=text, kind=kind, count=1, section=section)  # type: ignore[arg-type]

