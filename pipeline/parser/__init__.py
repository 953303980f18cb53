"""The parser: a reader's SourceText → the document model.

Stages, each in its own module: page junk (junk), front matter (meta),
paragraphs and the section tree (structure), quotations and formulations
(inline).  A page carrying two articles becomes one document whose top-level
sections are the articles (``Section.kind == "article"``, each with its own
``meta``): one file in, one handout out, with both pieces clearly marked.
"""

from __future__ import annotations

import copy
import re
from dataclasses import replace

from pipeline.i18n import N_, _
from pipeline.model import Author, Block, Document, Meta, Section
from pipeline.parser import conserve, gongwen, inline
from pipeline.parser.dates import find_date, is_date_only
from pipeline.parser.fields import (
    OUTLET,
    THIS_SITE,
    field_kind,
    is_credit_line,
    is_organisation,
    parse_fields,
    plausible_person,
    split_names,
)
from pipeline.parser.junk import strip_junk
from pipeline.parser.lines import Line, Notes, make_line
from pipeline.parser.meta import (
    FrontMatter,
    authors_from,
    credit_units,
    dateline_source,
    dedupe_authors,
    end_source,
    is_byline,
    parse_front,
    source_value,
)
from pipeline.parser.structure import Tree, assemble, classify, make_units
from pipeline.parser.text import LINE_END_OK, SENTENCE_END, widen_punctuation
from pipeline.readers.source import SourceText

__all__ = ["parse"]

_READ_AS = {"text": N_("plain text"), "markdown": "Markdown", "html": N_("web page"),
            "docx": N_("Word document")}


def parse(src: SourceText) -> Document:
    notes = Notes(discarded=list(src.discarded), warnings=list(src.warnings))
    lines = [make_line(sl.text, sl.lineno, sl.heading, sl.size, sl.bold, sl.centered, sl.table)
             for sl in src.lines]
    _drop_replacement_characters(lines, notes)
    lines, breadcrumb = strip_junk(lines, notes)
    lines, official = gongwen.take(lines, notes)  # 公文 parts (GB/T 9704), page numbers
    front = official.front if official and official.front else parse_front(lines, notes)
    starts = [] if official else _article_starts(lines, front.body_start)
    doc = Document(source_file=src.name, encoding=src.encoding, source_format=src.format,
                   read_as=src.read_as or _(_READ_AS.get(src.format, src.format)))
    if not starts:
        body, end_meta = _split_tail(lines[front.body_start:], notes)
        body = _body_head(body, front.meta, notes)
        tree = _build(body, notes)
        doc.meta = front.meta
        _append_at_end(tree, end_meta.blocks)
        doc.body, doc.sections = tree.body, tree.sections
        _finish_meta(doc.meta, front, end_meta, _first_text(tree), src.hints, src.site)
        if src.format == "markdown":
            _front_matter_title(doc.meta, src.hints)
    else:
        doc.meta, doc.body = _page_meta(front, src.hints), []
        bounds = [front.body_start, *starts, len(lines)]
        for k in range(len(bounds) - 1):
            chunk = lines[bounds[k]:bounds[k + 1]]
            if k == 0:
                art_front = FrontMatter(meta=Meta(title=front.meta.title, subtitle=front.meta.subtitle,
                                                  authors=front.meta.authors, notes=front.meta.notes),
                                        body_start=0, note_dates=front.note_dates)
            else:
                art_front = parse_front(chunk, notes)
            body, end_meta = _split_tail(chunk[art_front.body_start:], notes)
            tree = _build(body, notes)
            meta = art_front.meta
            _finish_meta(meta, art_front, end_meta, _first_text(tree), Meta())
            _append_at_end(tree, end_meta.blocks)
            article = Section(level=1, label="", title=meta.title, kind="article", meta=meta,
                              body=tree.body, sections=tree.sections)
            _shift_levels(article.sections, 1)
            doc.sections.append(article)
        notes.warn("two-articles", _("the page holds {n} articles, laid out as marked "
                                     "parts").format(n=len(doc.sections)))
    if official:
        gongwen.finish(doc, official, lambda body: _build(body, notes))
    doc.meta.breadcrumb = breadcrumb or src.hints.breadcrumb
    if not doc.meta.title and (named := title_from_file_name(src.name)):
        doc.meta.title = named
        notes.warn("title-from-file-name", _("no title in the text; the file's name is taken as "
                                             "the title: {title}").format(title=named))
    if not doc.meta.source and (site := site_of_file_name(src.name)):
        doc.meta.source = site  # a page saved under its <title>: "标题_栏目_某某网.md"
    if not doc.meta.title:
        notes.warn("no-title", _("no title found (the original may be incomplete); the outputs "
                                 "are named after the source file"))
    doc.discarded = sorted(notes.discarded, key=lambda d: d.line)
    doc.warnings = notes.warnings
    conserve.recover(src, doc)
    inline.collect(doc)
    return doc


