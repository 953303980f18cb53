"""Output names for sources that share a title: the title plus what tells them apart.

Two 政府工作报告 of different years must not write into one folder.  The build
reads every source's title, date and publisher first (remembered per content
hash, so a rebuild reads nothing), and a group of sources with one title gets
the title plus the shortest distinguishing detail: the year, else the full
date, else the publisher, else the file name — 政府工作报告（2024年）.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from pipeline.outputs import safe_name

STEM_CHARS = 40


@dataclass(frozen=True)
class Identity:
    """What a source's outputs may be named after."""

    stem: str  # the usual name: the title made safe (or the file name without a title)
    title: str = ""
    date: str = ""  # ISO
    source: str = ""  # publisher
    file: str = ""  # the source's file name


def _distinct(values: list[str]) -> bool:
    return all(values) and len(set(values)) == len(values)


def _cn_date(iso: str) -> str:
    from pipeline.writers.context import cn_date

    return cn_date(iso)


def _details(group: list[Identity]) -> list[str]:
    """The first detail that tells every source of the group apart."""
    years = [i.date[:4] for i in group]
    if _distinct(years):
        return [f"{y}年" for y in years]
    if _distinct([i.date for i in group]):
        return [_cn_date(i.date) for i in group]
    if _distinct([i.source for i in group]):
        return [i.source for i in group]
    stems = [PurePath(i.file).stem for i in group]
    if _distinct(stems):
        return stems
    return [f"{s or 'source'}-{n}" for n, s in enumerate(stems, 1)]


def distinct_stems(identities: dict[str, Identity]) -> dict[str, str]:
    """For sources whose usual names collide, a distinct name each; others are left out."""
    groups: dict[str, list[str]] = {}
    for key, ident in identities.items():
        groups.setdefault(ident.stem.casefold(), []).append(key)  # Windows and macOS ignore case
    out: dict[str, str] = {}
    for keys in groups.values():
        if len(keys) < 2:
            continue
        group = [identities[k] for k in keys]
        for key, ident, detail in zip(keys, group, _details(group), strict=True):
            # the title is shortened, never the detail that tells the outputs apart
            out[key] = safe_name(f"{ident.stem[:STEM_CHARS]}（{detail}）", fallback=ident.stem)
    taken = {i.stem.casefold() for k, i in identities.items() if k not in out}
    for key in sorted(out):  # a cut name (safe_name's limit) could still collide: number it
        stem, n = out[key], 2
        while stem.casefold() in taken:
            stem, n = f"{out[key]}-{n}", n + 1
        out[key] = stem
        taken.add(stem.casefold())
    return out
