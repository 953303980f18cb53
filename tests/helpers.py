"""Helpers shared by the parser tests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from pipeline.model import Block, Document, Meta, Section
from pipeline.parser.text import han_chars
from pipeline.readers import read_bytes, read_source


def _meta_texts(meta: Meta) -> Iterator[str]:
    yield from (meta.title, meta.subtitle, meta.source, *meta.breadcrumb, *meta.notes)
    yield from (meta.doc_number, *meta.addressees, *meta.cc, meta.imprint)
    for a in meta.authors:
        yield a.name
        yield from a.titles


def _block_texts(blocks: list[Block]) -> Iterator[str]:
    for b in blocks:
        yield b.label
        yield b.text
        for item in b.items:
            yield item.label
            yield item.text
        for row in b.rows:
            yield from row


def _section_texts(sections: list[Section]) -> Iterator[str]:
    for s in sections:
        yield s.label
        yield s.title
        if s.meta:
            yield from _meta_texts(s.meta)
        yield from _block_texts(s.body)
        yield from _section_texts(s.sections)


def model_texts(doc: Document) -> Iterator[str]:
    """Everything the model holds: meta, headings, blocks and discarded lines."""
    yield from _meta_texts(doc.meta)
    yield from _block_texts(doc.body)
    yield from _section_texts(doc.sections)
    for d in doc.discarded:
        yield d.text


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