def _build(lines: list[Line], notes: Notes) -> Tree:
    units = make_units(lines)
    return assemble(classify(units, notes), notes)


# An abstract above the text: "划重点：", "内容提要", "【编者按】".
_ABSTRACT = re.compile(r"[【\[]?\s*(?:内容摘要|内容提要|摘要|提要|导读|导语|划重点|核心提示|编者按|编者的话)\s*[】\]]?\s*[:：]?")


# The editors speaking of the work itself at the head of the text (a 题注).
_HEADNOTE = re.compile(r"^[^，。“”]{0,16}?(?:这篇|本篇|本文|该文)(?:文章|讲话|报告|著作|演说|演讲|文献)?"
                       r"[^，。]{0,4}?(?:是|系|写于|原载|发表于|最初发表)")


def _body_head(body: list[Line], meta: Meta, notes: Notes) -> list[Line]:
    """The first lines of the body may still be the article's head: an abstract ("划重点："
    and its items, "编者按：…"), kept as a note under the title, and a byline printed under
    it ("《某刊》作者 周纯")."""
    idx = [i for i, ln in enumerate(body) if not ln.blank and ln.table is None][:10]
    if not idx:
        return body
    idx = _original_headline(body, idx, meta, notes)
    if not idx:
        return body
    bylines = [k for k, i in enumerate(idx) if _credit_byline(body[i].text)]
    label = _ABSTRACT.match(body[idx[0]].text)
    if label:
        if body[idx[0]].text[label.end():].strip():
            taken = idx[:1]  # "编者按：……" in one paragraph
        elif bylines and bylines[0] > 1:
            taken = idx[: bylines[0]]  # the label and its items, down to the byline
        else:
            taken = idx[:2]
        meta.notes.append(widen_punctuation("".join(body[i].text for i in taken)))
        for i in taken:
            notes.discard(body[i], "abstract (kept as a note under the title)")
            body[i] = body[i].emptied()
        idx = idx[len(taken):]
    if not label and len(idx) >= 4 and _HEADNOTE.match(body[idx[0]].text):
        # 题注: the editors on the work ("毛泽东的这篇文章是为了……而写的。")
        meta.notes.append(widen_punctuation(body[idx[0]].text))
        notes.discard(body[idx[0]], "editors' headnote (kept as a note under the title)")
        body[idx[0]] = body[idx[0]].emptied()
        idx = idx[1:]
    for i in idx[:3]:
        fields = parse_fields(body[i].text) if len(body[i].text) <= 120 else None
        if fields and set(fields) == {"来源"} and not meta.source:
            # "来源：…" under a lead set apart above it (a blockquote's 导语)
            meta.source = source_value(site_of_link_text(fields["来源"]))
            notes.discard(body[i], "source line (kept as meta.source)")
            body[i] = body[i].emptied()
            break
    for i in idx[:3]:
        name = _credit_byline(body[i].text)
        if name:
            meta.authors.append(Author(name))
            notes.discard(body[i], "byline")
            body[i] = body[i].emptied()
            break
    return body


def _original_headline(body: list[Line], idx: list[int], meta: Meta, notes: Notes) -> list[int]:
    """A repost that opens with the original's display headline, set bold, one line of
    which carries the title (王勇在河北……工作时强调 / 进一步抓细抓实…… / 切实提高……): the
    headline is title material — its other lines are the subtitle — not the first paragraph."""
    block = []
    for i in idx[:4]:
        text = body[i].text.strip()
        if not (body[i].bold and 0 < len(text) <= 40
                and text[-1] not in SENTENCE_END + "，、"):
            break
        block.append(i)
    title = re.sub(r"\s+", "", meta.title)
    carrying = [i for i in block if len(title) >= 6 and (title[:6] in body[i].text
                                                          or re.sub(r"\s+", "", body[i].text) in title)]
    if not carrying or len(block) >= len(idx):
        return idx
    rest = [widen_punctuation(body[i].text.strip()) for i in block if i not in carrying]
    if rest and not meta.subtitle:
        meta.subtitle = " ".join(rest)
    elif rest:
        meta.notes.append(" ".join(rest))
    for i in block:
        notes.discard(body[i], "the original's headline (title and subtitle)")
        body[i] = body[i].emptied()
    return idx[len(block):]


