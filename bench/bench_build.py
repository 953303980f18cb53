#!/usr/bin/env python3
"""Build speed, in one run (`make bench`; not part of the tests).

(a) The seed article to all outputs with one ``studykit build`` command, against the
    chain a user would otherwise run on the same text: ``pandoc -t docx`` +
    ``pandoc -t pptx`` + ``pandoc -s -t html`` and plain ``weasyprint`` for the PDF,
    on a Markdown file of the same article (title ``#``, sections ``##``, paragraphs).
    Whole commands, process start included, median of runs.  Target: ≤ 1.0×.
(b) A warm rebuild in watch mode, measured in-process with the function ``studykit
    watch`` calls on each save (``Watcher.rebuild`` on its warm worker pool): after
    touching the source (content unchanged) and after editing it (all outputs
    rebuilt).  Target: ≤ 0.4 s for all outputs of the seed.
(c) 20 corpus sources in one build, all outputs, files/s with 1 and 2 processes.

    python bench/bench_build.py [--runs N] [--skip-batch] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = Path(os.environ.get("STUDYKIT_CORPUS", ROOT.parent / "shared" / "corpus"))
SEED = CORPUS / "seed_shiyishi.txt"
STUDYKIT = [sys.executable, "-m", "pipeline"]


def timed(cmd: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def median_of(runs: int, fn) -> float:
    return statistics.median(fn() for _ in range(runs))


def markdown_of(source: Path) -> str:
    """The article as Markdown, from studykit's own reading of it (same text, same outline)."""
    from pipeline.readers import read
    from pipeline.writers.context import body_paras

    doc = read(str(source))
    lines = [f"# {doc.meta.title}", ""]
    if doc.meta.subtitle:
        lines += [doc.meta.subtitle, ""]
    marks = {"h1": "## ", "h2": "### ", "h3": "#### ", "title": "## "}
    for p in body_paras(doc):
        lines += [marks.get(p.kind, "") + (f"**{p.head.strip()}**" if p.head else "") + p.text, ""]
    return "\n".join(lines)


def bench_one_command(tmp: Path, runs: int) -> dict[str, float]:
    """Ours and the chain alternate run by run, so a change in the shared machine's load
    falls on both sides; medians of each, and the median of the runs' own ratios."""
    out = tmp / "a"

    def ours(*extra: str) -> float:
        return timed([*STUDYKIT, "build", str(SEED), "-o", str(out), "--force", "-q", *extra])

    pandoc = shutil.which("pandoc")
    if not pandoc:
        print("(a) pandoc not found: the chain is not timed", file=sys.stderr)
        return {"studykit_build_all_s": median_of(runs, ours),
                "studykit_build_all_1_process_s": median_of(runs, lambda: ours("-j", "1"))}
    md = tmp / "seed.md"
    md.write_text(markdown_of(SEED), encoding="utf-8")
    weasy = [sys.executable, "-m", "weasyprint"]

    def chain() -> float:
        return (timed([pandoc, str(md), "-t", "docx", "-o", str(tmp / "p.docx")])
                + timed([pandoc, str(md), "-t", "pptx", "-o", str(tmp / "p.pptx")])
                + timed([pandoc, str(md), "-s", "-t", "html", "-o", str(tmp / "p.html")])
                + timed([*weasy, str(tmp / "p.html"), str(tmp / "p.pdf")]))

    rows = [(ours(), ours("-j", "1"), chain()) for _ in range(runs)]
    ours_s, ours_1, chain_s = (statistics.median(col) for col in zip(*rows, strict=True))
    return {"studykit_build_all_s": ours_s, "studykit_build_all_1_process_s": ours_1,
            "pandoc_weasyprint_chain_s": chain_s, "ratio": ours_s / chain_s,
            "ratio_1_process": ours_1 / chain_s,
            "median_run_ratio": statistics.median(o / c for o, _o1, c in rows)}


