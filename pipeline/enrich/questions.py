"""思考讨论题: questions on what the text itself asserts or provides, never on a bare heading.

- A speech or commentary: each question takes one of the text's theses (its
  best-ranked 必须/要/坚持 sentence or definition “X是Y”, one per top-level
  section) and asks why or how: 为什么说X是Y？ / 怎样理解“……”？结合实际谈谈如何落实。
- A regulation: each question asks about a provision: an article that opens a
  list (第四条　……的主要任务是：) asks 第四条规定的……有哪些？; an article that
  sets a duty asks how to carry out 第八条“……”的规定.
- A notice: what it requires of whom (通知要求各地区各部门做好哪些工作？) and
  what it lists.
- Study notes: the questions the notes themselves pose (如何……？ 什么是……？).

Which phrasing a thesis gets depends on its form, so a rebuild never changes them.
"""

from __future__ import annotations

import re

from pipeline.enrich.analysis import SAID, Analysis, analyse
from pipeline.enrich.excerpts import pick
from pipeline.enrich.rank import DEFINING, LEANS_BACK, NARRATIVE, Ranked
from pipeline.enrich.sentences import Paragraph, clauses, main_clauses, split
from pipeline.enrich.text import nest_quotes
from pipeline.model import Document, Question
from pipeline.segment import tagged

MAX_QUESTIONS = 8
MAX_NOTES = 12  # study notes are a question bank: more of their own questions
_QUESTION_WORD = re.compile(r"^(如何|怎样|怎么|为什么|什么是)")
# a sentence that asks is no thesis ("什么是调查时要注意的社会阶级", "怎样纠正这种本本主义")
_ASKS = re.compile(r"^(?:如何|怎样|怎么|为什么|为何|什么|哪些|是否)|什么|哪些|(?:吗|呢)$")
_DANGLING = ("要", "的", "和", "与", "是", "：", ":", "、")
MIN_QUESTIONS = 2
THESIS_CHARS = (8, 60)
_THESIS_OPEN = re.compile(r"^(必须|务必|要|坚持|关键在于|根本在于)")
_SUBJECT_IS = re.compile(r"^(?P<x>[^，。“”：；]{2,24}?)(?<!不)是(?P<y>[^。；]{4,60}?)[。！]?$")
_LIST_LEAD = re.compile(r"^(?P<x>.{2,40}?)(?:主要)?(?:包括|是|为|有|如下)?[：:]$")
_FOLLOWING = re.compile(r"(以下|下列|如下)")
_DUTY = re.compile(r"(应当|必须|不得|负责|承担|严禁)")
_NOTICE_TOPIC = re.compile(r"关于(?P<topic>.{2,40})的(通知|通报|公告|通告|批复|函)$")
_FIRST_QUOTE = re.compile(r"^“([^“”]{6,})”")
_NAMES_LIST = re.compile(r"^(?P<x>[^，。；：“”]{2,30}?)(?:是|为|包括)[：:]")
_MODAL = re.compile(r"(必须|务必|应当|关键在于|根本在于|是[^，。]{2,40}的|(^|[，；])[^，；]{0,8}要(?![求素点闻害务紧]))")
_ABOUT_ITSELF = re.compile(r"^本(条例|法|规定|办法|准则|细则|规则|通知|意见).{0,30}(解释|施行|实施|废止)")
_REQUIRE = re.compile(r"^(?P<who>[^，。“”：；]{2,20}?)(?:要|应当|应|须|务必)(?![求素点闻害务紧])")
# Who a notice can require something of: bodies and people, not "防震减灾工作是一项十分重"
_ADDRESSEE = re.compile(r"^(?:各|全体|广大|有关|相关)|(?:部门|单位|地区|机关|党委|党组|政府|组织|干部|党员|"
                        r"群众|学校|企业|人员|同志|支部|委员会|领导|局|厅|委|办|院|校|所|站|队|社区|村)$")
