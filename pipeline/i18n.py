"""Messages in the user's language: English, or Chinese for a Chinese locale.

Every message a person reads (errors and warnings, ``--help``, the ``check``
report, the page and its API errors) is written in English in the code and
goes through ``_()`` (or ``ngettext``); the catalogs are
``pipeline/locale/<folder>/LC_MESSAGES/studykit.po``, kept with Babel by
``scripts/messages.py`` (``make messages``), which also compiles the ``.mo``
files that ship in the package.  ``N_()`` only marks a message for extraction
where it is translated later (a help text, a label in a table).

The language: ``--lang`` on the command line (``set_language``), else
``STUDYKIT_LANG``, else the locale as gettext reads it (``LANGUAGE``,
``LC_ALL``, ``LC_MESSAGES``, ``LANG``): Chinese for any ``zh*``, English
otherwise.  The page chooses per request (``use_language`` with the browser's
``Accept-Language``); the choice is a context variable, so threads and tasks
serving other requests keep theirs.
"""

from __future__ import annotations

import contextlib
import functools
import gettext
import os
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

DOMAIN = "studykit"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# Our language codes → the catalog's folder (None: the English of the code itself).
LANGUAGES: dict[str, str | None] = {"en": None, "zh": "zh_CN"}
ENV = "STUDYKIT_LANG"  # set by --lang for the worker processes a build starts

_request_language: ContextVar[str | None] = ContextVar("studykit_language", default=None)
_process_language: str | None = None
_UNSET = object()
_inherited: object = _UNSET  # STUDYKIT_LANG as this process found it, before set_language
_inherited_language: str | None = None  # and LANGUAGE


def normalize(value: str | None) -> str | None:
    """"zh_CN.UTF-8", "zh-Hans", "zh" → "zh"; "en_US", "C", "POSIX" → "en"; else None."""
    if not value:
        return None
    code = value.strip().replace("-", "_").split(".")[0].split("@")[0].lower()
    if code.startswith("zh"):
        return "zh"
    if code.startswith("en") or code in ("c", "posix"):
        return "en"
    return None


def language_from_environment(environ: dict[str, str] | None = None) -> str:
    """STUDYKIT_LANG, else the first of LANGUAGE, LC_ALL, LC_MESSAGES, LANG that is set
    (gettext's order); Chinese for zh*, English for anything else."""
    env = os.environ if environ is None else environ
    chosen = normalize(env.get(ENV))
    if chosen:
        return chosen
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if value:
            return "zh" if normalize(value.split(":")[0]) == "zh" else "en"
    return "en"


def default_language() -> str:
    """The language the environment asks for, as this process was started (what an earlier
    ``set_language`` wrote into STUDYKIT_LANG for its workers does not count)."""
    if _inherited is _UNSET:
        return language_from_environment()
    env = {k: v for k, v in os.environ.items() if k not in (ENV, "LANGUAGE")}
    if isinstance(_inherited, str):
        env[ENV] = _inherited
    if isinstance(_inherited_language, str):
        env["LANGUAGE"] = _inherited_language
    return language_from_environment(env)


def current() -> str:
    """The language messages are put in here and now: "en" or "zh"."""
    return _request_language.get() or _process_language or language_from_environment()


def set_language(language: str) -> None:
    """The process's language (the command line's choice), for this process and the
    processes it starts (workers, and Click's own messages through gettext's domain)."""
    global _process_language, _inherited, _inherited_language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    if _inherited is _UNSET:
        _inherited, _inherited_language = os.environ.get(ENV), os.environ.get("LANGUAGE")
    _process_language = language
    os.environ[ENV] = language
    # Click's messages go through gettext's global domain: ours, in the chosen language.
    os.environ["LANGUAGE"] = LANGUAGES[language] or "en"
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)


@contextlib.contextmanager
def use_language(language: str | None) -> Iterator[None]:
    """Messages made inside the block (in this thread or task) are in ``language``."""
    token = _request_language.set(language if language in LANGUAGES else None)
    try:
        yield
    finally:
        _request_language.reset(token)


def from_accept_language(header: str | None) -> str | None:
    """The language an HTTP ``Accept-Language`` header prefers among ours (None: neither)."""
    best: tuple[float, int, str] | None = None
    for i, part in enumerate((header or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        language = normalize(tag) if tag.strip() not in ("", "*") else None
        if language and quality > 0 and (best is None or (quality, -i) > best[:2]):
            best = (quality, -i, language)
    return best[2] if best else None


@functools.cache
def catalog(language: str) -> gettext.NullTranslations:
    """The translations of one language (English: the messages as written)."""
    folder = LANGUAGES.get(language)
    if folder is None:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, str(LOCALE_DIR), languages=[folder], fallback=True)


def _(message: str) -> str:
    """``message`` in the current language."""
    return catalog(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the current language."""
    return catalog(current()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs; it is translated where it is shown."""
    return message
