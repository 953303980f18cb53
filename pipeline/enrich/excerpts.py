"""重点摘编: the sentences a study group should read twice, picked across the whole text.

Sentences are ranked by how central they are (TextRank) and by the cues of the
genre (a speech's theses, a regulation's provisions, a notice's requirements and
dates, a news item's lead); the picks are spread over the top-level sections in
proportion to their length and kept in the order of the text.  A quotation is
one candidate among the others, not the only kind.  A sentence that only reports
who said something (习近平总书记指出，“……”) becomes what was said, attributed to
the speaker and source that sentence names, and to no one when it names none.
"""

from __future__ import annotations

import dataclasses
import re

from pipeline.enrich.analysis import SAID, Analysis, allocate, analyse
from pipeline.enrich.rank import DATE, LEANS_BACK, Ranked
from pipeline.enrich.sentences import iter_clauses
from pipeline.model import Document, Excerpt, Quote

PER_CHARS = 600  # one excerpt per this many characters of text …
MIN_COUNT, MAX_COUNT = 3, 16  # … within these bounds
MIN_CHARS, MAX_CHARS = 12, 120
IDEAL_CHARS = 80  # longer sentences are worth less as excerpts
SIMILAR = 0.5  # word overlap above which two excerpts say the same
_ORDINAL = re.compile(r"^(第?[一二三四五六七八九十百]+[、条]|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])$")


def _said(text: str) -> tuple[str, str]:
    """(lead-in, what was said) of a sentence that only reports a quotation, else ('', text)."""
    m = SAID.match(text.strip())
    return (m.group("lead"), m.group("said")) if m else ("", text.strip())


def suitable(r: Ranked, genre: str) -> bool:
    s = r.sentence
    lead, said = _said(s.text)
    body = said if lead else s.text.strip()
    if not (MIN_CHARS <= len(body) <= MAX_CHARS) or s.lead or body.endswith(("：", ":", "？")):
        return False
    if LEANS_BACK.match(body) and not lead:
        return False
    if genre == "notice":  # a notice's key requirements, dates and items
        return s.item or DATE.search(body) is not None or r.score > r.centrality
    if genre == "regulation":
        return bool(s.article) or s.item
    return True


def _value(r: Ranked, genre: str) -> float:
    length = len(_said(r.sentence.text)[1])
    value = r.score * (1.0 if length <= IDEAL_CHARS else (IDEAL_CHARS / length) ** 1.5)
    if genre == "news" and r.sentence.para == 0 and r.sentence.index == 0:
        value *= 2.0  # the lead says what happened
    return value


def target_count(chars: int) -> int:
    return max(MIN_COUNT, min(MAX_COUNT, round(chars / PER_CHARS) + 1))


THESIS_START = re.compile(r"^(必须|务必|要|关键|根本|首要|核心|坚持)")
SPAN_CHARS = 50  # a thesis cut out of a long sentence stops at the clause that reaches this


def thesis_spans(r: Ranked) -> list[Ranked]:
    """The thesis clauses of a sentence too long to quote whole (……，必须坚持……，……):
    the clause that opens with 必须/要/坚持, with a short condition before it
    (学习贯彻党的二十大精神，) and what follows while it stays short."""
    text = r.sentence.text.strip()
    if len(text) <= MAX_CHARS:
        return []
    clauses = [text[a:b] for a, b in iter_clauses(text, "，；")]
    out: list[Ranked] = []
    for i, clause in enumerate(clauses):
        if not THESIS_START.match(clause):
            continue
        before = clauses[i - 1] if i else ""
        condition = clause.startswith(("必须", "务必")) and before.endswith("，") and len(before) <= 16
        start = i - 1 if condition else i  # 学习贯彻党的二十大精神，必须……
        span, j = "".join(clauses[start:i + 1]), i + 1
        while j < len(clauses) and len(span + clauses[j]) <= SPAN_CHARS:
            span, j = span + clauses[j], j + 1
        span = span.rstrip("，；：、")
        if MIN_CHARS <= len(span) <= MAX_CHARS:
            out.append(dataclasses.replace(r, sentence=dataclasses.replace(r.sentence, text=span)))
    return out


def strong(r: Ranked) -> bool:
    """A sentence with a cue of its genre (必须, 应当, a date…), not only central."""
    return r.score > r.centrality * 1.05


