"""Saved news or government web page → the article's lines plus page metadata.

Safety: the page is parsed with lxml only; ``<script>``, ``<style>`` and
``<template>`` are removed before any text is taken (JSON-LD and a few platform
variables are read from them first, as data), nothing is ever fetched and no script
runs.  ``<noscript>`` fallback text is dropped into ``discarded``.  Browsers ignore a
stray early ``</body>``/``</html>``; so does this reader, so text after one is kept.

How the article is found: a short table of content containers used by the CMSs that
publish Chinese study material is a fast path (``CONTENT_CONTAINERS``); every other
page goes through the density finder of ``html_content``, which needs no knowledge of
the site.  The lines are taken from the page's own block structure (one line per
``<p>``, ``<div>`` text, ``<br>`` segment, table cell, list item, ``<h1>``–``<h6>``), so
that every character survives: the article's lines go to the parser, with the title
and the property lines printed around it; everything else goes into ``discarded`` with
a reason.  Where the finder is unsure, the page's whole text is kept and a warning says so.

Metadata: ``html_meta`` reads the head (JSON-LD, ``og:``, CMS meta names, ``<title>``);
the visible title is the page line the head's titles agree with; property lines,
bylines and credits are read by the parser from the text, like in any other format.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

import lxml.html
from lxml import etree

from pipeline.errors import InputError
from pipeline.i18n import _
from pipeline.model import Author, Discarded, Meta, Warning
from pipeline.parser.fields import COLUMN_WORDS as _COLUMN_WORDS
from pipeline.parser.fields import OUTLET, field_kind, label_only, parse_fields
from pipeline.parser.text import han_count
from pipeline.readers.decode import _WIDEN, _looks_binary, decode
from pipeline.readers.html_content import PageLine, find_article, named_furniture
from pipeline.readers.html_meta import HeadMeta, complete_truncated, head_meta, title_match
from pipeline.readers.source import SourceLine, SourceText

# A fast path: containers that hold the article body on the CMSs studykit's users save
# pages from; the first one that holds real text wins.  Pages of any other site are
# read by the density finder, which finds the same elements on these (tested).
CONTENT_CONTAINERS: tuple[tuple[str, str, str], ...] = (
    ("div", "class", "conTxt"),  # PowerEasy CMS (school and Party sites)
    ("*", "class", "TRS_Editor"),  # TRS WCM editor output: most gov.cn, Party media
    ("*", "id", "UCAP-CONTENT"),  # Kaipu UCAP, many provincial government portals
    ("*", "id", "zoom"),  # gov.cn policy pages ("字号 大 中 小" zoom box)
    ("div", "id", "js_content"),  # WeChat official-account articles
)

# A container must hold at least this many non-space characters to count:
# empty "content" divs are common in page templates.
_MIN_CONTAINER_CHARS = 20
# How many lines after the article are searched for its property line or credits.
_TAIL_LINES = 6
# How far above the title a page's property table (索引号, 发文机关 …) may reach, in lines.
_HEAD_TABLE_LINES = 16
_TABLE_LABELS = frozenset(("索引号", "主题分类", "主题词", "标题", "发文字号", "文号", "有效性", "效力状态"))

_BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li",
    "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul", "option", "select", "textarea",
))
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_REMOVE_TAGS = ("script", "style", "template")
_WS = re.compile(r"[ \t\n\r\f]+")  # HTML collapses ASCII whitespace only
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_END_TAGS = re.compile(r"</(?:html|body)\s*>", re.I)
_META_CHARSET = re.compile(
    rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_NUMBERED = re.compile(r"\s*(?:[一二三四五六七八九十]+\s*[、．.]|[（(][一二三四五六七八九十\d]+[）)]|\d+\s*[.．、]|"
                       r"第[一二三四五六七八九十百\d]+[章节条部篇编])")
# A link of the site's own, glued to the end of a paragraph: "返回腾讯网首页>>", "查看更多»".
_NAV_LINK = re.compile(r"(?:返回|进入|回到).{0,10}(?:首页|主页|频道)|(?:更多|点击|查看|阅读全文).{0,10}(?:>>|»|›)|"
                       r"(?:>>|»)\s*$|^返回\S{0,10}[，,]?\s*查看更多|查看更多\S{0,6}$|"
                       r"^(?:更多内容|更多|详情|全文)[，,]?\s*(?:点击|请点击)?(?:阅读|查看|进入)\S{0,4}$|"
                       r"^(?:参与互动|我要评论|评论|分享|收藏|打印|纠错|我要纠错|关闭|举报)$")
# id/class words of the elements that hold a page's metadata, one item each.
_META_NAME = re.compile(r"source|author|writer|time|date|pubtime|publish", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_CRUMB_RE = re.compile(r"^\s*(?:[您你]?(?:现在|当前)?(?:所在)?的?位置|当前位置)\s*[:：]\s*")
_CRUMB_SPLIT = re.compile(r"\s*(?:>>|>|＞|»|›|→|/)\s*")
# A property line or credit near the article: "发布日期：…", "来源：…", "（作者：…）".
_FIELDISH = re.compile(r"(?:来源|来源于|出处|发布|日期|时间|作者|记者|通讯员|编辑|责编|文/|图/|供稿|"
                       r"\d{4}[-年/.]\d{1,2}[-月/.]\d{1,2})")
# A line that opens with a property label or credit: "发布日期：…", "（作者：…）", "2019-03-06 …".
_TAIL_FIELD = re.compile(r"\s*[（(【\[]?\s*(?:本文|信息|文章|新闻)?(?:来源|来源于|出处|发布|日期|时间|作者|记者|"
                         r"通讯员|编辑|责编|责任编辑|文/|图/|文字|摄影|供稿|\d{4}[-年/.]\d{1,2}[-月/.]\d{1,2})")
_WECHAT_CT = re.compile(r"var\s+ct\s*=\s*\"(\d{9,11})\"")

# Words in id/class names (or tags) of an element and its ancestors → why the
# text inside it was dropped.  First match wins.
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"prev|next|others|pager|pagination|page-?nav"), "prev/next links"),
    (re.compile(r"comment|reply|respond|pinglun|gentie|\btie"), "comments"),
    (re.compile(r"foot|copyright|bottom|beian"), "page footer"),
    (re.compile(r"side|related|recommend|relate|hot|rank|tuijian|xgyd|xgxw"),
     "related links"),
    (re.compile(r"nav|menu|header|\btop|link|path|crumb|location|position|logo|search|login"),
     "page navigation"),
    (re.compile(r"usercontrol|share|print|tool|fontsize|follow|subscribe|download|qrcode"),
     "page toolbar"),
)
_TEXT_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(上一篇|下一篇|上一条|下一条)"), "prev/next links"),
    (re.compile(r"版权所有|Copyright|ICP|公网安备|网站地图|联系我们"), "page footer"),
    (re.compile(r"^(推荐阅读|相关阅读|相关链接|相关新闻|相关文章|热点推荐|阅读排行)"),
     "related links"),
    (re.compile(r"打印|关闭窗口|【字体|分享到"), "page toolbar"),
)


@dataclass
class _Line(PageLine):
    lineno: int = 0
    heading: int | None = None
    hidden: bool = False  # inside an element the page hides (display:none, hidden)
    after_image: bool = False  # the first text after an <img>
    tail_link: str = ""  # the text of a link that ends the line, if one does
    bold: bool = False  # set bold throughout (<strong>, <b>, font-weight)
    small: bool = False  # set in small type throughout (a caption's, a credit's)


def read(data: bytes, name: str) -> SourceText:
    """Parse a saved page; the article's lines, metadata hints and dropped text."""
    text, encoding = _decode(data, name)
    root = _parse(text, name)
    head = head_meta(root)
    platform = _platform_meta(root)
    _remove_code(root, name)
    body = root.find("body")
    if body is None:
        body = root
    discarded: list[Discarded] = []
    warnings: list[Warning] = []
    for el in list(body.iter("noscript")):
        fallback = _WS.sub(" ", el.text_content()).strip()
        if fallback:
            discarded.append(Discarded(fallback, "script fallback text", el.sourceline or 0))
        _drop(el)

    page = _join_broken_title(_join_label_cells(list(_lines(body))), head)
    if not page:
        raise InputError(_("{name}: no article text found in the HTML page").format(name=name))
    container = _find_container(body)
    reason_outside = "outside article"
    if container is None:
        container, share = find_article(body, page)
        reason_outside = "outside article (content finder)"
        if container is None or share < 0.1:
            warnings.append(Warning("unsure-article", _(
                "not sure the article was found (its text is under a tenth of the page's): the "
                "whole page's text is kept; check it and remove what is not the article")))
            container = body
    inside = set(container.iter())
    article = [ln for ln in page if ln.block in inside]
    if not any(not ln.hidden for ln in article):
        warnings.append(Warning("unsure-article", _(
            "the page's article is empty: the whole page's text is kept; check it")))
        container, inside = body, set(body.iter())
        article = page

    crumbs = _breadcrumb_lines(page)
    columns = _column_names(page, crumbs, head)
    title_at = _title_line(page, head, article[0], columns | crumbs)
    first = page.index(article[0])
    last = page.index(article[-1])
    head_from = title_at  # where the article's head (title, property line, byline) begins
    if title_at is not None and title_at < first and _own_title(page[title_at], article[0]):
        title_at = first  # the article's own title at the top of its text, not the page's heading
    keep: set[int] = {id(ln) for ln in article}
    drop: dict[int, str] = {}
    following = {id(a): b for a, b in zip(article, article[1:], strict=False)}
    for ln in article if container is not body else ():  # unsure: keep everything
        reason = _inner_furniture(ln, container, following.get(id(ln)))
        if reason:
            drop[id(ln)] = reason
    # The article's head: title, subtitle, property line, outlet and byline printed just
    # above the text (outside its container on most sites) belong to the article.
    if head_from is not None:
        # a property table above the title (索引号, 发文机关, 成文日期, 发文字号 …, one label a cell)
        k = head_from - 1
        while k >= 0 and head_from - k <= _HEAD_TABLE_LINES and (
                label_only(page[k].text) or _is_field_line(page[k].text)):
            if _is_field_line(page[k].text):
                keep.add(id(page[k]))
            k -= 1
    if head_from is not None and head_from < first:
        for k, ln in enumerate(page[head_from:first], start=head_from):
            if k == head_from and k != title_at:
                drop[id(ln)] = "page title"
            elif k == title_at or (k != head_from and id(ln) not in crumbs and not ln.hidden
                                   and _head_meta_line(ln)
                                   and (_FIELDISH.search(ln.text) or not _in_furniture(ln, body))):
                keep.add(id(ln))
        first = head_from
    elif first > 0:
        # no title line: a property line or byline just above the text still belongs to it
        for ln in page[max(0, first - _TAIL_LINES):first]:
            if not ln.hidden and _TAIL_FIELD.match(ln.text) and id(ln) not in crumbs:
                keep.add(id(ln))
    # Property lines and credits printed just below the text ("发布日期：", "作者：…").
    for ln in page[last + 1: last + 1 + _TAIL_LINES]:
        if not ln.hidden and len(ln.text) <= 60 and _TAIL_FIELD.match(ln.text) and _head_line(ln):
            keep.add(id(ln))
    if _continues_elsewhere(page, last):
        warnings.append(Warning("article-continues", _(
            "the article is split over several pages and this is one of them: save the other "
            "pages too")))
    hints = _hints(head, platform, page, title_at)
    hints.breadcrumb = _crumbs(page, crumbs)

    lines: list[SourceLine] = []
    for ln in page:
        if id(ln) in drop:
            discarded.append(Discarded(ln.text, drop[id(ln)], ln.lineno))
        elif id(ln) in keep and not ln.hidden:
            nav = _NAV_LINK.search(ln.tail_link) if ln.tail_link else None
            if nav and ln.text.rstrip().endswith(ln.tail_link) and len(ln.text) > len(ln.tail_link):
                # "…将持续。返回腾讯网首页>>": the site's link glued to the last paragraph
                discarded.append(Discarded(ln.tail_link, "page navigation", ln.lineno))
                ln.text = ln.text.rstrip()[: -len(ln.tail_link)].rstrip()
            if title_at is not None and ln is page[title_at]:
                lines.append(SourceLine(hints.title or ln.text, ln.lineno, 1))
                continue
            heading = ln.heading if ln.heading and ln.heading > 1 else None
            lines.append(SourceLine(ln.text, ln.lineno, heading, bold=ln.bold))
        elif ln.hidden:
            discarded.append(Discarded(ln.text, "hidden text", ln.lineno))
        elif id(ln) in crumbs:
            discarded.append(Discarded(ln.text, "page metadata (breadcrumb)", ln.lineno))
        else:
            discarded.append(Discarded(ln.text, _reason(ln, reason_outside), ln.lineno))
    if head.title_tag:
        discarded.append(Discarded(head.title_tag, "page metadata (title tag)", 0))
    discarded.sort(key=lambda d: d.line)
    site = head.site_name or _footer_owner(page)
    return SourceText(name=name, format="html", lines=lines, encoding=encoding,
                      hints=hints, discarded=discarded, warnings=warnings, site=site)


