"""What a saved page says about its article outside the article's text.

Signals, in the order they are trusted (``docs/readers.md``):

1. JSON-LD (``NewsArticle``/``Article``: headline, datePublished, author), ``og:`` and
   ``article:`` tags, and the meta names Chinese CMSs fill (``ArticleTitle``, ``PubDate``,
   ``ContentSource``, ``author``, ``source``, ``publishdate`` …);
2. the ``<title>``, with the site's name removed (``-某某网``, ``_某某政府网``, ``|…``);
3. the site's name (``og:site_name``, ``application-name``, or the part of the
   ``<title>`` the site appends), for "本站原创"-style sources.

The visible lines near the title (property lines, bylines, a bare date) are read by the
parser like any text; this module only chooses which visible line is the title.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from lxml import etree

_WS = re.compile(r"[ \t\n\r\f\u00a0\u3000]+")
_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
# Separators between a page title and the site's name: "标题_某某网", "标题 - 某某网", "标题|某某网".
_TITLE_SEP = re.compile(r"\s*(?:--|——|_|\||｜| - | – | — |-(?=[^\d\s-]{2,12}$))\s*")
# What a site or channel name ends with (the suffix a CMS appends to every <title>).
_SITE_END = re.compile(r"(?:网|站|报|台|刊|社|频道|新闻|门户|政府|中心|平台|官网|号|头条|客户端|公众号|"
                       r"大学|学院|中学|小学|学校|医院|研究院|委员会|办公室|办事处|[局厅委部院所]|"
                       r"[A-Za-z][A-Za-z .-]*|专栏|栏目)$")
# What a site's own name ends with (stricter than _SITE_END, which also strips columns).
_SITE_NAME = re.compile(r"(?:网|网站|报|台|社|频道|门户|官网|政府|大学|学院|学校|中学|小学|医院|研究院|委员会|中心)$")
_DATE_KEYS = ("article:published_time", "datepublished", "pubdate", "publishdate", "publish_date",
              "publishtime", "publish-time", "og:release_date", "firstpublishedtime", "releasedate",
              "weibo:article:create_at", "dc.date", "dc.date.issued", "date",
              # last resort: when the page was last changed (the day it went up, for most)
              "article:modified_time", "datemodified", "dateupdate", "lastmodified", "last-modified")
_SOURCE_KEYS = ("contentsource", "source", "article:source", "og:article:source", "dc.source")
_TITLE_KEYS = ("og:title", "twitter:title", "articletitle", "title", "dc.title")
_AUTHOR_KEYS = ("author", "article:author", "dc.creator", "og:article:author")
_SITE_KEYS = ("og:site_name", "application-name", "sitename", "site_name", "sitedomain")
ELLIPSIS = re.compile(r"(?:\.{3,}|…+|。。。)$")


@dataclass
class HeadMeta:
    """What the page's head (and structured data) states; empty where it states nothing."""

    titles: list[str] = field(default_factory=list)  # best first, site names removed
    title_tag: str = ""  # the <title> as written
    date: str | None = None
    source: str = ""
    authors: list[str] = field(default_factory=list)
    # authors from the page's structured data (JSON-LD), which the publisher states; the
    # ``author`` meta tag is often the CMS user who uploaded the page
    stated_authors: bool = False
    site_name: str = ""
    description: str = ""


def text_of(el: etree._Element) -> str:
    return _WS.sub(" ", el.text_content()).strip()


# A CMS puts the day in the article's address: /20250409/, /2025-04/09/, /202504/09/, /2025/04/09/
_URL_DATE = re.compile(r"/((?:19|20)\d{2})(?:[-/]?)(\d{2})(?:[-/]?)(\d{2})(?=[/_.-]|$)")


def date_in_url(url: str) -> str | None:
    """The publication day an article's address holds, if it holds one."""
    for m in _URL_DATE.finditer(url or ""):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            continue
    return None


