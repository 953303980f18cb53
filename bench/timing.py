"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_time(fn: Callable[[], object], runs: int, warmup: int = 1) -> float:
    """Median wall time of ``fn`` over ``runs`` calls, after ``warmup`` unmeasured ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_quiet(cmd: list[str]) -> None:
    """Run a command from the repository root; its last error line if it fails."""
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False,
                          cwd=ROOT)
    if proc.returncode:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"{' '.join(cmd[:4])} … exited {proc.returncode}: "
                           f"{err[-1] if err else ''}")
