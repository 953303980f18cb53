"""Line-start and line-end prohibitions (禁则) for Chinese text in the booklet.

Pango's UAX #14 line breaking keeps most closing punctuation off line starts,
but not all (measured: a break before ” after a Han character inside a line
WeasyPrint re-splits).  So the writer makes the forbidden break points
unbreakable itself with U+2060 WORD JOINER, which Pango honours (UAX #14 LB11)
and which draws nothing.
"""

from __future__ import annotations

import re

# May not start a line (clreq basic level) / may not end one.
CLOSING = "，。、；：？！”’）》」』】〕〉〗｝％·"
OPENING = "“‘（《「『【〔〈〖｛"
WJ = "\u2060"

_BEFORE_CLOSING = re.compile(f"(?<=[^\\s{WJ}<>])(?=[{re.escape(CLOSING)}])")
_AFTER_OPENING = re.compile(f"(?<=[{re.escape(OPENING)}])(?=[^\\s{WJ}<>])")
_PAIRS = re.compile("(?<=—)(?=—)|(?<=…)(?=…)|(?<=＿)(?=＿)")


def protect(text: str) -> str:
    """Insert word joiners so no line can start with closing or end with opening punctuation.

    Works on escaped HTML text (entities such as ``&amp;`` contain no CJK
    punctuation, and tags are never passed in).  —— and …… are kept whole, and so is a
    quiz blank (＿＿＿＿＿＿): a blank split over two lines reads as two.
    """
    if not text:
        return text
    text = _BEFORE_CLOSING.sub(WJ, text)
    text = _AFTER_OPENING.sub(WJ, text)
    return _PAIRS.sub(WJ, text)


# Characters that draw nothing: word joiners (ours), zero-width spaces and joiners, soft
# hyphens and BOMs (from web sources).  Kept out of bookmarks and PDF metadata, where a
# reader would see or search for them.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060-\u2064\ufeff]")


def visible(text: str) -> str:
    """The text without characters that draw nothing (for bookmarks and metadata)."""
    return _INVISIBLE.sub("", text)
