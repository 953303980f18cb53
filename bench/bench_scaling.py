#!/usr/bin/env python3
"""Scaling of every stage on hostile inputs: time and peak memory per MB, and the growth.

    python bench/bench_scaling.py                       # every shape, stage and size
    python bench/bench_scaling.py --shapes stray-quotes --stages parse,json --sizes 1,2
    python bench/bench_scaling.py --markdown             # the table as Markdown

The worst shapes found by fuzzing (issue 11):

- ``stray-quotes``: one unclosed “ and then thousands of quotations, in one paragraph;
- ``punctuation``: random Chinese punctuation and quotation marks with a few Han
  characters, in one line;
- ``blank-lines``: a title, megabytes of empty lines, one sentence;
- ``headings``: a Markdown file of ``##`` headings each with a short paragraph.

Stages: ``parse`` (read + decode + parse), ``json`` (parse, then the model's JSON),
``check`` (parse, then the check report), ``enrich`` (parse, then the study aids),
and the writers ``docx``, ``slides`` and ``pdf`` (from the file, as ``build`` runs
them).  Each measurement runs in a fresh process (``--run``); its peak memory is
the process's maximum resident size, and "MiB/MB" is that peak less the process's
size after imports, per MB of input.  A run over ``--timeout`` seconds or over
``--memory`` MiB is stopped and shown as such.

Sizes are MB of the source file (UTF-8).  The writers get smaller sizes by
default (``--writer-sizes``): the booklet of 8 MB of text is about 6,000 pages.
Fails (exit 1) when doubling the input more than ``--max-ratio`` (2.5) times the
CPU time, judged only where the smaller run took at least ``--floor`` CPU seconds
(noise swamps shorter runs), or when a run was stopped.  Each cell shows wall
time, CPU time, the peak resident size and (peak − size after imports) per MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MB = 1_000_000
SHAPES = ("stray-quotes", "punctuation", "blank-lines", "headings")
STAGES = ("parse", "json", "check", "enrich", "docx", "slides", "pdf")
WRITERS = {"docx", "slides", "pdf"}


# --- the shapes ---------------------------------------------------------------

def _fill(head: str, unit, size: int) -> str:
    """``head`` and then ``unit(i)`` repeated until ``size`` bytes of UTF-8."""
    parts, total, i = [head], len(head.encode()), 0
    while total < size:
        piece = unit(i)
        parts.append(piece)
        total += len(piece.encode())
        i += 1
    return "".join(parts)


def make_shape(shape: str, size: int) -> tuple[str, str]:
    """(file name, text) of about ``size`` bytes."""
    if shape == "stray-quotes":
        quote = "他强调：“要坚持以人民为中心的发展思想，把人民放在心中最高位置。”"
        return "stray.txt", _fill("关于学习的通知\n\n开头有一个没有关闭的引号“", lambda i: quote, size) + "\n"
    if shape == "punctuation":
        rng = random.Random(11)
        marks = "“”‘’「」『』《》（）【】。！？，、；：…—学习党的"
        return "punct.txt", _fill("标题\n\n", lambda i: "".join(rng.choices(marks, k=64)), size) + "\n"
    if shape == "blank-lines":
        return "blank.txt", "关于学习的通知\n" + "\n" * max(size - 40, 0) + "这是正文。\n"
    if shape == "headings":
        return "headings.md", _fill("# 学习材料\n\n", lambda i: f"## 第{i + 1}个问题\n\n这是关于第{i + 1}个问题的一段正文，"
                                                              "说明要点。\n\n", size)
    raise SystemExit(f"unknown shape {shape}")


# --- one measurement (in its own process) -------------------------------------

def _stage(stage: str, path: str, out_dir: str) -> None:
    from pipeline.build import load, prepare
    from pipeline.options import AidOptions, BuildOptions

    if stage == "parse":
        load(path)
        return
    if stage == "json":
        load(path).to_json()
        return
    if stage == "check":
        from pipeline.report import render_check

        render_check(load(path))
        return
    opts = BuildOptions(out_dir=Path(out_dir), aids=AidOptions())
    doc = prepare(load(path), opts)
    if stage == "enrich":
        return
    from pipeline.writers import get_writer

    get_writer(stage)(doc, opts)


def _imports(stage: str) -> None:
    """What the stage imports, before the baseline is taken: imports are not input-sized."""
    import pipeline.build  # noqa: F401
    import pipeline.enrich  # noqa: F401
    import pipeline.parser  # noqa: F401
    import pipeline.report  # noqa: F401
    from pipeline.build import warm

    if stage in WRITERS:
        warm((stage,))


def _rss_kib() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def run_one(shape: str, size_mb: float, stage: str) -> dict:
    name, text = make_shape(shape, int(size_mb * MB))
    with tempfile.TemporaryDirectory(prefix="studykit-scaling-") as tmp:
        path = Path(tmp) / name
        path.write_text(text, encoding="utf-8")
        del text
        _imports(stage)
        base = _rss_kib()
        start, cpu = time.perf_counter(), time.process_time()
        _stage(stage, str(path), str(Path(tmp) / "out"))
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"seconds": seconds, "cpu": cpu, "peak_mib": peak / 1024, "base_mib": base / 1024}


def measure(shape: str, size_mb: float, stage: str, timeout: float, memory_mib: int) -> dict:
    """One run in a fresh process, stopped at ``timeout`` s or ``memory_mib`` of address space."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mib * 1024 * 1024,) * 2)

    cmd = [sys.executable, __file__, "--run", shape, str(size_mb), stage]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              preexec_fn=limit, cwd=ROOT, check=False)
    except subprocess.TimeoutExpired:
        return {"stopped": f">{timeout:g} s"}
    if proc.returncode:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        if "MemoryError" in proc.stderr or "Cannot allocate" in proc.stderr:
            return {"stopped": f">{memory_mib} MiB"}
        return {"stopped": f"failed: {last[:80]}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- the table ----------------------------------------------------------------

def _cell(res: dict, size_mb: float) -> str:
    if "stopped" in res:
        return res["stopped"]
    per_mb = max(res["peak_mib"] - res["base_mib"], 0) / size_mb
    return f"{res['seconds']:.2f} s (cpu {res['cpu']:.2f}), {res['peak_mib']:.0f} MiB peak, " \
           f"{per_mb:.0f} MiB/MB"


def _ratios(results: list[tuple[float, dict]], floor: float) -> list[float]:
    """CPU-time ratio of each doubling, where the smaller run is above the noise floor.

    CPU time, not wall time: on a shared machine the wall time of one run doubles
    whenever another process takes the other core, the CPU time hardly moves.
    """
    out = []
    for (s1, r1), (s2, r2) in zip(results, results[1:], strict=False):
        if "stopped" in r1 or "stopped" in r2 or abs(s2 / s1 - 2) > 1e-9:
            continue
        if r1["cpu"] >= floor:
            out.append(r2["cpu"] / r1["cpu"])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", nargs=3, metavar=("SHAPE", "MB", "STAGE"), help=argparse.SUPPRESS)
    ap.add_argument("--shapes", default=",".join(SHAPES))
    ap.add_argument("--stages", default=",".join(STAGES))
    ap.add_argument("--sizes", default="1,2,4,8", help="MB for parse, json, check, enrich")
    ap.add_argument("--writer-sizes", default="0.125,0.25,0.5,1", help="MB for the writers")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--memory", type=int, default=8192, help="MiB of address space per run")
    ap.add_argument("--max-ratio", type=float, default=2.5)
    ap.add_argument("--floor", type=float, default=0.5)
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs per cell: the fastest counts (noise on a shared machine)")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ap.add_argument("--json", type=Path, help="also write the raw numbers here")
    args = ap.parse_args()
    if args.run:
        shape, size, stage = args.run
        print(json.dumps(run_one(shape, float(size), stage)))
        return 0

    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", file=sys.stderr)
    rows, failures, raw = [], [], {}
    for shape in args.shapes.split(","):
        for stage in args.stages.split(","):
            sizes = [float(s) for s in (args.writer_sizes if stage in WRITERS
                                        else args.sizes).split(",")]
            results: list[tuple[float, dict]] = []
            for size in sizes:
                if results and "stopped" in results[-1][1]:
                    results.append((size, {"stopped": "(skipped)"}))
                    continue
                runs = [measure(shape, size, stage, args.timeout, args.memory)
                        for _ in range(max(args.repeat, 1))]
                done = [r for r in runs if "stopped" not in r]
                res = min(done, key=lambda r: r["cpu"]) if done else runs[0]
                results.append((size, res))
                print(f"{shape:<13} {stage:<7} {size:g} MB: {_cell(res, size)}", file=sys.stderr)
            ratios = _ratios(results, args.floor)
            worst = max(ratios, default=0.0)
            stopped = any("stopped" in r for _, r in results)
            if stopped or worst > args.max_ratio:
                failures.append(f"{shape}/{stage}")
            rows.append((shape, stage, results, worst))
            raw[f"{shape}/{stage}"] = [[s, r] for s, r in results]
    _print(rows, args.markdown)
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(raw, indent=1))
    if failures:
        print(f"super-linear or stopped: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


def _print(rows: list, markdown: bool) -> None:
    for shape, stage, results, worst in rows:
        cells = [f"{size:g} MB: {_cell(res, size)}" for size, res in results]
        growth = f"{worst:.2f}" if worst else "–"  # worst CPU-time ratio of a doubling
        if markdown:
            print(f"| {shape} | {stage} | " + " | ".join(cells) + f" | {growth} |")
        else:
            print(f"{shape:<13} {stage:<7} " + "; ".join(cells) + f"; worst 2× ratio {growth}")


if __name__ == "__main__":
    sys.exit(main())