_TITLE_SITE_SEP = re.compile(r"\s+[-–—|｜_]\s+|_")


def site_of_link_text(value: str) -> str:
    """'双语全文！…新年贺词 - Chinadaily.com.cn' (a link named like a page's <title>): the
    site, the part after the last separator; any other value as it is."""
    if len(value) <= 30:  # a name, not a title with its site
        return value
    parts = [p.strip() for p in _TITLE_SITE_SEP.split(value) if p.strip()]
    return parts[-1] if len(parts) > 1 and len(parts[-1]) <= 30 else value


# Names that say nothing: what a program calls a new file, a copy or a download.
_GENERIC_NAME = re.compile(r"(?:新建|未命名|无标题|文档|副本|复件|新文件|下载|untitled|document|"
                           r"new|copy|download|file|article|text)", re.IGNORECASE)


def title_from_file_name(name: str) -> str:
    """A page saved or clipped to a file is named after its title ("标题_栏目_某某网.md"):
    that title, without the site's suffix, when the name reads as one."""
    from pipeline.readers.html_meta import without_site_suffix

    stem = _stem(name)
    title = without_site_suffix(stem) if stem else ""
    if len(re.findall(r"[\u4e00-\u9fff]", title)) < 4 or _GENERIC_NAME.search(title):
        return ""
    return widen_punctuation(title)


def site_of_file_name(name: str) -> str:
    """The site a page saved or clipped to a file names in the file's name, if any."""
    from pipeline.readers.html_meta import site_in_name

    stem = _stem(name)
    return widen_punctuation(site_in_name(stem)) if stem else ""


def _stem(name: str) -> str:
    """A source file's name without its folder and ending; '' for standard input (<stdin>)."""
    from pathlib import PurePath

    return PurePath(name).stem if name and not name.startswith("<") else ""


def _credit_fields(text: str) -> bool:
    """A line of credits only (作者：…, 责任编辑：…), empty values allowed."""
    fields = parse_fields(text)
    return bool(fields) and all(field_kind(f) in ("author", "staff") for f in fields)


# "新华网记者钱芳": a reporter's name run into the title, one name of two or three characters
_REPORTER_GLUED = re.compile(r"(\S{0,12}(?:记者|通讯员))([\u4e00-\u9fff·]{2,3})")


def _credit_byline(text: str) -> str:
    m = _CREDIT_BYLINE.fullmatch(text) or _REPORTER_GLUED.fullmatch(text)
    names = split_names(m.group(2), labelled=False) if m else []
    return names[0] if len(names) == 1 else ""


_CREDIT_BYLINE = re.compile(r"(\S{0,12}(?:作者|记者|撰稿|撰文|通讯员|特约评论员))[\s:：/]+"
                            r"([\u4e00-\u9fff·]{2,6}(?:[\s、，]+[\u4e00-\u9fff·]{2,6}){0,4})")


def _front_matter_title(meta: Meta, hints: Meta) -> None:
    """In Markdown the author's front matter names the document: its title wins over the
    first ``#`` heading, which (when it differs) stays as the subtitle."""
    if not hints.title or widen_punctuation(hints.title) == meta.title:
        return
    if meta.title:
        meta.subtitle = meta.subtitle or meta.title
        if meta.subtitle != meta.title:
            meta.notes.insert(0, meta.title)
    meta.title = widen_punctuation(hints.title)
    meta.subtitle = meta.subtitle or widen_punctuation(hints.subtitle)


def _drop_replacement_characters(lines: list[Line], notes: Notes) -> None:
    """U+FFFD stands for bytes a program could not decode before the file reached us:
    it carries nothing to print.  The lines lose it; ``discarded`` says where it was."""
    for k, ln in enumerate(lines):
        if "\ufffd" in ln.text and ln.table is None:
            notes.discard(ln, "undecodable characters (U+FFFD) removed",
                          "\ufffd" * ln.text.count("\ufffd"))
            lines[k] = replace(ln, text=ln.text.replace("\ufffd", "").strip())


