"""Key points for slides: each paragraph as one short, complete statement.

One ``KeyPoint`` per paragraph, per list item and per sub-heading of the intro and
of each top-level section.  ``text`` is the paragraph's key sentence — the first
that states something (必须…, 要…, X是Y) or else its first — condensed by dropping
what leads into the statement (习近平总书记指出, 作为组织部部长, 当前, 在…中) and
the clauses after the main one, never by cutting at a length: a point may run
longer than ``LIMIT`` rather than stop in the middle of a phrase.  ``note`` is the
full paragraph, so the speaker notes lose nothing.  A salutation (同志们！) or a
notice's list of addressees is not a point.  The condensing function is a
parameter, so a better one can replace it without touching the slides writer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from pipeline.enrich.analysis import DATELINE, SAID, SALUTATION
from pipeline.enrich.rank import LEANS_BACK
from pipeline.enrich.sentences import iter_clauses, main_clauses, split
from pipeline.enrich.text import block_text
from pipeline.model import (
    Block,
    Document,
    KeyPoint,
    Section,
    SectionPoints,
    heading_text,
    section_name,
)
from pipeline.segment import tagged

LIMIT = 30  # clauses are added to the main one while the point stays this short
HARD = 46  # the longest main clause kept whole; a longer one loses its parentheses, then tails
WHOLE = 38  # a statement this short is kept whole
MIN_CUT = 6
_TRAILING = "。；，：、！？ \u3000"
_STATES = re.compile(r"(必须|务必|应当|要(?![求素点闻害务紧])|坚持|关键|根本|是[^，。]{2,40}的|不得)")
# words a statement cannot end on: they promise more (…的, …和, …是, …指出)
DANGLING_WORDS = frozenset(["的", "和", "与", "及", "并", "是", "为", "在", "对", "把", "将", "以", "从", "向", "等", "或", "而", "指出", "强调", "表示", "如下", "包括"])
_ADDRESSEES = re.compile(r"^[^。！？]{4,300}[：:]$")
_PAREN = re.compile(r"（[^（）]{1,30}）")
_BULLET_LABELS = ("——", "—", "•", "·", "●", "○", "■", "□", "◆", "-", "*")
_FIRST_QUOTE = re.compile(r"^“([^“”]{6,})”")
_MUST = re.compile(r"^(必须|务必)")
_IS_A = re.compile(r"^是.{6,}?的(?P<what>[^，。；“”]{3,14})$")
# a clause that opens with the predicate: the clause before it was the subject
_PREDICATE = re.compile(r"^(是|就是|乃是|迫切需要|需要|要求|必须|意味着|标志着|表明|成为)")

Condenser = Callable[[str], str]
MIN_POINT = 4  # characters: a shorter line (总理, 单价, 1) is a label, a cell or a stray word
SHORT_ITEM = 12  # characters: a name set alone on its line as an item of a list
NAMES_PER_POINT = 5


def _says_something(point: str) -> bool:
    return len(re.sub(r"[\W_]", "", point)) >= MIN_POINT and not dangles(point)


def key_sentence(text: str) -> str:
    """The sentence of a paragraph that states its point."""
    sentences = [s for s in split(" ".join(text.split())) if not SALUTATION.match(s.strip())]
    sentences = sentences or [text]
    for s in sentences[:3]:
        body = "".join(main_clauses(s))
        if _STATES.search(body[:24]) and len(body) >= MIN_CUT and not LEANS_BACK.match(body):
            return s
    return sentences[0]


def _has_verb(clause: str) -> bool:
    return any(t.startswith("v") and not t.startswith("vn") for _, t in tagged(clause))


def _shorten(clause: str) -> str:
    """A main clause too long for a slide, shortened without cutting a phrase in two: its
    parentheses go, then a long enumeration keeps its first items and says 等."""
    clause = _PAREN.sub("", clause)
    if len(clause.rstrip(_TRAILING)) <= HARD:
        return clause
    items = [clause[a:b] for a, b in iter_clauses(clause, "、")]
    if len(items) < 4:
        return clause
    last = items[-1]
    # what follows the last item (……、科学发展观的基础上 → 的基础上), when it is plain text
    m = re.search(r"(的|等|为|作为)[^、“”《》（）]*$", last)
    if not m or any(ch in last[:m.start()] for ch in "“”《》（）"):
        return clause  # where the last item ends is not plain: no 等 can stand for the rest
    tail = last[m.start():].removeprefix("等")
    for keep in range(len(items) - 1, 1, -1):
        head = "".join(items[:keep]).rstrip("、")
        short = f"{head}等{tail}"
        if len(short.rstrip(_TRAILING)) <= HARD or keep == 2:
            return short if _balanced(short) else clause
    return clause


def _balanced(text: str) -> bool:
    return all(text.count(a) == text.count(b) for a, b in ("“”", "‘’", "《》", "（）"))


def condense(text: str, limit: int = LIMIT) -> str:
    """The paragraph's point in one short complete statement (no trailing punctuation)."""
    text = " ".join(text.split())
    sentence = key_sentence(text)
    said = SAID.match(sentence.strip())
    if said:
        sentence = said.group("said")
    parts = main_clauses(sentence)
    quoted = _FIRST_QUOTE.match("".join(parts).strip())
    if quoted:
        parts = main_clauses(quoted.group(1))
    thesis = next((i for i, p in enumerate(parts) if i and _MUST.match(p)), 0)
    if thesis:  # ……，学习贯彻党的二十大精神，必须坚持……: the point is what must be done
        before = parts[thesis - 1]
        parts = ([before] if before.endswith("，") and len(before) <= 16 else []) + parts[thesis:]
    whole = "".join(parts).rstrip(_TRAILING)
    if len(whole) > WHOLE:
        whole = _PAREN.sub("", whole)
    if len(whole) <= WHOLE:  # a short statement is kept whole: its last clause may be the point
        return whole
    point, used = parts[0], 1
    # a first clause without a verb is the subject (国内外形势新变化和实践新要求，迫切需要…)
    while used < len(parts) and (not _has_verb(point) or _PREDICATE.match(parts[used])) \
            and len(point + parts[used]) <= HARD + 10:
        point, used = point + parts[used], used + 1
    if used < len(parts) and parts[used].startswith("是") and len(point) <= 24:
        # X，是在……召开的一次十分重要的大会: the attributive clause goes
        head = _IS_A.match(parts[used].rstrip(_TRAILING))
        if head:
            point, used = point.rstrip(_TRAILING) + "是" + head.group("what"), used + 1
    while used < len(parts) and len((point + parts[used]).rstrip(_TRAILING)) <= limit:
        point, used = point + parts[used], used + 1
    if len(point.rstrip(_TRAILING)) > HARD:
        point = _shorten(point)
    point = point.rstrip(_TRAILING)
    # a statement must not end on a word that promises more (…的, …和, …是)
    while dangles(point) and used < len(parts):
        point, used = (point + "，" + parts[used]).rstrip(_TRAILING), used + 1
    while dangles(point):
        words = [w for w, _ in tagged(point)]
        point = "".join(words[:-1]).rstrip(_TRAILING)
    return point


