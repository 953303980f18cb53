"""The text as sentences with where each stands: what the aids rank, quote and ask about.

A sentence ends after 。！？ (and a closing quotation mark or bracket that follows),
never inside quotation marks or brackets; a very long one is also cut after ；.
Each keeps its place: the top-level section it belongs to, the section's name,
the paragraph, and the article label (第四条) of a regulation's paragraph, which
runs on over the unlabelled paragraphs that follow it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.model import Block, Document, Section, heading_text, section_name

END = "。！？"
CLOSE_AFTER = "”’）」』》"
OPEN_MARKS = "“‘（「『《"
CLOSE_MARKS = "”’）」』》"
LONG = 110  # a sentence longer than this is also cut after ；


@dataclass
class Sentence:
    text: str
    top: int  # index of the top-level section; -1 for the text before the first heading
    section: str  # name (label + title) of the innermost section
    para: int  # paragraph number, in reading order over the whole document
    index: int  # position of the sentence in its paragraph
    article: str = ""  # 第四条: the article this paragraph belongs to, in a regulation
    lead: bool = False  # the paragraph ends with ： and a list follows
    item: bool = False  # a list item
    label: str = ""  # the item's marker (一、) or article label (第四条), on its first sentence


@dataclass
class Paragraph:
    """A paragraph (or list item) as the aids see it."""

    text: str
    top: int
    section: str
    para: int
    article: str = ""
    item: bool = False
    label: str = ""  # list item marker or article label (第四条), as printed
    lead: bool = False  # ends with ： and introduces the list after it
    heading: bool = False  # a sub-section heading line


def split(text: str) -> list[str]:
    """Sentences of a paragraph, quotation marks and brackets kept whole."""
    out: list[str] = []
    depth, start, i = 0, 0, 0
    text = text.strip()
    while i < len(text):
        ch = text[i]
        if ch in OPEN_MARKS:
            depth += 1
        elif ch in CLOSE_MARKS:
            depth = max(0, depth - 1)
        if ch in END:
            j = i + 1
            while j < len(text) and (text[j] in END or text[j] in CLOSE_AFTER):
                if text[j] in CLOSE_MARKS:
                    depth = max(0, depth - 1)
                j += 1
            if depth == 0:
                out.append(text[start:j])
                start, i = j, j
                continue
        i += 1
    if text[start:].strip():
        out.append(text[start:])
    return [piece for s in out for piece in _split_long(s.strip()) if piece]


def _split_long(sentence: str) -> list[str]:
    if len(sentence) <= LONG or "；" not in sentence:
        return [sentence]
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(sentence):
        depth += (ch in OPEN_MARKS) - (ch in CLOSE_MARKS)
        if ch == "；" and depth <= 0 and i - start >= 12:
            parts.append(sentence[start:i + 1])
            start = i + 1
    parts.append(sentence[start:])
    return [p for p in parts if p.strip()]


def paragraphs(doc: Document) -> list[Paragraph]:
    """Every paragraph and list item of the text, in reading order (headings included,
    flagged); signatures, notes and tables are not the text's statements and are left out."""
    out: list[Paragraph] = []

    def add_blocks(blocks: list[Block], top: int, name: str, article: str) -> str:
        for n, block in enumerate(blocks):
            if block.type == "paragraph" and block.text.strip():
                if block.label.endswith("条"):
                    article = block.label
                follows_list = n + 1 < len(blocks) and blocks[n + 1].type == "list"
                out.append(Paragraph(block.text.strip(), top, name, len(out), article,
                                     label=block.label,
                                     lead=block.text.rstrip().endswith(("：", ":")) and follows_list))
            elif block.type == "list":
                for it in block.items:
                    if it.text.strip():
                        out.append(Paragraph(it.text.strip(), top, name, len(out), article,
                                             item=True, label=it.label))
        return article

    def visit(sec: Section, top: int, nested: bool) -> None:
        name = section_name(sec)
        if nested and (sec.title or sec.label):
            out.append(Paragraph(f"{sec.label}{heading_text(sec)}", top, name, len(out),
                                 heading=True))
        add_blocks(sec.body, top, name, "")
        for sub in sec.sections:
            visit(sub, top, True)

    add_blocks(doc.body, -1, "", "")
    for i, sec in enumerate(doc.sections):
        visit(sec, i, False)
    return out


def sentences(doc: Document) -> list[Sentence]:
    out: list[Sentence] = []
    for p in paragraphs(doc):
        if p.heading:
            continue
        for i, s in enumerate(split(p.text)):
            out.append(Sentence(s, p.top, p.section, p.para, i, p.article,
                                lead=p.lead, item=p.item, label=p.label if i == 0 else ""))
    return out


def iter_clauses(text: str, marks: str = "，；：") -> Iterator[tuple[int, int]]:
    """(start, end) of each clause, cut after ，；： outside quotation marks and brackets."""
    depth, start = 0, 0
    for i, ch in enumerate(text):
        depth += (ch in OPEN_MARKS) - (ch in CLOSE_MARKS)
        if ch in marks and depth <= 0:
            yield start, i + 1
            start = i + 1
    if start < len(text):
        yield start, len(text)


# Clauses that lead into the statement rather than make it: who said it (…指出，),
# when or where it holds (当前，/ 在…中，/ …的时候，), what it is for (为了…，), an
# address (同志们，) or a stance (作为组织部部长，).
LEAD_IN = re.compile(
    r"^(.{0,30}(指出|强调|表示|认为|宣布|说|牢记|认识到|看到)[，：:]$"
    r"|(当前|目前|现在|今后|同时|此外|另外|总之|其中|首先|其次|再次|最后|一方面|另一方面|"
    r"近年来|多年来|[一二三四五六七八九十百\d]+年来|过去[一二三四五六七八九十\d]+年)[，：:]$"
    r"|(在|为了|为|随着|通过|按照|根据|围绕|面对|对于|作为|立足|基于|经过)[^，；：]{1,40}[，：:]$"
    r"|(从|自)[^，；：]{1,20}(起|开始|以来)[，：:]$"
    r"|.{1,30}(的时候|之时|时|以来|期间|之际|过程中)[，：:]$"
    r"|(同志们|各位[\u4e00-\u9fff]{0,6}|朋友们)[，：:！]$)")


def clauses(text: str, marks: str = "，；：") -> list[str]:
    """The clauses of a sentence, each with the mark that ends it."""
    return [text[a:b] for a, b in iter_clauses(text, marks)]


def main_clauses(sentence: str) -> list[str]:
    """The clauses of a sentence from where its statement starts (lead-ins dropped)."""
    parts = clauses(sentence.strip())
    start = 0
    while start < len(parts) - 1 and LEAD_IN.match(parts[start].strip()):
        start += 1
    return parts[start:]
