#!/usr/bin/env python3
"""A roster build three ways, in one run (`make bench`; not part of the tests).

N rows (default 200) × docx + pdf of the seed article, each row with its own
organisation, date, place, host and attendees (so every row's outputs differ),
built by the `studykit build --for` command as a user runs it:

  pool      this machine's process pool (no --scheduler; the anchor, 1.00×)
  local:2   --scheduler local:2: a Dask LocalCluster of two worker processes
  tcp       --scheduler tcp://127.0.0.1:PORT: a `dask scheduler` and two `dask worker`
            processes (--nthreads 1 each) started beforehand on loopback, as on a cluster

For each: wall time of the command, rows per second, peak memory (the largest
sum, over one sampling, of the proportional set size — PSS: shared pages split
between the processes sharing them — of every process taking part: the command
and its children, for tcp also the scheduler and workers), the CPU time all of
them spent per row (user + system: what a row costs, whatever else the machine
is doing), and the CPU time of the command's own process (what does not spread
over more workers).  Then the
planning of a province-sized roster (default 30,000 rows), in this process: read
the roster, check it, make and key every job, look each up in the cache — what a
build does before its first job starts.  The machine's load average is printed
before and after: the numbers are only as quiet as it.

    python bench/bench_scale.py [--rows N] [--plan-rows N] [--only pool,local,tcp]
                                [--json OUT]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("STUDYKIT_CORPUS", ROOT.parent / "shared" / "corpus"))
SEED = CORPUS / "seed_shiyishi.txt"
BIN = Path(sys.executable).parent
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "明华芳强洋静帆磊敏刚丽涛琳军月斌平峰洁勇"


def write_roster(path: Path, rows: int) -> None:
    """``rows`` branches, each with its own values (no two rows' outputs are the same)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["单位", "日期", "时间", "地点", "主持人", "参加人员"])
        for i in range(rows):
            names = [SURNAMES[(i + k) % 20] + GIVEN[(3 * i + k) % 20] for k in range(8 + i % 12)]
            out.writerow([f"第{i + 1}党支部", f"2026-12-{i % 28 + 1:02d}",
                          "上午9:00" if i % 2 else "下午3:00", f"第{i % 7 + 1}会议室",
                          names[0], "、".join(names[1:])])


class PeakMemory:
    """Samples the summed PSS of a process tree (and of given processes) until stopped."""

    def __init__(self, roots: list[int], interval: float = 0.25) -> None:
        import psutil

        self.psutil = psutil
        self.roots = roots
        self.interval = interval
        self.peak = 0
        self.root_cpu = 0.0  # user + system seconds of the first root, last seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _procs(self):
        seen = {}
        for pid in self.roots:
            try:
                p = self.psutil.Process(pid)
                seen[p.pid] = p
                for c in p.children(recursive=True):
                    seen[c.pid] = c
            except self.psutil.Error:
                continue
        return seen.values()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                t = self.psutil.Process(self.roots[0]).cpu_times()
                self.root_cpu = t.user + t.system
            except self.psutil.Error:
                pass
            for p in self._procs():
                try:
                    total += p.memory_full_info().pss
                except self.psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def tree_cpu(pids: list[int]) -> float:
    """User + system seconds of these live processes and their live descendants."""
    import psutil

    total = 0.0
    for pid in pids:
        try:
            root = psutil.Process(pid)
            for p in [root, *root.children(recursive=True)]:
                t = p.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
        except psutil.Error:
            continue
    return total


def build(roster: Path, out: Path, extra: list[str], also_watch: list[int]) -> dict:
    cmd = [sys.executable, "-m", "pipeline", "build", str(SEED), "--for", str(roster),
           "--to", "docx,pdf", "-o", str(out), "-q", *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    outside = tree_cpu(also_watch)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    with PeakMemory([proc.pid, *also_watch]) as mem:
        _, err = proc.communicate()
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # the command and every process it started (each waited for by its parent), and for
    # tcp the scheduler's and workers' time meanwhile
    cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
           + tree_cpu(also_watch) - outside)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(extra) or 'pool'}: exit {proc.returncode}: {err[-500:]}")
    return {"seconds": seconds, "peak_mib": mem.peak / 2**20, "client_cpu_s": mem.root_cpu,
            "cpu_s": cpu}


