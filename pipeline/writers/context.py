"""The variables every template sees: one place, so writers cannot drift apart.

Documented for template authors in docs/templates.md.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.enrich.text import nest_quotes
from pipeline.model import (
    Author,
    Block,
    Document,
    Excerpt,
    Meta,
    Section,
    StudyAids,
    heading_text,
    section_name,
)
from pipeline.options import RECORD_FIELDS, BuildOptions
from pipeline.writers.titles import break_title


def cn_date(iso: str | None) -> str:
    """2022-10-16 → 2022年10月16日 (how dates are printed in Chinese documents)."""
    if not iso:
        return ""
    try:
        d = datetime.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.year}年{d.month}月{d.day}日"


def template_context(doc: Document, opts: BuildOptions) -> dict[str, Any]:
    """The model plus build options, flattened the way templates use them."""
    aids = printable(doc.aids) if doc.aids is not None and opts.variant != "plain" else StudyAids()
    return {
        "doc": doc,
        "meta": doc.meta,
        "title": doc.meta.title,
        "subtitle": doc.meta.subtitle,
        "authors": doc.meta.authors,
        "date": doc.meta.date or "",
        "date_cn": cn_date(doc.meta.date),
        "source": doc.meta.source,
        "body": doc.body,
        "sections": doc.sections,
        "quotes": doc.quotes,
        "terms": doc.terms,
        "aids": aids,
        "org": opts.org,
        "session_date": opts.session_date or "",
        "session_date_cn": cn_date(opts.session_date),
        "row": row_values(opts),
        "record": session_record(doc, opts),
        "variant": opts.variant,
        "heading_text": heading_text,
        "section_name": section_name,
        "title_lines": title_lines(doc.meta.title),
        "bylines": bylines(doc.meta.authors),
        "source_line": source_line(doc.meta),
        "attribution": attribution,
        "quoted": quoted,
        "addressee_line": addressee_line(doc.meta),
        "cc_line": cc_line(doc.meta),
        "imprint_parts": imprint_parts(doc.meta),
        "table_header": table_header,
        "table_grid": table_grid,
        "column_shares": column_shares,
    }


TITLE_CHARS = 20  # 22 pt title characters on the handout's 156 mm line


# --- a roster row: row.<name> and the 学习记录 page ------------------------------------

# The record page's fields in print order: (roster column, label spaced to four characters).
RECORD_LABELS = (("time", "时\u3000\u3000间"), ("place", "地\u3000\u3000点"),
                 ("host", "主\u2002持\u2002人"), ("recorder", "记\u2002录\u2002人"),
                 ("attendees", "参加人员"), ("content", "学习内容"))
RECORD_OPTIONAL = ("recorder",)  # printed only when the roster has the column


def row_values(opts: BuildOptions) -> dict[str, str]:
    """``row.<name>`` for templates: the roster row's values; the 学习记录 fields are there
    (empty) in any build, so a template may print them whether or not a roster is used."""
    return dict.fromkeys(RECORD_FIELDS, "") | dict(opts.row)


@dataclass
class RecordLine:
    label: str  # 时　　间, 主 持 人 …: four characters wide
    value: str  # empty: a line to fill in by hand


@dataclass
class SessionRecord:
    """The 学习记录 page of a roster row: when, where, who chaired, who took part, what was
    studied.  It takes the place of the 学习笔记 page (and is left out with it)."""

    time: str  # the session date in Chinese and the row's session_time
    place: str
    host: str
    recorder: str
    attendees: str
    content: str  # 《title》, what was studied
    lines: list[RecordLine] = field(default_factory=list)  # the fields, in print order

    def rule_lines(self, page_lines: int, chars_per_line: float) -> int:
        """How many ruled lines fill the rest of the page: ``page_lines`` less the title,
        the fields (a value wraps beside its label: a long list of names takes several
        lines) and the heading of the ruled part.  Fewer than four left: they run on to
        fill the next page too, so there is always room to write."""
        used = 3  # the title and the space under it
        for line in self.lines:
            column = max(1.0, chars_per_line - display_width(line.label) - 1)
            used += max(1, math.ceil(display_width(line.value) / column))
        left = max(0, page_lines - used - 1)
        return left if left >= 4 else left + page_lines - 1


def session_record(doc: Document, opts: BuildOptions,
                   titles: list[str] | None = None) -> SessionRecord | None:
    """The row's 学习记录 (None in a build without a roster); ``titles``: the articles of a
    compilation (default: this document's title)."""
    if not opts.row:
        return None
    row = row_values(opts)
    when = "\u3000".join(t for t in (cn_date(opts.session_date), row["session_time"]) if t)
    content = "、".join(f"《{t}》" for t in (titles or [doc.meta.title]) if t)
    rec = SessionRecord(time=_clean(when), place=_clean(row["place"]), host=_clean(row["host"]),
                        recorder=_clean(row["recorder"]), attendees=_clean(row["attendees"]),
                        content=_clean(content))
    rec.lines = [RecordLine(label, getattr(rec, name)) for name, label in RECORD_LABELS
                 if name not in RECORD_OPTIONAL or name in opts.row]
    return rec


def title_lines(text: str, per_line: float = TITLE_CHARS) -> list[str]:
    """A title as the lines a centred title is set in: broken at phrase boundaries and
    balanced (``pipeline.writers.titles``); ``per_line`` is the room of one line in
    full-width characters."""
    return break_title(text, per_line)


def byline(author: Author) -> str:
    """十一师党委常委、副政委、组织部部长　程秀娥: titles, then the name."""
    titles = "、".join(author.titles)
    return f"{titles}　{author.name}" if titles else author.name


def bylines(authors: list[Author]) -> list[str]:
    return [byline(a) for a in authors if a.name or a.titles]


def source_line(meta: Meta) -> str:
    """来源：十一师融媒体中心　2022年12月19日 (empty when neither is known)."""
    parts = [f"来源：{meta.source}" if meta.source else "", cn_date(meta.date)]
    return "　".join(p for p in parts if p)


def printable(aids: StudyAids) -> StudyAids:
    """The aids as printed: a glossary entry without a definition is never a blank line."""
    if all(g.definition for g in aids.glossary):
        return aids
    return dataclasses.replace(aids, glossary=[g for g in aids.glossary if g.definition])


def quoted(text: str) -> str:
    """“…” around a quotation, its own double quotes made single: “马克思主义的‘本本’是要学习的”."""
    return f"“{nest_quotes(text.strip())}”"


def attribution(ex: Excerpt) -> str:
    """Under an excerpt: ——习近平总书记，党的二十大报告（一、…） when the sentence names who
    spoke, else only where it stands, （一、…）: a section heading is not a speaker."""
    who = "，".join(p for p in (ex.speaker, ex.source) if p)
    where = f"（{ex.section}）" if ex.section else ""
    return f"——{who}{where}" if who else where


# --- an official document's (公文) own parts, GB/T 9704 ---------------------------

_END_MARKS = "，、；：。"


def addressee_line(meta: Meta) -> str:
    """主送: the addressees as printed, ending with a full-width colon.

    Entries are joined with 、 unless an entry already ends with its own mark
    (a reader that keeps the source's ， between groups keeps them this way).
    """
    names = [a.strip() for a in meta.addressees if a.strip()]
    if not names:
        return ""
    out = ""
    for i, name in enumerate(names):
        out += name
        if i < len(names) - 1 and name[-1] not in _END_MARKS:
            out += "、"
    return out.rstrip(_END_MARKS + ":") + "："


def cc_line(meta: Meta) -> str:
    """抄送：甲，乙，丙。 (GB/T 9704 7.4.2: commas between, a full stop after the last)."""
    names = [c.strip().rstrip(_END_MARKS) for c in meta.cc if c.strip()]
    if not names:
        return ""
    names[0] = re.sub(r"^抄送\s*[：:]\s*", "", names[0])
    return "抄送：" + "，".join(names) + "。"


_IMPRINT_DATE = re.compile(r"\s*((?:\d{4}|[〇○零一二三四五六七八九]{4})年[\d〇○零一二三四五六七八九十]{1,3}月"
                           r"[\d〇○零一二三四五六七八九十]{1,3}日\s*印发)\s*$")


def imprint_parts(meta: Meta) -> tuple[str, str]:
    """The 印发 line split into the issuing office (left) and 'date 印发' (right)."""
    text = meta.imprint.strip()
    m = _IMPRINT_DATE.search(text)
    if not m:
        return text, ""
    return text[:m.start()].strip(), m.group(1).replace(" ", "")


# --- tables -------------------------------------------------------------------------

def table_grid(rows: list[list[str]]) -> list[list[str]]:
    """The rows padded to one width (a merged cell leaves a short row), cells stripped."""
    width = max((len(r) for r in rows), default=0)
    return [[c.strip() for c in r] + [""] * (width - len(r)) for r in rows if any(c.strip() for c in r)]


_SENTENCE = re.compile(r"[。；！？]")
_NUMBER = re.compile(r"^[\d.,%％\-+（）()年月日元万亿个人次]*$")


def table_header(rows: list[list[str]]) -> bool:
    """Whether the first row reads as column headings: every cell filled, short, no
    sentence, no bare number, and the table has rows below it."""
    grid = table_grid(rows)
    if len(grid) < 2 or len(grid[0]) < 2:
        return False
    first = grid[0]
    return all(c and len(c) <= 12 and not _SENTENCE.search(c) and not _NUMBER.match(c)
               for c in first)


def column_shares(rows: list[list[str]], min_chars: float = 2.5) -> list[float]:
    """Each column's share of a table's width (summing to 1): it grows with the square root
    of the column's longest cell, so a column of long text does not squeeze a column of
    short labels to one character a line.  Shared by the handout and the booklet."""
    grid = table_grid(rows)
    if not grid:
        return []
    longest = [max(display_width(r[j]) for r in grid) for j in range(len(grid[0]))]
    weights = [math.sqrt(max(w, min_chars)) for w in longest]
    return [w / sum(weights) for w in weights]


def display_width(text: str) -> float:
    """Width in Chinese characters: Han and full-width marks 1, Latin letters and digits ½."""
    import unicodedata

    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in text)


