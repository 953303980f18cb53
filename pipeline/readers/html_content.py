"""Finding the article on any web page: text and punctuation density over the DOM.

The method of the published news-extraction work (CETD, GNE, readability's scoring),
reduced to what a careful reader does: article paragraphs are long, carry Chinese
punctuation and few links; navigation, related-article lists, share bars, comment
threads and footers are short, link-heavy or named so.  Every line of the page gets a
value (positive for article-like text, negative for furniture); the article is the
element whose lines add up to the largest total, which is the tightest element that
holds the article paragraphs and as little furniture as possible.  One pass over the
tree, bottom-up: linear in the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from pipeline.parser.text import han_count

_PUNCT = re.compile(r"[，。；：？！、“”‘’《》（）…—,.;:?!]")
# id/class words of elements that are never the article: their text counts against any
# container that holds them (comment threads are long and punctuated like articles).
_FURNITURE_NAME = re.compile(
    r"comment|reply|respond|pinglun|gentie|tie-|recommend|related|relate|sidebar|side-?bar|"
    r"aside|footer|copyright|\bnav|navbar|menu|breadcrumb|crumb|share|toolbar|hot-?news|rank|"
    r"\bad\b|ads\b|advert|banner|login|popup|modal|qrcode|qr-code|tags?\b|pager|pagination|"
    r"follow|subscribe|download|app-?down"
)
_FURNITURE_TAGS = frozenset(("nav", "footer", "aside", "header", "form", "select", "option",
                             "button", "textarea", "iframe"))


@dataclass
class PageLine:
    """One visible line of the page and what the finder needs to know of it."""

    text: str
    block: etree._Element  # innermost block element the line started in
    link_chars: int = 0  # characters of the line that are link text
    pre: bool = False  # inside <pre>: code or verse, kept as it is


def line_value(line: PageLine) -> float:
    """How article-like a line is: long punctuated text gains, short or linked text loses."""
    text = line.text
    size = len("".join(text.split()))
    if size == 0:
        return 0.0
    if line.link_chars and line.link_chars >= 0.5 * size:
        return -0.5 * size - 2  # a link, or a line of links: navigation, related articles
    han = han_count(text)
    if line.pre:
        return 0.5 * han  # code and verse: neither evidence for nor against
    if han == 0:
        return -1.0
    punct = len(_PUNCT.findall(text))
    # a sentence of Chinese text has punctuation; a label, button or caption has little
    return han + 3 * punct - 10 if punct else min(han - 12.0, 4.0)


def named_furniture(el: etree._Element) -> bool:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag in _FURNITURE_TAGS:
        return True
    names = f"{el.get('id') or ''} {el.get('class') or ''}".lower()
    return bool(names.strip()) and bool(_FURNITURE_NAME.search(names))


def find_article(body: etree._Element, lines: Iterable[PageLine]) -> tuple[etree._Element | None,
                                                                          float]:
    """The element holding the article, and its share of the page's article-like text.

    Elements named or tagged as furniture pass only negative value up to their parents,
    so a container that also holds comments or a sidebar scores lower than the article's
    own container.  Returns (None, 0) when nothing on the page reads like running text.
    """
    own: dict[etree._Element, float] = {}
    for line in lines:
        own[line.block] = own.get(line.block, 0.0) + line_value(line)
    total: dict[etree._Element, float] = {}
    elements = [el for el in body.iter() if isinstance(el.tag, str)]
    for el in reversed(elements):  # descendants before their ancestors
        score = own.get(el, 0.0) + total.get(el, 0.0)
        total[el] = score
        parent = el.getparent()
        if parent is not None and el is not body:
            passed = min(score, 0.0) if named_furniture(el) else score
            total[parent] = total.get(parent, 0.0) + passed
    best, best_score = None, 0.0
    for el in elements:  # document order: a descendant after its ancestors
        score = total.get(el, 0.0)
        # a deeper element wins ties: the tightest container of the same text
        if (score > 0 and score >= best_score - 1e-9 and not named_furniture(el)
                and (score > best_score + 1e-9 or _is_descendant(el, best))):
            best, best_score = el, score
    if best is None:
        return None, 0.0
    positive = sum(v for v in own.values() if v > 0)
    return best, best_score / positive if positive else 0.0


def _is_descendant(el: etree._Element, ancestor: etree._Element | None) -> bool:
    if ancestor is None:
        return False
    parent = el.getparent()
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.getparent()
    return False
