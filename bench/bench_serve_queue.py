#!/usr/bin/env python3
"""The page's queue under load: 30 builds of different corpus files at once, on loopback.

Starts ``studykit serve`` on a free port of 127.0.0.1 (as ``bench_serve`` does), then:

1. every file of both corpora is checked (``/api/check``); the ``--builds`` smallest
   that read are kept (a scan without OCR, say, is not a build to time);
2. the server's memory (server and workers, summed PSS) is taken;
3. all builds are sent at once through ``/api/jobs``, as the page does (a "busy" answer —
   more uploads at once than the server receives — is sent again after about a second,
   as the page does), and each is
   followed (``GET /api/jobs/ID`` every 0.25 s) to its end: the latency is from the
   request to the end; the places in the queue the server reported are kept;
4. meanwhile the page itself (``GET /``) is fetched every 0.1 s;
5. once idle again, the memory is taken again.

Reports p50/p95 build latency, ``GET /`` latency (p50/p95/max; the target is p95 under
200 ms), failures, the largest queue position seen, memory before/after, and the load
average.  Exits 1 on a failed build or a p95 page time over the target.

    python bench/bench_serve_queue.py [--builds 30] [--outputs handout,booklet,outline]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_serve import (  # noqa: E402
    MIB,
    PageSampler,
    get_json,
    multipart,
    rss,
    start_server,
    wait_idle,
)

ROOT = Path(__file__).resolve().parent.parent
CORPORA = [ROOT.parent / "shared" / "corpus", ROOT.parent / "shared" / "corpus2"]
PAGE_TARGET = 0.200  # seconds, GET / at the 95th percentile during the load


def post(base: str, path: str, fields: list[tuple[str, str]], files) -> tuple[int, dict]:
    body, ctype = multipart(fields, files)
    req = urllib.request.Request(base + path, data=body, method="POST",
                                 headers={"Content-Type": ctype, "X-Studykit": "1"})
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def readable(base: str, limit: int) -> list[Path]:
    files = sorted((p for folder in CORPORA if folder.is_dir() for p in folder.iterdir()
                    if p.is_file() and p.name != "README.md"), key=lambda p: p.stat().st_size)
    kept = []
    for path in files:
        status, _body = post(base, "api/check", [], [("file", path.name, path.read_bytes())])
        if status == 200:
            kept.append(path)
        if len(kept) == limit:
            break
    return kept


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def follow(base: str, path: Path, outputs: list[str], org: str) -> dict:
    start = time.perf_counter()
    fields = [("outputs", o) for o in outputs] + [("variant", "official"), ("org", org)]
    retries = 0
    while True:  # as the page does: "busy" (uploads being received at once) → again shortly
        status, body = post(base, "api/jobs", fields, [("files", path.name, path.read_bytes())])
        if status != 503 or retries >= 120:
            break
        retries += 1
        time.sleep(0.5 + random.random())
    if status != 202:
        return {"ok": False, "file": path.name, "error": f"{status}: {body.get('error')}",
                "latency": time.perf_counter() - start, "ahead": [], "retries": retries}
    ahead = []
    while body["state"] not in ("done", "failed", "cancelled"):
        if body["state"] == "queued":
            ahead.append(body["ahead"])
        time.sleep(0.25)
        body = get_json(base + f"api/jobs/{body['id']}", 30)
    return {"ok": body["state"] == "done", "file": path.name, "error": body.get("error", ""),
            "latency": time.perf_counter() - start, "ahead": ahead, "retries": retries,
            "seconds": (body.get("result") or {}).get("seconds")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--builds", type=int, default=30)
    ap.add_argument("--outputs", default="handout,booklet,outline")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    outputs = [o for o in args.outputs.split(",") if o]
    base, proc = start_server()
    try:
        pid = get_json(base + "healthz")["pid"]
        files = readable(base, args.builds)
        if len(files) < args.builds:
            print(f"only {len(files)} corpus files read; building those")
        wait_idle(base)
        time.sleep(2.5)
        before = rss(pid)
        load_before = os.getloadavg()

        sampler = PageSampler(base)
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=len(files)) as pool:
            results = list(pool.map(lambda i: follow(base, files[i], outputs, f"排队测试{i}"),
                                    range(len(files))))
        wall = time.perf_counter() - t0
        sampler.stop()
        page = sampler.times
        load_during = os.getloadavg()
        wait_idle(base)
        time.sleep(2.5)
        after = rss(pid)

        failed = [r for r in results if not r["ok"]]
        lat = [r["latency"] for r in results]
        most_ahead = max((max(r["ahead"]) for r in results if r["ahead"]), default=0)
        page_p95 = percentile(page, 0.95)
        print(f"server {base}; {len(files)} different corpus files, outputs {','.join(outputs)}; "
              f"load average before {load_before[0]:.2f}, at the end {load_during[0]:.2f}")
        retried = sum(1 for r in results if r["retries"])
        print(f"{len(results)} builds sent at once, all done in {wall:.1f} s; failed {len(failed)}; "
              f"{retried} were told 'busy' at first (uploads at once) and sent again "
              f"({sum(r['retries'] for r in results)} retries in all)")
        print(f"build latency (request → done): p50 {statistics.median(lat):.1f} s, "
              f"p95 {percentile(lat, 0.95):.1f} s, max {max(lat):.1f} s; "
              f"largest queue position reported: {most_ahead} ahead")
        print(f"GET / during the load: {len(page)} requests, p50 "
              f"{statistics.median(page) * 1000:.0f} ms, p95 {page_p95 * 1000:.0f} ms, "
              f"max {max(page) * 1000:.0f} ms (target p95 < {PAGE_TARGET * 1000:.0f} ms)")
        print(f"memory (server + workers, PSS): before {before / MIB:.0f} MiB, "
              f"after {after / MIB:.0f} MiB ({(after - before) / MIB:+.0f} MiB)")
        for r in failed:
            print(f"  FAILED {r['file']}: {r['error']}")
        if args.json:
            args.json.write_text(json.dumps({"results": results, "page": page, "wall": wall,
                                             "rss_before": before, "rss_after": after,
                                             "load": [load_before, load_during]}, indent=2,
                                            ensure_ascii=False))
        return 0 if not failed and page_p95 < PAGE_TARGET else 1
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except Exception:
            proc.kill()


if __name__ == "__main__":
    sys.exit(main())