# A clause that only frames or introduces what its verb, still to come, does.
_FRAME_END = re.compile(r"在[^，；在]{1,24}(?:下|之下|中|之中)$")
_COVERB = re.compile(r"^(?:向|对|给|替|同|跟|把|将|特别是|尤其是|包括)")


def dangles(point: str) -> bool:
    """Does the statement end on a word that needs a continuation, or a mark (：、)?
    A final 的 closes a “是……的” statement and dangles only without its 是."""
    if not point or point[-1] in "：:、，":
        return bool(point)
    last = re.split(r"[，；]", point)[-1]
    if _FRAME_END.search(last):
        return True  # ……要在中国共产党坚强领导下: the frame of a verb still to come
    if _COVERB.match(last):
        tags = tagged(last)
        if tags and tags[-1][1].startswith("n"):
            return True  # 向……抗日将领 / 特别是……所在地: an object or insertion before the verb
    words = [w for w, _ in tagged(point)]
    if not words or words[-1] not in DANGLING_WORDS:
        return False
    return not (words[-1] == "的" and "是" in point[:-1])


def lead_point(text: str) -> str:
    """A paragraph that introduces a list (……的主要任务是：): the topic it announces, or ''
    when it only leads in (……再次强调：, 要点如下：)."""
    topic = re.sub(r"(主要有|包括|如下|是|为|有)?[：:]$", "", text.strip()).rstrip(_TRAILING)
    return "" if dangles(topic) or len(topic) < MIN_POINT else topic


