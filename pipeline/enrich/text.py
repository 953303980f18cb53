"""Small text helpers shared by the aids: plain-text views of the model."""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.model import Block, Document, Section, block_lines, heading_text

SENTENCE_END = "。！？"


def block_text(block: Block) -> str:
    """A block as one string, label included (list items and table rows joined)."""
    return "".join(block_lines(block))


def section_text(sec: Section) -> Iterator[str]:
    """Every heading and block of a section tree, in reading order."""
    yield f"{sec.label}{heading_text(sec)}"
    for block in sec.body:
        yield block_text(block)
    for sub in sec.sections:
        yield from section_text(sub)


def document_text(doc: Document) -> str:
    """The whole document as one string, for 'does this term occur' checks."""
    parts = [doc.meta.title, doc.meta.subtitle]
    parts.extend(block_text(b) for b in doc.body)
    for sec in doc.sections:
        parts.extend(section_text(sec))
    return "\n".join(parts)


def strip_end(text: str) -> str:
    """A heading without its closing punctuation, for use inside another sentence."""
    return text.rstrip("。；，：！？、 \u3000")


_NEST = str.maketrans({"“": "‘", "”": "’"})


def nest_quotes(text: str) -> str:
    """Double quotes inside a quotation become single ones: “…‘…’…”."""
    return text.translate(_NEST)
