"""Saved news or government web page → the article's lines plus page metadata.

Safety: the page is parsed with lxml only; ``<script>``, ``<style>`` and
``<template>`` are removed before any text is taken, nothing is ever fetched
and no script runs.  ``<noscript>`` fallback text is dropped into
``discarded``.

How the article is found: first a list of content containers used by the
CMSs that publish Chinese study material (``CONTENT_CONTAINERS``); when none
of them matches, readability-lxml picks the article.  The lines are then
taken from the page's own block structure (one line per ``<p>``, ``<div>``
text, ``<br>`` segment, table cell, list item, ``<h1>``–``<h6>``), so that
every character of the article survives; everything else on the page goes
into ``discarded`` with a reason.

Evaluation (``docs/readers.md`` has the numbers): on the corpus pages
``baxiang_guiding.html`` and ``dangshi_tiaoli.html`` both trafilatura 2.3 and
readability-lxml 0.9 kept every Han character of the article.  trafilatura
also kept the ``<h2 class="title">`` page title, the property line with its
empty "点击数：次" and the 上一篇/下一篇 links as body text (+82 and +19 Han
characters of junk), and its metadata gave the wrong dates (2025-01-01 and
2024-01-01 instead of 2025-03-26 and 2024-02-25).  readability returned exactly
``div.conTxt`` (0 missing, 0 extra) with the ``<p>`` structure intact, which is
what the line splitter needs; it is therefore the fallback, behind the
container list which finds the same element directly and lets us classify
what was dropped.  Metadata comes from the page itself (``h2.title``, the
"发布时间/文章来源/作者" line, the "当前位置" breadcrumb), not from either
library.
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
from pipeline.model import Author, Discarded, Meta
from pipeline.readers.decode import _WIDEN, _looks_binary, decode
from pipeline.readers.source import SourceLine, SourceText

# Containers that hold the article body on the sites studykit's users save
# pages from, most specific first; the first one that holds real text wins.
# Each entry is (tag or "*", "class" | "id" | "", value, generic).  Generic
# names also wrap sidebars on many sites (``#content`` does on the corpus
# pages), so they are tried only after readability-lxml found nothing.
CONTENT_CONTAINERS: tuple[tuple[str, str, str, bool], ...] = (
    ("div", "class", "conTxt", False),  # PowerEasy CMS (school and Party sites; the corpus)
    ("*", "class", "TRS_Editor", False),  # TRS WCM editor output: most gov.cn, Party media
    ("*", "id", "UCAP-CONTENT", False),  # Kaipu UCAP, many provincial government portals
    ("*", "id", "zoom", False),  # gov.cn policy pages ("字号 大 中 小" zoom box)
    ("*", "class", "article-content", False),
    ("div", "class", "printArea", False),  # PowerEasy print area: title and property too
    ("*", "id", "content", True),
    ("*", "class", "article", True),
    ("article", "", "", True),  # HTML5 <article>
    ("*", "class", "content", True),
)

# A container must hold at least this many non-space characters to count:
# empty "content" divs are common in page templates.
_MIN_CONTAINER_CHARS = 20

_BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li",
    "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul", "option", "select", "textarea",
))
_LEAF_BREAKERS = frozenset(("div", "p", "table", "h1", "h2", "h3", "h4", "h5", "h6",
                            "section", "article"))
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_REMOVE_TAGS = ("script", "style", "template")
_WS = re.compile(r"[ \t\n\r\f]+")  # HTML collapses ASCII whitespace only
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_META_CHARSET = re.compile(
    rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)

_PROPERTY_LABELS = r"发布时间|发布日期|发表时间|日期|时间|文章来源|信息来源|来源|作者|责任编辑|编辑|点击数|浏览次数|阅读"
_PROPERTY_RE = re.compile(rf"(发布时间|发布日期|发表时间|文章来源|信息来源|来源|作者)\s*[:：]\s*(.*?)\s*(?=(?:{_PROPERTY_LABELS})\s*[:：]|$)")
_DATE_RE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_CRUMB_RE = re.compile(r"^\s*(?:当前位置|您的位置|你的位置|您现在的位置|当前的位置|所在位置|位置)\s*[:：]\s*")
_CRUMB_SPLIT = re.compile(r"\s*(?:>|＞|»|›|→|>>)\s*")
_TITLE_SPLIT = re.compile(r"\s*(?:--|——|_|\||｜| - )\s*")

# Words in id/class names (or tags) of an element and its ancestors → why the
# text inside it was dropped.  First match wins.
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"prev|next|others|pager|pagination|page-?nav"), "prev/next links"),
    (re.compile(r"foot|copyright|bottom|beian"), "page footer"),
    (re.compile(r"side|related|recommend|relate|hot|rank|tuijian|xgyd|xgxw"),
     "related links"),
    (re.compile(r"nav|menu|header|\btop|link|path|crumb|location|position|logo|search|login"),
     "page navigation"),
    (re.compile(r"usercontrol|share|print|tool|fontsize"), "page toolbar"),
)
_TEXT_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(上一篇|下一篇|上一条|下一条)"), "prev/next links"),
    (re.compile(r"版权所有|Copyright|ICP|公网安备|网站地图|联系我们"), "page footer"),
    (re.compile(r"^(推荐阅读|相关阅读|相关链接|相关新闻|相关文章|热点推荐|阅读排行)"),
     "related links"),
    (re.compile(r"打印|关闭窗口|【字体|分享到"), "page toolbar"),
)


@dataclass
class _Line:
    text: str
    lineno: int
    heading: int | None
    block: etree._Element  # innermost block element the line started in
    in_article: bool


def read(data: bytes, name: str) -> SourceText:
    """Parse a saved page; the article's lines, metadata hints and dropped text."""
    text, encoding = _decode(data, name)
    root = _parse(text, name)
    head_meta = _head_meta(root)
    body = root.find("body")
    if body is None:
        body = root
    discarded: list[Discarded] = []
    for el in list(body.iter("noscript")):
        fallback = _WS.sub(" ", el.text_content()).strip()
        if fallback:
            discarded.append(Discarded(fallback, "script fallback text", el.sourceline or 0))
        _drop(el)

    meta_els = _metadata_elements(body)
    hints = _hints(meta_els, head_meta)
    meta_kinds = {id(el): kind for el, kind in meta_els}
    # Property line and breadcrumb are page furniture even inside a container;
    # a title or subtitle inside one is the article's own text and stays.
    furniture = {_text(el) for el, kind in meta_els if kind in ("property", "breadcrumb")}

    container = _find_container(body, generic=False)
    article: list[_Line] = []
    outside_reason = "outside article"
    if container is None:
        article = _readability_lines(body)
        outside_reason = "outside article (readability)"
        if not article:
            container = _find_container(body, generic=True) or body  # body: last resort
            outside_reason = "outside article"
    all_lines = list(_lines(body, container if not article else None))
    if not article:
        article = [ln for ln in all_lines if ln.in_article]
        page = [ln for ln in all_lines if not ln.in_article]
    else:
        where: dict[str, int] = {}
        for ln in all_lines:
            where.setdefault(ln.text, ln.lineno)
        for ln in article:  # line numbers of the page, not of readability's output
            ln.lineno = where.get(ln.text, 0)
        kept = {ln.text for ln in article}
        page = [ln for ln in all_lines if ln.text not in kept]
    moved = [ln for ln in article if ln.text in furniture or _meta_kind(ln, meta_kinds)
             in ("property", "breadcrumb")]
    if moved:
        article = [ln for ln in article if ln not in moved]
        page.extend(moved)
    if not article:
        raise InputError(f"{name}: no article text found in the HTML page")

    for ln in page:
        meta = _meta_kind(ln, meta_kinds) or ("property" if ln.text in furniture else "")
        reason = f"page metadata ({meta})" if meta else _reason(ln, outside_reason)
        discarded.append(Discarded(ln.text, reason, ln.lineno))
    discarded.sort(key=lambda d: d.line)

    lines = [SourceLine(ln.text, ln.lineno, ln.heading) for ln in article]
    return SourceText(name=name, format="html", lines=lines, encoding=encoding,
                      hints=hints, discarded=discarded)


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
        raise InputError(f"{name}: not a text file (binary data)")
    return text, enc