def _item_points(block: Block, condenser: Condenser) -> Iterator[KeyPoint]:
    for item in block.items:
        if not item.text.strip():
            continue
        label = "" if item.label.strip().startswith(_BULLET_LABELS) else item.label.strip()
        point = condenser(item.text)
        if _says_something(point):
            yield KeyPoint(label + point, f"{item.label}{item.text}")


def _short_run(blocks: list[Block], start: int) -> int:
    """How many paragraphs from ``start`` are names set one per line (工业无产阶级 / 雇农 /
    贫农 …): short, unpunctuated, unlabelled."""
    k = start
    while (k < len(blocks) and blocks[k].type == "paragraph" and not blocks[k].label
           and 0 < len(blocks[k].text.strip()) <= SHORT_ITEM
           and not re.search(r"[，。；：！？,.;:!?]", blocks[k].text)):
        k += 1
    return k - start


def _block_points(blocks: list[Block], condenser: Condenser, notice: bool) -> Iterator[KeyPoint]:
    skip = 0
    for n, block in enumerate(blocks):
        if skip:
            skip -= 1
            continue
        run = _short_run(blocks, n + 1) if block.type == "paragraph" else 0
        if run >= 3 and block_text(block).strip().endswith(("：", ":")):
            # a list set as one name per line: one point per few names, none left out
            names = [b.text.strip() for b in blocks[n + 1:n + 1 + run]]
            lead_text = block_text(block).strip()
            # "什么是……社会阶级？下面那些就是：" — the question names the list
            lead = (re.split(r"[？?]", lead_text)[0] if re.search(r"[？?]", lead_text)
                    else lead_point(lead_text))
            for i in range(0, len(names), NAMES_PER_POINT):
                part = "、".join(names[i:i + NAMES_PER_POINT])
                yield KeyPoint(part if i or not lead else f"{lead}：{part}", block_text(block)
                               if i == 0 else part)
            skip = run
            continue
        if block.type == "list":
            yield from _item_points(block, condenser)
        elif block.type == "paragraph":
            text = block_text(block).strip()
            if not text or SALUTATION.match(text) or DATELINE.match(text):
                continue
            if notice and n == 0 and _ADDRESSEES.match(text):
                continue  # the addressees (各省、自治区……：) are not content
            if text.endswith(("：", ":")) and n + 1 < len(blocks) and blocks[n + 1].type == "list":
                if lead_point(text):
                    yield KeyPoint(lead_point(text), text)
                continue
            point = condenser(block.text if block.label else text)
            if _says_something(point):
                label = f"{block.label}　" if block.label else ""
                yield KeyPoint(label + point, text)


def _paragraphs(sec: Section, top: bool, condenser: Condenser) -> Iterator[KeyPoint]:
    """A section's points in reading order; a run-in heading joins its paragraph."""
    body = list(sec.body)
    if not top:
        head = f"{sec.label}{heading_text(sec)}"
        if sec.run_in and body and body[0].type == "paragraph":
            text = head + block_text(body.pop(0))
            yield KeyPoint(condenser(text), text)
        else:
            yield KeyPoint(head if len(head) <= HARD else condenser(head), head)
    yield from _block_points(body, condenser, notice=False)
    for sub in sec.sections:
        yield from _paragraphs(sub, False, condenser)


def key_points(doc: Document, condenser: Condenser = condense, notice: bool = False
               ) -> list[SectionPoints]:
    """The intro (``section`` is '') and each top-level section, condensed.

    ``notice``: the document is an official notice, whose first paragraph may be its
    addressees (when the reader has not already put them in ``meta.addressees``).
    """
    out: list[SectionPoints] = []
    intro = list(_block_points(doc.body, condenser, notice))
    if intro:
        out.append(SectionPoints(section="", points=intro))
    for sec in doc.sections:
        out.append(SectionPoints(section=section_name(sec),
                                 points=list(_paragraphs(sec, True, condenser))))
    return out
