"""名词解释: formulations found in the text, defined only from sourced data.

The built-in table (``pipeline/data/glossary.toml``) holds sourced definitions;
users add or override entries with their own TOML files.  A formulation the
parser found but no table defines is listed with an empty definition — a blank
for the study group to fill, never an invented one.
"""

from __future__ import annotations

import dataclasses
import tomllib
from importlib import resources
from pathlib import Path

from pipeline.enrich.text import document_text
from pipeline.errors import InputError
from pipeline.model import Document, GlossaryEntry

LIMIT = 40

Table = dict[str, GlossaryEntry]


def _parse(data: dict, name: str) -> Table:
    table: Table = {}
    for term, value in data.items():
        if not isinstance(value, dict):
            raise InputError(f"{name}: entry '{term}' must be a table with a definition "
                             f"(write [\"{term}\"] then definition = \"…\")")
        definition = value.get("definition", "")
        source = value.get("source", "")
        if not isinstance(definition, str) or not isinstance(source, str):
            raise InputError(f"{name}: entry '{term}': definition and source must be text")
        unknown = set(value) - {"definition", "source"}
        if unknown:
            raise InputError(f"{name}: entry '{term}': unknown field '{sorted(unknown)[0]}' "
                             "(use definition and source)")
        term = term.strip()
        if not term:
            raise InputError(f"{name}: an entry has an empty name")
        table[term] = GlossaryEntry(term=term, definition=definition.strip(), source=source.strip())
    return table


def builtin_glossary() -> Table:
    text = resources.files("pipeline").joinpath("data/glossary.toml").read_text("utf-8")
    return _parse(tomllib.loads(text), "glossary.toml")


def load_glossary(files: list[Path] | None = None) -> Table:
    """The built-in table overlaid with each user file in turn (later files win)."""
    table = builtin_glossary()
    for path in files or []:
        name = str(path)
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise InputError(f"{name}: glossary file not found") from exc
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: glossary file is not UTF-8") from exc
        except OSError as exc:
            raise InputError(f"{name}: cannot read glossary ({exc.strerror or exc})") from exc
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{name}: not a valid TOML glossary: {exc}") from exc
        table.update(_parse(data, name))
    return table


def glossary(doc: Document, table: Table | None = None, limit: int = LIMIT) -> list[GlossaryEntry]:
    """Formulations of the text (the parser's and the table's), in order of first use."""
    table = load_glossary() if table is None else table
    text = document_text(doc)
    found: dict[str, int] = {}
    for term in doc.terms:
        if term.kind == "formulation" and term.text and term.text not in found:
            pos = text.find(term.text)
            found[term.text] = pos if pos >= 0 else len(text)
    for term in table:
        if term not in found:
            pos = text.find(term)
            if pos >= 0:
                found[term] = pos
    ordered = sorted(found, key=lambda t: (found[t], t))[:limit]
    return [dataclasses.replace(table[t]) if t in table else GlossaryEntry(term=t)
            for t in ordered]
