"""The PDF booklet writer: Jinja HTML + CSS laid out by WeasyPrint.

``write`` makes ``<title>.booklet.pdf`` (reading: links, bookmarks, metadata)
and ``<title>.print.pdf`` (saddle-stitch imposed).  ``write_compilation``
makes one 学习汇编 of several articles; large ones are laid out in parallel
processes (``compilation``).  Layout lives in ``layout``; this package (with
its helpers) is the only one that imports WeasyPrint.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.errors import TemplateError
from pipeline.i18n import _
from pipeline.model import Document
from pipeline.options import BuildOptions
from pipeline.outputs import atomic_path, safe_name
from pipeline.writers import output_path
from pipeline.writers.booklet.typeset import (
    booklet_context,
    ensure_fonts,
    layout,
    render_html,
    write_pdf,
)


def _write_pair(html: str, reading: Path, printed: Path, opts: BuildOptions) -> list[Path]:
    """Lay out once; write the reading PDF, then the print PDF: the reading one plus an
    imposing update (``impose`` with pypdf if the update cannot be made)."""
    from pipeline.writers.booklet.imposition import imposition_update, written_pdf

    document = layout(html, opts)
    keep: list[Any] = []
    data = write_pdf(document, None, keep) or b""
    with atomic_path(reading) as tmp:
        tmp.write_bytes(data)
    how = imposition_of(opts)
    written = written_pdf(keep[0]) if keep else None
    update = imposition_update(written, len(data), how) if written else None
    with atomic_path(printed) as tmp:
        if update is None:
            from pipeline.writers.booklet.imposition import impose

            impose(reading, tmp, how)
        else:
            tmp.write_bytes(data + update)
    return [reading, printed]


def print_warnings(opts: BuildOptions) -> list[str]:
    """What the print PDF's sheet means for the pages (scaling, crop marks), said before a
    build by the CLI and the page."""
    from pipeline.writers.booklet.imposition import warnings
    from pipeline.writers.booklet.typeset import paper_for

    body = float(paper_for(opts).body_size.removesuffix("pt"))
    return warnings(opts.paper, opts.print_sheet, opts.crop_marks, body)


def imposition_of(opts: BuildOptions):
    """The print PDF's sheet, creep and crop marks, as the options ask."""
    from pipeline.writers.booklet.imposition import imposition_for

    return imposition_for(opts.paper, opts.print_sheet, opts.creep_mm, opts.crop_marks)


def write(doc: Document, opts: BuildOptions) -> list[Path]:
    """Write ``<title>.booklet.pdf`` and ``<title>.print.pdf`` for one document."""
    ensure_fonts()
    html = render_html(booklet_context([doc], opts, compilation=False), opts)
    return _write_pair(html, output_path(doc, opts, "booklet.pdf"),
                       output_path(doc, opts, "print.pdf"), opts)


def compilation_paths(opts: BuildOptions) -> tuple[Path, Path]:
    stem = safe_name(opts.compile_title or "学习资料汇编")
    folder = Path(opts.out_dir) / stem
    return folder / f"{stem}.booklet.pdf", folder / f"{stem}.print.pdf"


def write_compilation(docs: list[Document], opts: BuildOptions) -> list[Path]:
    """One 学习汇编: cover, one 目录, each article a chapter on a right-hand page, appendices."""
    if not docs:
        raise TemplateError(_("nothing to compile: no documents"))
    ensure_fonts()
    reading, printed = compilation_paths(opts)
    from pipeline.writers.booklet import compilation

    if compilation.use_parallel(docs):
        from pipeline.writers.booklet.imposition import impose

        with atomic_path(reading) as tmp:
            compilation.write_parallel(docs, opts, tmp)
        with atomic_path(printed) as tmp:
            impose(reading, tmp, imposition_of(opts))
        return [reading, printed]
    html = render_html(booklet_context(docs, opts, compilation=True), opts)
    return _write_pair(html, reading, printed, opts)