def _append_at_end(tree: Tree, blocks: list[Block]) -> None:
    """Signature and closing notes end the text: after the last section's last words."""
    if not blocks:
        return
    target = tree.body
    sections = tree.sections
    while sections:
        target = sections[-1].body
        sections = sections[-1].sections
    target.extend(blocks)


def _first_text(tree: Tree) -> str:
    for b in tree.body:
        if b.text:
            return b.text
    return tree.sections[0].body[0].text if tree.sections and tree.sections[0].body else ""


def _shift_levels(sections: list[Section], by: int) -> None:
    for sec in sections:
        sec.level += by
        _shift_levels(sec.sections, by)


# --- the end of an article: source line, credits, signature, footnote -------------

# Disclaimers and editors' notes after an article: "本文仅代表作者个人观点", "图片均来自网络",
# "特别声明：以上内容…", "经过某某重新编排".
_DISCLAIMER = re.compile(r"^\s*[【\[（(]?声明[】\]）)]?[:：]|仅代表|不代表|观点或立场|版权归|转载请|请勿转载|如有侵权|侵删|来源于网络|来自网络|"
                         r"源自网络|重新编排|特别声明|免责声明|本文系|本文为.{0,20}(?:原创|上传|发布)|"
                         r"如需转载|未经授权")
_ENDNOTE = re.compile(r"[〔［\[【(（]\s*\d{1,3}\s*[〕］\]】)）]\s*\S|[⑴-⒇①-⑳]\s*\S")
_NOTES_HEADING = re.compile(r"注\s*释|注\s*解|注|附\s*注|参考文献")
_RELATED_BOX = re.compile(r"[【\[]?\s*(?:推荐阅读|相关阅读|相关新闻|相关文章|相关链接|延伸阅读|为你推荐|为您推荐|"
                          r"热门推荐|精彩推荐|精彩图集|热门文章|热点文章|猜你喜欢|更多精彩|往期回顾|往期推荐|"
                          r"作者最新文章|最新文章|热门排行|阅读排行|大家都在看)\s*[】\]]?\s*[:：>»]*")
# A credit in brackets ending the last paragraph: "…的需要。（文/图 刘玺东 易赛楠）".
_TRAILING_CREDIT = re.compile(r"(?<=[。！？”])\s*([（(【]\s*[^（）()【】]{2,40}[）)】])\s*$")


class EndMeta:
    def __init__(self) -> None:
        self.source = ""
        self.date: str | None = None
        self.blocks: list[Block] = []  # signature and note blocks, in order
        self.reporters: list[str] = []
        self.authors: list[Author] = []
        self.agency = ""
        self.field_date: str | None = None


def _end_credit(text: str, end: EndMeta) -> bool:
    """Read a closing credit: fields, '（德清县发改局）' (a source), '（王小明）' (an author),
    '本报记者 苏雁' and '（本报记者 杨飒）' (a reporter)."""
    inner = re.fullmatch(r"[（(【]\s*(.+?)\s*[）)】]", text)
    credit = _CREDIT_BYLINE.fullmatch((inner.group(1) if inner else text).strip())
    if credit:
        names = split_names(credit.group(2), labelled=False)
        if names:
            end.authors[0:0] = [Author(n) for n in names]  # read from the end up
            return True
    fields = parse_fields(text) if len(text) < 120 else None
    if fields:
        for key, value in fields.items():
            kind = field_kind(key)
            if kind == "date" and value:
                end.field_date = end.field_date or find_date(value)
            elif kind == "source" and value:
                end.source = end.source or source_value(value)
            elif kind == "author" and value:
                end.authors[0:0] = authors_from(value)
                end.source = end.source or next(iter(credit_units(value)), "")
        return True
    bare = re.fullmatch(r"[（(]\s*([^（）()]{2,30}?)\s*[）)]", text)
    if bare and not re.match(r"此件|本件|此页|此文|本文|以上", bare.group(1)):  # not a 附注
        inner = bare.group(1)
        if is_organisation(inner) or OUTLET.fullmatch(inner):
            end.source = end.source or inner
            return True
        if plausible_person(inner, labelled=False) and re.fullmatch(r"[\u4e00-\u9fff·]{2,6}", inner):
            end.authors.insert(0, Author(inner))
            return True
    return False