# --- decoding and parsing ---------------------------------------------------

def _decode(data: bytes, name: str) -> tuple[str, str]:
    """Honour a ``<meta>`` charset (GBK/GB2312 read as GB18030), else detect.

    A page whose bytes are valid multi-byte UTF-8 is read as UTF-8 whatever its
    meta says: browsers re-save pages as UTF-8 and keep the old declaration,
    while real GBK text is practically never valid UTF-8.
    """
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(data, name)
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return decode(data, name)
    declared = match.group(1).decode("ascii", "replace").lower()
    try:
        enc = codecs.lookup(declared).name
    except LookupError:
        return decode(data, name)
    enc = _WIDEN.get(enc, _WIDEN.get(declared, enc))
    if enc.startswith("utf-16") or enc.startswith("utf-32"):
        return decode(data, name)  # a meta tag cannot declare UTF-16: detect
    if enc != "utf-8":
        try:
            data.decode("utf-8")
            if any(b > 0x7F for b in data):
                enc = "utf-8"
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return decode(data, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _looks_binary(text):
        raise InputError(_("{name}: not a text file (binary data): give the file its format's extension "
                           "(.docx, .pdf …) or name the format with --input-format").format(name=name))
    return text, enc


def _parse(text: str, name: str) -> etree._Element:
    """lxml's forgiving HTML parser; whatever it cannot take is an InputError."""
    text = _XML_BAD.sub("", _XML_DECL.sub("", text, count=1))
    # libxml2 stops at </html>; browsers do not, and neither may we: text after a stray
    # early end tag is part of the page.
    text = _END_TAGS.sub("", text)
    text = _CHAR_REF.sub(_xml_char_ref, text)
    if not text.strip():
        raise InputError(_("{name}: file is empty (nothing to read: check that it was saved whole)").format(name=name))
    # huge_tree lifts libxml2's nesting limit from 256 to 2048 levels: pages
    # with many unclosed <div>s are real, and past the limit text is lost.
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                                  huge_tree=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.LxmlError, ValueError) as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(_("{name}: not a readable HTML page ({msg})").format(name=name, msg=msg)) from exc
    if root is None:
        raise InputError(_("{name}: not a readable HTML page").format(name=name))
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        raise InputError(_("{name}: HTML nested too deeply to read without losing text").format(
                             name=name))
    return root