def _parse(text: str, name: str) -> etree._Element:
    """lxml's forgiving HTML parser; whatever it cannot take is an InputError."""
    text = _XML_BAD.sub("", _XML_DECL.sub("", text, count=1))
    if not text.strip():
        raise InputError(f"{name}: file is empty")
    # huge_tree lifts libxml2's nesting limit from 256 to 2048 levels: pages
    # with many unclosed <div>s are real, and past the limit text is lost.
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                                  huge_tree=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.LxmlError, ValueError) as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{name}: not a readable HTML page ({msg})") from exc
    if root is None:
        raise InputError(f"{name}: not a readable HTML page")
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        raise InputError(f"{name}: HTML nested too deeply to read without losing text")
    for tag in _REMOVE_TAGS:
        for el in list(root.iter(tag)):
            _drop(el)
    return root


def _drop(el: etree._Element) -> None:
    """Remove an element but keep the text that follows it."""
    if el.getparent() is not None:
        el.drop_tree()


# --- finding the article ----------------------------------------------------

def _has_token(el: etree._Element, attr: str, value: str) -> bool:
    if attr == "id":
        return (el.get("id") or "").strip() == value
    return value in (el.get("class") or "").split()


def _find_container(body: etree._Element, generic: bool) -> etree._Element | None:
    """The first entry of CONTENT_CONTAINERS that holds text; the fullest match."""
    for tag, attr, value, is_generic in CONTENT_CONTAINERS:
        if is_generic != generic:
            continue
        found = []
        for el in body.iter(tag if tag != "*" else etree.Element):
            if not isinstance(el.tag, str):
                continue
            if attr and not _has_token(el, attr, value):
                continue
            size = len("".join(el.text_content().split()))
            if size >= _MIN_CONTAINER_CHARS:
                found.append((size, el))
        if found:
            return max(found, key=lambda pair: pair[0])[1]
    return None