def start_cluster(tmp: Path) -> tuple[str, list[subprocess.Popen]]:
    """A scheduler and two one-thread workers, each its own process, on loopback."""
    sched_file = tmp / "scheduler.json"
    dask = str(BIN / "dask")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0",
                               "--no-dashboard", "--scheduler-file", str(sched_file)], **quiet)]
    for _ in range(100):
        if sched_file.exists():
            break
        time.sleep(0.1)
    address = json.loads(sched_file.read_text())["address"]
    for _ in range(2):
        procs.append(subprocess.Popen([dask, "worker", address, "--nthreads", "1",
                                       "--no-dashboard", "--host", "127.0.0.1"], **quiet))
    from distributed import Client

    with Client(address, timeout=30) as client:
        client.wait_for_workers(2, timeout=60)
    return address, procs


def stop(procs: list[subprocess.Popen]) -> None:
    for p in reversed(procs):
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()


def plan_only(rows: int, tmp: Path) -> tuple[float, float]:
    """Seconds to plan a ``rows``-row roster build up to its first job (nothing is built),
    and this process's peak RSS in MiB after it."""
    sys.path.insert(0, str(ROOT))
    from pipeline.build import build_all
    from pipeline.options import BuildOptions
    from pipeline.roster import plan_roster

    roster = tmp / "big.csv"
    write_roster(roster, rows)
    opts = BuildOptions(out_dir=tmp / "plan")
    start = time.perf_counter()
    plans, problems = plan_roster(roster, None, [str(SEED)], ["docx", "pdf"], False, opts)
    assert len(plans) == rows and not problems
    counted: list[int] = []
    build_all([str(SEED)], ["docx", "pdf"], opts, rows=plans,
              runner=lambda todo, o, finish: counted.append(len(todo)))
    assert counted == [2 * rows]
    return time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200)
    ap.add_argument("--plan-rows", type=int, default=30_000)
    ap.add_argument("--only", default="pool,local,tcp")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    if not SEED.is_file():
        sys.exit(f"bench_scale: the seed is not at {SEED}")
    wanted = args.only.split(",")
    results: dict[str, dict] = {}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="studykit-bench-scale-") as tmp_name:
        tmp = Path(tmp_name)
        roster = tmp / "roster.csv"
        write_roster(roster, args.rows)
        if "pool" in wanted:
            results["pool"] = build(roster, tmp / "pool", [], [])
        if "local" in wanted:
            results["local:2"] = build(roster, tmp / "local", ["--scheduler", "local:2"], [])
        if "tcp" in wanted:
            address, procs = start_cluster(tmp)
            try:
                results["tcp (scheduler + 2 workers)"] = build(
                    roster, tmp / "tcp", ["--scheduler", address], [p.pid for p in procs])
            finally:
                stop(procs)
        planning = plan_only(args.plan_rows, tmp) if args.plan_rows else None
        made = {k: sum(1 for _ in (tmp / d).rglob("*.pdf"))
                for k, d in (("pool", "pool"), ("local:2", "local"),
                             ("tcp (scheduler + 2 workers)", "tcp")) if (tmp / d).is_dir()}
        shutil.rmtree(tmp, ignore_errors=True)
    load_after = os.getloadavg()
    anchor = results.get("pool", {}).get("seconds")
    print(f"{args.rows} rows × docx + pdf of {SEED.name}; {os.cpu_count()} cores; "
          f"load average before {load_before[0]:.2f} {load_before[1]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f}")
    print(f"{'how':<30}{'seconds':>9}{'rows/s':>9}{'vs pool':>9}{'peak MiB':>10}"
          f"{'CPU s/row':>11}{'client CPU s':>14}")
    for name, r in results.items():
        r["rows_per_s"] = args.rows / r["seconds"]
        r["pdf_files"] = made.get(name, 0)
        ratio = f"{r['seconds'] / anchor:.2f}×" if anchor else "-"
        print(f"{name:<30}{r['seconds']:>9.1f}{r['rows_per_s']:>9.2f}{ratio:>9}"
              f"{r['peak_mib']:>10.0f}{r['cpu_s'] / args.rows:>11.2f}{r['client_cpu_s']:>14.1f}")
    if planning is not None:
        print(f"planning {args.plan_rows} rows × docx + pdf up to the first job: "
              f"{planning[0]:.1f} s, peak RSS of this process {planning[1]:.0f} MiB")
    if args.json:
        args.json.write_text(json.dumps({"rows": args.rows, "load_before": load_before,
                                         "load_after": load_after, "results": results,
                                         "plan_rows": args.plan_rows, "plan_s": planning},
                                        indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
