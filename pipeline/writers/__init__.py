"""Writers: one per output format, each with its templates.

A writer takes an enriched Document and BuildOptions and returns the paths it
wrote.  Writers are imported lazily so that heavy libraries (WeasyPrint,
python-pptx) load only when their format is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from pipeline.model import Document
from pipeline.options import BuildOptions
from pipeline.outputs import safe_name

Writer = Callable[[Document, BuildOptions], list[Path]]

_WRITERS = {
    "docx": "pipeline.writers.handout",
    "pdf": "pipeline.writers.booklet",
    "slides": "pipeline.writers.slides",
}


def get_writer(fmt: str) -> Writer:
    module = importlib.import_module(_WRITERS[fmt])
    return module.write


def document_stem(doc: Document) -> str:
    """The file-name stem for a document's outputs: its title, made safe."""
    from pathlib import PurePath

    fallback = PurePath(doc.source_file).stem if doc.source_file else "untitled"
    return safe_name(doc.meta.title, fallback=fallback or "untitled")


def output_path(doc: Document, opts: BuildOptions, suffix: str) -> Path:
    """output/<title>/<title>.<suffix>, under ``-o DIR`` when given (``opts.output_stem``
    instead of the title when the build gave this source a name of its own)."""
    stem = opts.output_stem or document_stem(doc)
    return Path(opts.out_dir) / stem / f"{stem}.{suffix}"
