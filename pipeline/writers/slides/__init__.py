"""Slides: a Marp outline (outline.md) and an editable deck (.pptx) from one slide plan.

Both are rendered in memory first and written only when both succeeded, so a
broken template never leaves one output behind without the other.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.model import Document
from pipeline.options import BuildOptions
from pipeline.outputs import write_atomic
from pipeline.writers import output_path
from pipeline.writers.slides.marp import render_outline
from pipeline.writers.slides.plan import build_plan


def write(doc: Document, opts: BuildOptions) -> list[Path]:
    """Write ``<title>.outline.md`` and ``<title>.slides.pptx``; return their paths."""
    from pipeline.writers.slides.deck import render_deck

    plan = build_plan(doc, opts)
    outline = render_outline(doc, opts, plan)
    deck = render_deck(doc, opts)
    md_path = output_path(doc, opts, "outline.md")
    pptx_path = output_path(doc, opts, "slides.pptx")
    write_atomic(md_path, outline)
    write_atomic(pptx_path, deck)
    return [md_path, pptx_path]
