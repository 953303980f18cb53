"""Where a title breaks: at phrase boundaries, in balanced lines.  Shared by every writer.

A reader breaks ``高举中国特色社会主义伟大旗帜 为全面建设社会主义现代化国家而团结奋斗``
after 旗帜 and before 为, never inside 旗帜.  So a title too long for one line is cut
only between words (rjieba's), and among those cuts the ones a careful typesetter
prefers win: the title's own spaces (a title in parts, such as 主题 and 副题
or 发文机关 and 标题, starts each part on a line) and punctuation first, then before a
preposition or conjunction (为, 以, 关于, 和), then between subject and predicate
or verb and object; never inside a word, never after an opening mark or before
a closing one, never leaving one or two characters alone on a line.  Among the
fewest lines that fit, the choice that keeps the lines most even wins.

The writers give the room a line has (``per_line``, in full-width characters
at the title's size) and, when they measure text their own way, a ``measure``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

Measure = Callable[[str], float]
# A space between two Chinese characters (or marks) separates the parts of a title;
# a space next to a Latin word is that word's own spacing.
NBSP = "\u00a0"
_LETTER_SPACED = re.compile(r"(?<!\S)[\u4e00-\u9fff](?: [\u4e00-\u9fff])+(?!\S)")
_PART_SPACE = re.compile(r"(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’—…]) (?=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’—…])")

OPENING = "“‘《（〈「『【(["
CLOSING = "”’》）〉」』】)]"
PAUSE = "，、：；！？。—…·|｜"
NO_START = CLOSING + PAUSE
ATTACHED_LEFT = {"的", "之", "地", "得", "了", "着", "过", "们", "等", "性", "化", "者"}
PREPOSITIONS = {"关于", "为", "以", "把", "对", "在", "和", "与", "及", "并", "而", "向", "从"}
MIN_LINE = 3  # characters: a line of one or two is an orphan
INSIDE_WORD = 120.0  # cost of a break between two characters of one word (last resort)
INSIDE_QUOTES = 8.0  # a quotation or book title is read as one phrase
BALANCE = 0.35  # cost per em a line is off the even length
EXTRA_LINE = 4.0  # one line more than the fewest is worth it only for much better breaks


def east_asian_width(text: str) -> float:
    """Width in em: full-width characters 1, others about half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in ("W", "F", "A") else 0.55
               for c in text)


@dataclass(frozen=True)
class _Cut:
    pos: int  # offset in the text
    cost: float


def _cut_cost(left: str, left_tag: str, right: str, right_tag: str) -> float | None:
    """How bad a break between two words is; None where a break is not allowed."""
    if not left or not right or NBSP in (left[-1], right[0]):
        return None
    if left[-1] in OPENING or right[0] in NO_START or right in ATTACHED_LEFT:
        return None
    if right.isspace() or left.isspace():
        return 0.0
    if left[-1] in PAUSE or left[-1] in CLOSING:
        return 0.5
    if right[0] in OPENING:
        return 2.0
    if right_tag.startswith(("p", "c")) or right in PREPOSITIONS:
        return 2.0
    if left in ("的", "之"):
        return 10.0
    if left_tag.startswith(("p", "c")):  # 关于 | 调整: a preposition belongs with what follows
        return 16.0
    if left_tag.startswith(("n", "vn")) and right_tag.startswith("v") and not right_tag.startswith("vn"):
        return 5.0  # subject | predicate
    if left_tag.startswith("v") and not left_tag.startswith("vn") and right_tag.startswith("n"):
        return 6.0  # verb | object
    if left_tag.startswith(("m", "q")) or right_tag.startswith(("q", "f")):
        return 14.0  # 三个 | 代表, 体系 | 中
    if left_tag.startswith(("a", "b", "d")):
        return 10.0  # a modifier belongs with its head
    return 8.0


def _cuts(text: str) -> list[_Cut]:
    """Every place the text may break, with its cost; char positions inside words last."""
    from pipeline.segment import tagged

    tokens: list[tuple[str, str]] = []
    for word, tag in tagged(text):
        # rjieba keeps a run of spaces or of punctuation as one token; split it per character
        if len(word) > 1 and all(not ch.isalnum() for ch in word):
            tokens.extend((ch, "x") for ch in word)
        else:
            tokens.append((word, tag))
    cuts: dict[int, float] = {}
    pos = depth = 0
    for i, (word, tag) in enumerate(tokens):
        if i:
            cost = _cut_cost(tokens[i - 1][0], tokens[i - 1][1], word, tag)
            if cost is not None:
                cuts[pos] = cost + (INSIDE_QUOTES if depth > 0 and cost > 1 else 0.0)
        depth += sum(ch in OPENING for ch in word) - sum(ch in CLOSING for ch in word)
        if len(word) > 1 and not word.isascii():  # inside a word: only if nothing else fits
            for k in range(1, len(word)):
                cuts.setdefault(pos + k, INSIDE_WORD)
        pos += len(word)
    return [_Cut(p, c) for p, c in sorted(cuts.items())]


