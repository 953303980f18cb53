"""Character-level helpers: spaces, Han detection, full-width punctuation.

Never NFKC the text: it would turn ，into , and ① into 1.  Only the
punctuation that sits in Chinese context is widened, one mark at a time.
"""

from __future__ import annotations

import re

# Indent and padding characters seen in copied text: ideographic space,
# no-break space, en/em/thin spaces, zero-width space, BOM, tab.
SPACES = " \t\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff\u202f"

_HAN_RANGES = (
    ("\u3400", "\u4dbf"), ("\u4e00", "\u9fff"), ("\uf900", "\ufaff"),
    ("\U00020000", "\U0002fa1f"),
)
HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
HAN_RE = re.compile(f"[{HAN_CLASS}]")

# Marks that end a sentence; a line ending in one is not hard-wrapped.
SENTENCE_END = "。！？；…!?;"
# Marks after which a line may legitimately end (sentence end, colon, closing quote).
LINE_END_OK = SENTENCE_END + "：:”’」』）)》】—"
CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】「」『』—…·"


def is_han(ch: str) -> bool:
    return any(lo <= ch <= hi for lo, hi in _HAN_RANGES)


def han_chars(text: str) -> list[str]:
    return HAN_RE.findall(text)


def han_count(text: str) -> int:
    return len(HAN_RE.findall(text))


def clean(text: str) -> str:
    """Strip indents and trailing padding (U+3000, U+00A0, U+2002, …)."""
    return text.strip(SPACES)


def squash_spaces(text: str) -> str:
    """Runs of padding inside a line become one space (byline gaps, page titles)."""
    return re.sub(f"[{SPACES}]+", " ", text).strip()


def compact(text: str) -> str:
    """Text without any spaces, for comparing lines that differ only in spacing."""
    return re.sub(f"[{SPACES}]+", "", text)


def chinese_context(text: str) -> bool:
    return han_count(text) > 0


_HALF_MARKS = re.compile(r'[,;:?!()"]')
_URL = re.compile(r"(?:https?://|www\.)[^\s\u3000，。；、）》\u4e00-\u9fff]+")
_WIDE = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_CJKISH = re.compile(f"[{HAN_CLASS}{re.escape(CJK_PUNCT)}]")


def _cjkish(ch: str) -> bool:
    return bool(ch) and bool(_CJKISH.match(ch))


_PAD_BEFORE_OPEN = re.compile(f"(?<=[{HAN_CLASS}，。、；：？！])[ \u00a0]+(?=[“‘《（【「『])")
_PAD_AFTER_CLOSE = re.compile(f"(?<=[”’》）】」』])[ \u00a0]+(?=[{HAN_CLASS}“‘《（【「『，。、；：？！])")


def widen_punctuation(text: str) -> str:
    """Half-width , ; : ? ! ( ) " inside Chinese text become full-width, and spaces typed
    beside full-width quotes and brackets go (the marks carry their own spacing).

    Numbers (1,000  20:11  3.5), Latin words and URLs keep their marks.
    """
    if " " in text or "\u00a0" in text:
        text = _PAD_AFTER_CLOSE.sub("", _PAD_BEFORE_OPEN.sub("", text))
    if not _HALF_MARKS.search(text) or not HAN_RE.search(text):
        return text
    urls: list[str] = []

    def keep(m: re.Match[str]) -> str:
        urls.append(m.group(0))
        return f"\x00{len(urls) - 1}\x00"

    masked = _URL.sub(keep, text)
    masked = _widen_marks(masked)
    masked = _widen_parens(masked)
    masked = _widen_quotes(masked)
    return re.sub("\x00(\\d+)\x00", lambda m: urls[int(m.group(1))], masked)


def _neighbour(text: str, i: int, step: int) -> str:
    j = i + step
    while 0 <= j < len(text) and text[j] == " ":
        j += step
    return text[j] if 0 <= j < len(text) else ""


def _widen_marks(text: str) -> str:
    out = list(text)
    drop: set[int] = set()
    for i, ch in enumerate(text):
        if ch not in _WIDE:
            continue
        left, right = _neighbour(text, i, -1), _neighbour(text, i, 1)
        if left.isdigit() and right.isdigit():
            continue  # 1,000 or 20:11
        if left.isascii() and left.isalpha() and (not right or (right.isascii() and right.isalnum())):
            continue  # English text
        if _cjkish(left) or (is_han(right) if right else False):
            out[i] = _WIDE[ch]
            # a full-width mark carries its own spacing: drop padding around it
            j = i + 1
            while j < len(text) and text[j] == " ":
                drop.add(j)
                j += 1
            j = i - 1
            while j >= 0 and text[j] == " ":
                drop.add(j)
                j -= 1
    return "".join(c for k, c in enumerate(out) if k not in drop)


_PAREN = re.compile(r"\(([^()]*)\)")


def _widen_parens(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        inner = m.group(1)
        before = text[m.start() - 1] if m.start() > 0 else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if HAN_RE.search(inner) or is_han(before) or (after and is_han(after) and not inner.isdigit()):
            return f"（{inner}）"
        return m.group(0)

    return _PAREN.sub(repl, text)


def _widen_quotes(text: str) -> str:
    if text.count('"') % 2 or '"' not in text:
        return text
    parts = text.split('"')
    out = [parts[0]]
    for k, part in enumerate(parts[1:]):
        out.append("“" if k % 2 == 0 else "”")
        out.append(part)
    return "".join(out)


# --- Chinese numerals --------------------------------------------------------

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUM = "零〇○一二三四五六七八九十百千两"


def cn_to_int(s: str) -> int | None:
    """一 → 1, 十一 → 11, 二十 → 20, 一百零三 → 103; None if not a numeral."""
    s = re.sub(r"\s+", "", s)
    if not s:
        return None
    if s.isdigit():
        return int(s)
    total, current = 0, 0
    for ch in s:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            return None
    return total + current


FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def ascii_digits(s: str) -> str:
    """Full-width digits to ASCII, for reading dates and numbers only."""
    return s.translate(FULLWIDTH_DIGITS)