def pick(analysis: Analysis, count: int, keep) -> list[Ranked]:
    """Up to ``count`` of the ranked sentences ``keep`` accepts, spread over the sections;
    sentences with a cue of the genre first, the others only if those run short."""
    genre = analysis.genre.kind
    if analysis.candidates is None:
        spans = genre in ("speech", "commentary", "news")  # a provision is quoted whole
        analysis.candidates = [x for r in analysis.ranked
                               for x in ([r] + (thesis_spans(r) if spans else []))]
    pool = [r for r in analysis.candidates if keep(r)]
    cued = [r for r in pool if strong(r)]
    if len(cued) >= count:
        pool = cued
    groups: dict[int, list[Ranked]] = {}
    for r in pool:
        groups.setdefault(r.sentence.top, []).append(r)
    for g in groups.values():
        g.sort(key=lambda r: -_value(r, genre))
    weights = {k: analysis.top_chars.get(k, 1) for k in groups}
    if -1 in weights and len(weights) > 1:  # the opening states the thesis: an average share
        weights[-1] = max(weights[-1], sum(weights.values()) // len(weights))
    quota = allocate(min(count, len(pool)), weights)
    chosen: list[Ranked] = []

    def take(r: Ranked) -> bool:
        if any(_overlap(r, c) >= SIMILAR for c in chosen):
            return False
        chosen.append(r)
        return True

    for k, g in groups.items():
        n = 0
        for r in g:
            if n >= quota.get(k, 0):
                break
            n += take(r)
    leftovers = sorted((r for r in pool if r not in chosen), key=lambda r: -_value(r, genre))
    for r in leftovers:
        if len(chosen) >= min(count, len(pool)):
            break
        take(r)
    return sorted(chosen, key=lambda r: (r.sentence.para, r.sentence.index))


def _overlap(a: Ranked, b: Ranked) -> float:
    if not a.words or not b.words:
        return 1.0 if a.sentence.text == b.sentence.text else 0.0
    return len(a.words & b.words) / min(len(a.words), len(b.words))


_LEAD = re.compile(r"^(?P<who>[^，。“”在]{2,16}?)(?:在(?P<where>[^，。“”]{2,30}?)[中上时])?[，、]?"
                   r"(?:深刻|明确|郑重|特别|反复|多次|再次)?(?:指出|强调|提出|要求|表示|说|宣布|告诫|号召)$")
_NOT_A_SPEAKER = ("他", "她", "文章", "文件", "报告", "会议", "全会", "通知", "这", "此", "其")


def attribution(text: str, quotes: list[Quote]) -> tuple[str, str]:
    """(speaker, source) that a sentence reporting a quotation names itself, else ('', '').

    The parser's reading of the quotation is used when the sentence holds its speaker or
    source; otherwise the lead-in itself (习近平总书记在党的二十大报告中强调) is read."""
    for q in quotes:
        if q.text and q.text in text and (q.speaker or q.source):
            speaker = q.speaker if q.speaker and q.speaker in text else ""
            source = q.source if q.source and q.source in text else ""
            if speaker or source:
                return speaker, source
    said = SAID.match(text.strip())
    m = _LEAD.match(said.group("lead").strip()) if said else None
    if not m:
        return "", ""
    who = m.group("who").strip()
    who = "" if who.startswith(_NOT_A_SPEAKER) else who
    return who, (m.group("where") or "").strip()


def excerpts(doc: Document, analysis: Analysis | None = None, limit: int | None = None
             ) -> list[Excerpt]:
    """The key sentences of the text, in its order."""
    analysis = analysis or analyse(doc)
    genre = analysis.genre.kind
    count = limit if limit is not None else target_count(analysis.chars)
    out: list[Excerpt] = []
    for r in pick(analysis, count, lambda r: suitable(r, genre)):
        s = r.sentence
        lead, said = _said(s.text)
        speaker, source = attribution(s.text, doc.quotes) if lead else ("", "")
        text = said if lead else s.text.strip()
        label = s.label.strip()
        if _ORDINAL.match(label) and not lead:  # 一、… or 第四条: the number goes with it
            text = label + ("\u3000" if label.endswith("条") else "") + text
        out.append(Excerpt(text=text, speaker=speaker, source=source, section=s.section))
    return out