def bench_watch(tmp: Path, runs: int) -> dict[str, float]:
    from pipeline.cli import make_request
    from pipeline.watch import Watcher
    from pipeline.workspace import init_workspace

    ws = tmp / "ws"
    init_workspace(ws)
    src = ws / "source" / SEED.name
    shutil.copy(SEED, src)
    params = {"sources": (), "workspace": ws, "to": None, "output_dir": None, "org": None,
              "session_date": None, "variant": None, "glossaries": (), "template_dirs": (),
              "paper": None, "print_sheet": None, "slides_template": None, "compile_": False,
              "title": "", "excerpts": None, "glossary": None, "questions": None,
              "quiz": None, "notes": None}
    watcher = Watcher(lambda: make_request(params))
    watcher.start()
    try:
        first, first_s = watcher.rebuild()
        assert len(first.of("built")) == 3, [r.error for r in first.results]
        for _ in range(2):  # warm the workers: each runs each writer once
            src.write_text(src.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
            watcher.rebuild()
        touched, edited, per_output = [], [], {}
        for i in range(max(runs, 3)):
            src.touch()
            res, secs = watcher.rebuild()
            assert len(res.of("skipped")) == 3
            touched.append(secs)
            src.write_text(src.read_text(encoding="utf-8") + f"\n这是第{i}次补充。\n",
                           encoding="utf-8")
            res, secs = watcher.rebuild()
            assert len(res.of("built")) == 3, [r.error for r in res.results]
            edited.append(secs)
            for r in res.results:
                per_output.setdefault(r.job.fmt, []).append(r.seconds)
    finally:
        watcher.close()
    return {"first_build_s": first_s, "touch_rebuild_s": statistics.median(touched),
            "edit_rebuild_all_outputs_s": statistics.median(edited),
            **{f"edit_{fmt}_job_s": statistics.median(v) for fmt, v in per_output.items()}}


def batch_sources(tmp: Path, n: int = 20) -> list[Path]:
    """n corpus files with distinct titles (outputs are named by title), topped up with
    copies of the seed whose title gets a number."""
    from pipeline.readers import read
    from pipeline.writers import document_stem

    folder = tmp / "batch"
    folder.mkdir()
    chosen: list[Path] = []
    stems: set[str] = set()
    for src in sorted(p for p in CORPUS.iterdir() if p.is_file() and p.name != "README.md"):
        stem = document_stem(read(str(src)))
        if stem not in stems and len(chosen) < n:
            stems.add(stem)
            chosen.append(Path(shutil.copy(src, folder / src.name)))
    text = SEED.read_text(encoding="utf-8")
    title = read(str(SEED)).meta.title.split()[0]
    while len(chosen) < n:
        dst = folder / f"copy{len(chosen)}_{SEED.name}"
        dst.write_text(text.replace(title, f"{title}（之{len(chosen)}）", 1), encoding="utf-8")
        chosen.append(dst)
    return chosen


def bench_batch(tmp: Path) -> dict[str, float]:
    sources = [str(p) for p in batch_sources(tmp)]
    result: dict[str, float] = {}
    for procs in (1, 2):
        out = tmp / f"batch_out_{procs}"
        secs = timed([*STUDYKIT, "build", *sources, "-o", str(out), "--force", "-q",
                      "-j", str(procs)])
        made = [p for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")]
        result[f"files_per_s_{procs}_process"] = len(sources) / secs
        result[f"seconds_{procs}_process"] = secs
        result[f"outputs_{procs}_process"] = len(made)
    result["speedup_2_vs_1"] = result["seconds_1_process"] / result["seconds_2_process"]
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-batch", action="store_true")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    if not SEED.is_file():
        print(f"bench_build: corpus not found at {CORPUS}", file=sys.stderr)
        return 1
    print(f"cores: {os.cpu_count()}, load average {os.getloadavg()[0]:.2f} (shared machine)")
    report: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        a = report["a_one_command"] = bench_one_command(tmp, args.runs)
        print(f"(a) studykit build seed, all outputs: {a['studykit_build_all_s']:.2f} s "
              f"({a['studykit_build_all_1_process_s']:.2f} s with -j 1)")
        if "ratio" in a:
            print(f"    pandoc docx + pandoc pptx + pandoc html + weasyprint: "
                  f"{a['pandoc_weasyprint_chain_s']:.2f} s")
            print(f"    ratio {a['ratio']:.2f}x ({a['ratio_1_process']:.2f}x with -j 1; median of "
                  f"the runs' own ratios {a['median_run_ratio']:.2f}x); "
                  f"target <= 1.0x: {'met' if a['ratio'] <= 1.0 else 'NOT met'}")
        b = report["b_watch"] = bench_watch(tmp, args.runs)
        print(f"(b) watch, warm: touch source -> {b['touch_rebuild_s'] * 1000:.0f} ms "
              f"(content unchanged, 3 outputs skipped)")
        jobs = ", ".join(f"{k[5:-6]} {v:.2f} s" for k, v in b.items()
                         if k.startswith("edit_") and k.endswith("_job_s"))
        print(f"    edit source -> {b['edit_rebuild_all_outputs_s']:.2f} s for all 3 outputs "
              f"(per job: {jobs}); target <= 0.4 s: "
              f"{'met' if b['edit_rebuild_all_outputs_s'] <= 0.4 else 'NOT met'}")
        if not args.skip_batch:
            c = report["c_batch"] = bench_batch(tmp)
            print(f"(c) 20 sources, all outputs: {c['files_per_s_1_process']:.2f} files/s "
                  f"with 1 process ({c['seconds_1_process']:.1f} s), "
                  f"{c['files_per_s_2_process']:.2f} files/s with 2 "
                  f"({c['seconds_2_process']:.1f} s): {c['speedup_2_vs_1']:.2f}x; "
                  f"{c['outputs_2_process']} output files")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