# --- the body as a flat list of paragraphs ----------------------------------

# Characters XML 1.0 cannot hold; a template would silently lose the paragraph.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Chapter-like markers that are centred in Chinese books and regulations.
_CHAPTER = ("章", "编", "篇", "部分")
_DATE_LINE = re.compile(r"^(?:\d{4}|[〇○零一二三四五六七八九]{4})年[\d〇○零一二三四五六七八九十]{1,3}月"
                        r"[\d〇○零一二三四五六七八九十]{1,3}日$")
_ATTACHMENT = re.compile(r"^附\s*件\s*[：:]")
_ATTACHMENT_ITEM = re.compile(r"^\s*\d{1,2}\s*[.．、]")


@dataclass
class Para:
    """One printed paragraph of the body, for templates that loop over paragraphs.

    ``kind``: h1/h2/h3 (heading by Section.level; deeper levels are h3),
    chapter (a 第一章/编/篇/部分 heading, centred), jie (a 第一节 heading, centred),
    title and byline (a second article's head), p, item (list entry), gap (an
    empty line: before a signature or an attachment note), signer (发文机关署名),
    signdate (成文日期), signature (another closing line), attachment (附件说明:
    附件：1.…) and attachment_item (each further attachment name), note, caption (a table's title) and
    table.  ``head`` is printed before ``text`` in the same paragraph: a run-in
    heading sentence (``level`` says which level's font) or an article label
    such as 第一条 (level 0).  ``rows`` and ``header`` are a table's cells and
    whether its first row is a header row.
    """

    kind: str
    text: str = ""
    head: str = ""
    level: int = 0
    chapter: str = ""  # 章 or 节: a centred chapter-like heading
    role: str = ""  # a signature's part: signer, date, or ""
    rows: list[list[str]] = field(default_factory=list)
    header: bool = False
    # the writer's own rendering of a table (the handout's Word table)
    table: Any = None


