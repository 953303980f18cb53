"""Helpers shared by the parser tests."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator

from pipeline.model import Document
from pipeline.model import model_texts as all_model_texts
from pipeline.parser.conserve import REASON as RECOVERED
from pipeline.parser.text import han_chars
from pipeline.readers import read_bytes, read_source


def model_texts(doc: Document) -> Iterator[str]:
    """What the parser's rules put in the model: all of it but the lines its safety net
    recovered (``pipeline.parser.conserve``), so that a rule losing text fails the tests."""
    kept = [d for d in doc.discarded if d.reason != RECOVERED]
    return all_model_texts(dataclasses.replace(doc, discarded=kept))


def source_han(path) -> Counter[str]:
    """Han characters of what the reader found in the file (all of a text file)."""
    data, name = read_bytes(path)
    src = read_source(data, name)
    text = "\n".join(line.text for line in src.lines)
    text += "\n".join(d.text for d in src.discarded)
    return Counter(han_chars(text))


def missing_han(path, doc: Document) -> Counter[str]:
    have = Counter(han_chars("\n".join(model_texts(doc))))
    want = source_han(path)
    return Counter({ch: n - have[ch] for ch, n in want.items() if have[ch] < n})


def load_script(name: str):
    """Import ``scripts/<name>.py`` as a module (the doc generators are scripts, not package code)."""
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module