def break_title(text: str, per_line: float, measure: Measure = east_asian_width,
                max_lines: int = 16) -> list[str]:
    """``text`` as lines of at most ``per_line`` em each, broken where a reader would.

    A title that fits stays one line; an empty one gives no lines.  A space at a
    break is dropped.  If even the worst allowed breaks cannot make it fit in
    ``max_lines``, the lines that come closest are returned.
    """
    text = " ".join(text.split())
    if not text:
        return []
    if measure(text) <= per_line:
        return [text]
    # 策 划 书: letter spacing, not parts; its spaces never break
    text = _LETTER_SPACED.sub(lambda m: m.group(0).replace(" ", NBSP), text)
    parts: list[str] = []
    for part in (p for p in _PART_SPACE.split(text) if p):
        if parts and (len(part) < MIN_LINE or len(parts[-1]) < MIN_LINE):
            parts[-1] += " " + part  # a part of one or two characters is no line of its own
        else:
            parts.append(part)
    if len(parts) > 1:  # a title in parts (主题 副题, 发文机关 标题): each part starts a line
        lines = [ln for part in parts for ln in break_title(part, per_line, measure, max_lines)]
    else:
        lines = _break(text, per_line, measure, max_lines)
    return [ln.replace(NBSP, " ") for ln in lines]


def _break(text: str, per_line: float, measure: Measure, max_lines: int) -> list[str]:
    if measure(text) <= per_line:
        return [text]
    cuts = [_Cut(0, 0.0)] + _cuts(text) + [_Cut(len(text), 0.0)]

    def line(a: int, b: int) -> str:
        return text[cuts[a].pos:cuts[b].pos].strip()

    n_cuts = len(cuts)
    total = measure(text.replace(" ", ""))
    found: list[tuple[float, list[int]]] = []
    for lines in range(2, max_lines + 1):
        best = _best_partition(cuts, n_cuts, lines, per_line, total / lines, line, measure)
        if best is not None:
            found.append((best[0] + EXTRA_LINE * len(found), best[1]))
            if len(found) == 2:
                break
    if not found:  # nothing fits: the cheapest split into max_lines, overfull
        best = _best_partition(cuts, n_cuts, max_lines, float("inf"), total / max_lines, line,
                               measure)
        found = [best] if best else []
    if not found:
        return [text]
    path = min(found, key=lambda f: f[0])[1]
    return [line(a, b) for a, b in zip(path, path[1:], strict=False)]


def _best_partition(cuts: list[_Cut], n_cuts: int, lines: int, per_line: float, target: float,
                    line: Callable[[int, int], str],
                    measure: Measure) -> tuple[float, list[int]] | None:
    """Cost and cut indices (first 0, last n_cuts-1) of the cheapest partition into ``lines``."""
    inf = float("inf")
    # cost[k][j]: cheapest way to set the first k lines ending at cut j
    cost = [[inf] * n_cuts for _ in range(lines + 1)]
    back = [[-1] * n_cuts for _ in range(lines + 1)]
    cost[0][0] = 0.0
    for k in range(1, lines + 1):
        for j in range(1, n_cuts):
            if k < lines and j == n_cuts - 1:
                continue
            for i in range(j - 1, -1, -1):
                if cost[k - 1][i] == inf:
                    continue
                text = line(i, j)
                w = measure(text)
                if w > per_line:
                    break  # earlier starts only make the line longer
                if len(text.replace(" ", "").replace(NBSP, "")) < MIN_LINE:
                    continue
                c = cost[k - 1][i] + BALANCE * abs(w - target) + (cuts[j].cost if k < lines else 0)
                if c < cost[k][j]:
                    cost[k][j], back[k][j] = c, i
    if cost[lines][n_cuts - 1] == inf:
        return None
    path, j = [n_cuts - 1], n_cuts - 1
    for k in range(lines, 0, -1):
        j = back[k][j]
        path.append(j)
    return cost[lines][n_cuts - 1], path[::-1]
