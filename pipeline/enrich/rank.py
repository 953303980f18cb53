"""How central each sentence is: TextRank over segmented words, plus the genre's cues.

TextRank (Mihalcea & Tarau, 2004): sentences are nodes, two sentences are linked
by the content words they share (normalised by their lengths), and PageRank
over that graph says which sentences the rest of the text keeps coming back to.
Content words are rjieba's nouns, verbs and adjectives of two or more
characters, less a few that every sentence of a political text uses.

The cues are what an editor looks for in a study text: a thesis says 必须, 要,
坚持, 关键, 根本; a definition says “X是……的”; a regulation's provision says
应当, 不得; a notice's requirement says 要, 请, and gives a date.  A sentence
that opens with 这/此/同时 leans on the one before it and makes a poor excerpt.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from pipeline.enrich.sentences import Sentence
from pipeline.segment import tagged

CONTENT_TAGS = ("n", "v", "a", "j", "l", "i")
STOP = frozenset(["是", "要", "有", "在", "把", "和", "与", "及", "等", "为", "对", "我们", "进行", "工作", "一个", "这个", "没有", "不断", "更加", "着力", "坚持", "推进", "推动", "加强", "全面", "深入", "进一步", "实现", "提高", "发展", "建设", "问题", "方面", "重要", "工作", "做好", "开展", "作为", "通过", "同时", "已经", "就是", "可以", "需要", "能够", "不是", "主要", "成为", "不能", "具有", "其中", "各级", "相关", "有关"])

CUES: dict[str, tuple[tuple[str, float], ...]] = {
    "thesis": (("必须", 1.6), ("关键", 1.3), ("根本", 1.3), ("首要", 1.3), ("核心", 1.2),
               ("本质", 1.3), ("坚持", 1.25), ("务必", 1.3), ("要", 1.15), ("重中之重", 1.3)),
    "provision": (("应当", 1.4), ("必须", 1.4), ("不得", 1.4), ("严禁", 1.4), ("是", 1.1),
                  ("负责", 1.2), ("坚持", 1.15)),
    "requirement": (("要", 1.4), ("应", 1.3), ("须", 1.3), ("请", 1.3), ("务必", 1.4),
                    ("不得", 1.3), ("前", 1.1)),
}
GENRE_CUES = {"speech": "thesis", "commentary": "thesis", "notes": "thesis", "news": "thesis",
              "regulation": "provision", "notice": "requirement"}
DEFINING = re.compile(r"^[^，。“]{2,24}是[^。]{4,}的[^，。]{1,16}[。！]?$")
LEANS_BACK = re.compile(r"^(这|此|其|它|他们|她们|同时|但是?|因此|所以|此外|另外|而且|并且|对此|为此|"
                        r"与此同时|然而|可见|总之|综上|于是|那么|其中|上述|以上|这些|那些|据此)")
NARRATIVE = re.compile(r"^([一二三四五六七八九十百\d]+年来|过去[一二三四五六七八九十\d]+年|近年来|多年来|"
                       r"[一二三四五六七八九十\d]+年[来间中]|这些年)")
DATE = re.compile(r"\d{1,4}年\d{1,2}月(\d{1,2}日)?|\d{1,2}月\d{1,2}日|[月年]底前|之前")


@dataclass
class Ranked:
    sentence: Sentence
    words: frozenset[str]
    centrality: float  # TextRank score, mean 1
    score: float  # centrality × cues


def content_words(text: str) -> frozenset[str]:
    return frozenset(w for w, t in tagged(text)
                     if len(w) >= 2 and t.startswith(CONTENT_TAGS) and w not in STOP)


MAX_SHARING = 200  # sentences a linking word may be shared by (see textrank)


def textrank(bags: list[frozenset[str]], damping: float = 0.85, rounds: int = 40,
             common: float = 0.1, neighbours: int = 12) -> list[float]:
    """PageRank over the sentence-similarity graph; scores average 1.

    Words in more than ``common`` of the sentences link nearly everything and
    say nothing about centrality: they are left out of the links.
    """
    n = len(bags)
    if n == 0:
        return []
    where: dict[str, list[int]] = defaultdict(list)
    for i, bag in enumerate(bags):
        for w in bag:
            where[w].append(i)
    # … and at most MAX_SHARING of them: the pairs of sentences sharing a word grow with the
    # square of its count, which made a run-on text of a few common words quadratic (a 4 MB
    # one took 2 GB); below 2,000 sentences (a 60,000-character report) nothing changes.
    limit = max(3, min(int(common * n), MAX_SHARING))
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for ids in where.values():
        if len(ids) < 2 or len(ids) > limit:
            continue
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                shared[(ids[a], ids[b])] += 1
    weights: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for (i, j), k in shared.items():
        norm = math.log(len(bags[i]) + 1) + math.log(len(bags[j]) + 1)
        if norm > 0:
            weights[i].append((j, k / norm))
            weights[j].append((i, k / norm))
    # each sentence keeps its strongest links only: the ranking barely moves, the graph
    # of a 30,000-character report gets small enough to iterate in milliseconds
    links: list[dict[int, float]] = [{} for _ in range(n)]
    for i, row in enumerate(weights):
        for j, w in sorted(row, key=lambda jw: -jw[1])[:neighbours]:
            links[i][j] = links[j][i] = w
    out_weight = [sum(row.values()) for row in links]
    inbound = [[(j, w / out_weight[j]) for j, w in row.items()] for row in links]
    score = [1.0] * n
    for _ in range(rounds):
        new = [(1 - damping) + damping * sum(score[j] * w for j, w in row) for row in inbound]
        done = max(abs(a - b) for a, b in zip(new, score, strict=True)) < 1e-4
        score = new
        if done:
            break
    mean = sum(score) / n
    return [s / mean for s in score]


def cue_weight(text: str, kind: str) -> float:
    weight = 1.0
    for word, w in CUES.get(kind, ()):
        if word in text:
            weight = max(weight, w)
    if DEFINING.match(text):
        weight *= 1.2
    if kind == "requirement" and DATE.search(text):
        weight *= 1.3
    return weight


def rank(sents: list[Sentence], genre: str, heading_words: dict[int, frozenset[str]] | None = None
         ) -> list[Ranked]:
    """Every sentence with its centrality and its score for this genre, in text order."""
    bags = [content_words(s.text) for s in sents]
    central = textrank(bags)
    kind = GENRE_CUES.get(genre, "thesis")
    heading_words = heading_words or {}
    out = []
    for s, bag, c in zip(sents, bags, central, strict=True):
        score = c * cue_weight(s.text, kind)
        overlap = len(bag & heading_words.get(s.top, frozenset()))
        score *= 1 + 0.15 * min(overlap, 3)
        if LEANS_BACK.match(s.text):
            score *= 0.4
        elif NARRATIVE.match(s.text):  # 五年来，我们……: an account, not a thesis
            score *= 0.6
        out.append(Ranked(s, bag, c, score))
    return out
