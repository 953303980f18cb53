"""Writing a generated doc, or (``--check``) failing when the committed one is stale."""

from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(doc: Path, text: str, argv: list[str], root: Path, script: str) -> int:
    if "--check" in argv:
        current = doc.read_text(encoding="utf-8") if doc.exists() else ""
        if current != text:
            print(f"{doc.relative_to(root)} is out of date: run python {script}", file=sys.stderr)
            return 1
        return 0
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text, encoding="utf-8")
    print(f"wrote {doc.relative_to(root)}")
    return 0
