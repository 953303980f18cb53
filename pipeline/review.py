"""Review: what in a parsed (and corrected) document looks wrong and should be checked.

Run after the parser and the corrections.  Each finding is a ``Warning`` whose
``field`` names what to correct (``title``, ``authors``, ``date``, ``outline``,
``text``); ``hint`` says how, on the command line, in a workspace or on the page.
The rules are an editor's, stated for every document: a title does not hold a
date, a clock time or a URL; an author is a person's name or an organisation's;
a long text has headings; numbering does not jump; the article is most of the page.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from pipeline.model import Author, Block, Document, Meta, Section, Warning, block_lines

# Codes this module writes; running it again replaces them (a model file read back).
CODES = ("title-suspect", "author-suspect", "no-date", "no-headings", "numbering-gap",
         "body-short")

# What to correct for the parser's own warnings.
_PARSER_FIELDS = {"no-title": "title", "numbering-continues": "outline",
                  "numbering-starts-late": "outline"}

TITLE_MAX = 60  # characters
LONG_TEXT = 3000  # characters of body text that ought to have headings
SHORT_BODY_SHARE = 0.1  # the body under a tenth of the page's text

_DATE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?")
_TIME = re.compile(r"(?<!\d)([01]?\d|2[0-3])[:：][0-5]\d(?:[:：][0-5]\d)?(?!\d)")
_PLACE_AFTER_TIME = re.compile(_TIME.pattern + r"\s*([\u4e00-\u9fff]{2,8})")
# A byline or a site's path printed into the title: "【文/观察者网专栏作者 王文】",
# "执笔/某某", "澎湃号 > 中国广州发布".
_BYLINE = re.compile(r"(?:^|[【\[（(\s])(?:文|执笔|作者|记者|编辑|撰稿|来源|图)\s*[/／|｜]|专栏作者")
_CRUMBS = re.compile(r"\s[>»›]\s|\s[>»›]$")
_URL = re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|cn|net|org|gov|edu)\b", re.I)
# Words of a WeChat page or a site's toolbar that are never part of an article's title
# when they stand alone (space-separated) or are the toolbar phrase itself.
_PAGE_TOKENS = {"原创", "听全文", "转载", "置顶", "星标", "收藏", "点赞", "在看", "分享", "评论",
                "阅读原文", "打印", "关闭", "返回"}
_PAGE_PHRASES = ("听全文", "阅读原文", "点击上方", "点击蓝字", "关注我们", "关注公众号", "微信公众号",
                 "分享到", "扫一扫", "二维码", "打印本页", "关闭窗口", "返回顶部", "字体：", "字号：",
                 "【大中小】", "浏览次数", "阅读量", "来源：", "作者：", "编辑：", "责任编辑",
                 "发布时间", "发布日期", "发表于")
# Not a name: placeholders, account names, button and part words, editors' roles.
_NOT_NAMES = {"佚名", "未知", "匿名", "用户", "微软用户", "管理员", "系统管理员", "本站", "网络",
              "听全文", "分享", "评论", "收藏", "点赞", "在看", "阅读原文", "原创", "关注", "转发",
              "引言", "前言", "导语", "结束语", "结语", "摘要", "正文", "附件", "目录",
              "编辑", "责任编辑", "审核", "校对", "来源", "作者", "记者", "通讯员", "供稿", "摄影"}
_ORG_END = re.compile(r"(?:部|委|会|局|厅|办|院|社|网|报|台|中心|组|处|室|所|校|队|团|站|馆|司|府|"
                      r"厂|公司|集团|支部|党委|政府|办公室|编辑部|评论员|记者|通讯员|研究院|大学|学院|"
                      r"协会|学会|联合会|委员会|领导小组|课题组|写作组|专栏)$")
_PERSON = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,8}(?:·[\u4e00-\u9fff]{1,8})+")


def review(doc: Document) -> Document:
    """A copy of ``doc`` whose warnings hold this module's findings (earlier ones replaced)."""
    found = list(_title(doc.meta, "")) + list(_authors(doc.meta.authors, ""))
    for art in (s for s in doc.sections if s.kind == "article" and s.meta is not None):
        found += list(_title(art.meta, art.title)) + list(_authors(art.meta.authors, art.title))
    if not doc.meta.date and not any(s.meta and s.meta.date for s in doc.sections):
        found.append(Warning("no-date", "没有找到日期", field="date"))
    found += list(_outline(doc))
    found += list(_body(doc))
    # The parser's own numbering-gap warnings are replaced: these see the corrected outline.
    kept = [w if w.field or w.code not in _PARSER_FIELDS
            else dataclasses.replace(w, field=_PARSER_FIELDS[w.code])
            for w in doc.warnings if w.code not in CODES]
    return dataclasses.replace(doc, warnings=found + kept)


# --- title and authors --------------------------------------------------------------

def title_problems(title: str) -> list[str]:
    """Why a title looks like more than a title, in words (empty: it looks fine)."""
    why: list[str] = []
    if len(title) > TITLE_MAX:
        why.append(f"过长（{len(title)} 字）")
    dates = [m.group() for m in _DATE.finditer(title)]
    if dates:
        why.append(f"含日期“{dates[0]}”")
    time = _TIME.search(title)
    if time:
        why.append(f"含时间“{time.group()}”")
        place = _PLACE_AFTER_TIME.search(title)
        if place:
            why.append(f"时间后有地名“{place.group(place.lastindex)}”")
    if _URL.search(title):
        why.append("含网址")
    if _BYLINE.search(title):
        why.append("含署名")
    if _CRUMBS.search(title):
        why.append("含栏目路径")
    words = [t for t in title.split() if t in _PAGE_TOKENS]
    words += [p for p in _PAGE_PHRASES if p in title.replace(" ", "") and p not in words]
    if words:
        why.append(f"含页面用语“{words[0]}”")
    return why


