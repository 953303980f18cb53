"""Numbering markers: 第一章, 一、, （一）, 1., （1）, ① … and what they number."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.parser.text import CN_NUM, ascii_digits, cn_to_int

# Kinds from the outermost to the innermost, as Chinese documents nest them.
# A document may skip any of them; levels come from what it actually uses.
RANK = ["part", "chapter", "section", "bare", "cn", "paren_cn", "ordinal", "arabic", "paren_arabic",
        "circled"]

_N = f"[{CN_NUM}\\d]+"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("part", re.compile(rf"(第{_N}(?:部分|篇|编))(?:\s+|[：:]\s*|$)(.*)")),
    ("chapter", re.compile(rf"(第{_N}章)(?:\s+|[：:]\s*|$)(.*)")),
    ("section", re.compile(rf"(第{_N}节)(?:\s+|[：:]\s*|$)(.*)")),
    ("article", re.compile(rf"(第{_N}条)(?:\s+|$)(.*)")),
    ("cn", re.compile(r"([一二三四五六七八九十百]{1,4})\s*([、．.])\s*(.*)")),
    # "一 总体要求": a numeral and a space before a short title
    ("cn_space", re.compile(r"([一二三四五六七八九十]{1,3})[ \u3000]+([^\s，。、是要].{1,59})$")),
    # "第一，坚持党的全面领导。" on a line of its own: a sub-point of a speech
    ("ordinal", re.compile(r"(第[一二三四五六七八九十]{1,3})([，,、])\s*(.+)")),
    ("paren_cn", re.compile(r"[（(]\s*([一二三四五六七八九十百](?:\s*[一二三四五六七八九十百]){0,3})\s*[）)]\s*(.*)")),
    ("arabic", re.compile(r"(\d{1,3})\s*([.．、])(?![\d.．])\s*(.*)")),
    ("arabic_dot", re.compile(r"([\u2488-\u249b])\s*(.*)")),
    ("paren_arabic", re.compile(r"[（(]\s*(\d{1,3})\s*[）)]\s*(.*)")),
    ("paren_arabic_sym", re.compile(r"([\u2474-\u2487])\s*(.*)")),
    ("circled", re.compile(r"([\u2460-\u2473])\s*(.*)")),
]


# Unnumbered parts that stand beside numbered sections: a speech's 引言 and 结束语, a
# law's 序言 and 附则, an appendix.
PART_HEADING = re.compile(r"(序\s*言|前\s*言|引\s*言|导\s*言|总\s*则|附\s*则|结\s*束\s*语|结\s*语|"
                          r"后\s*记|实\s*施|附\s*录|说\s*明|编\s*后\s*语|按\s*语)")


@dataclass
class Marker:
    kind: str  # one of RANK, or "article" (第X条: a labelled paragraph)
    label: str  # normalised marker: "一、", "（十八）", "1.", "第一章"
    number: int
    rest: str  # the text after the marker


_STARTS = frozenset("第一二三四五六七八九十百（(0123456789") | {chr(c) for c in range(0x2460, 0x249C)}


def find_marker(text: str) -> Marker | None:
    """The numbering marker a line starts with, if any."""
    if not text or text[0] not in _STARTS:
        return None
    for kind, pattern in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        if kind in ("part", "chapter", "section", "article"):
            label, rest = m.group(1), m.group(2)
            number = cn_to_int(ascii_digits(label[1:-1] if kind != "part" else
                                            re.sub(r"(部分|篇|编)$", "", label[1:])))
            if number is None:
                continue
            return Marker(kind, label, number, rest.strip())
        if kind == "cn_space":
            rest = m.group(2).strip()
            if rest[-1] in "。；，、：" or re.search(r"[。；！？]", rest):
                continue  # a title, not a sentence: no full stop inside or at its end
            return Marker("cn", f"{m.group(1)} ", cn_to_int(m.group(1)) or 0, rest)
        if kind == "ordinal":
            number = cn_to_int(m.group(1)[1:])
            if number is None:
                continue
            return Marker("ordinal", f"{m.group(1)}{m.group(2)}", number, m.group(3).strip())
        if kind == "cn":
            number = cn_to_int(m.group(1))
            rest = m.group(3)
            if number is None or not rest or rest[0] in "、，。是":
                continue
            return Marker("cn", f"{m.group(1)}{m.group(2)}", number, rest.strip())
        if kind == "paren_cn":
            digits = re.sub(r"\s+", "", m.group(1))
            number = cn_to_int(digits)
            if number is None:
                continue
            return Marker("paren_cn", f"（{digits}）", number, m.group(2).strip())
        if kind == "arabic":
            rest = m.group(3)
            # "2.万" / "3、个" read as quantities; "2. 个人自评" (a space after the mark) is an item
            spaced = m.start(3) > m.end(2)
            if not rest or (rest[0] in "%％年月日万亿元个" and not spaced):
                continue
            return Marker("arabic", f"{m.group(1)}{m.group(2)}", int(m.group(1)), rest.strip())
        if kind == "arabic_dot":
            return Marker("arabic", m.group(1), ord(m.group(1)) - 0x2487, m.group(2).strip())
        if kind == "paren_arabic":
            return Marker("paren_arabic", f"（{m.group(1)}）", int(m.group(1)), m.group(2).strip())
        if kind == "paren_arabic_sym":
            return Marker("paren_arabic", m.group(1), ord(m.group(1)) - 0x2473, m.group(2).strip())
        if kind == "circled":
            return Marker("circled", m.group(1), ord(m.group(1)) - 0x245F, m.group(2).strip())
    return None


def rank(kind: str) -> int:
    if kind.startswith("md"):
        return -10 + int(kind[2:])  # Markdown levels sit above any numbering
    if kind == "plain":
        return -100
    return RANK.index(kind)


def cn_numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十: for messages about numbering."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)
