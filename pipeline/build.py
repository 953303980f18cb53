"""One build: read each source, enrich it, hand it to each requested writer."""

from __future__ import annotations

from pathlib import Path

from pipeline.model import Document
from pipeline.options import BuildOptions


def load(source: str) -> Document:
    from pipeline.readers import read

    return read(source)


def prepare(doc: Document, opts: BuildOptions) -> Document:
    """Attach the study aids the options ask for."""
    from pipeline.enrich import enrich

    return enrich(doc, opts.aids)


def run_build(sources: list[str], formats: list[str], opts: BuildOptions,
              compile_: bool = False) -> list[Path]:
    from pipeline.writers import get_writer

    docs = [prepare(load(s), opts) for s in sources]
    written: list[Path] = []
    if compile_:
        from pipeline.writers.booklet import write_compilation

        written.extend(write_compilation(docs, opts))
        formats = [f for f in formats if f != "pdf"]
    for doc in docs:
        for fmt in formats:
            written.extend(get_writer(fmt)(doc, opts))
    return written