def _title(meta: Meta, article: str) -> Iterator[Warning]:
    where = f"文章“{article}”的" if article else ""
    if not meta.title:
        return  # the parser already says "no-title"
    why = title_problems(meta.title)
    if why:
        yield Warning("title-suspect", f"{where}标题可能混入了别的文字：{'，'.join(why)}",
                      field="title")


def author_problem(author: Author) -> str:
    """Why an author does not look like a person's or an organisation's name ("" if it does)."""
    name = author.name.strip()
    if name in _NOT_NAMES:
        return "是页面或栏目用语，不是人名"
    if re.search(r"\d", name):
        return "含数字"
    if re.search(r"[A-Za-z]", name) and not re.search(r"[\u4e00-\u9fff]", name):
        return "是英文账号名"
    if re.fullmatch(r"[\u4e00-\u9fff]+(?:\s+[\u4e00-\u9fff]+)+", name) and len(name) <= 9:
        return "中间有空格（姓和名的顺序对吗？）"
    if re.search(r"[^\u4e00-\u9fff·A-Za-z\s]", name):
        return "含符号或标点"
    if len(name) < 2:
        return "只有一个字"
    if _PERSON.fullmatch(name) or (_ORG_END.search(name) and len(name) <= 24):
        return ""
    return "不像人名或单位名"


def _authors(authors: list[Author], article: str) -> Iterator[Warning]:
    where = f"文章“{article}”的" if article else ""
    for author in authors:
        why = author_problem(author)
        if why:
            yield Warning("author-suspect", f"{where}作者“{author.name}”{why}", field="authors")


# --- outline and body ---------------------------------------------------------------

def _chars(blocks: list[Block]) -> int:
    return sum(len(line) for b in blocks for line in block_lines(b))


def _outline(doc: Document) -> Iterator[Warning]:
    body = _chars(doc.body) + sum(_chars(s.body) for s in doc.walk())
    if not any(s.kind == "heading" for s in doc.walk()) and body > LONG_TEXT:
        yield Warning("no-headings", f"正文 {body} 字，但没有识别出小标题", field="outline")
    yield from _numbering(doc.sections, "")


def _numbering(sections: list[Section], parent: str) -> Iterator[Warning]:
    """Sibling headings numbered 一、二、四、: a heading was missed or mis-levelled.

    Linear in the outline; after three gaps among one set of siblings the rest are
    counted in one more warning rather than listed (a list of thousands helps nobody).
    """
    from pipeline.parser.markers import find_marker

    expected: dict[str, int] = {}
    previous = ""
    gaps = 0
    where = f"“{parent}”下" if parent else "文中"
    for sec in sections:
        m = find_marker(sec.label + "x") if sec.label else None
        if m is not None:
            want = expected.get(m.kind)
            if want is not None and m.number != want:
                gaps += 1
                if gaps <= _GAPS_LISTED:
                    yield Warning("numbering-gap", f"{where}的编号从 {previous} 跳到 {sec.label}",
                                  field="outline")
            expected[m.kind] = m.number + 1
        previous = sec.label or previous
        yield from _numbering(sec.sections, f"{sec.label}{sec.title}")
    if gaps > _GAPS_LISTED:
        yield Warning("numbering-gap", f"{where}另有 {gaps - _GAPS_LISTED} 处编号不连续",
                      field="outline")


_GAPS_LISTED = 3


def _body(doc: Document) -> Iterator[Warning]:
    body = _chars(doc.body) + sum(_chars(s.body) + len(s.title) for s in doc.walk())
    dropped = sum(len(d.text) for d in doc.discarded)
    page = body + dropped
    if page and body < SHORT_BODY_SHARE * page:
        yield Warning("body-short", f"正文只有 {body} 字，不到页面文字（{page} 字）的十分之一："
                                    "正文可能没有找全，请看已删除的行", field="text")


# --- what to do -------------------------------------------------------------------------

_LABELS = {"title": "标题", "subtitle": "副标题", "authors": "作者", "date": "日期", "source": "来源"}
_EXAMPLES = {"title": "title=正确的标题", "subtitle": "subtitle=副标题",
             "authors": "author=张三（某某县委书记）", "date": "date=2024-03-05",
             "source": "source=来源"}


def hint(warning: Warning, source_name: str = "", workspace: bool = False) -> str:
    """How to act on a warning: ``-M`` on the command line, or the workspace's table."""
    f = warning.field
    if warning.code == "correction-unused":
        return ""  # the message says which correction; the fix is to edit or remove it
    if f in _EXAMPLES:
        key, value = _EXAMPLES[f].split("=", 1)
        if workspace and source_name:
            key = "authors" if key == "author" else key
            shown = f'["{value}"]' if key == "authors" else f'"{value}"'
            return f'在 studykit.toml 的 [articles."{source_name}"] 中写 {key} = {shown}'
        return f'改正：-M {key}="{value}"'
    if f == "outline":
        if workspace and source_name:
            return (f'核对大纲；在 studykit.toml 的 [articles."{source_name}"] 中写 '
                    'levels = { "标题文字" = 2 }（0 表示不是标题）')
        return '核对大纲；改正：-M levels.标题文字=2（0 表示不是标题）'
    if f == "text":
        if workspace and source_name:
            return (f'核对已删除的行；在 studykit.toml 的 [articles."{source_name}"] 中写 '
                    'keep = ["要恢复的行"] 或 drop = ["要删除的行"]')
        return '核对已删除的行；改正：-M keep=要恢复的行 或 -M drop=要删除的行'
    return ""


def field_label(name: str) -> str:
    return _LABELS.get(name, name)
