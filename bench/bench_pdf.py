#!/usr/bin/env python3
"""PDF reading speed against pdftotext, in one run (`make bench`; not part of the tests).

Makes a 50-page text PDF once (WeasyPrint: the 20th Congress report set twice over in
12 pt on A4, with its headings, a running head and folios), then times on that file:

- ``read_source`` + ``parse`` in-process: pdfium characters, lines, furniture,
  paragraphs, and the whole parser (median of runs, after one warm-up run);
- the whole ``studykit parse FILE`` command (process start included);
- ``pdftotext FILE -`` (poppler), which only extracts the text layer.

Target: the whole command under 2 s for 50 pages on these machines.

    python bench/bench_pdf.py [--pages 50] [--runs N] [--json OUT]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.timing import median_time, run_quiet  # noqa: E402

TARGET_SECONDS = 2.0
CORPUS_CANDIDATES = [
    ROOT.parent / "shared" / "corpus" / "r20_report.txt",
    Path("/work/shared/corpus/r20_report.txt"),
]
_HEAD = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")


def make_pdf(text: str, pages: int, folder: Path) -> Path:
    """The text repeated until the PDF has at least ``pages`` pages."""
    import weasyprint

    paras = [p.strip() for p in text.split("\n") if p.strip()]
    body: list[str] = []
    for p in paras:
        tag = "h2" if _HEAD.match(p) and len(p) <= 40 else "p"
        body.append(f"<{tag}>{html.escape(p)}</{tag}>")
    css = """@page { size: A4; margin: 25mm 26mm 28mm 28mm;
      @top-center { content: "学习资料"; font-size: 9pt; }
      @bottom-center { content: "— " counter(page) " —"; font-size: 10pt; } }
    body { font-family: "Noto Serif CJK SC", serif; font-size: 12pt; line-height: 1.6;
           text-align: justify; }
    p { text-indent: 2em; margin: 0; } h2 { font-size: 14pt; margin: 0.6em 0; }"""
    out = folder / f"text_{pages}p.pdf"
    copies = 1
    while True:
        doc = weasyprint.HTML(string=f"<html><head><meta charset='utf-8'><style>{css}</style>"
                                     f"</head><body>{''.join(body * copies)}</body></html>"
                              ).render()
        if len(doc.pages) >= pages or copies > 20:
            break
        copies = max(copies + 1, int(copies * pages / max(len(doc.pages), 1)))
    # cut to the wanted page count so every run measures the same thing
    doc.copy(doc.pages[:pages]).write_pdf(out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=50)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    source = next((p for p in CORPUS_CANDIDATES if p.is_file()), None)
    if source is None:
        print("bench_pdf: r20_report.txt not found beside the repository", file=sys.stderr)
        return 1
    from pipeline.parser import parse
    from pipeline.readers import read_source

    with tempfile.TemporaryDirectory() as tmp:
        pdf = make_pdf(source.read_text(encoding="utf-8"), args.pages, Path(tmp))
        data = pdf.read_bytes()
        doc = parse(read_source(data, pdf.name))
        results: dict[str, float | int | str] = {
            "pages": int(doc.read_as.split("，")[1].split()[0]),
            "paragraphs": sum(1 for _ in doc.body) + sum(len(s.body) for s in doc.walk()),
            "load": os.getloadavg()[0],
        }
        results["in_process_s"] = median_time(lambda: parse(read_source(data, pdf.name)),
                                              args.runs)
        cmd = [sys.executable, "-m", "pipeline", "parse", str(pdf), "-o", str(Path(tmp) / "o.json")]
        results["command_s"] = median_time(lambda: run_quiet(cmd), args.runs)
        if shutil.which("pdftotext"):
            results["pdftotext_s"] = median_time(
                lambda: subprocess.run(["pdftotext", str(pdf), str(Path(tmp) / "o.txt")],
                                       check=True), args.runs)
    print(f"PDF: {results['pages']} pages, {results['paragraphs']} paragraphs "
          f"(load average {results['load']:.2f})")
    print(f"  studykit read+parse in-process  {results['in_process_s']:.3f} s")
    print(f"  studykit parse (whole command)  {results['command_s']:.3f} s  "
          f"(target < {TARGET_SECONDS:g} s: {'met' if results['command_s'] < TARGET_SECONDS else 'NOT met'})")
    if "pdftotext_s" in results:
        ratio = results["command_s"] / results["pdftotext_s"]
        print(f"  pdftotext                       {results['pdftotext_s']:.3f} s  "
              f"(studykit / pdftotext = {ratio:.1f}×)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    start = time.perf_counter()
    sys.exit(main())
