#!/usr/bin/env python3
"""Load test of `studykit serve` on loopback (`make bench`, or on demand; not part of the tests).

Starts the server (``python -m pipeline serve --no-browser`` on a free port of
127.0.0.1) unless ``--url`` names one already running on this computer, then:

1. warm-up: one build of each corpus file, one after the other, so every font
   and template is loaded; the memory of the server and its worker processes (summed
   PSS) after it is the
   baseline;
2. ``--requests`` builds (default 20) of corpus files, all sent at once from
   as many client threads, each with its own organisation name so that none is
   answered from the server's cache: every one lays out its booklet;
3. each build's handout is downloaded to check it is served, and the page
   itself is fetched every 0.1 s meanwhile, to see that the server still answers.

Before the load it times rebuilds of the seed article (all five outputs) on
the warm server: after a change of an option (everything is laid out again,
median of 5) and an identical rebuild (answered from the cache).

Reports requests/s, latency, failures, and the server's RSS before, at its
peak and once idle again.  Exits 1 if a build failed or memory did not come
back near the baseline (within max(15 %, 64 MiB)).

    python bench/bench_serve.py [--url http://127.0.0.1:8000/] [--requests 20]
                                [--outputs handout,booklet,print,outline,slides] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
CORPUS_CANDIDATES = [ROOT.parent / "shared" / "corpus", Path("/work/shared/corpus")]
MAX_FILE = 35_000  # bytes: the short and medium articles (long reports take many seconds each)
MIB = 1024 * 1024


def corpus_files() -> list[Path]:
    for folder in CORPUS_CANDIDATES:
        if folder.is_dir():
            return sorted(p for p in folder.iterdir()
                          if p.is_file() and p.name != "README.md" and p.stat().st_size <= MAX_FILE)
    sys.exit("bench_serve: corpus not found (looked in "
             + ", ".join(map(str, CORPUS_CANDIDATES)) + ")")


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = []
    for name, value in fields:
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                   f"{value}\r\n".encode())
    for name, filename, data in files:
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                   f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode())
        out.append(data + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


def get_json(url: str, timeout: float = 5) -> dict:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read())


def build(base: str, path: Path, outputs: list[str], org: str) -> dict:
    fields = [("outputs", o) for o in outputs] + [("variant", "official"), ("org", org)]
    body, ctype = multipart(fields, [("files", path.name, path.read_bytes())])
    req = urllib.request.Request(base + "api/build", data=body, method="POST",
                                 headers={"Content-Type": ctype, "X-Studykit": "1"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            result = json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return {"ok": False, "error": f"{exc.code}: {exc.read().decode(errors='replace')}",
                "latency": time.perf_counter() - start, "file": path.name}
    latency = time.perf_counter() - start
    handout = next((f for f in result["files"] if f["kind"] == "handout"), result["files"][0])
    with urllib.request.urlopen(base + handout["url"].lstrip("/"), timeout=60) as r:
        size = len(r.read())
    ok = size == handout["size"] and size > 0
    return {"ok": ok, "latency": latency, "seconds": result["seconds"], "file": path.name,
            "files": len(result["files"]), "error": "" if ok else "download size mismatch"}


def rebuild_times(base: str, files: list[Path], outputs: list[str]) -> dict:
    """Seconds a client waits for the seed's outputs: fresh rebuilds, then an identical one."""
    seed = next((f for f in files if f.name.startswith("seed_")), files[0])
    build(base, seed, outputs, "重建计时")  # first build of this exact request
    fresh = []
    for i in range(5):
        r = build(base, seed, outputs, f"重建计时{i}")  # a new organisation: laid out again
        assert r["ok"], r
        fresh.append(r["latency"])
    same = build(base, seed, outputs, "重建计时4")
    assert same["ok"], same
    return {"file": seed.name, "fresh": fresh, "identical": same["latency"]}


def rss(pid: int) -> int:
    """Bytes of memory of the server and its worker processes (summed PSS: pages the
    forked workers share are counted once)."""
    sys.path.insert(0, str(ROOT))
    from bench.bench_booklet import _pss_tree_kib

    return _pss_tree_kib(pid) * 1024


