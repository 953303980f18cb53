"""A model file (the JSON `studykit parse` writes, maybe edited by hand) → Document.

Read strictly, unlike ``Document.from_json``: the file is something a person
edited, so a misspelt key, a wrong type or a bad date must stop the build with
one line that names the field (``article.json: sections[2].level: expected a
whole number ≥ 1, got "二"``), not be silently ignored.  The schema version is
checked first: a file of another version is refused with both versions named.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import types
import typing
from functools import cache
from typing import Any, Literal

from pipeline.errors import InputError
from pipeline.i18n import _
from pipeline.model import SCHEMA_VERSION, Document


class _Bad(Exception):
    def __init__(self, path: str, why: str) -> None:
        super().__init__(f"{path}: {why}" if path else why)


def load_model(text: str, name: str) -> Document:
    """Parse and validate a model file's text; ``name`` prefixes every error."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(_("{name}: not valid JSON: {error} (line {line}, column {column})")
                         .format(name=name, error=exc.msg, line=exc.lineno,
                                 column=exc.colno)) from exc
    if not isinstance(data, dict):
        raise InputError(_("{name}: not a studykit model (expected a JSON object, as "
                           "`studykit parse` writes)").format(name=name))
    if "version" not in data:
        raise InputError(_("{name}: version: missing (not a model written by `studykit "
                           "parse`?)").format(name=name))
    version = data["version"]
    if version != SCHEMA_VERSION:
        raise InputError(_("{name}: version: model version {version} is not the one this "
                           "studykit reads ({expected}); parse the source again").format(
                               name=name, version=repr(version), expected=SCHEMA_VERSION))
    try:
        _check(Document, data, "")
    except _Bad as exc:
        raise InputError(f"{name}: {exc}") from None
    return Document.from_dict(data)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _check(cls: type, data: Any, path: str) -> None:
    """``data`` is the JSON form of ``cls``: known keys only, each of its type."""
    if not isinstance(data, dict):
        raise _Bad(path, _("expected an object, got {value}").format(value=_shown(data)))
    names = [f.name for f in dataclasses.fields(cls)]
    for key in data:
        if key not in names:
            raise _Bad(_join(path, key), _("unknown field (known here: {names})").format(
                names=", ".join(names)))
    hints = _hints(cls)
    for f in dataclasses.fields(cls):
        where = _join(path, f.name)
        if f.name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise _Bad(where, "missing")
            continue
        _value(hints[f.name], data[f.name], where)
        if f.name == "date" and data[f.name] is not None:
            _date(data[f.name], where)
        if f.name == "level" and cls.__name__ == "Section" and data[f.name] < 1:
            raise _Bad(where, _("expected a whole number ≥ 1, got {value}").format(
                value=data[f.name]))


def _value(hint: Any, value: Any, path: str) -> None:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return
        hint = next(o for o in options if o is not type(None))
        origin = typing.get_origin(hint)
    if origin is list:
        if not isinstance(value, list):
            raise _Bad(path, _("expected a list, got {value}").format(value=_shown(value)))
        (item,) = typing.get_args(hint)
        for i, v in enumerate(value):
            _value(item, v, f"{path}[{i}]")
    elif origin is Literal:
        allowed = typing.get_args(hint)
        if value not in allowed:
            raise _Bad(path, _("{value} is not one of {choices}").format(
                value=_shown(value), choices=", ".join(map(repr, allowed))))
    elif dataclasses.is_dataclass(hint):
        _check(hint, value, path)
    elif hint is bool:
        if not isinstance(value, bool):
            raise _Bad(path, _("expected true or false, got {value}").format(value=_shown(value)))
    elif hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad(path, _("expected a whole number, got {value}").format(value=_shown(value)))
    elif hint is str:
        if not isinstance(value, str):
            raise _Bad(path, _("expected a string, got {value}").format(value=_shown(value)))
    else:  # pragma: no cover - a model field of a type this checker does not know
        raise TypeError(f"modelfile: no check for {hint!r}")


def _date(value: str, path: str) -> None:
    try:
        ok = datetime.date.fromisoformat(value).isoformat() == value
    except ValueError:
        ok = False
    if not ok:
        raise _Bad(path, _("{value} is not a date like 2024-03-05 (or null)").format(
            value=repr(value)))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"
