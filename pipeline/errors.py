"""The tool's own errors: each becomes one line on stderr and an exit code.

Anything else escaping to the CLI is a bug and is reported as such.
"""

from __future__ import annotations

# Exit codes, documented in the README.
EXIT_OK = 0
EXIT_INPUT = 2  # a source could not be read or parsed
EXIT_TEMPLATE = 3  # a template is missing or broken
EXIT_OUTPUT = 4  # an output could not be written
EXIT_ENVIRONMENT = 5  # a font or system package is missing
EXIT_BUG = 70  # an unexpected internal error


class StudykitError(Exception):
    """Base class: ``str(err)`` is the one line shown to the user."""

    exit_code = EXIT_INPUT


class InputError(StudykitError):
    exit_code = EXIT_INPUT


class TemplateError(StudykitError):
    exit_code = EXIT_TEMPLATE


class OutputError(StudykitError):
    exit_code = EXIT_OUTPUT


class EnvironmentProblem(StudykitError):
    exit_code = EXIT_ENVIRONMENT


class UsageProblem(StudykitError):
    """The command line asks for what cannot be done as given (e.g. overwriting without
    --force, `-o -` with several outputs): exit 2, like a wrong option."""

    exit_code = EXIT_INPUT


def plain_reason(exc: BaseException) -> str:
    """Why a library call failed, in words for a one-line message.

    Never a Python type name or an object's repr (``KeyError``, ``<_io.BytesIO
    object at 0x…>``): users read these lines, not programmers.
    """
    import zipfile
    import zlib

    from pipeline.i18n import _

    if isinstance(exc, MemoryError):
        return _("not enough memory")
    if isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError):
        return _("damaged or truncated zip archive")
    if isinstance(exc, KeyError):
        missing = str(exc.args[0]) if exc.args else ""
        return _("'{part}' is missing").format(part=missing) if missing else _("a part is missing")
    if isinstance(exc, UnicodeError):
        return _("text in an unreadable encoding")
    if isinstance(exc, ZeroDivisionError):
        return _("division by zero")
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if " object at 0x" in text:
        import re

        text = re.sub(r"<[^<>]* object at 0x[0-9a-f]+>", _("the file"), text)
    if type(exc).__module__.startswith("lxml") or type(exc).__name__ == "XMLSyntaxError":
        return _("damaged XML ({detail})").format(detail=text) if text else _("damaged XML")
    return text[:160] or _("unreadable")