def _remove_code(root: etree._Element, name: str = "") -> None:
    """Scripts, styles and templates are never text (their metadata was read first)."""
    try:
        for tag in _REMOVE_TAGS:
            for el in list(root.iter(tag)):
                _drop(el)
    except ValueError as exc:  # text lxml will not hold: not produced by any page seen
        raise InputError(_("{name}: not a readable HTML page (characters that cannot appear "
                           "in a document)").format(name=name or "?")) from exc


_CHAR_REF = re.compile(r"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});?")


def _xml_char_ref(m: re.Match[str]) -> str:
    """A numeric character reference to a character no document may hold (&#1;, &#xFFFF;)
    becomes nothing; lxml would decode it into text it then refuses to store."""
    ref = m.group(1)
    try:
        code = int(ref[1:], 16) if ref[0] in "xX" else int(ref)
    except ValueError:
        return m.group(0)
    if code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD \
            or 0x10000 <= code <= 0x10FFFF:
        return m.group(0)
    return ""


def _drop(el: etree._Element) -> None:
    """Remove an element but keep the text that follows it."""
    if el.getparent() is not None:
        el.drop_tree()


# --- splitting into lines ---------------------------------------------------

def _hidden(el: etree._Element) -> bool:
    return el.get("hidden") is not None or bool(_HIDDEN_STYLE.search(el.get("style") or ""))