def _clean(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def is_date_line(text: str) -> bool:
    """A closing line that is a date alone: 2025年11月11日, 二〇二五年十一月十一日."""
    return bool(_DATE_LINE.match(re.sub(r"\s+", "", text)))


def chapter_mark(sec: Section) -> str:
    """章 for a 第一章 (编, 篇, 部分) heading, 节 for a 第一节 heading: both are centred."""
    label = sec.label.strip()
    if label.startswith("第") and label.endswith(_CHAPTER):
        return "章"
    if label.startswith("第") and label.endswith("节"):
        return "节"
    return ""


def blocks_paras(blocks: list[Block]) -> list[Para]:
    """A run of blocks as paragraphs: signature lines laid out as a 落款 group after an
    empty line, an attachment note (附件：…) after an empty line with its further names."""
    out: list[Para] = []
    in_attachments = False
    for i, block in enumerate(blocks):
        if block.type == "signature":
            in_attachments = False
            if not out or out[-1].kind not in ("signature", "gap"):
                out.append(Para("gap"))
            text = _clean(block.text)
            if is_date_line(text):
                role = "date"
            elif i + 1 < len(blocks) and blocks[i + 1].type == "signature" \
                    and is_date_line(blocks[i + 1].text):
                role = "signer"
            else:
                role = ""
            out.append(Para("signature", text, role=role))
            continue
        if block.type == "paragraph" and not block.label and _ATTACHMENT.match(block.text):
            out.extend([Para("gap"), Para("attachment", _clean(block.text))])
            in_attachments = True
            continue
        if in_attachments and block.type == "paragraph" and _ATTACHMENT_ITEM.match(block.text):
            out.append(Para("attachment_item", _clean(block.text)))
            continue
        if in_attachments and block.type == "list":
            out.extend(Para("attachment_item", _clean(f"{it.label}{it.text}"))
                       for it in block.items)
            continue
        in_attachments = False
        out.extend(block_paras(block))
    return out


def block_paras(block: Block) -> list[Para]:
    if block.type == "list":
        return [Para("item", _clean(f"{item.label}{item.text}")) for item in block.items]
    if block.type in ("signature", "note"):
        return [Para(block.type, _clean(block.text))]
    if block.type == "table":
        grid = [[_clean(c) for c in row] for row in table_grid(block.rows)]
        out = [Para("caption", _clean(block.text))] if block.text.strip() else []
        if grid:  # text: the rows as lines, for a template that prints tables as text
            out.append(Para("table", "\n".join("\u3000".join(c for c in row if c) for row in grid),
                            rows=grid, header=table_header(grid)))
        return out
    if block.label:
        return [Para("p", _clean(block.text), head=_clean(block.label) + "　")]
    return [Para("p", _clean(block.text))]


def section_paras(sec: Section) -> list[Para]:
    out: list[Para] = []
    body = list(sec.body)
    if sec.kind == "article":
        out.append(Para("title", _clean(section_name(sec)), level=sec.level))
        if sec.meta is not None:
            if sec.meta.subtitle:
                out.append(Para("byline", _clean(sec.meta.subtitle)))
            out.extend(Para("byline", line) for line in bylines(sec.meta.authors))
            if source_line(sec.meta):
                out.append(Para("byline", source_line(sec.meta)))
    elif sec.run_in:
        head = _clean(f"{sec.label}{heading_text(sec)}")
        level = min(max(sec.level, 1), 3)
        if body and body[0].type == "paragraph" and not body[0].label:
            out.append(Para("p", _clean(body.pop(0).text), head=head, level=level))
        else:
            out.append(Para("p", "", head=head, level=level))
    else:
        out.append(Para(f"h{min(max(sec.level, 1), 3)}", _clean(section_name(sec)),
                        level=sec.level, chapter=chapter_mark(sec)))
    out.extend(blocks_paras(body))
    for sub in sec.sections:
        out.extend(section_paras(sub))
    return out


def body_paras(doc: Document) -> list[Para]:
    """The whole text, intro and sections, as paragraphs in reading order."""
    out = blocks_paras(doc.body)
    for sec in doc.sections:
        out.extend(section_paras(sec))
    return out
