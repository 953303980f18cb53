#!/usr/bin/env python3
"""Slide-deck speed against pandoc, in one run (on demand; not part of the tests).

On the seed article (or --corpus FILE), median of several runs each:

- ``render_deck`` in-process: the .pptx alone, from the enriched model;
- ``slides.write`` in-process: outline.md + .pptx, written to disk;
- the whole ``studykit build FILE --to slides`` command (process start, read,
  parse, enrich, both outputs; run as ``python -m pipeline``);
- ``pandoc -f markdown -t pptx`` on equivalent Markdown: the same slides, made
  from the same slide plan (``#`` section slides, ``##`` content, agenda,
  quotation and question slides, bullets, ``::: notes`` speaker notes).

and prints the ratios.  The fair comparison with pandoc, which always pays for
a process start and a parse of its input, is the whole command.

    python bench/bench_slides.py [--corpus FILE] [--runs N]
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.timing import median_time, run_quiet  # noqa: E402

CORPUS_CANDIDATES = [
    ROOT.parent / "shared" / "corpus" / "seed_shiyishi.txt",
    Path("/work/shared/corpus/seed_shiyishi.txt"),
]


def pandoc_markdown(plan) -> str:
    """The slide plan as pandoc slide Markdown (--slide-level 2), notes included."""
    def notes(slide) -> list[str]:
        return ["::: notes", *[n for note in slide.notes for n in (note, "")], ":::", ""] \
            if slide.notes else []

    first, out = plan[0], []
    out += ["---", f"title: \"{first.title}\""]
    if first.subtitle:
        out.append(f"subtitle: \"{first.subtitle}\"")
    out += ["author:", *[f"- \"{line}\"" for line in first.lines], "---", ""]
    out += notes(first)
    for s in plan[1:]:
        if s.kind == "section":
            out += [f"# {s.subtitle} {s.title}", ""]
        elif s.kind == "quote":
            out += [f"## {s.title}", "", f"> {s.quote}", ">", f"> {s.subtitle}", ""]
        else:
            out += [f"## {s.title}", ""]
            mark = "1." if s.kind == "closing" else "-"
            out += [f"{mark} {b}" for b in s.bullets] + [""]
        out += notes(s)
    return "\n".join(out) + "\n"


def fmt(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.1f} ms"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, help="source article (default: seed_shiyishi.txt)")
    ap.add_argument("--runs", type=int, default=7, help="runs per measurement (default 7)")
    args = ap.parse_args(argv)
    corpus = args.corpus or next((p for p in CORPUS_CANDIDATES if p.exists()), None)
    if corpus is None:
        print("bench: seed_shiyishi.txt not found; pass --corpus FILE", file=sys.stderr)
        return 2
    pandoc = shutil.which("pandoc")

    from pipeline.build import load, prepare
    from pipeline.options import BuildOptions
    from pipeline.writers import slides
    from pipeline.writers.slides.deck import render_deck
    from pipeline.writers.slides.plan import build_plan

    with tempfile.TemporaryDirectory(prefix="studykit-bench-") as tmp:
        opts = BuildOptions(out_dir=Path(tmp) / "out")
        doc = prepare(load(str(corpus)), opts)
        plan = build_plan(doc, opts)
        md = Path(tmp) / "deck.md"
        md.write_text(pandoc_markdown(plan), encoding="utf-8")
        print(f"{corpus.name}: {len(plan)} slides, "
              f"{sum(len(n) for s in plan for n in s.notes):,} characters of notes")

        deck_s = median_time(lambda: render_deck(doc, opts), args.runs)
        write_s = median_time(lambda: slides.write(doc, opts), args.runs)
        fresh = itertools.count()  # a new folder each run: no build cache can skip the work
        command_s = median_time(lambda: run_quiet(
            [sys.executable, "-m", "pipeline", "build", str(corpus), "--to", "slides",
             "-o", str(Path(tmp) / f"cmd{next(fresh)}")]), args.runs)
        pandoc_s = None
        if pandoc:
            out = Path(tmp) / "pandoc.pptx"
            pandoc_s = median_time(lambda: run_quiet(
                [pandoc, "-f", "markdown", "-t", "pptx", "--slide-level=2", str(md),
                 "-o", str(out)]), args.runs)
        else:
            print("bench: pandoc is not installed; nothing to compare with", file=sys.stderr)

    rows = [(f".pptx in-process (median of {args.runs})", fmt(deck_s)),
            ("outline.md + .pptx in-process", fmt(write_s)),
            ("studykit build --to slides, command", fmt(command_s)),
            ("pandoc -f markdown -t pptx", fmt(pandoc_s))]
    if pandoc_s:
        rows += [("in-process .pptx / pandoc", f"{deck_s / pandoc_s:.2f}"),
                 ("command / pandoc", f"{command_s / pandoc_s:.2f}")]
    for name, value in rows:
        print(f"  {name:<40} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
