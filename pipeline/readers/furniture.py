"""What a printed page carries besides the text: page numbers, browser print headers and
footers, rule lines.  Pure text rules, shared by the PDF reader (which also knows where on
the page a line sits) and the parser (which sees the same lines in text copied from a PDF).
"""

from __future__ import annotations

import re

_DASH = r"[-‐‑‒–—―－─━~～·•_]"
_ROMAN = r"(?:[ivxlc]{1,7}|[IVXLC]{1,7})"
_NUM = rf"(?:\d{{1,4}}|[０-９]{{1,4}}|{_ROMAN})"
# "3", "— 3 —", "- 3 -", "–– 1 ––", "第3页", "第 3 页 共 12 页", "第3页/共12页", "3/12",
# "3 / 12", "Page 3 of 12", "页码：3", "·3·", "[3]", "（3）" as a lone folio.
_PAGE_NUMBER = re.compile(
    rf"{_DASH}*\s*{_NUM}\s*{_DASH}*"
    rf"|{_DASH}*\s*第\s*\d{{1,4}}\s*页\s*[,，/／]?\s*(?:共\s*\d{{1,4}}\s*页)?\s*{_DASH}*"
    rf"|(?:共\s*\d{{1,4}}\s*页\s*[,，/／]?\s*)第\s*\d{{1,4}}\s*页"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"
    r"|页码\s*[:：]?\s*\d{1,4}"
    r"|[\[［【(（]\s*\d{1,4}\s*[\]］】)）]",
    re.I)
# A folio that cannot be a line of text anywhere: the number stands between dashes.
_DASHED_FOLIO = re.compile(rf"{_DASH}+\s*{_NUM}\s*{_DASH}+")
# Rules drawn with characters: "====", "━━━★━━━" (the 红头 separator's leftovers), "____".
_RULE = re.compile(r"[=＝\-‐‑‒–—―－─━═~～_＿*＊·•.…★☆◆◇■□\s]{3,}|[★☆]")
_URL = re.compile(r"(?:https?|file|ftp)://\S+|www\.\S+\.\S+", re.I)
_DATE_TIME = re.compile(
    r"\d{2,4}\s*[/\-.年]\s*\d{1,2}\s*[/\-.月]\s*\d{1,4}\s*日?\s*(?:[上下]午|[AaPp][Mm])?\s*"
    r"\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?\s*(?:[AaPp][Mm])?")
_COUNTER = re.compile(r"\d{1,4}\s*[/／]\s*\d{1,4}$")


def is_page_number(text: str) -> bool:
    """A line that is nothing but a page number, in any of the usual forms."""
    t = text.strip()
    return bool(t) and len(t) <= 24 and bool(_PAGE_NUMBER.fullmatch(t))


def is_dashed_folio(text: str) -> bool:
    """"— 3 —", "- 3 -", "–– 1 ––": a page number whatever the context (text copied from a PDF)."""
    return bool(_DASHED_FOLIO.fullmatch(text.strip()))


def is_rule(text: str) -> bool:
    """A line drawn with characters (rows of = or ━, a ★ between two rules)."""
    t = text.strip()
    return bool(t) and bool(_RULE.fullmatch(t)) and not any(ch.isalnum() for ch in t)


def browser_print_reason(text: str) -> str | None:
    """Why a line in a page's margin is a browser's print header or footer, or None.

    Browsers print the date and time and the page title at the top, the address and
    "1/3" at the bottom; on one line they may run together.
    """
    t = text.strip()
    if _URL.search(t) and len(_URL.sub("", t).strip()) <= 12:
        return "browser print footer (address and page counter)"
    if _DATE_TIME.match(t):
        return "browser print header (date, time and page title)"
    if _URL.search(t) and _COUNTER.search(t):
        return "browser print footer (address and page counter)"
    return None


__all__ = ["is_page_number", "is_dashed_folio", "is_rule", "browser_print_reason"]
