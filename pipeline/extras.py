"""Optional parts of studykit, installed as extras: ``pip install 'studykit[serve]'``.

The base install builds everything from the command line.  A command that needs
an extra checks for it first and, when a part is missing, stops with one line
naming the extra to install (exit 5).  The names here are the distributions of
``[project.optional-dependencies]`` in pyproject.toml (a test keeps them alike).
"""

from __future__ import annotations

from importlib import metadata

from pipeline.errors import EnvironmentProblem
from pipeline.i18n import ngettext

EXTRAS: dict[str, tuple[str, ...]] = {
    "serve": ("fastapi", "uvicorn", "python-multipart", "tomlkit"),
    "watch": ("watchdog",),
    "dask": ("distributed",),
}


def missing(extra: str) -> list[str]:
    """The distributions of ``extra`` that are not installed."""
    absent = []
    for name in EXTRAS[extra]:
        try:
            metadata.distribution(name)
        except metadata.PackageNotFoundError:
            absent.append(name)
    return absent


def install_hint(extra: str) -> str:
    return f"pip install 'studykit[{extra}]'"


def require(extra: str) -> None:
    """Raise ``EnvironmentProblem`` naming the extra when any of its parts is missing."""
    absent = missing(extra)
    if absent:
        raise EnvironmentProblem(ngettext(
            "studykit {extra} needs {parts}, which is not installed: {command}",
            "studykit {extra} needs {parts}, which are not installed: {command}",
            len(absent)).format(extra=extra, parts=", ".join(absent),
                                command=install_hint(extra)))