def _readability_lines(body: etree._Element) -> list[_Line]:
    """Ask readability-lxml for the article and split its HTML into lines."""
    from readability import Document

    try:
        html = Document(lxml.html.tostring(body, encoding="unicode")).summary(html_partial=True)
        frag = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:  # readability gives up on pages without a candidate
        return []
    return list(_lines(frag, frag))


# --- splitting into lines ---------------------------------------------------

def _lines(root: etree._Element, article: etree._Element | None) -> Iterator[_Line]:
    """Walk ``root`` iteratively; yield one line per block / ``<br>`` segment.

    Lines inside ``article`` are flagged ``in_article``.  Iterative so that
    absurdly nested pages cannot exhaust the stack.
    """
    buf: list[str] = []
    start: list[int] = [0]
    blocks: list[etree._Element] = [root]
    heading: list[int | None] = [None]
    state = {"in_article": article is root, "pre": 0}

    def flush() -> Iterator[_Line]:
        raw = "".join(buf)
        buf.clear()
        parts = raw.split("\n") if state["pre"] else [raw.strip(" \t\n\r\f")]
        for part in parts:
            if part.strip():
                yield _Line(part.rstrip(" \t\r\f") if state["pre"] else part, start[0],
                            heading[-1], blocks[-1], bool(state["in_article"]))

    def add(text: str | None, el: etree._Element) -> None:
        if not text:
            return
        if not buf:
            start[0] = el.sourceline or 0
        buf.append(text if state["pre"] else _WS.sub(" ", text))

    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    while stack:
        el, closing = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower()
        if not closing:
            if tag in _BLOCK_TAGS or tag == "br" or el is article:
                yield from flush()
            if tag == "br":
                add(el.tail, el)
                continue
            if el is article:
                state["in_article"] = True
            if tag in _BLOCK_TAGS:
                blocks.append(el)
                heading.append(_HEADINGS.get(tag, heading[-1]))
            if tag == "pre":
                state["pre"] += 1
            if tag:
                add(el.text, el)
            stack.append((el, True))
            stack.extend((child, False) for child in reversed(el))
        else:
            if tag in _BLOCK_TAGS or el is article:
                yield from flush()
            if tag in _BLOCK_TAGS:
                blocks.pop()
                heading.pop()
            if tag == "pre":
                state["pre"] -= 1
            if el is article:
                state["in_article"] = False
            if el is not root:
                add(el.tail, el)
    yield from flush()