_FORWARDS = re.compile(r"(?P<verb>转发|印发|批转)(?P<what>.{4,60})的通知$")


def _strip_end(text: str) -> str:
    return text.strip().rstrip("。；，：！？、 \u3000")


def _core(text: str) -> str:
    """The statement of a sentence: what was said (习近平总书记指出，“……”), without its
    lead-in clauses (当前，/ 作为……，), or the first quotation it consists of."""
    m = SAID.match(text.strip())
    if m:
        return m.group("said")
    core = "".join(main_clauses(text))
    q = _FIRST_QUOTE.match(core)
    return q.group(1) if q else core


def _first_sentence(text: str) -> str:
    parts = split(text)
    return parts[0] if parts else text


def _first_clause(text: str, limit: int) -> str:
    """The leading clauses of a sentence that stay within ``limit`` characters."""
    out = ""
    for piece in clauses(_first_sentence(text), "，；"):
        if out and len(out + piece) > limit:
            break
        out += piece
    return _strip_end(out)


def _has_verb(text: str) -> bool:
    return any(t.startswith("v") and not t.startswith("vn") for _, t in tagged(text))


def thesis_question(text: str) -> str:
    """A question on one thesis sentence, its form chosen by the sentence's form."""
    core = _strip_end(_core(text))
    listing = _NAMES_LIST.match(core)
    if listing:  # 中国式现代化的本质要求是：……
        return f"怎样理解{listing.group('x')}？"
    m = _SUBJECT_IS.match(core)
    if m and len(core) <= THESIS_CHARS[1] and "，" not in m.group("x"):
        return f"为什么说{core}？"
    clause = _first_clause(core, 36)
    if _THESIS_OPEN.match(clause):
        return f"怎样理解“{nest_quotes(clause)}”？结合实际谈谈如何落实。"
    return f"如何理解“{nest_quotes(clause)}”？"


def _thesis_ok(r: Ranked) -> bool:
    s = r.sentence
    core = _strip_end(_core(s.text))
    clause = _first_clause(core, 36)
    whole = bool(_NAMES_LIST.match(core)) or bool(
        _SUBJECT_IS.match(core) and len(core) <= THESIS_CHARS[1] and "，" not in core)
    # a quoted clause must hold what makes the sentence a thesis, not only its subject
    # ("凡担负指导工作的人，从乡政府主席到……" stops before its 都要)
    normative = whole or bool(_THESIS_OPEN.match(clause) or _MODAL.search(clause)
                              or DEFINING.match(clause))
    asks = _core(s.text).rstrip().endswith(("？", "?")) or _ASKS.match(core)
    return (THESIS_CHARS[0] <= len(clause) and not s.lead and not s.item and normative
            and not LEANS_BACK.match(core) and not NARRATIVE.match(core)
            and not asks and _has_verb(clause))


def speech_questions(analysis: Analysis) -> list[Question]:
    sections = len([k for k in analysis.top_chars if k >= 0]) or 1
    count = max(MIN_QUESTIONS, min(MAX_QUESTIONS, sections))
    chosen = pick(analysis, count, _thesis_ok)
    return [Question(section=r.sentence.section, text=thesis_question(r.sentence.text))
            for r in chosen]


def article_question(p: Paragraph, following_items: int) -> str:
    """A question on one article (第X条) of a regulation."""
    text = p.text.strip()
    lead = _LIST_LEAD.match(text) if following_items else None
    if lead:
        x = lead.group("x").rstrip("的")
        if _FOLLOWING.search(x):
            return f"根据{p.article}，{_FOLLOWING.sub('哪些', x)}？"
        return f"{p.article}规定的{x}有哪些？"
    clause = _first_clause("".join(main_clauses(_first_sentence(text))), 40)
    return f"如何理解和落实{p.article}“{nest_quotes(clause)}”的规定？"


