"""One reading of a document that every aid draws on: its genre, paragraphs and ranked sentences.

Made once per enrich (segmenting and ranking cost more than the aids themselves).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.enrich.genre import Genre, detect
from pipeline.enrich.rank import Ranked, content_words, rank
from pipeline.enrich.sentences import Paragraph, paragraphs, sentences
from pipeline.enrich.text import document_text
from pipeline.model import Document

# 习近平总书记在党的二十大报告中指出，“……”: who spoke, where, and what
SAID = re.compile(r"^(?P<lead>[^，。“”]{2,40}?(?:在[^。“”]{2,40}?[中上时])?[，、]?"
                  r"(?:深刻|明确|郑重|特别|反复|多次)?(?:指出|强调|提出|要求|表示|说|宣布|告诫|号召))"
                  r"[，：:]\s*“(?P<said>[^“”]{6,})”[。！？]?$")
# Whom a speech addresses, alone in its paragraph: 同志们！ 同志们、朋友们： 全国同胞们，
# 尊敬的各位国家元首、政府首脑和国际组织代表，
SALUTATION = re.compile(r"^(?:尊敬的|亲爱的)?(?![^，！：]*[要是把让使在为的])[\u4e00-\u9fff、]{0,30}"
                        r"(?:们|代表|来宾|嘉宾|同志|朋友|先生|女士|委员|同学|老师|同胞)[，,！!：:。]?$")
# A news agency's dateline standing alone: 新华社北京9月3日电
DATELINE = re.compile(r"^[\u4e00-\u9fff]{2,10}(?:社|网|台|报)[\u4e00-\u9fff]{0,8}\d{1,2}月\d{1,2}日电"
                      r"(?:[（(][^）)]{0,30}[）)])?$")


@dataclass
class Analysis:
    genre: Genre
    chars: int  # characters of text, spaces not counted
    paragraphs: list[Paragraph]
    ranked: list[Ranked]  # every sentence, in text order
    top_chars: dict[int, int] = field(default_factory=dict)  # characters per top-level section
    candidates: list[Ranked] | None = None  # ranked sentences and their thesis spans (excerpts)


def analyse(doc: Document) -> Analysis:
    genre = detect(doc)
    paras = paragraphs(doc)
    sents = [s for s in sentences(doc) if not SALUTATION.match(s.text.strip())]
    heads = {i: content_words(sec.title) for i, sec in enumerate(doc.sections)}
    ranked = rank(sents, genre.kind, heads)
    top_chars: dict[int, int] = {}
    for p in paras:
        top_chars[p.top] = top_chars.get(p.top, 0) + len(p.text)
    chars = len(re.sub(r"\s", "", document_text(doc)))
    return Analysis(genre, chars, paras, ranked, top_chars)


def allocate(total: int, weights: dict[int, int]) -> dict[int, int]:
    """``total`` picks spread over groups in proportion to their weights (largest remainder)."""
    whole = sum(weights.values())
    if whole <= 0 or total <= 0:
        return {k: 0 for k in weights}
    exact = {k: total * w / whole for k, w in weights.items()}
    out = {k: int(v) for k, v in exact.items()}
    rest = total - sum(out.values())
    for k in sorted(exact, key=lambda k: (out[k] - exact[k], k))[:rest]:
        out[k] += 1
    return out