_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)", re.I)
_FONT_SIZE = re.compile(r"font-size\s*:\s*([\d.]+)\s*(px|pt)", re.I)


_HEADING_CLASS = re.compile(r"(?:^|[-_])h([1-6])$")


def _class_heading(el: etree._Element) -> int | None:
    """The level a class names (class="bjh-h3", "title_h2"): editors' own heading styles."""
    for token in (el.get("class") or "").split():
        m = _HEADING_CLASS.search(token.lower())
        if m:  # a heading's text is short; a wrapper named so is not one
            return int(m.group(1)) if len("".join(el.itertext()).strip()) <= 120 else None
    return None


def _is_bold(el: etree._Element, tag: str) -> bool:
    return tag in ("b", "strong") or bool(_BOLD_STYLE.search(el.get("style") or ""))


def _is_small(el: etree._Element, tag: str) -> bool:
    """Small print: <small>, or an inline font size under 13px / 10pt."""
    if tag == "small":
        return True
    m = _FONT_SIZE.search(el.get("style") or "")
    if not m:
        return False
    size = float(m.group(1))
    return size < 13 if m.group(2).lower() == "px" else size < 10


def _lines(root: etree._Element) -> Iterator[_Line]:
    """Walk the page iteratively; one line per block / ``<br>`` segment.

    Each line knows its innermost block, how much of it is link text, whether it lies in
    ``<pre>`` and whether the page hides it.  Iterative, so that absurdly nested pages
    cannot exhaust the stack.
    """
    buf: list[str] = []
    link = [0]  # characters of buf that are link text
    start = [0]
    blocks: list[etree._Element] = [root]
    heading: list[int | None] = [None]
    state = {"pre": 0, "a": 0, "hidden": 0, "img": 0, "b": 0, "small": 0}
    marked = [0, 0]  # characters of buf set bold, and set small
    last_link = [0, ""]  # buffer length when the last link closed, and that link's text

    def flush() -> Iterator[_Line]:
        raw = "".join(buf)
        linked = link[0]
        bold_chars, small_chars = marked
        marked[0] = marked[1] = 0
        ending = last_link[1] if last_link[0] == len(raw) and last_link[1].strip() else ""
        buf.clear()
        link[0] = 0
        last_link[0], last_link[1] = -1, ""
        parts = raw.split("\n") if state["pre"] else [raw.strip(" \t\n\r\f")]
        for part in parts:
            if part.strip():
                text = part.rstrip(" \t\r\f") if state["pre"] else part
                size = len("".join(text.split()))
                yield _Line(text, blocks[-1], min(linked, len(text)), bool(state["pre"]),
                            start[0], heading[-1], bool(state["hidden"]), bool(state["img"]),
                            ending.strip() if len(parts) == 1 else "",
                            len(parts) == 1 and bold_chars >= size > 0,
                            len(parts) == 1 and small_chars >= size > 0)
                state["img"] = 0

    def add(text: str | None, el: etree._Element) -> None:
        if not text:
            return
        if not buf:
            start[0] = el.sourceline or 0
        piece = text if state["pre"] else _WS.sub(" ", text)
        buf.append(piece)
        chars = len("".join(piece.split()))
        if state["a"]:
            link[0] += chars
        if state["b"]:
            marked[0] += chars
        if state["small"]:
            marked[1] += chars

    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    while stack:
        el, closing = stack.pop()
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        named = _class_heading(el) if tag else None  # <span class="bjh-h3">: a heading by name
        block = tag in _BLOCK_TAGS or named is not None
        if not closing:
            if block or tag == "br":
                yield from flush()
            if tag == "br":
                if state["pre"]:
                    buf.append("\n")
                add(el.tail, el)
                continue
            if block:
                blocks.append(el)
                heading.append(_HEADINGS.get(tag) or named or heading[-1])
            if tag == "pre":
                state["pre"] += 1
            if tag == "a":
                state["a"] += 1
            if tag == "img" and not "".join(buf).strip():
                state["img"] = 1
            if tag and buf and _META_NAME.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
                buf.append(" ")  # "金融市场" "棱镜" "2019-09-23": separate what the page separates
            hidden = bool(tag) and _hidden(el)
            if hidden:
                state["hidden"] += 1
            if tag and _is_bold(el, tag):
                state["b"] += 1
            if tag and _is_small(el, tag):
                state["small"] += 1
            if tag:
                add(el.text, el)
            stack.append((el, True))
            stack.extend((child, False) for child in reversed(el))
        else:
            if block:
                yield from flush()
                blocks.pop()
                heading.pop()
            if tag == "pre":
                state["pre"] -= 1
            if tag == "a":
                state["a"] -= 1
                joined = "".join(buf)
                last_link[0] = len(joined.rstrip(" \t\n\r\f"))
                last_link[1] = _WS.sub(" ", el.text_content())
            if tag and _hidden(el):
                state["hidden"] -= 1
            if tag and _is_bold(el, tag):
                state["b"] -= 1
            if tag and _is_small(el, tag):
                state["small"] -= 1
            if el is not root:
                add(el.tail, el)
    yield from flush()


