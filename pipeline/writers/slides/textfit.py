"""Will this text fit in this box?  Measured, because fit_text cannot wrap Chinese.

Han characters and full-width punctuation are 1 em in every CJK font.  Latin
letters and digits are proportional: their widths are Noto Sans CJK SC's
advance widths (``LATIN_WIDTHS``, read from the font with fontTools by
``font_latin_widths``; frozen here because reading the font's cmap costs
0.2–0.45 s per build), with a margin because the viewer may draw them in
another font; anything else not East-Asian counts a conservative 0.62 em.
Lines are as tall as Noto CJK's ascent + descent (1.448 em), the tallest of
the fonts a deck is likely to be shown with.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import unicodedata

LINE_HEIGHT = 1.45  # em, at 100 % line spacing
LATIN_FALLBACK = 0.62  # em, when no font metrics are available
LATIN_MARGIN = 1.12  # the viewer may use a wider Latin font (DejaVu Sans, Arial)
# Marks that may not start a line (clreq): a line ending before one carries
# the previous character down, so leave room for it.
NO_START = set("、，。：；！？）》」』”’…—")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,%'\-]*|\s+|.", re.S)


# Advance widths (1/1000 em) of ASCII 32–126 in Noto Sans CJK SC Regular.
_ASCII_WIDTHS = (
    224, 323, 474, 555, 555, 921, 680, 278, 338, 338, 467, 555, 278, 347, 278, 392, 555, 555,
    555, 555, 555, 555, 555, 555, 555, 555, 278, 278, 555, 555, 555, 474, 946, 608, 657, 638,
    688, 589, 552, 689, 728, 293, 535, 646, 543, 812, 723, 742, 633, 742, 635, 596, 599, 721,
    575, 878, 573, 531, 603, 338, 392, 338, 555, 559, 606, 563, 618, 510, 620, 554, 325, 564,
    607, 275, 275, 552, 284, 926, 610, 606, 620, 620, 388, 468, 377, 607, 521, 802, 498, 521,
    475, 338, 270, 338, 555,
)
LATIN_WIDTHS = {chr(32 + i): w / 1000 for i, w in enumerate(_ASCII_WIDTHS)}


@functools.cache
def font_latin_widths() -> dict[str, float]:
    """ASCII advance widths (em) read from the installed Noto Sans CJK SC, or {}.

    Used to check (and regenerate) ``LATIN_WIDTHS``, not on every build.
    """
    try:
        from fontTools.ttLib import TTFont
    except ImportError:
        return {}
    found = _font_file("Noto Sans CJK SC")
    if not found:
        return {}
    path, index = found
    try:
        font = TTFont(path, fontNumber=index, lazy=True)
        cmap, hmtx = font.getBestCmap(), font["hmtx"]
        upm = font["head"].unitsPerEm
        return {chr(c): hmtx[cmap[c]][0] / upm for c in range(32, 127) if c in cmap}
    except Exception:  # a broken or unexpected font file: fall back to the estimate
        return {}


def _font_file(family: str) -> tuple[str, int] | None:
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(["fc-match", family, "--format=%{family}|%{file}|%{index}"],
                             capture_output=True, text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.split("|")
    if len(parts) != 3 or family not in parts[0]:
        return None
    return parts[1], int(parts[2] or 0)


def char_width(ch: str) -> float:
    """Width of one character in em."""
    if unicodedata.east_asian_width(ch) in ("W", "F", "A"):
        return 1.0
    if ch in LATIN_WIDTHS:
        return LATIN_WIDTHS[ch] * LATIN_MARGIN
    return LATIN_FALLBACK


def text_width(text: str) -> float:
    """Width of a single line of text in em."""
    return sum(char_width(ch) for ch in text)


def count_lines(text: str, width_em: float) -> int:
    """Lines the text wraps to in a box ``width_em`` wide.

    Han characters break anywhere; a Latin word or number moves whole to the
    next line.  A line-start-prohibited mark pulls one character down with it.
    """
    if width_em <= 1:
        return 10**6
    lines, used = 1, 0.0
    for token in _TOKEN.findall(text):
        if token == "\n":
            lines, used = lines + 1, 0.0
            continue
        w = text_width(token)
        if used + w <= width_em:
            used += w
        elif token.isspace():
            used = width_em  # a space at the end of a line is swallowed
        elif token in NO_START:
            lines, used = lines + 1, 1.0 + w  # the mark takes the last character with it
        else:
            lines, used = lines + 1, min(w, width_em)
            lines += int(w // width_em) if w > width_em else 0
    return lines


def text_height(paragraphs: list[str], width_pt: float, size_pt: float,
                space_before_pt: float = 0.0, line_spacing: float = 1.0) -> float:
    """Height in points of paragraphs set at ``size_pt`` in a box ``width_pt`` wide."""
    width_em = width_pt / size_pt
    lines = sum(count_lines(p, width_em) for p in paragraphs)
    gaps = space_before_pt * max(len(paragraphs) - 1, 0)
    return lines * size_pt * LINE_HEIGHT * line_spacing + gaps


def fit_size(paragraphs: list[str], width_pt: float, height_pt: float, start: float,
             minimum: float, space_ratio: float = 0.0, step: float = 2.0,
             one_line_down_to: float | None = None) -> float | None:
    """The largest size from ``start`` down to ``minimum`` at which the text fits, or None.

    With ``one_line_down_to``, a size at which every paragraph stays on one
    line is preferred while it is not below that: a key point that wraps a
    lone "…" or a title that leaves one character on its second line looks
    worse than slightly smaller type.
    """
    size = start
    while one_line_down_to and size >= max(one_line_down_to, minimum):
        if all(count_lines(p, width_pt / size) == 1 for p in paragraphs) and \
                text_height(paragraphs, width_pt, size, space_ratio * size) <= height_pt:
            return size
        size -= step
    size = start
    while size >= minimum:
        if text_height(paragraphs, width_pt, size, space_ratio * size) <= height_pt:
            return size
        size -= step
    return None
