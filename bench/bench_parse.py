#!/usr/bin/env python3
"""Parse speed against pandoc, in one run (`make bench`; not part of the tests).

Times, on the 20th Congress report (~33k characters) and on a 100× concatenation:

- ``pipeline.readers.read`` in-process (read + decode + parse), median of several runs;
- the whole ``studykit parse FILE`` command (process start included; run as
  ``python -m pipeline`` so that it is this checkout's code), median of runs;
- ``pandoc -f markdown -t json`` on a Markdown file of the same text and size
  (headings as ``#``/``##``, paragraphs separated by blank lines), median of runs.

and prints the ratios.  Target: parse under 1/4 of the pandoc time.  The fair
comparison with pandoc, which always pays for a process start, is the whole command.

    python bench/bench_parse.py [--corpus FILE] [--runs N] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.timing import median_time, run_quiet  # noqa: E402

TARGET = 0.25  # parse time / pandoc time
CORPUS_CANDIDATES = [
    ROOT.parent / "shared" / "corpus" / "r20_report.txt",  # CI: shared/ beside the clone
    Path("/work/shared/corpus/r20_report.txt"),
]
REPEAT = 100

_H1 = re.compile(r"^[一二三四五六七八九十]+、")
_H2 = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")


def to_markdown(text: str) -> str:
    """The same text as Markdown: 一、 headings → #, （一） headings → ##, blank-line paragraphs.

    A run-in （一） heading ("（一）标题。正文…") becomes a ## heading and a paragraph.
    """
    out: list[str] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        if _H1.match(line) and len(line) <= 60 and "。" not in line[:-1]:
            out.append(f"# {line}")
        elif _H2.match(line):
            head, dot, rest = line.partition("。")
            if dot and len(head) <= 60:
                out.append(f"## {head}")
                if rest.strip():
                    out.append(rest.strip())
            else:
                out.append(f"## {line}" if len(line) <= 60 else line)
        else:
            out.append(line)
    return "\n\n".join(out) + "\n"


def studykit_command() -> list[str]:
    """`studykit` as the console script runs it, on this checkout's code."""
    return [sys.executable, "-m", "pipeline"]


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1000:9.1f} ms" if seconds < 10 else f"{seconds:9.2f} s "


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "—"
    verdict = "ok" if a / b < TARGET else "over target"
    return f"{a / b:.3f} ({verdict})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, help="the text to parse (default: r20_report.txt)")
    ap.add_argument("--runs", type=int, default=7, help="runs per measurement at 1× (default 7)")
    ap.add_argument("--runs-large", type=int, default=3, help="runs per measurement at 100×")
    ap.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = ap.parse_args(argv)

    corpus = args.corpus or next((p for p in CORPUS_CANDIDATES if p.exists()), None)
    if corpus is None or not corpus.exists():
        print("bench: r20_report.txt not found (looked in "
              + ", ".join(str(p) for p in CORPUS_CANDIDATES) + "); pass --corpus FILE",
              file=sys.stderr)
        return 2
    text = corpus.read_bytes().decode("utf-8-sig")

    pandoc = shutil.which("pandoc")
    if pandoc is None:
        print("bench: pandoc is not installed, so there is nothing to compare with; "
              "install it with 'scripts/install-system-packages pandoc' "
              "(or 'apt-get install pandoc'). Parse times are still measured.", file=sys.stderr)
    else:
        version = subprocess.run([pandoc, "--version"], capture_output=True, text=True,
                                 check=False).stdout.splitlines()[:1]
        print(f"pandoc: {version[0] if version else pandoc}")

    try:
        from pipeline.readers import read
        read(corpus)
    except Exception as exc:  # the parser may be unfinished: say so, still time pandoc
        print(f"bench: cannot parse with pipeline.readers.read: {type(exc).__name__}: {exc}",
              file=sys.stderr)
        read = None

    results = []
    status = 0 if read is not None else 1
    with tempfile.TemporaryDirectory(prefix="studykit-bench-") as tmp:
        for label, times, runs in (("1×", 1, args.runs), (f"{REPEAT}×", REPEAT, args.runs_large)):
            body = "\n\n".join([text] * times)
            src = Path(tmp) / f"r20x{times}.txt"
            src.write_text(body, encoding="utf-8")
            md = Path(tmp) / f"r20x{times}.md"
            md.write_text(to_markdown(body), encoding="utf-8")
            row = {"size": label, "chars": len(body), "txt_bytes": src.stat().st_size,
                   "md_bytes": md.stat().st_size, "runs": runs}
            print(f"\n{label}: {len(body):,} characters "
                  f"({src.stat().st_size:,} bytes as text, {md.stat().st_size:,} as Markdown)")
            row["parse_s"] = row["command_s"] = row["pandoc_s"] = None
            if read is not None:
                try:
                    row["parse_s"] = median_time(lambda src=src: read(src), runs)
                    row["command_s"] = median_time(
                        lambda src=src: run_quiet([*studykit_command(), "parse", str(src)]),
                        runs)
                except Exception as exc:
                    print(f"bench: parse failed at {label}: {type(exc).__name__}: {exc}",
                          file=sys.stderr)
                    status = 1
            if pandoc:
                out = Path(tmp) / "pandoc.json"
                row["pandoc_s"] = median_time(
                    lambda md=md, out=out: run_quiet(
                        [pandoc, "-f", "markdown", "-t", "json", str(md), "-o", str(out)]), runs)
            for name, value in ((f"parse in-process (median of {runs})", fmt(row["parse_s"])),
                                ("studykit parse, whole command", fmt(row["command_s"])),
                                ("pandoc -f markdown -t json", fmt(row["pandoc_s"])),
                                ("in-process / pandoc", ratio(row["parse_s"], row["pandoc_s"])),
                                ("command / pandoc", ratio(row["command_s"], row["pandoc_s"]))):
                print(f"  {name:<34} {value.strip()}")
            results.append(row)

    print(f"\ntarget: parse under {TARGET:g} of the pandoc time")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"corpus": str(corpus), "results": results}, indent=2),
                             encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main())