class PageSampler:
    """Fetches the page (GET /) every 0.1 s in a thread while a load runs: its answer times,
    and the server's peak memory when given its ``pid``."""

    def __init__(self, url: str, pid: int | None = None, baseline: int = 0) -> None:
        self.url, self.pid = url, pid
        self.times: list[float] = []
        self.peak = baseline
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.pid is not None:
                self.peak = max(self.peak, rss(self.pid))
            t = time.perf_counter()
            with urllib.request.urlopen(self.url, timeout=30) as r:
                r.read()
            self.times.append(time.perf_counter() - t)
            time.sleep(0.1)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def wait_idle(base: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        health = get_json(base + "healthz")
        if health.get("warm") and not health.get("building"):
            return
        time.sleep(0.2)
    raise SystemExit("bench_serve: the server did not become idle")


def start_server() -> tuple[str, subprocess.Popen]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--port", str(port),
                             "--no-browser"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("bench_serve: the server exited at startup")
        try:
            if get_json(base + "healthz", 2).get("warm"):
                return base, proc
        except OSError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise SystemExit("bench_serve: the server did not start")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", help="a running server on this computer (default: start one)")
    ap.add_argument("--requests", type=int, default=20, help="builds sent at once")
    ap.add_argument("--outputs", default="handout,booklet,print,outline,slides")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()

    proc = None
    if args.url:
        base = args.url.rstrip("/") + "/"
        if urlparse(base).hostname not in ("127.0.0.1", "localhost", "::1"):
            sys.exit("bench_serve: --url must be on this computer (127.0.0.1 or localhost)")
    else:
        base, proc = start_server()
    try:
        pid = get_json(base + "healthz")["pid"]
        files = corpus_files()
        outputs = [o.strip() for o in args.outputs.split(",") if o.strip()]
        print(f"server {base} (pid {pid}); {len(files)} corpus files ≤ {MAX_FILE // 1000} kB; "
              f"outputs {','.join(outputs)}")

        start_rss = rss(pid)
        rebuild = rebuild_times(base, files, outputs)
        print(f"rebuild of {rebuild['file']} ({len(outputs)} outputs), warm server: after an option "
              f"changed {statistics.median(rebuild['fresh']):.2f} s median "
              f"(min {min(rebuild['fresh']):.2f}, max {max(rebuild['fresh']):.2f}); "
              f"identical request {rebuild['identical'] * 1000:.0f} ms (cached)")
        warm = [build(base, f, outputs, "预热") for f in files]
        if not all(r["ok"] for r in warm):
            bad = [r for r in warm if not r["ok"]]
            print("warm-up failures:", *(f"  {r['file']}: {r['error']}" for r in bad), sep="\n")
            return 1
        wait_idle(base)
        time.sleep(2.5)  # the server gives memory back 1 s after its last build
        baseline = rss(pid)
        print(f"RSS at start {start_rss / MIB:.0f} MiB, after warm-up round (baseline) "
              f"{baseline / MIB:.0f} MiB")

        sampler = PageSampler(base, pid, baseline)  # the page while the builds run: answering?
        jobs = [(files[i % len(files)], f"负载测试单位{i}") for i in range(args.requests)]
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.requests) as pool:
            results = list(pool.map(lambda job: build(base, job[0], outputs, job[1]), jobs))
        wall = time.perf_counter() - t0
        sampler.stop()
        page_times, peak = sampler.times, [sampler.peak]
        wait_idle(base)
        time.sleep(2.5)
        after = rss(pid)

        failed = [r for r in results if not r["ok"]]
        lat = sorted(r["latency"] for r in results)
        p95 = lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))]
        build_s = [r["seconds"] for r in results if r["ok"]]
        print(f"{len(results)} concurrent builds in {wall:.1f} s: {len(results) / wall:.2f} requests/s; "
              f"failed {len(failed)}")
        print(f"latency: median {statistics.median(lat):.2f} s, p95 {p95:.2f} s, max {lat[-1]:.2f} s; "
              f"server build time median {statistics.median(build_s):.2f} s" if build_s else "")
        for r in failed:
            print(f"  FAILED {r['file']}: {r['error']}")
        if page_times:
            print(f"the page during the load: {len(page_times)} requests, median "
                  f"{statistics.median(page_times) * 1000:.0f} ms, max {max(page_times) * 1000:.0f} ms")
        limit = baseline + max(0.15 * baseline, 64 * MIB)
        back = after <= limit
        print(f"RSS: baseline {baseline / MIB:.0f} MiB, peak {peak[0] / MIB:.0f} MiB, "
              f"after {after / MIB:.0f} MiB ({(after - baseline) / MIB:+.0f} MiB; "
              f"{'back near baseline' if back else 'NOT back near baseline'}, "
              f"limit {limit / MIB:.0f} MiB)")
        if args.json:
            args.json.write_text(json.dumps({
                "requests": len(results), "wall_seconds": wall, "requests_per_second": len(results) / wall,
                "failed": len(failed), "latency": lat, "rss_baseline": baseline,
                "rss_peak": peak[0], "rss_after": after, "rebuild": rebuild,
                "page_seconds_during_load": page_times}, indent=2))
        return 0 if not failed and back else 1
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