# --- finding the article ----------------------------------------------------

def _has_token(el: etree._Element, attr: str, value: str) -> bool:
    if attr == "id":
        return (el.get("id") or "").strip() == value
    return value in (el.get("class") or "").split()


def _find_container(body: etree._Element) -> etree._Element | None:
    """The first entry of CONTENT_CONTAINERS that holds text; the fullest match."""
    for tag, attr, value in CONTENT_CONTAINERS:
        found = []
        for el in body.iter(tag if tag != "*" else etree.Element):
            if not isinstance(el.tag, str) or not _has_token(el, attr, value):
                continue
            size = len("".join(el.text_content().split()))
            if size >= _MIN_CONTAINER_CHARS:
                found.append((size, el))
        if found:
            return max(found, key=lambda pair: pair[0])[1]
    return None


_OWNER = re.compile(r"(?:版权所有|主办单位|主办|承办单位|Copyright\s*(?:©|\(c\))?\s*(?:\d{4}\s*[-–]?\s*\d{0,4})?)"
                    r"\s*[:：]?\s*([\u4e00-\u9fff（）()]{4,30}?)(?=$|\s|[，,。|｜]|版权|地址|电话|邮编|备案|ICP)")


_STAFF_CREDIT = re.compile(r"(?:责任编辑|编辑|责编|审核|校对|监制|值班编辑|编审)\s*[:：/|｜丨]?\s*[^\n）)]{0,30}")


