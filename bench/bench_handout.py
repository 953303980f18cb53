"""Benchmark the Word handout against pandoc on the same text (run on demand).

    python bench/bench_handout.py

Two documents: the seed article, and a compilation-size model (~260k
characters, about 100 articles' worth) made by concatenating the sections of
the parsed corpus.  Each is written (a) by the handout writer in-process,
(b) by a fresh ``python`` process that loads the model JSON, enriches it and
writes the handout (imports included), and (c) by ``pandoc -f markdown -t
docx`` on equivalent Markdown (the same headings and paragraphs), all in this
run.  Times are the best of ``REPEATS``.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline.enrich import enrich
from pipeline.model import Document, Meta, Section
from pipeline.options import AidOptions, BuildOptions
from pipeline.readers import read
from pipeline.writers.handout import write

CORPUS = Path("/work/shared/corpus")
SEED = CORPUS / "seed_shiyishi.txt"
TARGET_CHARS = 260_000
REPEATS = 3

COLD = """
import sys
from pathlib import Path
from pipeline.enrich import enrich
from pipeline.model import Document
from pipeline.options import AidOptions, BuildOptions
from pipeline.writers.handout import write
doc = Document.from_json(Path(sys.argv[1]).read_text(encoding="utf-8"))
write(enrich(doc, AidOptions()), BuildOptions(out_dir=Path(sys.argv[2])))
"""


def chars(doc: Document) -> int:
    return len(to_markdown(doc))


def compilation(target: int = TARGET_CHARS) -> Document:
    """Sections of the corpus, repeated in turn until the text reaches ``target``."""
    sources = [read(str(p)) for p in sorted(CORPUS.iterdir()) if p.name != "README.md"]
    pool = [s for d in sources for s in d.sections if s.body or s.sections]
    quotes = [q for d in sources for q in d.quotes]
    terms = [t for d in sources for t in d.terms]
    doc = Document(meta=Meta(title="学习汇编（基准测试）", date="2026-12-01"), quotes=quotes,
                   terms=terms)
    total, i = 0, 0
    while total < target:
        sec: Section = copy.deepcopy(pool[i % len(pool)])
        doc.sections.append(sec)
        total += len(to_markdown(Document(sections=[sec])))
        i += 1
    return doc


def to_markdown(doc: Document) -> str:
    """The same text as Markdown: # title, ##… headings, blank-line paragraphs."""
    out = [f"# {doc.meta.title}", ""] if doc.meta.title else []

    def blocks(body) -> None:
        for b in body:
            if b.type == "list":
                out.extend(f"- {i.label}{i.text}" for i in b.items)
                out.append("")
            else:
                out.extend([f"**{b.label}** {b.text}" if b.label else b.text, ""])

    def section(sec: Section, depth: int) -> None:
        out.extend([f"{'#' * min(depth, 6)} {sec.label}{sec.title}", ""])
        blocks(sec.body)
        for sub in sec.sections:
            section(sub, depth + 1)

    blocks(doc.body)
    for sec in doc.sections:
        section(sec, 2)
    return "\n".join(out)


def best(fn, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(name: str, doc: Document, work: Path) -> None:
    doc = enrich(doc, AidOptions())
    opts = BuildOptions(out_dir=work / "out")
    md = work / f"{name}.md"
    md.write_text(to_markdown(doc), encoding="utf-8")
    model = work / f"{name}.json"
    model.write_text(doc.to_json(indent=None), encoding="utf-8")

    t_writer = best(lambda: write(doc, opts))
    t_cold = best(lambda: subprocess.run([sys.executable, "-c", COLD, str(model), str(work / "cold")],
                                         check=True))
    pandoc = shutil.which("pandoc")
    t_pandoc = best(lambda: subprocess.run([pandoc, "-f", "markdown", "-t", "docx", str(md), "-o",
                                            str(work / f"{name}.pandoc.docx")], check=True)) \
        if pandoc else float("nan")
    paras = sum(1 for line in md.read_text(encoding="utf-8").split("\n\n") if line.strip())
    print(f"{name:12} {chars(doc):>8,} chars {paras:>6,} paras | writer {t_writer:6.3f} s | "
          f"cold process {t_cold:6.3f} s | pandoc {t_pandoc:6.3f} s | "
          f"writer/pandoc {t_writer / t_pandoc:4.2f} | cold/pandoc {t_cold / t_pandoc:4.2f}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        measure("seed", read(str(SEED)), work)
        measure("compilation", compilation(), work)


if __name__ == "__main__":
    main()
