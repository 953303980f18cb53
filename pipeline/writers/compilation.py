"""Large compilations laid out in parallel processes and merged with pypdf."""

from __future__ import annotations

from pathlib import Path

from pipeline.model import Document
from pipeline.options import BuildOptions


def use_parallel(docs: list[Document]) -> bool:
    return False


def write_parallel(docs: list[Document], opts: BuildOptions, target: Path) -> None:
    raise NotImplementedError