def regulation_questions(analysis: Analysis) -> list[Question]:
    paras = analysis.paragraphs
    firsts: dict[str, tuple[Paragraph, int]] = {}
    for i, p in enumerate(paras):
        if not p.article or p.item or p.heading or p.article in firsts:
            continue
        items = 0
        for q in paras[i + 1:]:
            if not q.item:
                break
            items += 1
        firsts[p.article] = (p, items)
    scores: dict[int, float] = {}
    for r in analysis.ranked:
        scores[r.sentence.para] = max(scores.get(r.sentence.para, 0.0), r.score)
    # an article worth asking about: it lists what it provides, or it sets a duty
    candidates = [(p, n) for p, n in firsts.values()
                  if (n >= 2 or (_DUTY.search(p.text) and len(p.text) >= 15))
                  and not _ABOUT_ITSELF.match(p.text.strip())]
    # an article that lists what it provides makes the clearest question (第四条规定的……有哪些？)
    candidates.sort(key=lambda pn: (pn[1] < 2, -scores.get(pn[0].para, 0.0)))
    count = max(MIN_QUESTIONS, min(MAX_QUESTIONS, len(analysis.top_chars)))
    chosen: list[tuple[Paragraph, int]] = []
    per_top: dict[int, int] = {}
    for p, n in candidates:  # across the chapters before a second one from any chapter
        if per_top.get(p.top, 0) == 0:
            chosen.append((p, n))
            per_top[p.top] = 1
    for p, n in candidates:
        if len(chosen) >= count:
            break
        if (p, n) not in chosen:
            chosen.append((p, n))
    chosen = sorted(chosen[:count], key=lambda pn: pn[0].para)
    return [Question(section=p.section, text=article_question(p, n)) for p, n in chosen]


def notice_questions(doc: Document, analysis: Analysis) -> list[Question]:
    out: list[Question] = []
    items = [p for p in analysis.paragraphs if p.item]
    title = doc.meta.title.strip()
    forwarded = _FORWARDS.search(title)
    topic = _NOTICE_TOPIC.search(title)
    if forwarded:  # 转发…报告的通知: what it forwards is the substance
        out.append(Question("", f"通知{forwarded.group('verb')}的{forwarded.group('what')}主要有哪些内容？"))
    elif items and topic:
        out.append(Question("", f"通知就“{nest_quotes(topic.group('topic'))}”作出了哪几项规定？"))
    elif items:
        out.append(Question("", f"通知列出的{len(items)}项内容分别是什么？"))
    asked: set[str] = set()
    for r in analysis.ranked:
        m = _REQUIRE.match(_core(r.sentence.text))
        if (m and not r.sentence.item and m.group("who") not in asked
                and _ADDRESSEE.search(m.group("who"))):
            asked.add(m.group("who"))
            out.append(Question(r.sentence.section, f"通知要求{m.group('who')}做好哪些工作？"))
    return out[:MAX_QUESTIONS]


def notes_questions(doc: Document) -> list[Question]:
    """The questions the notes pose themselves, up to MAX_NOTES, spread over the notes."""
    asked = []
    for sec in doc.walk():
        title = sec.title.strip()
        if "？" in title or "?" in title:
            asked.append(re.split(r"[？?]", title)[0] + "？")
        elif _QUESTION_WORD.match(title) and not title.endswith(_DANGLING):
            asked.append(title.rstrip("：:") + "？")
    if len(asked) > MAX_NOTES:
        step = len(asked) / MAX_NOTES
        asked = [asked[int(i * step)] for i in range(MAX_NOTES)]
    return [Question(section="", text=t) for t in asked]


def questions(doc: Document, analysis: Analysis | None = None) -> list[Question]:
    """The discussion questions for this document's genre, in the order of the text."""
    analysis = analysis or analyse(doc)
    kind = analysis.genre.kind
    if kind == "regulation":
        return regulation_questions(analysis)
    if kind == "notice":
        return notice_questions(doc, analysis)
    if kind == "notes":
        return notes_questions(doc)
    if kind == "news":
        return []
    return speech_questions(analysis)
