"""Chinese word segmentation, shared by the study aids (ranking) and the writers (title breaks).

rjieba (the Python binding of jieba-rs) carries its dictionary inside the wheel:
nothing is downloaded or cached at run time.  Importing it costs ~0.15 s, so it
is imported on first use, never at module import.  The formulations of the
built-in glossary (``四个意识``, ``两个确立``…) are added as words, so they are
never split (long ones stay phrases of several words).
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterator
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


def tagged(text: str) -> tuple[tuple[str, str], ...]:
    """(word, part-of-speech tag) pairs; tags as jieba's: n noun, v verb, p preposition…
    Cached: the aids ask about the same sentences and clauses more than once.  A long
    text (a whole paragraph) is not kept: 16,384 of them could hold the whole source
    many times over (a 4 MB run-on paragraph held 150 MB)."""
    if len(text) > CACHE_CHARS:
        return _tag(text)
    return _tagged(text)


CACHE_CHARS = 400


@functools.lru_cache(maxsize=16384)
def _tagged(text: str) -> tuple[tuple[str, str], ...]:
    return _tag(text)


def _tag(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((w, t) for w, t in _engine().tag(text)) if text else ()


class Bounds:
    """Offsets at which a word starts or ends, one byte per character of the text.

    A set of ints took ~60 bytes per word, and the list of words behind it as much
    again: 400 MB for a 4 MB text.  ``pos in bounds`` as before.
    """

    def __init__(self, size: int) -> None:
        self.marks = bytearray(size + 1)

    def __contains__(self, pos: object) -> bool:
        return isinstance(pos, int) and 0 <= pos < len(self.marks) and bool(self.marks[pos])

    def __iter__(self) -> Iterator[int]:
        """The offsets, in order."""
        return (i for i, mark in enumerate(self.marks) if mark)


# jieba segments runs of Han characters and ASCII word characters separately: cutting the
# text after any other character (punctuation, a space) leaves every run whole.
_SEGMENT_CUT = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1fa-zA-Z0-9+#&._%\-]")
_CHUNK = 8192


def word_bounds(text: str) -> Bounds:
    """Offsets at which a word starts or ends: the only places a line may break.

    Segmented a few thousand characters at a time (cut where jieba would cut anyway),
    so memory does not grow with the text beyond the one-byte-per-character marks.
    """
    bounds = Bounds(len(text))
    bounds.marks[0] = 1
    start = 0
    while start < len(text):
        end = len(text)
        if end - start > _CHUNK:
            cut = _SEGMENT_CUT.search(text, start + _CHUNK)
            end = cut.end() if cut else len(text)
        pos = start
        for word in words(text[start:end]):
            pos += len(word)
            bounds.marks[pos] = 1
        start = end
    return bounds


def is_noun(tag: str) -> bool:
    return tag.startswith(NOUN_TAGS)