# --- metadata ---------------------------------------------------------------

def _text(el: etree._Element) -> str:
    return _WS.sub(" ", el.text_content()).strip()


def _head_meta(root: etree._Element) -> dict[str, str]:
    """<title> and the meta tags gov.cn sites fill (ArticleTitle, PubDate, …)."""
    found: dict[str, str] = {}
    title = root.find(".//title")
    if title is not None and _text(title):
        found["title"] = _text(title)
    for el in root.iter("meta"):
        key = (el.get("name") or el.get("property") or "").strip().lower()
        value = (el.get("content") or "").strip()
        if key and value:
            found.setdefault(key, value)
    return found


def _metadata_elements(body: etree._Element) -> list[tuple[etree._Element, str]]:
    """The first element carrying the title, subtitle, property line and breadcrumb."""
    found: list[tuple[etree._Element, str]] = []
    seen: set[str] = set()
    for el in body.iter(etree.Element):
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        classes = {c.lower() for c in (el.get("class") or "").split()}
        kind = ""
        if tag in ("h1", "h2", "h3") and "title" in classes:
            kind = "title"
        elif classes & {"subtitle", "sub-title", "subheading"}:
            kind = "subtitle"
        elif tag in ("div", "p", "span", "td", "ul", "ol", "section", "nav") and _is_leaf(el):
            text = _text(el)
            if len(text) < 200 and _CRUMB_RE.match(text):
                kind = "breadcrumb"
            elif len(text) < 300 and _PROPERTY_RE.search(text):
                kind = "property"
        if kind and kind not in seen and _text(el):
            found.append((el, kind))
            seen.add(kind)
    return found


def _is_leaf(el: etree._Element) -> bool:
    """No paragraph-level element inside: the innermost box holding a line."""
    return not any(isinstance(c.tag, str) and c.tag.lower() in _LEAF_BREAKERS
                   for c in el.iterdescendants())


def _hints(meta_els: list[tuple[etree._Element, str]], head: dict[str, str]) -> Meta:
    meta = Meta()
    for el, kind in meta_els:
        text = _text(el)
        if kind == "title":
            meta.title = text
        elif kind == "subtitle":
            meta.subtitle = text
        elif kind == "breadcrumb":
            rest = _CRUMB_RE.sub("", text)
            meta.breadcrumb = [p for p in _CRUMB_SPLIT.split(rest) if p]
        elif kind == "property":
            for label, value in _PROPERTY_RE.findall(text):
                if not value:
                    continue
                if label in ("发布时间", "发布日期", "发表时间") and meta.date is None:
                    meta.date = _iso_date(value)
                elif label.endswith("来源") and not meta.source:
                    meta.source = value
                elif label == "作者" and not meta.authors:
                    meta.authors = _authors(value)
    if not meta.title:
        meta.title = head.get("articletitle") or head.get("og:title") or \
            _TITLE_SPLIT.split(head.get("title", ""))[0]
    if meta.date is None:
        for key in ("pubdate", "publishdate", "article:published_time", "firstpublishedtime"):
            if key in head and (date := _iso_date(head[key])):
                meta.date = date
                break
    if not meta.source:
        meta.source = head.get("contentsource", "")
    if not meta.authors and head.get("author"):
        meta.authors = _authors(head["author"])
    return meta


def _iso_date(text: str) -> str | None:
    m = _DATE_RE.search(text)
    if m is None:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def _authors(text: str) -> list[Author]:
    return [Author(n) for n in re.split(r"[\s、，,；;]+", text) if n]


def _meta_kind(line: _Line, kinds: dict[int, str]) -> str:
    """"title", "property", … when the line lies in a metadata element, else ""."""
    el: etree._Element | None = line.block
    while el is not None:
        if id(el) in kinds:
            return kinds[id(el)]
        el = el.getparent()
    return ""


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