def iso_date(text: str) -> str | None:
    m = _DATE.search(text or "")
    if m is None:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def _meta_tags(root: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for el in root.iter("meta"):
        key = (el.get("name") or el.get("property") or el.get("itemprop") or "").strip().lower()
        value = _WS.sub(" ", el.get("content") or "").strip()
        if key and value:
            found.setdefault(key, value)
    return found


def _json_ld(root: etree._Element) -> list[dict]:
    """Article objects of the page's JSON-LD (kept aside before scripts are removed)."""
    out: list[dict] = []
    for el in root.iter("script"):
        if (el.get("type") or "").strip().lower() != "application/ld+json" or not el.text:
            continue
        try:
            data = json.loads(el.text)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                if "@graph" in item and isinstance(item["@graph"], list):
                    stack.extend(item["@graph"])
                kind = item.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                article = any(isinstance(k, str) and k.endswith("Article") or k == "WebPage" for k in kinds)
                baidu = kind is None and "pubDate" in item  # Baidu's page data (熊掌号 "cambrian")
                if article or baidu:
                    out.append(item)
    return out


def _ld_names(value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name")
        if isinstance(item, str) and item.strip():
            names.append(item.strip())
    return names


def without_site_suffix(title: str) -> str:
    """'标题_栏目_某某网' → '标题', the title's own characters kept as they are (a file name)."""
    seps = list(_TITLE_SEP.finditer(title))
    end = len(title)
    for m in reversed(seps):
        part = title[m.end():end].strip()
        if not (_SITE_END.search(part) or len(part) <= 6) or not title[:m.start()].strip():
            break
        end = m.start()
    return title[:end].strip()


def site_in_name(title: str) -> str:
    """The site a saved page's name ends or starts with ('标题_栏目_某某网', '某某网 - 标题')."""
    parts = [p.strip() for p in _TITLE_SEP.split(title) if p.strip()]
    if len(parts) < 2:
        return ""
    for part in [*reversed(parts[1:]), parts[0]]:
        if _SITE_NAME.search(part) and len(part) <= 20:
            return part
    return ""


def strip_site(title: str, site: str = "") -> str:
    """'标题_某某网' → '标题': cut the trailing parts that name the site or its channels."""
    title = _WS.sub(" ", title).strip()
    if site and title.endswith(site) and len(title) > len(site) + 4:
        title = title[: -len(site)].rstrip(" _-|｜–—")
    parts = _TITLE_SEP.split(title)
    while len(parts) > 1 and (_SITE_END.search(parts[-1]) or len(parts[-1]) <= 6
                              or (site and parts[-1] in site)):
        parts.pop()
    return " - ".join(parts) if len(parts) > 1 else parts[0]


def head_meta(root: etree._Element) -> HeadMeta:
    """Read the head's tags and JSON-LD; call before scripts are removed."""
    tags = _meta_tags(root)
    ld = _json_ld(root)
    meta = HeadMeta()
    title_el = root.find(".//title")
    meta.title_tag = text_of(title_el) if title_el is not None else ""
    meta.site_name = next((tags[k] for k in _SITE_KEYS if k in tags), "")
    candidates = [str(item.get("headline") or item.get("name") or "") for item in ld]
    candidates += [tags[k] for k in _TITLE_KEYS if k in tags]
    if meta.title_tag:
        candidates.append(meta.title_tag)
    seen: set[str] = set()
    for c in candidates:
        c = strip_site(c, meta.site_name)
        if c and c not in seen and not re.match(r"https?://", c):
            seen.add(c)
            meta.titles.append(c)
    for item in ld:
        meta.date = meta.date or iso_date(str(item.get("datePublished") or item.get("pubDate") or ""))
        if not meta.authors:
            meta.authors = _ld_names(item.get("author"))
            meta.stated_authors = bool(meta.authors)
    for key in _DATE_KEYS:
        if meta.date is None and key in tags:
            meta.date = iso_date(tags[key])
    if meta.date is None:  # last resort: the day in the article's own address
        canonical = next((el.get("href") for el in root.iter("link")
                          if (el.get("rel") or "").strip().lower() == "canonical"), None)
        meta.date = date_in_url(canonical or tags.get("og:url", ""))
    meta.source = next((tags[k] for k in _SOURCE_KEYS if k in tags), "")
    if not meta.authors:
        meta.authors = [a for k in _AUTHOR_KEYS if k in tags for a in [tags[k]]][:1]
    meta.description = tags.get("description") or tags.get("og:description", "")
    if not meta.site_name and meta.title_tag:
        parts = _TITLE_SEP.split(meta.title_tag)
        # "标题 - 某某网 - 栏目": the site is the part after the title that names a site
        meta.site_name = next((p for p in reversed(parts[1:]) if _SITE_NAME.search(p)), "")
    return meta


def _compact(text: str) -> str:
    return re.sub(r"[\s\u3000\u00a0]+", "", text)


def title_match(line: str, head: HeadMeta) -> int:
    """How well a visible line matches what the head says the title is (0: not at all).

    2: it is one of the head's titles; 1: it is a longer part of the ``<title>`` (pages
    print the headline and put "栏目 - 站名" after it in the tab).
    """
    c = _compact(line)
    if len(c) < 4:
        return 0
    if any(c == _compact(t) for t in head.titles):
        return 2
    tag = _compact(head.title_tag)
    if len(c) >= 6 and tag.startswith(c):
        return 1
    stem = _compact(ELLIPSIS.sub("", line))
    if len(stem) >= 8 and any(_compact(t).startswith(stem) for t in head.titles + [tag]):
        return 1
    return 0


def complete_truncated(title: str, texts: list[str]) -> str:
    """A title cut with '…' is completed from the page where the page prints it whole."""
    if not ELLIPSIS.search(title):
        return title
    stem = ELLIPSIS.sub("", title).strip()
    if len(stem) < 8:
        return title
    best = title
    for text in texts:
        pos = text.find(stem)
        if pos < 0:
            continue
        rest = text[pos:]
        end = re.search(r"[》」』】]", rest)
        full = rest[: end.start()] if end else rest
        full = full.strip()
        grown = len(ELLIPSIS.sub("", full))
        if grown > len(stem) and len(full) <= 80 and grown > len(ELLIPSIS.sub("", best)):
            best = full
    return best
