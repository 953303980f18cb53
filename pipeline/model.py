"""The document model: the only contract between readers, enrich and writers.

Plain dataclasses with a stable JSON form (see ``docs/model.md``).  Bump
``SCHEMA_VERSION`` whenever a field is renamed or removed; adding an optional
field keeps the version.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = 1

BlockType = Literal["paragraph", "list", "table", "signature", "note"]


@dataclass
class Author:
    name: str
    titles: list[str] = field(default_factory=list)


@dataclass
class Meta:
    title: str = ""
    subtitle: str = ""
    date: str | None = None  # ISO 8601, YYYY-MM-DD
    source: str = ""
    authors: list[Author] = field(default_factory=list)
    breadcrumb: list[str] = field(default_factory=list)
    # Lines printed under the title that are none of the above, e.g. an
    # adoption note "（2024年1月18日中共中央政治局常委会会议审议批准）".
    notes: list[str] = field(default_factory=list)
    # An official document's (公文) own parts, GB/T 9704: 发文字号 "国办发〔2024〕12号",
    # 主送机关 (one entry per addressee), 抄送机关, and the 印发 line of the 版记
    # ("某某办公室 2024年3月5日印发"); empty for other documents.
    doc_number: str = ""
    addressees: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    imprint: str = ""


@dataclass
class ListItem:
    label: str  # as printed: "①", "——", "（1）"
    text: str


@dataclass
class Block:
    """A unit of body text.

    ``paragraph``: running text; ``label`` holds an article marker such as
    "第一条" that is printed bold before the text.  ``list``: ``items`` hold
    the entries (``text`` is empty).  ``table``: ``rows`` hold the cells' text
    row by row (``text`` is the table's caption, if any).  ``signature``:
    issuing body or date at the end of a notice.  ``note``: a footnote line
    such as "※这是…".
    """

    type: BlockType
    text: str = ""
    label: str = ""
    items: list[ListItem] = field(default_factory=list)
    # table cells, row by row; a merged cell appears once, in its first row and column
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Section:
    level: int  # 1 = top level, as the document uses it
    label: str  # marker as printed: "一、", "（一）", "第一章", "" if unnumbered
    title: str  # heading text without the marker (run-in: without the final 。)
    body: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    # True when the heading was a sentence at the start of a paragraph
    # ("（一）构建…。正文…"): writers print heading and body as one paragraph.
    run_in: bool = False
    # "heading" for ordinary sections, "article" for a second article found on
    # the same page; an article carries its own metadata.
    kind: Literal["heading", "article"] = "heading"
    meta: Meta | None = None


@dataclass
class Discarded:
    text: str
    reason: str
    line: int = 0  # 1-based line in the decoded source, 0 if unknown


@dataclass
class Quote:
    text: str  # without the quotation marks
    speaker: str = ""  # "习近平总书记"
    source: str = ""  # "党的二十大报告"
    section: str = ""  # label + title of the enclosing section
    sentence: str = ""  # the sentence the quotation stands in


@dataclass
class Term:
    text: str  # "四个意识", or a book title without 《》
    kind: Literal["formulation", "book"] = "formulation"
    count: int = 1
    section: str = ""  # where it first occurs


@dataclass
class Warning:
    code: str  # machine-readable: "numbering-gap", "no-title", …
    message: str  # one line, Chinese or English, for people
    # What the user would correct: "title", "subtitle", "authors", "date", "source",
    # "outline" (heading levels) or "text" (lines kept or dropped); empty: nothing to correct.
    field: str = ""


@dataclass
class Correction:
    """A value the user corrected (``-M``, ``studykit.toml``, the page): ``check`` shows it."""

    field: str  # "title", "subtitle", "authors", "date", "source", "drop", "keep", "level"
    value: str  # the corrected value as text: a title, "听全文", "引言 → 0"
    origin: str  # where the correction came from: "-M", "studykit.toml", "page"
    was: str = ""  # the value before it, as text ("" if none)


@dataclass
class Excerpt:
    text: str
    speaker: str = ""
    source: str = ""
    section: str = ""


@dataclass
class GlossaryEntry:
    term: str
    definition: str = ""  # empty: listed with a blank to fill, never invented
    source: str = ""  # where the definition comes from


@dataclass
class Question:
    section: str
    text: str
    article: str = ""  # in a compilation: the title of the article the question is about


@dataclass
class QuizItem:
    prompt: str  # the quotation with the answer replaced by a blank
    answer: str
    section: str = ""


@dataclass
class KeyPoint:
    text: str  # condensed bullet, at most ~30 characters
    note: str  # the full paragraph, for speaker notes


@dataclass
class SectionPoints:
    section: str  # label + title
    points: list[KeyPoint] = field(default_factory=list)


@dataclass
class Omission:
    """A study aid this document gets none of, and why (``check`` prints it)."""

    aid: str  # "excerpts", "glossary", "questions" or "quiz"
    reason: str  # for people: "新闻报道讲述事实，没有可供讨论的论点"


@dataclass
class StudyAids:
    """Filled by ``pipeline.enrich``; each list is empty when its aid is off."""

    excerpts: list[Excerpt] = field(default_factory=list)
    glossary: list[GlossaryEntry] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    quiz: list[QuizItem] = field(default_factory=list)
    notes_page: bool = False
    keypoints: list[SectionPoints] = field(default_factory=list)
    # What kind of document the aids were made for: speech (讲话报告), commentary (评论文章),
    # regulation (法规条例), notice (通知公文), news (新闻报道), notes (学习笔记).
    genre: str = ""
    # Formulations of the text that no glossary defines: not printed, listed by check.
    undefined: list[str] = field(default_factory=list)
    omitted: list[Omission] = field(default_factory=list)


@dataclass
class Document:
    meta: Meta = field(default_factory=Meta)
    body: list[Block] = field(default_factory=list)  # blocks before the first heading
    sections: list[Section] = field(default_factory=list)
    discarded: list[Discarded] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    aids: StudyAids | None = None
    source_file: str = ""
    encoding: str = ""
    # How the source was read, for people: "网页", "Word 文档", "PDF，12 页，文字层",
    # ".doc（经 LibreOffice 转换）"; the format name the reader used is in ``source_format``.
    source_format: str = ""
    read_as: str = ""
    # The user's corrections applied to this document, in the order applied.
    corrections: list[Correction] = field(default_factory=list)
    version: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        data = _plain(self)
        order = ["version", "meta", "body", "sections", "discarded", "quotes", "terms",
                 "warnings", "corrections", "aids", "source_file", "encoding", "source_format",
                 "read_as"]
        return {k: data[k] for k in order}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        return _build(cls, data)

    @classmethod
    def from_json(cls, text: str) -> Document:
        return cls.from_dict(json.loads(text))

    def walk(self):
        """Yield every section depth-first, in reading order."""
        stack = list(reversed(self.sections))
        while stack:
            sec = stack.pop()
            yield sec
            stack.extend(reversed(sec.sections))


def model_texts(doc: Document) -> Iterator[str]:
    """Every text the model holds: meta, headings, blocks and discarded lines (for the
    nothing-lost invariant)."""
    yield from _meta_texts(doc.meta)
    yield from _block_texts(doc.body)
    yield from _section_texts(doc.sections)
    for d in doc.discarded:
        yield d.text


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


def label_gap(label: str) -> str:
    """第一章　总则, 附件1　名称 and a bare "01　标题" take an ideographic space after the
    marker; 一、 and （一） do not (their mark separates)."""
    words = label.endswith(("章", "节", "部分", "篇", "编", "条")) or label.startswith("附件")
    return "\u3000" if words or label.isdigit() else ""


def section_name(sec: Section) -> str:
    """How a section is referred to in aids and tables of contents: marker + title."""
    if not sec.label:
        return sec.title
    return f"{sec.label}{label_gap(sec.label)}{sec.title}" if sec.title else sec.label


def heading_text(sec: Section) -> str:
    """The heading as printed, restoring the 。 a run-in heading ends with."""
    return sec.title + ("。" if sec.run_in and sec.title and sec.title[-1] not in "。？！" else "")


def block_lines(block: Block) -> list[str]:
    """A block's text as printed, one string per printed line: a paragraph (its label, an
    ideographic space, its text), each list item (label and text), each table row (cells
    separated by ideographic spaces).  Shared by everything that needs a block as plain text."""
    if block.type == "list":
        return [f"{item.label}{item.text}" for item in block.items]
    if block.type == "table":
        rows = ["\u3000".join(c for c in row if c) for row in block.rows]
        return [r for r in ([block.text] if block.text else []) + rows if r]
    return [f"{block.label}\u3000{block.text}" if block.label else block.text]


def _plain(obj: Any) -> Any:
    """dataclasses.asdict without its deep copies: the model holds only str, int, bool, None."""
    fields = getattr(obj, "__dataclass_fields__", None)
    if fields is not None:
        return {name: _plain(getattr(obj, name)) for name in fields}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    return obj


# --- from_dict: rebuild nested dataclasses from their JSON form -------------

_NESTED: dict[type, dict[str, type]] = {
    Meta: {"authors": Author},
    Block: {"items": ListItem},
    Section: {"body": Block, "sections": Section, "meta": Meta},
    Document: {"meta": Meta, "body": Block, "sections": Section, "discarded": Discarded,
               "quotes": Quote, "terms": Term, "warnings": Warning, "corrections": Correction,
               "aids": StudyAids},
    StudyAids: {"excerpts": Excerpt, "glossary": GlossaryEntry, "questions": Question,
                "quiz": QuizItem, "keypoints": SectionPoints, "omitted": Omission},
    SectionPoints: {"points": KeyPoint},
}


def _build(cls: type, data: Any) -> Any:
    if data is None:
        return None
    nested = _NESTED.get(cls, {})
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in data.items():
        if key not in names:
            continue  # tolerate fields from a newer minor version
        sub = nested.get(key)
        if sub is not None and isinstance(value, list):
            kwargs[key] = [_build(sub, v) for v in value]
        elif sub is not None:
            kwargs[key] = _build(sub, value)
        else:
            kwargs[key] = value
    return cls(**kwargs)