def _footer_owner(page: list[_Line]) -> str:
    """The organisation the page's footer names as its owner ("版权所有：某某大学信息中心")."""
    for ln in reversed(page[-40:]):
        m = _OWNER.search(ln.text)
        if m:
            return m.group(1)
    return ""


def _join_label_cells(page: list[_Line]) -> list[_Line]:
    """'发文机关：' | '国务院办公厅' in two cells of a property table → one line, as it reads."""
    out: list[_Line] = []
    k = 0
    while k < len(page):
        ln = page[k]
        nxt = page[k + 1] if k + 1 < len(page) else None
        if (nxt is not None and label_only(ln.text) and len(nxt.text) <= 80
                and not label_only(nxt.text) and not ln.hidden and not nxt.hidden
                and _same_row(ln.block, nxt.block)):
            ln.text = f"{ln.text.strip()}{nxt.text.strip()}"
            ln.link_chars += nxt.link_chars
            ln.bold = ln.bold and nxt.bold
            out.append(ln)
            k += 2
            continue
        out.append(ln)
        k += 1
    return out


def _same_row(a: etree._Element, b: etree._Element) -> bool:
    """Two cells of one table row (a label cell and its value cell)."""
    cells = ("td", "th")
    return (isinstance(a.tag, str) and isinstance(b.tag, str) and a.tag.lower() in cells
            and b.tag.lower() in cells and a.getparent() is b.getparent())


def _is_field_line(text: str) -> bool:
    fields = parse_fields(text) if len(text) <= 120 else None
    return bool(fields) and all(field_kind(key) != "other" or key in _TABLE_LABELS for key in fields)


def _own_title(page_title: _Line, first: _Line) -> bool:
    """'每周一学（…）中共中央八项规定' above, '中共中央八项规定' atop the article's text."""
    own, above = _compact(first.text), _compact(page_title.text)
    return (4 <= len(own) < len(above) and own in above and first.heading is not None
            or 4 <= len(own) < len(above) and above.endswith(own) and len(first.text) <= 40)


def _head_meta_line(line: _Line) -> bool:
    """A line of an article's head: a property line or credit, an outlet, a subtitle."""
    text = line.text.strip()
    if len(text) > 80:
        return False
    if _FIELDISH.search(text) or OUTLET.fullmatch(text):
        return True
    return text.startswith(("——", "--")) or (line.heading is not None and line.heading >= 2
                                             and _head_line(line))


def _in_furniture(line: _Line, stop: etree._Element) -> bool:
    el = line.block
    while el is not None and el is not stop:
        if isinstance(el.tag, str) and named_furniture(el):
            return True
        el = el.getparent()
    return False


_CAPTION_NAME = re.compile(r"caption|figcaption|pic-?desc|img-?desc|image_desc|photo-?desc|tuzhu|picnote",
                           re.I)


def _captioned(line: _Line, stop: etree._Element) -> bool:
    """In an element the page names as a picture's caption (<figcaption>, class="caption")."""
    el = line.block
    while el is not None and el is not stop:
        if isinstance(el.tag, str) and (el.tag.lower() == "figcaption" or _CAPTION_NAME.search(
                f"{el.get('class') or ''} {el.get('id') or ''}")):
            return len(line.text) <= 120
        el = el.getparent()
    return False


