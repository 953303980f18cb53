"""Keep the message catalogs (``make messages``): extract, merge, compile, with Babel.

1. Extract every message of ``pipeline/`` — calls of ``_``, ``N_`` and
   ``ngettext``, plus what Click shows without our calling ``_``: the docstrings
   of commands (their help) and the ``help=`` texts of options — and Click's own
   messages (usage errors, "Usage:", "Show this message and exit." …) from the
   installed Click.
2. Merge them into each ``pipeline/locale/<folder>/LC_MESSAGES/studykit.po``
   (new messages come in untranslated, gone ones are dropped).
3. Compile each ``.po`` into the ``.mo`` that ships in the package.

The ``.mo`` files are committed rather than compiled when the wheel is built:
an editable install, a wheel and a source checkout all read the same files, the
build needs nothing but setuptools, and ``tests/test_messages.py`` fails while a
``.mo`` is stale or a message has no translation.

    python scripts/messages.py            # extract, merge, compile
    python scripts/messages.py --check    # only say what is missing (exit 1 if anything)
"""

from __future__ import annotations

import ast
import datetime
import inspect
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pipeline"
LOCALE = PACKAGE / "locale"
DOMAIN = "studykit"
CATALOGS = {"zh_CN": "zh_Hans_CN"}  # folder → Babel locale
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
# Click's modules whose messages a studykit command can show (not its prompts, pager,
# editor or Windows console).
CLICK_MODULES = ("core.py", "exceptions.py", "types.py", "parser.py", "decorators.py",
                 "formatting.py", "shell_completion.py")
_COMMAND_DECORATORS = ("command", "group")

Message = tuple[str, int, "str | tuple[str, str]"]  # file, line, message (or singular, plural)


def _help_texts(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Command docstrings and ``help=`` texts: what Click prints as help, translated when
    it is shown (``pipeline.cli``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            decorated = any(
                isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                and d.func.attr in _COMMAND_DECORATORS for d in node.decorator_list)
            doc = ast.get_docstring(node, clean=False)
            if decorated and doc:
                text = inspect.cleandoc(doc).partition("\f")[0]
                yield node.body[0].lineno, text
        elif isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "help" and isinstance(kw.value, ast.Constant) \
                        and isinstance(kw.value.value, str):
                    yield kw.value.lineno, inspect.cleandoc(kw.value.value)


def _calls(path: Path, source: str) -> Iterator[tuple[int, str | tuple[str, str]]]:
    for lineno, _func, message, _comments in extract_python(
            io.BytesIO(source.encode("utf-8")), KEYWORDS, [], {"encoding": "utf-8"}):
        if isinstance(message, tuple):  # ngettext: (singular, plural, None)
            if message[0] and message[1]:
                yield lineno, (message[0], message[1])
        elif message:
            yield lineno, message


def extract() -> list[Message]:
    """Every message of the package and of Click's modules, in a stable order."""
    found: list[Message] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT).as_posix()
        found += [(rel, line, msg) for line, msg in _calls(path, source)]
        found += [(rel, line, msg) for line, msg in _help_texts(ast.parse(source))]
    import click

    click_dir = Path(click.__file__).parent
    for name in CLICK_MODULES:
        source = (click_dir / name).read_text(encoding="utf-8")
        found += [(f"click/{name}", line, msg) for line, msg in _calls(click_dir / name, source)]
    return found


def template() -> Catalog:
    """The .pot: every message once, with where it is used."""
    from importlib import metadata

    pot = Catalog(domain=DOMAIN, project="studykit", version="", msgid_bugs_address="",
                  copyright_holder="", charset="utf-8", creation_date=_STABLE,
                  revision_date=_STABLE)
    for where, line, message in extract():
        pot.add(message, locations=[(where, line)])
    pot.header_comment = (f"# Messages of studykit and of Click {metadata.version('click')}.\n"
                          "# Made by scripts/messages.py (make messages); translate in "
                          "pipeline/locale/*/LC_MESSAGES/studykit.po.")
    return pot


# The catalogs' dates: git keeps the history, so a date that changes on every run would
# only make every `make messages` a diff.
_STABLE = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)


def _header(catalog: Catalog, folder: str) -> None:
    catalog.project, catalog.version = "studykit", ""
    catalog.copyright_holder, catalog.msgid_bugs_address = "", ""
    catalog.last_translator = catalog.language_team = "studykit"
    catalog.creation_date = catalog.revision_date = _STABLE
    catalog.fuzzy = False
    catalog.header_comment = (f"# studykit's messages in {folder}: edit the msgstr lines; "
                              "`make messages` merges new messages in.")


def po_path(folder: str) -> Path:
    return LOCALE / folder / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(folder: str) -> Catalog:
    path = po_path(folder)
    if not path.exists():
        return Catalog(locale=CATALOGS[folder], domain=DOMAIN, charset="utf-8")
    with path.open("rb") as f:
        return read_po(f, locale=CATALOGS[folder], domain=DOMAIN)


def missing(catalog: Catalog, pot: Catalog) -> list[str]:
    """Messages of ``pot`` without a (non-fuzzy) translation in ``catalog``."""
    out = []
    for msg in pot:
        if not msg.id:
            continue
        have = catalog.get(msg.id)
        strings = have.string if have is not None else None
        done = all(strings) if isinstance(strings, tuple | list) else bool(strings)
        if have is None or not done or have.fuzzy:
            out.append(msg.id if isinstance(msg.id, str) else msg.id[0])
    return out


def compile_mo(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def main(argv: list[str]) -> int:
    pot = template()
    status = 0
    for folder in CATALOGS:
        catalog = read(folder)
        if "--check" not in argv:
            catalog.update(pot, no_fuzzy_matching=True)
            catalog.obsolete.clear()
            _header(catalog, folder)
            path = po_path(folder)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as f:
                write_po(f, catalog, width=100, sort_output=False, omit_header=False,
                         ignore_obsolete=True)
            path.with_suffix(".mo").write_bytes(compile_mo(catalog))
        todo = missing(catalog, pot)
        print(f"{po_path(folder).relative_to(ROOT)}: {len(pot)} messages, "
              f"{len(todo)} without a translation")
        for message in todo[:50]:
            print(f"    {message!r}")
        status = status or (1 if todo else 0)
    return status if "--check" in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
