"""名词解释: the formulations of the text that a glossary defines, with the defining text named.

The built-in glossary (``pipeline/data/glossary.toml``) holds the standard
formulations (提法) of study materials, each defined in the words of an
authoritative text (党章, a congress report, the Constitution…) that it names
with its year.  Users add or override entries with their own TOML files
(``--glossary``).  Nothing is invented: a formulation of the text that no
glossary defines is not printed; it is listed in ``StudyAids.undefined`` so that
``check`` can say "no definition — add it with --glossary".  Fragments are not
formulations: ``三大`` or ``五一`` (a numeral and one character) and bare numbers
(``8321``) mean something only in their sentence.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from importlib import resources
from pathlib import Path

from pipeline.enrich.text import document_text
from pipeline.errors import InputError
from pipeline.i18n import _
from pipeline.model import Document, GlossaryEntry
from pipeline.segment import word_bounds

LIMIT = 30
FIELDS = {"definition", "source", "aliases"}

Table = dict[str, GlossaryEntry]
_NUMERAL = "一二三四五六七八九十两百千万"
_FRAGMENT = re.compile(rf"^[{_NUMERAL}]+[\u4e00-\u9fff]$|^[\d.]+$|^[{_NUMERAL}]+$")


class Glossary(dict):
    """Term → entry, plus the aliases by which the text may name a term."""

    def __init__(self) -> None:
        super().__init__()
        self.aliases: dict[str, str] = {}  # alias → term

    def names(self) -> dict[str, str]:
        """Every name the text may use (terms and aliases) → the term."""
        out = {alias: term for alias, term in self.aliases.items() if term in self}
        out.update({term: term for term in self})
        return out


def _parse(data: dict, name: str, table: Glossary) -> None:
    for term, value in data.items():
        if not isinstance(value, dict):
            raise InputError(_("{name}: entry '{term}' must be a table with a definition (write "
                               "[\"{term}\"] then definition = \"…\")").format(name=name, term=term))
        definition = value.get("definition", "")
        source = value.get("source", "")
        aliases = value.get("aliases", [])
        if not isinstance(definition, str) or not isinstance(source, str):
            raise InputError(_("{name}: entry '{term}': definition and source must be text").format(
                                 name=name, term=term))
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise InputError(_("{name}: entry '{term}': aliases must be a list of text").format(
                                 name=name, term=term))
        unknown = set(value) - FIELDS
        if unknown:
            raise InputError(_("{name}: entry '{term}': unknown field '{value}' (use "
                               "definition, source and aliases)").format(
                                 name=name, term=term, value=sorted(unknown)[0]))
        term = term.strip()
        if not term:
            raise InputError(_("{name}: an entry has an empty name").format(name=name))
        table[term] = GlossaryEntry(term=term, definition=definition.strip(), source=source.strip())
        for alias in aliases:
            if alias.strip():
                table.aliases[alias.strip()] = term


def builtin_glossary() -> Glossary:
    text = resources.files("pipeline").joinpath("data/glossary.toml").read_text("utf-8")
    table = Glossary()
    _parse(tomllib.loads(text), "glossary.toml", table)
    return table


def load_glossary(files: list[Path] | None = None) -> Glossary:
    """The built-in table overlaid with each user file in turn (later files win)."""
    table = builtin_glossary()
    for path in files or []:
        name = str(path)
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise InputError(_("{name}: glossary file not found").format(name=name)) from exc
        except UnicodeDecodeError as exc:
            raise InputError(_("{name}: glossary file is not UTF-8 (save it as UTF-8)").format(name=name)) from exc
        except OSError as exc:
            raise InputError(_("{name}: cannot read glossary ({reason})").format(
                                 name=name, reason=exc.strerror or exc)) from exc
        except tomllib.TOMLDecodeError as exc:
            raise InputError(_("{name}: not a valid TOML glossary: {exc}").format(
                                 name=name, exc=exc)) from exc
        _parse(data, name, table)
    return table


def is_fragment(text: str) -> bool:
    """三大, 五一, 8321: a numeral with one character, or a bare number, says nothing alone."""
    return bool(_FRAGMENT.match(text.strip()))


def _whole_word_positions(text: str, name: str, bounds: set[int]) -> list[int]:
    """Where ``name`` occurs as whole words (党组 is not in 党组织)."""
    out, pos = [], text.find(name)
    while pos >= 0:
        if pos in bounds and pos + len(name) in bounds:
            out.append(pos)
        pos = text.find(name, pos + 1)
    return out


def found_terms(doc: Document, table: Table, limit: int = 10**6) -> tuple[list[str], list[str]]:
    """(defined terms, undefined formulations) of the text, each in order of first use.

    Defined: a glossary term or alias occurs in the text.  Undefined: a formulation the
    parser found (a quoted numbered phrase such as “四支队伍”) that no entry defines
    and that is not a fragment.
    """
    text = document_text(doc)
    names = table.names() if isinstance(table, Glossary) else {t: t for t in table}
    quoted = {t.text for t in doc.terms if t.kind == "formulation"}
    bounds = word_bounds(text)
    first: dict[str, int] = {}
    uses: dict[str, int] = {}
    for name, term in names.items():
        if not table[term].definition:
            continue
        for pos in _whole_word_positions(text, name, bounds):
            uses[term] = uses.get(term, 0) + 1
            if term not in first or pos < first[term]:
                first[term] = pos
    # a long text names more formulations than a glossary should hold: those it quotes
    # (“四个意识”) come first, then the ones it uses most
    quoted_terms = {names[q] for q in quoted if q in names}
    keep = sorted(first, key=lambda t: (t not in quoted_terms, -uses[t], first[t]))[:limit]
    first = {t: first[t] for t in keep}
    undefined: dict[str, int] = {}
    for t in doc.terms:
        name = t.text.strip()
        if t.kind != "formulation" or not name or is_fragment(name):
            continue
        term = names.get(name)
        if term is None or not table[term].definition:
            pos = text.find(name)
            undefined.setdefault(name, pos if pos >= 0 else len(text))
    defined = sorted(first, key=lambda t: (first[t], t))
    return defined, sorted(undefined, key=lambda t: (undefined[t], t))


def glossary(doc: Document, table: Table | None = None, limit: int = LIMIT) -> list[GlossaryEntry]:
    """The defined formulations of the text, in order of first use; never a blank entry."""
    table = load_glossary() if table is None else table
    defined, _ = found_terms(doc, table, limit)
    return [dataclasses.replace(table[t]) for t in defined]
