#!/usr/bin/env python3
"""The worst inputs through `studykit serve`, while ordinary builds keep running (issue 11).

Starts the server (as ``bench_serve.py`` does) and keeps ``--background``
client threads building corpus articles (handout and outline) one after the
other the whole time.  Meanwhile it

1. checks (``/api/check``) 1 MB of each worst shape of ``bench_scaling.py``
   (stray quotes, punctuation, many headings) and 20 MB of blank lines, one
   after the other, timing each (target: the stray-quote check under 5 s);
2. builds the 1 MB stray-quote and punctuation sources (handout, outline): each
   ends, built or with a one-line error, within the time limit;
3. opens ``--slow`` connections that send half a request head and stop, and
   fetches the page meanwhile: it must answer at once (the page, or "too many
   connections" while the cap is full), the server must close the half-open
   connections after the 10 s head deadline, and then serve the page again.

Reports the times, the background builds finished during each phase and their
worst latency, and the server's peak memory.  Exits 1 when the stray-quote
check takes 5 s or more, a background build failed, or the page stopped
answering.

    python bench/bench_serve_hostile.py [--background 2] [--slow 200] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_scaling import make_shape  # noqa: E402
from bench.bench_serve import build, corpus_files, multipart, rss, start_server  # noqa: E402

MB = 1_000_000
TARGET = 5.0  # seconds for the 1 MB stray-quote check


def post(base: str, route: str, fields: list, files: list, timeout: float = 600) -> tuple[int, dict, float]:
    body, ctype = multipart(fields, files)
    req = urllib.request.Request(base + route, data=body, method="POST",
                                 headers={"Content-Type": ctype, "X-Studykit": "1"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read()), time.perf_counter() - start
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}"), time.perf_counter() - start


class Background:
    """Client threads building corpus articles in a loop; latencies per phase."""

    def __init__(self, base: str, threads: int) -> None:
        self.base, self.files = base, corpus_files()[:4]
        self.stop = threading.Event()
        self.phase = "warm-up"
        self.done: list[tuple[str, float, bool, str]] = []
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True)
                        for i in range(threads)]

    def _run(self, i: int) -> None:
        n = 0
        while not self.stop.is_set():
            path = self.files[(i + n) % len(self.files)]
            phase = self.phase
            r = build(self.base, path, ["handout", "outline"], f"背景{i}-{n}")  # never cached
            self.done.append((phase, r["latency"], r["ok"], r.get("error", "")))
            n += 1

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def summary(self, phase: str) -> dict:
        rows = [d for d in self.done if d[0] == phase]
        return {"builds": len(rows), "failed": sum(1 for r in rows if not r[2]),
                "worst_s": round(max((r[1] for r in rows), default=0), 2),
                "errors": sorted({r[3] for r in rows if not r[2]})[:3]}


def page_answers(base: str, timeout: float = 5) -> tuple[int, float] | None:
    """(HTTP status, seconds) of fetching the page, or None if no answer came."""
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(base, timeout=timeout) as r:
            r.read()
            return r.status, round(time.perf_counter() - start, 3)
    except urllib.error.HTTPError as exc:
        return exc.code, round(time.perf_counter() - start, 3)
    except OSError:
        return None


def slow_clients(base: str, count: int) -> dict:
    host, port = base.split("//")[1].rstrip("/").split(":")
    socks = []
    for _ in range(count):
        try:
            s = socket.create_connection((host, int(port)), timeout=5)
            s.sendall(b"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            socks.append(s)
        except OSError:
            break
    during = [page_answers(base) for _ in range(5)]  # 200, or at once 503 beyond the cap
    time.sleep(12)  # past the 10 s deadline for a request head
    closed = 0
    for s in socks:
        s.settimeout(1)
        try:
            data = s.recv(200)
            closed += data == b"" or data.startswith(b"HTTP/1.1 503")
        except (TimeoutError, OSError):
            pass
        s.close()
    return {"opened": len(socks), "closed_by_server": closed, "page_during": during,
            "page_after": page_answers(base)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--background", type=int, default=2, help="client threads building meanwhile")
    ap.add_argument("--slow", type=int, default=200, help="half-open connections")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", file=sys.stderr)
    base, proc = start_server()
    peak = rss(proc.pid)
    results: dict = {}
    bg = Background(base, args.background)
    failed = False
    try:
        bg.start()
        time.sleep(3)
        shapes = [("stray-quotes", MB), ("punctuation", MB), ("headings", MB),
                  ("blank-lines", 20 * 1024 * 1024 - 100)]
        for shape, size in shapes:
            bg.phase = f"check {shape}"
            name, text = make_shape(shape, size)
            status, body, seconds = post(base, "api/check", [], [("file", name, text.encode())])
            peak = max(peak, rss(proc.pid))
            results[bg.phase] = {"status": status, "seconds": round(seconds, 2),
                                 "error": body.get("error", ""), "title": body.get("title", "")}
            print(f"{bg.phase}: {status} in {seconds:.2f} s {body.get('error', '')}", file=sys.stderr)
        for shape in ("stray-quotes", "punctuation"):
            bg.phase = f"build {shape}"
            name, text = make_shape(shape, MB)
            fields = [("outputs", "handout"), ("outputs", "outline"), ("variant", "official")]
            status, body, seconds = post(base, "api/build", fields, [("files", name, text.encode())])
            peak = max(peak, rss(proc.pid))
            results[bg.phase] = {"status": status, "seconds": round(seconds, 2),
                                 "error": body.get("error", ""),
                                 "files": [f["name"] for f in body.get("files", [])]}
            print(f"{bg.phase}: {status} in {seconds:.2f} s {body.get('error', '')}", file=sys.stderr)
        bg.phase = f"{args.slow} half-open connections"
        results[bg.phase] = slow_clients(base, args.slow)
        print(f"{bg.phase}: {results[bg.phase]}", file=sys.stderr)
        bg.phase = "after"
        time.sleep(3)
    finally:
        bg.stop.set()
        for t in bg.threads:
            t.join(timeout=120)
        proc.terminate()
        proc.wait(timeout=30)
    for phase in dict.fromkeys(d[0] for d in bg.done):
        results.setdefault(phase, {})["background"] = bg.summary(phase)
    results["server_peak_rss_mib"] = round(peak / 2**20)
    print(json.dumps(results, ensure_ascii=False, indent=1))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    stray = results["check stray-quotes"]
    if stray["status"] != 200 or stray["seconds"] >= TARGET:
        print(f"FAIL: the 1 MB stray-quote check took {stray['seconds']} s", file=sys.stderr)
        failed = True
    if any(d[2] is False for d in bg.done):
        print("FAIL: a background build failed", file=sys.stderr)
        failed = True
    slow = results[f"{args.slow} half-open connections"]
    if any(a is None for a in slow["page_during"]) or (slow["page_after"] or (0,))[0] != 200:
        print("FAIL: the page stopped answering", file=sys.stderr)
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