def _inner_furniture(line: _Line, container: etree._Element, nxt: _Line | None) -> str:
    """Why a line inside the article's container is not the article's text, or ''.

    Share bars, follow boxes and related-link lists that sit inside the container (named
    so), lines that are wholly a link, and a photo's caption: a short line right after an
    image that is not a sentence, not set bold like a subhead and not the title of a poem or
    quotation (a "——" line under it); or a line in small print under an image (up to 100
    characters when the text after it is not small).
    """
    if _captioned(line, container):
        return "photo caption"
    if _in_furniture(line, container):
        return _reason(line, "page furniture")
    size = len("".join(line.text.split()))
    if line.link_chars >= 0.9 * size and not re.search(r"[，。；！？]", line.text):
        return _reason(line, "link")
    text = line.text.strip()
    if (line.small and line.after_image and size <= 100 and line.heading is None
            and nxt is not None and not nxt.small):
        return "photo caption"  # smaller than the text after it, right under a picture
    if (line.pre or size > 40 or line.heading is not None or han_count(text) < 2
            or _TAIL_FIELD.match(text) or (nxt is not None and nxt.text.lstrip().startswith("—"))):
        return ""
    sentence = re.search(r"[。！？!?…][”’\"'」』）)]*$", text)
    if line.small and line.after_image:
        return "photo caption"  # small print under a picture, a sentence or not
    if line.after_image and not line.bold and not sentence and not re.search(r"[，、；：,;:]$", text):
        return "photo caption"
    if line.small and not sentence and not line.bold:
        return "photo caption"
    return ""


def _head_line(line: _Line) -> bool:
    """A line that can belong to an article's head: short, not a link, visible."""
    size = len("".join(line.text.split()))
    return (not line.hidden and 0 < size <= 120
            and not (line.link_chars and line.link_chars >= 0.5 * size))


_PAGER = re.compile(r"(?:下一页|余下全文|阅读全文|查看全文|全文阅读|【\s*[2-9]\s*】|第\s*[2-9]\s*页)\s*[>»]*")


def _without_ad_tag(title: str, texts: list[str]) -> str:
    """'[某某化妆品]江门七旬阿婆…' where the page states the 原标题 '江门七旬阿婆…': a
    bracketed prefix the original title does not have is not part of the title."""
    m = re.match(r"[\[【(（]([^\]】)）]{1,20})[\]】)）]\s*(.{6,})", title)
    if not m:
        return title
    rest = _compact(m.group(2))
    for text in texts:
        o = re.match(r"\s*(?:本文)?原标题\s*[:：]\s*《?(.+?)》?\s*$", text or "")
        if o and _compact(o.group(1)) and rest.startswith(_compact(o.group(1))[:12]):
            return m.group(2).strip()
    return title


def _continues_elsewhere(page: list[_Line], last: int) -> bool:
    """A pager right after the article ("1 2 下一页", "【2】", "余下全文") says it goes on."""
    return any(_PAGER.fullmatch(ln.text.strip()) or re.fullmatch(r"(?:[【\[]?\d[】\]]?\s*){2,}下一页.*",
                                                                 ln.text.strip())
               for ln in page[last + 1: last + 8])


def _join_broken_title(page: list[_Line], head: HeadMeta) -> list[_Line]:
    """A title set over two or three lines (``<br>`` in one element) that the head names
    whole: one line again."""
    titles = {_compact(t) for t in head.titles} | {_compact(head.title_tag)}
    out: list[_Line] = []
    k = 0
    while k < len(page):
        ln = page[k]
        for span in (3, 2):
            group = page[k:k + span]
            if len(group) == span and all(g.block is ln.block and not g.hidden for g in group):
                text = "".join(g.text.strip() for g in group)
                if _compact(text) in titles and len(text) <= 90:
                    ln.text = text
                    k += span - 1
                    break
        out.append(ln)
        k += 1
    return out


def _column_names(page: list[_Line], crumbs: set[int], head: HeadMeta) -> set[int]:
    """Lines that name the page's column (the breadcrumb's last part, a known column word)."""
    trail = _crumbs(page, crumbs)
    names = set(_COLUMN_WORDS) | ({trail[-1]} if trail else set())
    return {id(ln) for ln in page if _compact(ln.text) in names}


def _title_line(page: list[_Line], head: HeadMeta, first: _Line | None,
                never: set[int]) -> int | None:
    """Index of the visible line that prints the article's title.

    The line the head's titles agree with, nearest before the article's first line (or
    its first lines); failing that, the last heading or bold line just above the article's
    property line, or the last ``<h1>``/``<h2>`` before the article.  Navigation, column
    names, breadcrumbs and hidden lines are never the title.
    """
    stop = page.index(first) if first is not None else len(page)
    window = range(0, min(len(page), stop + 3))
    best, best_key = None, (0, 0)
    for i in window:
        ln = page[i]
        if not _head_line(ln) or len(ln.text) > 90 or id(ln) in never:
            continue
        match = title_match(ln.text, head)
        key = (match, -abs(stop - i))
        if match and key > best_key:
            best, best_key = i, key
    if best is not None:
        return best
    # the line over the property line ("发布时间：… 来源：…") right above the text
    prop = next((i for i in range(min(len(page) - 1, stop + 4), max(-1, stop - 10), -1)
                 if _TAIL_FIELD.match(page[i].text) and len(page[i].text) <= 120), None)
    if prop is not None:
        for i in range(prop - 1, max(-1, prop - 4), -1):
            ln = page[i]
            if (id(ln) not in never and _head_line(ln) and 4 <= len(ln.text) <= 90
                    and (ln.heading or ln.bold) and not _NUMBERED.match(ln.text)
                    and not _TAIL_FIELD.match(ln.text) and not label_only(ln.text)
                    and not parse_fields(ln.text)):
                return i
    for levels in ((1, 2), (3, 4)):  # an <h3> atop the text titles a page without h1/h2
        for i in reversed(window):
            ln = page[i]
            if (ln.heading in levels and _head_line(ln) and 4 <= len(ln.text) <= 90
                    and not _NUMBERED.match(ln.text) and id(ln) not in never):
                return i
    return None


