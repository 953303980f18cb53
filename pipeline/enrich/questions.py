"""思考讨论题: questions built from the top-level headings, the same every run.

A heading states a task (“突出政治建设，把坚持党的领导落到实处”); the questions
ask how to understand it and how to carry it out here.  Which phrasing a
section gets is fixed by its position, so neighbouring questions vary but a
rebuild never changes them.
"""

from __future__ import annotations

from pipeline.enrich.text import nest_quotes, strip_end
from pipeline.model import Document, Question, section_name

# Pairs: (understanding, application).  Section i uses pair i % len(PAIRS).
PAIRS: tuple[tuple[str, str], ...] = (
    ("如何理解“{h}”的重要意义？",
     "结合本单位实际，谈谈如何做到“{h}”。"),
    ("“{h}”提出了哪些要求？",
     "对照“{h}”，我们的工作还有哪些差距？应当怎样改进？"),
    ("为什么要强调“{h}”？",
     "结合自身岗位，谈谈落实“{h}”的具体举措。"),
)
WHOLE = ("学习《{h}》，你有哪些体会？", "结合本单位实际，谈谈如何把《{h}》的精神落到实处。")
TWO_PER_SECTION_UP_TO = 5  # with more top-level sections, one question each


def questions(doc: Document) -> list[Question]:
    """One or two questions per top-level section; for an undivided text, two on its title."""
    sections = [s for s in doc.sections if strip_end(s.title)]
    if not sections:
        title = strip_end(doc.meta.title)
        if not title:
            return []
        return [Question(section="", text=t.format(h=nest_quotes(title))) for t in WHOLE]
    two = len(sections) <= TWO_PER_SECTION_UP_TO
    out: list[Question] = []
    for i, sec in enumerate(sections):
        pair = PAIRS[i % len(PAIRS)]
        h = nest_quotes(strip_end(sec.title))
        name = section_name(sec)
        chosen = pair if two else (pair[i % 2],)
        out.extend(Question(section=name, text=t.format(h=h)) for t in chosen)
    return out
