"""Corpus scoreboard: how general the readers are, at a glance (``make corpus``).

    python bench/corpus_score.py            # every file of ../shared/corpus and corpus2
    python bench/corpus_score.py -v         # also print what was read where it is wrong
    python bench/corpus_score.py FILE…      # only these (names or paths)

For each real document: title, date, source, authors, top-level headings and body (start,
end, no page junk) against what a careful editor reads in it (``tests/corpus_expected.py``),
plus whether every Han character of the page is in the model.  Not a test: it prints.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.errors import StudykitError  # noqa: E402
from pipeline.model import section_name  # noqa: E402
from pipeline.readers import read  # noqa: E402
from tests.conservation import page_missing_han, visible_text  # noqa: E402
from tests.corpus_expected import body_text, expectations, score  # noqa: E402

FIELDS = ["title", "date", "source", "authors", "headings", "body", "kept"]


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    wanted = [a for a in argv if not a.startswith("-")]
    table = expectations()
    rows = []
    totals = dict.fromkeys(FIELDS, 0)
    measured = dict.fromkeys(FIELDS, 0)
    for path, exp in sorted(table.items(), key=lambda kv: (kv[0].parent.name, kv[0].name)):
        if wanted and not any(w == path.name or Path(w).resolve() == path.resolve() for w in wanted):
            continue
        if not path.exists():
            continue
        start = time.perf_counter()
        try:
            doc = read(path)
        except StudykitError as exc:
            rows.append((path, None, str(exc), 0.0))
            continue
        ms = (time.perf_counter() - start) * 1000
        result = score(doc, exp)
        # .doc/.wps: measured by the office tests through LibreOffice, not here
        result["kept"] = None if visible_text(path) is None else not page_missing_han(path, doc)
        for f in FIELDS:
            totals[f] += bool(result[f])
        measured["kept"] += result["kept"] is not None
        rows.append((path, result, doc, ms))
    width = max((len(p.name) for p, *_ in rows), default=10)
    print(f"{'file':<{width}}  " + "  ".join(f"{f[:7]:<7}" for f in FIELDS) + "    ms")
    right = 0
    for path, result, doc, ms in rows:
        if result is None:
            print(f"{path.name:<{width}}  error: {doc}")
            continue
        right += all(v is not False for v in result.values())
        marks = "  ".join(f"{'n/a' if result[f] is None else 'ok' if result[f] else 'WRONG':<7}"
                          for f in FIELDS)
        print(f"{path.name:<{width}}  {marks}  {ms:5.0f}")
        if verbose and any(v is False for v in result.values()):
            m = doc.meta
            print(f"    title={m.title!r} date={m.date} source={m.source!r}")
            print(f"    authors={[(a.name, a.titles) for a in m.authors]}")
            print(f"    headings={[section_name(s) for s in doc.sections][:6]} ({len(doc.sections)})")
            text = body_text(doc)
            print(f"    body: {text[:60]!r} … {text[-60:]!r}")
    n = sum(1 for r in rows if r[1] is not None)
    print()
    print(f"files fully right: {right} of {len(rows)}")
    if n:
        for f in FIELDS:
            measured[f] = measured[f] if f == "kept" else n
        scored = sum(measured.values())
        print("fields right: " + ", ".join(f"{f} {totals[f]}/{measured[f]}" for f in FIELDS)
              + f"; all fields {sum(totals.values())}/{scored} "
              f"({100 * sum(totals.values()) / scored:.0f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
