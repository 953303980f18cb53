"""Readers: a file (or stdin) in any supported format and encoding → Document.

Each format module turns bytes into a ``SourceText``; the parser turns that
into the model.  Nothing here knows about writers.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pipeline.errors import InputError
from pipeline.i18n import _, ngettext
from pipeline.model import Document, Warning
from pipeline.readers.source import SourceText

MAX_BYTES = 20 * 1024 * 1024  # documented in the README: 20 MiB per source

FORMATS = {
    ".txt": "text", ".text": "text", "": "text",
    ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
    # old Word, Kingsoft WPS, RTF and OpenDocument: converted by LibreOffice (office.py)
    ".doc": "doc", ".wps": "wps", ".rtf": "rtf", ".odt": "odt",
}
# What --input-format accepts, in the order the help lists them.
INPUT_FORMATS = ("text", "markdown", "html", "docx", "pdf", "doc", "wps", "rtf", "odt")


def format_for(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(sorted(s for s in FORMATS if s))
        raise InputError(_("{name}: unsupported file type '{suffix}' (supported: {known})").format(
                             name=name, suffix=suffix, known=known))
    return FORMATS[suffix]


def source_path(path: str | Path) -> Path:
    """The path of an existing source file, or the one-line error every command gives."""
    p = Path(path)
    if not p.exists():
        raise InputError(_("{path}: no such file (check the name and the folder)").format(path=path))
    if p.is_dir():
        raise InputError(_("{path}: is a directory, not a file").format(path=path))
    return p


def read_bytes(path: str | Path) -> tuple[bytes, str]:
    """Read a source's bytes ("-" is standard input) with clear errors."""
    name = str(path)
    if name == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        name = "<stdin>"
    else:
        p = source_path(path)
        try:
            size = p.stat().st_size
            if size > MAX_BYTES:
                raise InputError(_("{name}: file too large ({size} MiB; the limit is "
                                   "{MAX_BYTES} MiB)").format(
                                     name=name, size=size // (1024 * 1024), MAX_BYTES=MAX_BYTES // (1024 * 1024)))
            data = p.read_bytes()
        except PermissionError as exc:
            raise InputError(_("{name}: permission denied (make the file readable to you)").format(name=name)) from exc
        except OSError as exc:
            raise InputError(_("{name}: cannot read ({reason})").format(
                                 name=name, reason=exc.strerror or exc)) from exc
    if len(data) > MAX_BYTES:
        raise InputError(_("{name}: input too large (the limit is {MAX_BYTES} MiB)").format(
                             name=name, MAX_BYTES=MAX_BYTES // (1024 * 1024)))
    if not data.strip():
        raise InputError(_("{name}: file is empty (nothing to read: check that it was saved whole)").format(name=name))
    return data, name


def read_source(data: bytes, name: str, fmt: str | None = None, ocr: bool = False,
                encoding_errors: str = "strict") -> SourceText:
    """Bytes of one source → SourceText, dispatching on the format.

    ``ocr``: read a PDF's scanned pages with Tesseract (otherwise a scan is refused).
    ``encoding_errors="replace"``: a text no encoding decodes cleanly is read with each
    bad byte as U+FFFD, and a warning says how many there were.
    Characters no document format may hold (C0 controls, U+FFFE/U+FFFF) are
    dropped and the line and paragraph separators U+2028/U+2029 become spaces
    wherever they are left: they are invisible, and writers (XML, WeasyPrint)
    fail on them.
    """
    from pipeline.readers.decode import decoding

    with decoding(encoding_errors) as state:
        src = _clean(_read_source(data, name, fmt, ocr))
    if state.replaced:
        src.warnings.append(Warning(
            "encoding-errors",
            ngettext("{count} byte could not be read as {encoding} and was replaced by � "
                     "(--encoding-errors replace)",
                     "{count} bytes could not be read as {encoding} and were replaced by � "
                     "(--encoding-errors replace)", state.replaced).format(
                         count=state.replaced, encoding=src.encoding or "?")))
    return src


def _read_source(data: bytes, name: str, fmt: str | None, ocr: bool) -> SourceText:
    fmt = fmt or ("text" if name == "<stdin>" else format_for(name))
    if fmt == "pdf":
        from pipeline.readers import pdf

        return pdf.read(data, name, ocr=ocr)
    if fmt == "docx" and data.startswith(b"\xd0\xcf\x11\xe0"):
        fmt = "doc"  # an old Word file (or an encrypted one) under a .docx name
    if fmt in ("doc", "wps", "rtf", "odt"):
        from pipeline.readers import office

        return office.read(data, name, fmt)
    if fmt == "docx":
        from pipeline.readers import docx

        return docx.read(data, name)
    if fmt == "html":
        from pipeline.readers import html

        return html.read(data, name)
    if fmt == "markdown":
        from pipeline.readers import markdown

        return markdown.read(data, name)
    from pipeline.readers import text

    return text.read(data, name)


_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SEPARATORS = re.compile("[\u2028\u2029]")


def _clean_text(text: str) -> str:
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    if _SEPARATORS.search(text):
        text = _SEPARATORS.sub(" ", text)
    return text


def _clean(src: SourceText) -> SourceText:
    for line in src.lines:
        line.text = _clean_text(line.text)
        if line.table is not None:
            line.table = [[_clean_text(cell) for cell in row] for row in line.table]
    for item in src.discarded:
        item.text = _clean_text(item.text)
    hints = src.hints
    hints.title, hints.subtitle, hints.source = (_clean_text(hints.title),
                                                 _clean_text(hints.subtitle),
                                                 _clean_text(hints.source))
    for author in hints.authors:
        author.name = _clean_text(author.name)
    hints.breadcrumb = [_clean_text(b) for b in hints.breadcrumb]
    return src


def read(path: str | Path, fmt: str | None = None, ocr: bool = False,
         encoding_errors: str = "strict") -> Document:
    """Read and parse one source into the model.

    ``encoding_errors="replace"`` reads a file no encoding decodes cleanly, each
    bad byte as U+FFFD; the document then carries a warning with their number.
    """
    from pipeline.parser import parse

    data, name = read_bytes(path)
    return parse(read_source(data, name, fmt, ocr, encoding_errors))
