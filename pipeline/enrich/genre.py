"""What kind of document this is, read from its structure, and which aids make sense for it.

The signs are the ones an editor goes by, none keyed to a site or a file:

- **regulation** (法规条例): its paragraphs are articles (第一条…), usually in
  chapters (第一章); or its title is a regulation's name (条例, 规定, 办法, 宪法…)
  and it has articles.
- **notice** (通知公文): an official document's parts (发文字号, 主送机关) or a
  title ending in 通知/通报/公告/通告/批复/函, with an addressee line (各…：) or a
  signature and date at the end.
- **speech** (讲话报告): a title or subtitle naming a speech or report (讲话,
  致辞, 发言, 报告, ——在…上的…), or salutations in the text (同志们).
- **news** (新闻报道): a dateline (本报北京6月21日电, 新华社…电, 本报讯) or a
  reporter's byline in its first lines, or a feature's subtitle (——记……).
- **notes** (学习笔记): no title of its own, many short numbered sections and
  lists, headings that are questions or end with ：.
- **commentary** (评论文章): everything else that argues a case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.enrich.text import block_text, document_text
from pipeline.i18n import N_, _
from pipeline.model import Document

GENRES = {
    "speech": "讲话报告",
    "commentary": "评论文章",
    "regulation": "法规条例",
    "notice": "通知公文",
    "news": "新闻报道",
    "notes": "学习笔记",
}
AIDS = ("excerpts", "glossary", "questions", "quiz")
AID_NAMES = {"excerpts": "重点摘编", "glossary": "名词解释", "questions": "思考讨论题",
             "quiz": "学习测试"}

# Aids that make no sense for a genre, and why (check prints the reason).
LEFT_OUT: dict[str, dict[str, str]] = {
    "news": {
        "questions": N_("news reports tell facts: they have no theses to discuss"),
        "quiz": N_("the details of a news report make poor quiz blanks"),
    },
    "notes": {
        "excerpts": N_("study notes are excerpts already"),
    },
}
TOO_SHORT = 300  # characters: a text this short has no excerpts, questions or quiz to draw
SHORT_REASON = N_("the text is under {n} characters: too short for excerpts or questions")

_REGULATION_TITLE = re.compile(r"(条例|规定|办法|准则|规则|细则|章程|宪法|法|纲要)(（[^）]*）)?$")
_NOTICE_TITLE = re.compile(r"(通知|通报|公告|通告|批复|函|请示)$")
_SPEECH_TITLE = re.compile(r"(讲话|致辞|发言|报告|讲稿|演讲|党课)(（[^）]*）)?$|在.{2,30}(会|式|典礼)上的")
_FEATURE_SUBTITLE = re.compile(r"^[—─-]*\s*记[\u4e00-\u9fff]")  # 通讯: ——记……
_SPEECH_SUBTITLE = re.compile(r"^[—─-]*\s*在.+(上|时|中)的?(讲话|报告|致辞|发言|演讲)?")
_SALUTATION = re.compile(r"^(同志们|各位代表|各位委员|同学们|老师们|朋友们)[，！：:!]")
_DATELINE = re.compile(r"^[（(]?\s*(本报|新华社|人民网|中新社|央视网|本台|记者)?[\u4e00-\u9fff]{0,12}"
                       r"\d{1,2}月\d{1,2}日(电|讯)|^本报讯|^[（(]?记者\s?[\u4e00-\u9fff]{2,4}")
_ADDRESSEE = re.compile(r"^各[\u4e00-\u9fff、，（）]{2,200}[：:]$")
_QUESTION_HEAD = re.compile(r"([？?：:]|是什么|有哪些|如何|怎样|为什么)$|^(如何|怎样|为什么|什么是|怎么)")


@dataclass
class Genre:
    kind: str  # a key of GENRES
    why: str  # the sign it was recognised by, for check

    @property
    def name(self) -> str:
        return GENRES[self.kind]


def _article_count(doc: Document) -> int:
    blocks = list(doc.body) + [b for s in doc.walk() for b in s.body]
    labelled = sum(1 for b in blocks if b.label.endswith("条"))
    headed = sum(1 for s in doc.walk() if s.label.endswith("条"))
    return labelled + headed


def _first_texts(doc: Document, n: int = 3) -> list[str]:
    blocks = list(doc.body) + [b for s in doc.walk() for b in s.body]
    return [block_text(b).strip() for b in blocks if block_text(b).strip()][:n]


def detect(doc: Document) -> Genre:
    title = doc.meta.title.strip()
    articles = _article_count(doc)
    chapters = sum(1 for s in doc.walk() if s.label.endswith(("章", "节", "编")))
    if articles >= 3 and (chapters or articles >= 6 or _REGULATION_TITLE.search(title)):
        return Genre("regulation", f"{articles} 条条文" + (f"，{chapters} 个章节" if chapters else ""))
    if articles >= 1 and _REGULATION_TITLE.search(title):
        return Genre("regulation", f"标题是法规名称，{articles} 条条文")
    first = _first_texts(doc)
    blocks = list(doc.body) + [b for s in doc.walk() for b in s.body]
    signed = any(b.type == "signature" for b in blocks[-4:])
    addressed = bool(doc.meta.addressees) or any(_ADDRESSEE.match(t) for t in first[:2])
    if doc.meta.doc_number or (_NOTICE_TITLE.search(title) and (addressed or signed)):
        sign = "发文字号" if doc.meta.doc_number else ("主送机关" if addressed else "落款")
        return Genre("notice", f"公文标题和{sign}")
    if _SPEECH_SUBTITLE.match(doc.meta.subtitle.strip()) or _SPEECH_TITLE.search(title):
        return Genre("speech", "标题或副题是讲话、报告")
    text = document_text(doc)
    salutations = sum(1 for line in text.splitlines() if _SALUTATION.match(line.strip()))
    if salutations:
        return Genre("speech", "正文有称呼语（同志们）")
    if any(_DATELINE.match(t) for t in first[:2]):
        return Genre("news", "导语有电头或记者署名")
    if _FEATURE_SUBTITLE.match(doc.meta.subtitle.strip()):
        return Genre("news", "副题是通讯的“——记……”")
    sections = list(doc.walk())
    if sections and not title:
        question_heads = sum(1 for s in sections if _QUESTION_HEAD.search(s.title.strip()))
        if len(sections) >= 6 and question_heads >= len(sections) / 3:
            return Genre("notes", f"没有标题，{question_heads} 个问答式小标题")
    return Genre("commentary", "以论述为主")


def left_out(genre: str, chars: int) -> dict[str, str]:
    """Aids this document gets none of, with the reason."""
    out = {aid: _(reason) for aid, reason in LEFT_OUT.get(genre, {}).items()}
    if chars < TOO_SHORT:
        for aid in ("excerpts", "questions", "quiz"):
            out.setdefault(aid, _(SHORT_REASON).format(n=TOO_SHORT))
    return out
