"""One way in for every command and the page: a source → the corrected, reviewed model.

    source (any reader format, or a model .json) → parse → corrections → review

``parse``, ``check``, ``build``, ``watch`` and the page all read through here,
so a correction and the warnings are the same wherever the article is seen.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.corrections import Corrections, apply
from pipeline.errors import InputError
from pipeline.i18n import _
from pipeline.model import Document

MODEL_SUFFIX = ".json"


def is_model(name: str | Path, fmt: str | None = None) -> bool:
    """A studykit model file (what `studykit parse -o FILE.json` writes)."""
    return fmt == "json" if fmt else Path(str(name)).suffix.lower() == MODEL_SUFFIX


def load_document(source: str | Path, fmt: str | None = None,
                  corrections: Corrections | None = None, ocr: bool = False,
                  encoding_errors: str = "strict") -> Document:
    """Read ``source`` ("-" is standard input) with its corrections applied and reviewed
    (``ocr``: read a PDF's scanned pages with Tesseract; ``encoding_errors``: see
    ``pipeline.readers.read_source``)."""
    from pipeline.readers import read_bytes

    data, name = read_bytes(source)
    return load_bytes(data, name, fmt, corrections, ocr, encoding_errors)


def load_bytes(data: bytes, name: str, fmt: str | None = None,
               corrections: Corrections | None = None, ocr: bool = False,
               encoding_errors: str = "strict") -> Document:
    """The same from bytes already read (the page's uploads)."""
    from pipeline.review import review

    if is_model(name, fmt):
        from pipeline.modelfile import load_model

        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(_("{name}: a model file must be UTF-8 JSON (bad byte at offset "
                               "{offset})").format(name=name, offset=exc.start)) from exc
        doc, lines = load_model(text, name), None
    else:
        from pipeline.parser import parse
        from pipeline.readers import read_source

        src = read_source(data, name, fmt, ocr=ocr, encoding_errors=encoding_errors)
        doc = parse(src)
        lines = {line.lineno: line.text for line in src.lines} if corrections else None
    return review(apply(doc, corrections, lines))