def _breadcrumb_lines(page: list[_Line]) -> set[int]:
    """'当前位置：首页 > 新闻 > 正文' (the line and, when it ends in '>', its next ones)."""
    found: set[int] = set()
    for i, ln in enumerate(page):
        if not _CRUMB_RE.match(ln.text) or len(ln.text) > 200:
            continue
        found.add(id(ln))
        j = i
        while page[j].text.rstrip().endswith((">", "＞", "»", "›")) and j + 1 < len(page):
            j += 1
            found.add(id(page[j]))
        break
    return found


def _crumbs(page: list[_Line], crumb_ids: set[int]) -> list[str]:
    text = "".join(ln.text for ln in page if id(ln) in crumb_ids)
    rest = _CRUMB_RE.sub("", text)
    parts = [p.strip() for p in _CRUMB_SPLIT.split(rest)]
    return [p for p in parts if p and p != "正文"]


# --- metadata ---------------------------------------------------------------

def _platform_meta(root: etree._Element) -> Meta:
    """Fast path for WeChat pages: the publish time and account live in script variables."""
    meta = Meta()
    if root.find(".//*[@id='js_content']") is None:
        return meta
    for el in root.iter("script"):
        m = _WECHAT_CT.search(el.text or "")
        if m:
            when = dt.datetime.fromtimestamp(int(m.group(1)), dt.timezone(dt.timedelta(hours=8)))
            meta.date = when.date().isoformat()
            break
    name = root.find(".//*[@id='js_name']")
    if name is not None:
        meta.source = _WS.sub(" ", name.text_content()).strip()
    author = root.find(".//*[@id='js_author_name']")
    if author is not None and author.text_content().strip():
        meta.authors = [Author(_WS.sub(" ", author.text_content()).strip())]
    return meta


def _hints(head: HeadMeta, platform: Meta, page: list[_Line], title_at: int | None) -> Meta:
    """What the page states outside the article's text, for the parser to fall back on."""
    meta = Meta()
    texts = [ln.text for ln in page] + [head.description, *head.titles]
    if title_at is not None:
        meta.title = complete_truncated(page[title_at].text, texts)
    else:
        titles = [t for t in head.titles if _compact(t) not in _COLUMN_WORDS]
        meta.title = complete_truncated(titles[0], texts) if titles else ""
    meta.title = _without_ad_tag(meta.title, texts)
    meta.date = platform.date or head.date
    meta.source = platform.source or head.source
    names = [a.name for a in platform.authors] or head.authors
    site = _compact(head.site_name + head.title_tag)
    # the page's text without its staff credits: a name printed only as 编辑/责编 is no author
    printed = _compact(_STAFF_CREDIT.sub("", "\n".join(ln.text for ln in page)))
    # a CMS's author field often holds the portal's own name or the uploader's: an author
    # only when the page prints the name
    meta.authors = [Author(n) for n in names
                    if n and _compact(n) not in site
                    and (platform.authors or head.stated_authors or _compact(n) in printed)]
    return meta


def _compact(text: str) -> str:
    return re.sub(r"[\s\u3000\u00a0]+", "", text)


def _reason(line: _Line, default: str) -> str:
    """Why a page line was dropped, from its ancestors' names or its text."""
    el: etree._Element | None = line.block
    words: list[str] = []
    while el is not None:
        if isinstance(el.tag, str):
            words.append(" ".join((el.tag, el.get("id") or "", el.get("class") or "")).lower())
        el = el.getparent()
    for pattern, reason in _TEXT_REASONS:
        if pattern.search(line.text):
            return reason
    for word in words:  # innermost first
        for pattern, reason in _REASONS:
            if pattern.search(word):
                return reason
    return default