def _split_tail(lines: list[Line], notes: Notes) -> tuple[list[Line], EndMeta]:
    end = EndMeta()
    text_idx = [i for i, ln in enumerate(lines) if not ln.blank]
    # A box of other articles (推荐阅读, 为你推荐, 作者最新文章 …) ends the text: it and what
    # follows it are the page's, not the article's.
    lengths = [len(lines[j].text) for j in text_idx]
    suffix = [0] * (len(lengths) + 1)  # characters of the lines from n on, for means
    for n in range(len(lengths) - 1, -1, -1):
        suffix[n] = suffix[n + 1] + lengths[n]
    for n, i in enumerate(text_idx):
        count = len(text_idx) - n - 1
        if n >= 1 and _RELATED_BOX.fullmatch(lines[i].text) and (
                n >= len(text_idx) * 0.4 or (count and suffix[n + 1] / count <= 50)):
            for j in text_idx[n:]:
                notes.discard(lines[j], "related links")
            lines = lines[:i]
            text_idx = text_idx[:n]
            break
    # Credits end an article: what little follows them is page furniture ("作者：某某" then a
    # leftover widget, or another article's teaser), not the article's text; a source line
    # or a date there is still read below.
    total = sum(len(lines[j].text) for j in text_idx)
    for k in range(max(0, len(text_idx) - 8), len(text_idx) - 1):
        fields = parse_fields(lines[text_idx[k]].text) if len(lines[text_idx[k]].text) < 80 else None
        if not (fields and any(field_kind(f) in ("author", "staff") for f in fields)):
            continue
        # source lines, dates and further credits stay: the closing scan below reads them
        after = [i for i in text_idx[k + 1:]
                 if not end_source(lines[i].text) and not is_date_only(lines[i].text)
                 and not _credit_fields(lines[i].text)]
        if (len(after) <= 6 and sum(len(lines[i].text) for i in after) * 5 <= total
                and all(lines[i].table is None for i in after)
                and not any(parse_fields(lines[i].text) and not _credit_fields(lines[i].text)
                            for i in after)):
            for i in after:
                outlet = lines[i].text.strip(" ,，、")
                if OUTLET.fullmatch(outlet) and not end.source:  # ",南方都市报": where it ran first
                    end.source = outlet
                    notes.discard(lines[i], "source line (kept as meta.source)")
                else:
                    notes.discard(lines[i], "after the article's credits")
            gone = set(after)
            lines = [ln for j, ln in enumerate(lines) if j not in gone]
            text_idx = [j for j, ln in enumerate(lines) if not ln.blank]
            break
    tail: list[Block] = []
    cut = len(lines)
    for i in reversed(text_idx):
        t = lines[i].text
        if lines[i].table is not None:
            break
        src = end_source(t)
        if src:
            end.source = end.source or source_value(src)
            notes.discard(lines[i], "source line (kept as meta.source)")
        elif is_date_only(t) and len(t) < 20:
            end.date = find_date(t)
            tail.insert(0, Block("signature", t))
        elif not tail and _DISCLAIMER.search(t) and (
                len(t) <= 120 or (len(t) <= 400 and len(set(_DISCLAIMER.findall(t))) >= 2)):
            # a site's closing notice (客户端, 报料热线, 版权声明…) says two such things at once
            notes.discard(lines[i], "disclaimer")
        elif _end_credit(t, end) or is_credit_line(t):
            notes.discard(lines[i], "credits")
        elif t.startswith("※") or re.match(r"[＊*]\s*\S", t) or _ENDNOTE.match(t) or (
                tail and tail[0].type == "note" and _NOTES_HEADING.fullmatch(t)):
            # footnotes, endnotes ("〔1〕…", "[2] …") and the "注释" line over them
            tail.insert(0, Block("note", widen_punctuation(t)))
        elif (tail and tail[0].type == "signature" and len(t) <= 40
              and t[-1] not in LINE_END_OK and cut - i <= 3):
            tail.insert(0, Block("signature", widen_punctuation(t)))
        elif not tail and i == text_idx[-1] and is_organisation(t) and len(t) <= 30:
            tail.insert(0, Block("signature", t))  # the issuing body alone closes a notice
        else:
            break
        cut = i
    end.blocks = tail
    # "…的需要。（文/图 刘玺东 易赛楠）": a credit glued to the last paragraph
    last = next((i for i in reversed(text_idx) if i < cut), None)
    if last is not None:
        m = _TRAILING_CREDIT.search(lines[last].text)
        if m and _end_credit(m.group(1), end):
            notes.discard(lines[last], "credits", m.group(1))
            lines[last] = replace(lines[last], text=lines[last].text[: m.start()].rstrip())
    # a dateline at the start or in brackets at the end names the agency
    for i in text_idx[:3] + [j for j in text_idx[-2:] if j < cut]:
        agency, reporters = dateline_source(lines[i].text)
        if agency or reporters:
            end.agency = end.agency or agency
            end.reporters = end.reporters or reporters
    return lines[:cut], end


