"""Booklet benchmarks against plain WeasyPrint on the same HTML, measured in the same run.

    python bench/bench_booklet.py            # both
    python bench/bench_booklet.py seed       # seed booklet only (target ≤ 1.1×)
    python bench/bench_booklet.py compile    # 100-article compilation (target ≤ 0.6×, ≤ 400 MiB)

Each measurement runs in a fresh process, after imports (Python start and
``import weasyprint`` are the same for both sides), alternating sides and
keeping the best of ``--repeat`` runs because the machine is shared.  Memory is
the peak of the summed PSS of the process and its workers, sampled.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _pss_tree_kib(root: int) -> int:
    """Summed PSS of ``root`` and its descendants (forked workers share pages)."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


class PeakMemory:
    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _pss_tree_kib(os.getpid()))
            self._stop.wait(0.25)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _pss_tree_kib(os.getpid()))


def _docs(case: str):
    from bench.corpus_docs import articles, seed_doc

    if case == "seed":
        try:
            from pipeline.build import load, prepare
            from pipeline.options import BuildOptions

            return [prepare(load(str(ROOT.parent / "shared" / "corpus" / "seed_shiyishi.txt")),
                            BuildOptions())]
        except Exception:  # parser or enrich unavailable: the hand-made model
            return [seed_doc()]
    return articles(100, 2600)


def child(case: str, side: str, out: str) -> dict[str, float]:
    """One measurement, in this (fresh) process."""
    import weasyprint

    from pipeline.options import BuildOptions
    from pipeline.writers import booklet
    from pipeline.writers.booklet import compilation, typeset

    docs = _docs(case)
    opts = BuildOptions(out_dir=Path(out), compile_title="学习资料汇编")
    compiled = case == "compile"
    ctx = typeset.booklet_context(docs, opts, compilation=compiled)
    html = typeset.render_html(ctx, opts)
    base = typeset.TemplateFetcher(typeset.search_path("booklet", [])).base_url
    result: dict[str, float] = {"chars": sum(compilation.doc_chars(d) for d in docs)}
    with PeakMemory() as mem:
        t0 = time.perf_counter()
        if side == "plain":
            document = weasyprint.HTML(string=html, base_url=base).render()
            document.write_pdf(Path(out) / "plain.pdf")
            result["pages"] = len(document.pages)
        elif compiled:
            target = Path(out) / "ours.pdf"
            compilation.write_parallel(docs, opts, target)
            result["reading_s"] = time.perf_counter() - t0
            from pipeline.writers.booklet.imposition import impose

            impose(target, Path(out) / "ours.print.pdf", "A4")
        else:
            t = time.perf_counter()
            paths = booklet.write(docs[0], opts)
            result["reading_s"] = time.perf_counter() - t  # reading + print, see below
            result["size_kib"] = paths[0].stat().st_size / 1024
        result["seconds"] = time.perf_counter() - t0
    result["peak_mib"] = mem.peak / 1024
    return result


def measure(case: str, side: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as out:
        proc = subprocess.run([sys.executable, __file__, "--child", case, side, out],
                              capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench(case: str, repeat: int) -> None:
    plain: list[dict[str, float]] = []
    ours: list[dict[str, float]] = []
    for _ in range(repeat):
        plain.append(measure(case, "plain"))
        ours.append(measure(case, "ours"))
    p = min(plain, key=lambda r: r["seconds"])
    o = min(ours, key=lambda r: r["seconds"])
    ratio = o["seconds"] / p["seconds"]
    if case == "seed":
        print(f"seed booklet: {o['chars']:.0f} chars, plain WeasyPrint {p['seconds']:.2f} s, "
              f"studykit (reading + print PDF) {o['seconds']:.2f} s, "
              f"reading PDF {o['size_kib']:.0f} KiB")
        print(f"  ratio {ratio:.2f}x (target <= 1.1x)")
    else:
        print(f"compilation: 100 articles, {o['chars']:.0f} chars, {p['pages']:.0f} pages; "
              f"plain WeasyPrint {p['seconds']:.2f} s / {p['peak_mib']:.0f} MiB; studykit reading "
              f"PDF {o['reading_s']:.2f} s, + print PDF {o['seconds']:.2f} s, peak {o['peak_mib']:.0f} MiB")
        print(f"  ratio reading {o['reading_s'] / p['seconds']:.2f}x, with print PDF {ratio:.2f}x "
              f"(target <= 0.6x); peak memory {o['peak_mib']:.0f} MiB (target <= 400 MiB)")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(*sys.argv[2:5])))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", nargs="?", choices=["seed", "compile"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} (a shared machine: compare same-run ratios)")
    for case in [args.case] if args.case else ["seed", "compile"]:
        bench(case, args.repeat if case == "seed" else max(1, args.repeat - 1))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
