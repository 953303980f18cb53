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

from pipeline.i18n import N_, _
from pipeline.model import Author, Block, Document, Meta, Section, Warning, block_lines

# Codes this module writes; running it again replaces them (a model file read back).
CODES = ("title-suspect", "author-suspect", "no-date", "no-headings", "numbering-gap",
         "body-short")

# What to correct for the parser's own warnings.
_PARSER_FIELDS = {"no-title": "title", "title-from-file-name": "title", "numbering-continues": "outline",
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
        found.append(Warning("no-date", _("no date found"), field="date"))
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
        why.append(_("too long ({n} characters)").format(n=len(title)))
    dates = [m.group() for m in _DATE.finditer(title)]
    if dates:
        why.append(_("holds a date “{value}”").format(value=dates[0]))
    time = _TIME.search(title)
    if time:
        why.append(_("holds a clock time “{value}”").format(value=time.group()))
        place = _PLACE_AFTER_TIME.search(title)
        if place:
            why.append(_("a place after the time: “{value}”").format(
                value=place.group(place.lastindex)))
    if _URL.search(title):
        why.append(_("holds a web address"))
    if _BYLINE.search(title):
        why.append(_("holds a byline"))
    if _CRUMBS.search(title):
        why.append(_("holds a section path"))
    words = [t for t in title.split() if t in _PAGE_TOKENS]
    words += [p for p in _PAGE_PHRASES if p in title.replace(" ", "") and p not in words]
    if words:
        why.append(_("holds page words: “{value}”").format(value=words[0]))
    return why


def _title(meta: Meta, article: str) -> Iterator[Warning]:
    if not meta.title:
        return  # the parser already says "no-title"
    why = title_problems(meta.title)
    if why:
        message = (_("article “{article}”: the title may hold other text: {why}") if article
                   else _("the title may hold other text: {why}"))
        yield Warning("title-suspect", message.format(article=article, why=_(", ").join(why)),
                      field="title")


def author_problem(author: Author) -> str:
    """Why an author does not look like a person's or an organisation's name ("" if it does)."""
    name = author.name.strip()
    if name in _NOT_NAMES:
        return _("is a word of the page or column, not a name")
    if re.search(r"\d", name):
        return _("holds digits")
    if re.search(r"[A-Za-z]", name) and not re.search(r"[\u4e00-\u9fff]", name):
        return _("is an English account name")
    if re.fullmatch(r"[\u4e00-\u9fff]+(?:\s+[\u4e00-\u9fff]+)+", name) and len(name) <= 9:
        return _("has a space inside (are surname and given name in order?)")
    if re.search(r"[^\u4e00-\u9fff·A-Za-z\s]", name):
        return _("holds symbols or punctuation")
    if len(name) < 2:
        return _("is a single character")
    if _PERSON.fullmatch(name) or (_ORG_END.search(name) and len(name) <= 24):
        return ""
    return _("does not look like a person's or an organisation's name")


def _authors(authors: list[Author], article: str) -> Iterator[Warning]:
    for author in authors:
        why = author_problem(author)
        if why:
            message = (_("article “{article}”: the author “{name}” {why}") if article
                       else _("the author “{name}” {why}"))
            yield Warning("author-suspect", message.format(article=article, name=author.name,
                                                           why=why), field="authors")


# --- outline and body ---------------------------------------------------------------

def _chars(blocks: list[Block]) -> int:
    return sum(len(line) for b in blocks for line in block_lines(b))


def _outline(doc: Document) -> Iterator[Warning]:
    body = _chars(doc.body) + sum(_chars(s.body) for s in doc.walk())
    if not any(s.kind == "heading" for s in doc.walk()) and body > LONG_TEXT:
        yield Warning("no-headings", _("the text has {n} characters but no headings were "
                                       "found").format(n=body), field="outline")
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
    for sec in sections:
        m = find_marker(sec.label + "x") if sec.label else None
        if m is not None:
            want = expected.get(m.kind)
            if want is not None and m.number != want:
                gaps += 1
                if gaps <= _GAPS_LISTED:
                    message = (_("numbering under “{parent}” jumps from {previous} to {label}")
                               if parent
                               else _("numbering in the text jumps from {previous} to {label}"))
                    yield Warning("numbering-gap", message.format(
                        parent=parent, previous=previous, label=sec.label), field="outline")
            expected[m.kind] = m.number + 1
        previous = sec.label or previous
        yield from _numbering(sec.sections, f"{sec.label}{sec.title}")
    if gaps > _GAPS_LISTED:
        message = (_("numbering under “{parent}” has {n} more gaps") if parent
                   else _("numbering in the text has {n} more gaps"))
        yield Warning("numbering-gap", message.format(parent=parent, n=gaps - _GAPS_LISTED),
                      field="outline")


_GAPS_LISTED = 3


def _body(doc: Document) -> Iterator[Warning]:
    body = _chars(doc.body) + sum(_chars(s.body) + len(s.title) for s in doc.walk())
    dropped = sum(len(d.text) for d in doc.discarded)
    page = body + dropped
    if page and body < SHORT_BODY_SHARE * page:
        yield Warning("body-short", _(
            "the text has only {body} characters, under a tenth of the page's text ({page} "
            "characters): the article may not have been found whole; look at the discarded "
            "lines").format(body=body, page=page), field="text")


# --- what to do -------------------------------------------------------------------------

_LABELS = {"title": N_("title"), "subtitle": N_("subtitle"), "authors": N_("author"),
           "date": N_("date"), "source": N_("source")}
# What -M takes for each field, with an example value (translated where it is words).
_EXAMPLES = {"title": ("title", N_("The Right Title")), "subtitle": ("subtitle", N_("Subtitle")),
             "authors": ("author", N_("Zhang San (county party secretary)")),
             "date": ("date", "2024-03-05"), "source": ("source", N_("Source"))}


def hint(warning: Warning, source_name: str = "", workspace: bool = False) -> str:
    """How to act on a warning: ``-M`` on the command line, or the workspace's table."""
    f = warning.field
    if warning.code == "correction-unused":
        return ""  # the message says which correction; the fix is to edit or remove it
    if f in _EXAMPLES:
        key, example = _EXAMPLES[f]
        value = _(example) if key != "date" else example
        if workspace and source_name:
            key = "authors" if key == "author" else key
            shown = f'["{value}"]' if key == "authors" else f'"{value}"'
            return _('in studykit.toml, under [articles."{name}"], write {key} = {value}').format(
                name=source_name, key=key, value=shown)
        return _('correct it: -M {key}="{value}"').format(key=key, value=value)
    if f == "outline":
        if workspace and source_name:
            return _('check the outline; in studykit.toml, under [articles."{name}"], write '
                     'levels = {{ "heading text" = 2 }} (0: not a heading)').format(
                         name=source_name)
        return _("check the outline; correct it: -M levels.HEADING=2 (0: not a heading)")
    if f == "text":
        if workspace and source_name:
            return _('check the discarded lines; in studykit.toml, under [articles."{name}"], '
                     'write keep = ["line to restore"] or drop = ["line to remove"]').format(
                         name=source_name)
        return _("check the discarded lines; correct it: -M keep=LINE or -M drop=LINE")
    return ""


def field_label(name: str) -> str:
    return _(_LABELS[name]) if name in _LABELS else name