def _finish_meta(meta: Meta, front: FrontMatter, end: EndMeta, first_text: str, hints: Meta,
                 site: str = "") -> None:
    meta.date = (front.note_dates[-1] if front.note_dates else None) or front.field_date \
        or end.field_date or hints.date or end.date
    if not meta.source:
        meta.source = end.source or end.agency or hints.source
    if not meta.source:
        agency, _ = dateline_source(first_text)
        meta.source = agency
    if THIS_SITE.fullmatch(meta.source or "") or (not meta.source and front.this_site):
        meta.source = site  # "来源：本站原创": the site the page is on
    if not meta.source and site:
        meta.source = site  # no 来源 stated: the site's owner published it
    if not meta.authors:
        _, reporters = dateline_source(first_text)
        names = end.reporters or reporters
        meta.authors = dedupe_authors(end.authors) or [Author(n) for n in names] or [
            a for a in hints.authors if plausible_person(a.name)]
    else:  # a credit at the end names the writer too ("原创 某栏目 …" above, "（王小明）" below)
        meta.authors += [a for a in end.authors if a.name not in {b.name for b in meta.authors}]
    if not meta.title and hints.title:
        meta.title = widen_punctuation(hints.title)
    meta.title = _without_credit_prefix(meta.title, meta)


def _without_credit_prefix(title: str, meta: Meta) -> str:
    """'王文：中美贸易…' → '中美贸易…' when the prefix is the article's author or source."""
    m = re.match(r"(.{2,12}?)\s*[：:|｜]\s*(.{6,})", title)
    if not m:
        return title
    prefix = m.group(1).strip("《》【】")
    names = {a.name for a in meta.authors} | {meta.source, meta.source.strip("《》")}
    return m.group(2) if prefix in names or any(prefix and prefix in n for n in names if n) else title


def _page_meta(front: FrontMatter, hints: Meta) -> Meta:
    meta = copy.deepcopy(front.meta)
    meta.title = front.page_title or front.meta.title
    meta.subtitle, meta.authors, meta.notes = "", [], []
    meta.date = front.field_date or hints.date
    meta.source = meta.source or hints.source
    return meta


# --- two articles on one page ------------------------------------------------

def _article_starts(lines: list[Line], body_start: int) -> list[int]:
    """Where a further article begins: [meta line] title line(s) byline, then body text.

    The byline is what makes it safe: a lone name (习近平) or titles + name
    under one to three short title lines, after body text.
    """
    idx = [i for i in range(body_start, len(lines)) if not lines[i].blank]
    starts: list[int] = []
    seen_body = False
    skip_to = -1
    for pos, i in enumerate(idx):
        if pos <= skip_to:
            continue
        t = lines[i].text
        if len(t) > 40 or t[-1] in LINE_END_OK:
            seen_body = seen_body or len(t) > 40
            continue
        if not seen_body:
            continue
        # title lines i..j-1, byline at j, body after
        j = pos
        while j < len(idx) and j - pos < 3 and _short_title(lines[idx[j]].text) \
                and not is_byline(lines[idx[j]].text):
            j += 1
        if j == pos or j + 1 >= len(idx) or not is_byline(lines[idx[j]].text):
            continue
        if len(lines[idx[j + 1]].text) < 30:
            continue
        # A source/date line just above the title closes the previous article
        # (its tail is read by _split_tail), as on pages that paste two pieces.
        start = i
        if not starts or start > starts[-1]:
            starts.append(start)
            skip_to = j
    return starts


def _short_title(text: str) -> bool:
    return (4 <= len(text) <= 40 and text[-1] not in LINE_END_OK.replace("※", "") + "，、"
            and not parse_fields(text))
