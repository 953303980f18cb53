"""Chinese word segmentation, shared by the study aids (ranking) and the writers (title breaks).

rjieba (the Python binding of jieba-rs) carries its dictionary inside the wheel:
nothing is downloaded or cached at run time.  Importing it costs ~0.15 s, so it
is imported on first use, never at module import.  The formulations of the
built-in glossary (``四个意识``, ``两个确立``…) are added as words, so they are
never split (long ones stay phrases of several words).
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any

MAX_WORD = 6
# jieba's part-of-speech tags that mark a noun-like word (名词, 人名, 地名, 机构, 简称…)
NOUN_TAGS = ("n", "nr", "ns", "nt", "nz", "ng", "vn", "an", "j", "l", "i")


def glossary_words() -> list[str]:
    """The built-in glossary's terms and aliases (read as data, not through enrich)."""
    text = resources.files("pipeline").joinpath("data/glossary.toml").read_text("utf-8")
    out: list[str] = []
    for term, value in tomllib.loads(text).items():
        out.append(term)
        if isinstance(value, dict):
            out.extend(a for a in value.get("aliases", []) if isinstance(a, str))
    # short formulations (四个意识, 一国两制) are words; a long one (习近平新时代中国特色社会主义思想)
    # is a phrase of words and may break between them
    return [w for w in out if 2 <= len(w) <= MAX_WORD]


@functools.cache
def _engine() -> Any:
    import rjieba

    for word in glossary_words():
        rjieba.add_word(word, None, None)
    return rjieba


def words(text: str) -> list[str]:
    """The text as words, in order; joined they give the text back."""
    return list(_engine().cut(text)) if text else []


@functools.lru_cache(maxsize=16384)
def tagged(text: str) -> tuple[tuple[str, str], ...]:
    """(word, part-of-speech tag) pairs; tags as jieba's: n noun, v verb, p preposition…
    Cached: the aids ask about the same sentences and clauses more than once."""
    return tuple((w, t) for w, t in _engine().tag(text)) if text else ()


def word_bounds(text: str) -> set[int]:
    """Offsets at which a word starts or ends: the only places a line may break."""
    bounds, pos = {0}, 0
    for word in words(text):
        pos += len(word)
        bounds.add(pos)
    return bounds


def is_noun(tag: str) -> bool:
    return tag.startswith(NOUN_TAGS)
