"""Markdown → lines, read by a CommonMark parser (markdown-it-py), with source line numbers.

What a reader of the rendered page sees becomes text; the markup does not:

* ATX and setext headings get ``heading=level``;
* paragraphs give one line per source line (the parser rejoins hard-wrapped text), list
  items keep an ordered item's number ("1." is numbering the parser reads) and lose a
  bullet's marker, block quotes lose their ``>``;
* emphasis, links (their text stays), inline code (its content stays) lose their markup;
  images, HTML comments, thematic breaks, code fences, link definitions and the YAML front
  matter go to ``discarded``;
* tables become table lines (rows of cells); footnotes are kept after the text as
  "[1] 注释文字" lines, their references as "[1]";
* fenced and indented code is kept verbatim.

YAML front matter (``title``, ``subtitle``, ``date``, ``author``/``authors``, ``source``)
goes into the hints; the parser prefers a front-matter title over the first ``#`` heading.
"""

from __future__ import annotations

import datetime as dt
import re

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from pipeline.model import Author, Discarded, Meta
from pipeline.readers.decode import decode
from pipeline.readers.source import SourceLine, SourceText

_HAN = re.compile(r"[\u4e00-\u9fff]")
# Where a clipper records the page it clipped
_URL_KEYS = ("url", "source_url", "link", "网址", "原文链接", "原文地址", "链接", "source")
# What a photo's caption ends with: who took or supplied it
_PHOTO_CREDIT = re.compile(r"(?:供图|(?<!拍)摄|图片|照片|截图|资料图)\s*[）)]?$")

_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_CODE_TAGS = re.compile(r"<(style|script|template)\b.*?(?:</\1\s*>|$)", re.S | re.I)
# "### 一、深化理论武装 {#part1}": a heading's attribute list (ids, classes) is markup
_HEADING_ATTRS = re.compile(r"\s*\{\s*(?:[#.][\w:-]+\s*|[\w-]+=\S+\s*)+\}\s*$")


def _only_page_links(inline: Token) -> bool:
    """An inline whose every visible character is the text of a link to "#somewhere"."""
    depth, outside, inside = 0, 0, 0
    for child in inline.children or []:
        if child.type == "link_open":
            depth += 1 if str(child.attrs.get("href", "")).startswith("#") else 100
        elif child.type == "link_close":
            depth -= 1 if depth < 100 else 100
        elif child.type in ("text", "code_inline"):
            n = len(child.content.strip())
            if depth == 1:
                inside += n
            else:
                outside += n
    return inside > 0 and outside == 0


def _html_lines(fragment: str) -> list[tuple[str, int, int | None]]:
    """(text, line offset, heading level) for each block of an HTML fragment."""
    import lxml.html

    from pipeline.readers.html import _lines

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # noqa: BLE001 - lxml raises several kinds on broken fragments
        return [(ln.strip(), k, None) for k, ln in enumerate(re.sub(r"<[^>]+>", "", fragment)
                                                           .split("\n")) if ln.strip()]
    return [(ln.text.strip(), max((ln.lineno or 1) - 1, 0), ln.heading)
            for ln in _lines(root) if ln.text.strip()]


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    return md.use(footnote_plugin)


def read(data: bytes, name: str) -> SourceText:
    """Decode and parse; one SourceLine per line of text, blank lines between blocks."""
    text, encoding = decode(data, name)
    raw = text.split("\n")
    out = _Reader(raw)
    text = out.front_matter(text)
    tokens = _parser().parse(text)
    out.walk(tokens)
    out.unclaimed()
    out.lines.sort(key=lambda ln: ln.lineno)
    return SourceText(name=name, format="markdown", lines=out.lines, encoding=encoding,
                      hints=out.hints, discarded=sorted(out.discarded, key=lambda d: d.line))


class _Reader:
    def __init__(self, raw: list[str]) -> None:
        self.raw = raw
        self.lines: list[SourceLine] = []
        self.discarded: list[Discarded] = []
        self.hints = Meta()
        self.claimed: set[int] = set()  # 0-based source lines some token accounted for
        self.item_label: list[str] = []  # the number of the ordered list item being read
        self.footnotes: list[SourceLine] = []
        self.last_break = -1  # how many lines there were at the last thematic break
        self.after_image = False  # the paragraph before was a picture alone

    # -- walking the block tokens -------------------------------------------------

    def walk(self, tokens: list[Token]) -> None:
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok.map:
                self.claimed.update(range(tok.map[0], tok.map[1]))
            kind = tok.type
            if kind == "heading_open":
                level = int(tok.tag[1])
                start = tok.map[0] + 1 if tok.map else 0
                text = " ".join(t for t in self._inline(tokens[i + 1], start) if t.strip())
                text = _HEADING_ATTRS.sub("", text)
                self.lines.append(SourceLine(text.strip(), start, level))
                if tok.markup in ("=", "-") and tok.map:  # a setext underline
                    under = tok.map[1] - 1
                    self.discarded.append(Discarded(self.raw[under], "markup (heading underline)",
                                                    under + 1))
                self._blank(tok)
                i += 2
            elif kind == "paragraph_open":
                start = tok.map[0] + 1 if tok.map else 0
                if _only_page_links(tokens[i + 1]):  # "[一、…](#part1)": a contents list
                    text = "".join(self._inline(tokens[i + 1], start))
                    self.discarded.append(Discarded(text, "table of contents (links within the page)",
                                                    start))
                    if self.item_label:
                        self.item_label.pop()
                    i += 2
                    continue
                parts = self._inline(tokens[i + 1], start)
                if self.item_label and parts:
                    parts[0] = self.item_label.pop() + parts[0]
                text = "".join(parts).strip()
                if not text:
                    self.after_image = any(c.type == "image" for c in tokens[i + 1].children or [])
                    self._blank(tok)
                    i += 2
                    continue
                if self.after_image and len(text) <= 100 and _PHOTO_CREDIT.search(text):
                    # "……参观。新华社记者 任超 摄" under a picture: its caption
                    self.discarded.append(Discarded(text, "photo caption", start))
                    self.after_image = False
                    i += 2
                    continue
                self.after_image = False
                bold = len(parts) == 1 and _all_strong(tokens[i + 1])
                for k, part in enumerate(parts):
                    self.lines.append(SourceLine(part.rstrip(), start + k, bold=bold))
                self._blank(tok)
                i += 2
            elif kind == "ordered_list_open":
                pass
            elif kind == "list_item_open":
                if tok.info:  # an ordered item: its number is numbering the parser reads
                    self.item_label.append(f"{tok.info}{tok.markup}")
            elif kind == "list_item_close":
                if self.item_label and tokens[i - 1].type == "list_item_open":
                    self.item_label.pop()
            elif kind in ("fence", "code_block"):
                self._code(tok)
            elif kind == "html_block":
                self._html_block(tok)
            elif kind == "hr":
                self.discarded.append(Discarded(tok.markup or "---", "markup (thematic break)",
                                                tok.map[0] + 1 if tok.map else 0))
                self.last_break = len(self.lines)
            elif kind == "table_open":
                i = self._table(tokens, i)
            elif kind == "footnote_block_open":
                i = self._footnotes(tokens, i)
            i += 1
        self._foreign_footer()
        self.lines.extend(self.footnotes)

    def _foreign_footer(self) -> None:
        """A Chinese text whose last thematic break is followed only by a line or two mostly in
        another language ("This page is synchronized from the post: …"): the blog's footer."""
        if self.last_break < 0:
            return
        after = [ln for ln in self.lines[self.last_break:] if ln.text.strip()]
        before = "".join(ln.text for ln in self.lines[:self.last_break])
        if (after and len(after) <= 2 and sum(len(ln.text) for ln in after) <= 300
                and all(3 * len(_HAN.findall(ln.text)) < len(ln.text.replace(" ", "")) for ln in after)
                and len(_HAN.findall(before)) >= 200):
            for ln in after:
                self.discarded.append(Discarded(ln.text, "page footer (after the last thematic break)",
                                                ln.lineno))
            del self.lines[self.last_break:]

    def _blank(self, tok: Token) -> None:
        if tok.map:
            self.lines.append(SourceLine("", tok.map[1] + 1 if tok.map[1] > tok.map[0] else 0))

    # -- inline content ------------------------------------------------------------

    def _inline(self, tok: Token, start: int) -> list[str]:
        """Plain text of an inline token, split at its soft and hard line breaks."""
        parts = [""]
        line = start
        for child in tok.children or []:
            kind = child.type
            if kind in ("softbreak", "hardbreak"):
                parts.append("")
                line += 1
            elif kind in ("text", "code_inline"):
                parts[-1] += child.content
            elif kind == "image":
                alt = child.content or "".join(c.content for c in child.children or [])
                src = child.attrs.get("src", "")
                self.discarded.append(Discarded(f"![{alt}]({src})", "image", line))
            elif kind == "html_inline":
                if child.content.startswith("<!--"):
                    self.discarded.append(Discarded(child.content, "markup comment", line))
                elif child.content.lower().startswith("<br"):
                    parts.append("")
                    line += 1
            elif kind == "footnote_ref":
                parts[-1] += f"[{child.meta.get('id', 0) + 1}]"
        return parts

    # -- the other blocks ----------------------------------------------------------

    def front_matter(self, text: str) -> str:
        """YAML between ``---`` lines at the top (blank lines before it allowed): read into
        the hints, discarded, and blanked in the text the Markdown parser sees."""
        import yaml

        lines = text.split("\n")
        first = next((k for k, ln in enumerate(lines) if ln.strip()), None)
        if first is None or first > 3 or lines[first].strip() != "---":
            return text
        end = next((k for k in range(first + 1, min(len(lines), first + 200))
                    if lines[k].strip() in ("---", "...")), None)
        if end is None:
            return text
        for k in range(first, end + 1):
            self.discarded.append(Discarded(lines[k], "front matter", k + 1))
            self.claimed.add(k)
        try:
            data = yaml.safe_load("\n".join(lines[first + 1:end]))
        except yaml.YAMLError:
            data = None
        if isinstance(data, dict):
            self._hints_from(data)
        return "\n".join([""] * (end + 1) + lines[end + 1:])

    def _hints_from(self, data: dict) -> None:
        fields = {str(k).strip().lower(): v for k, v in data.items()}
        if isinstance(fields.get("title"), str | int):
            self.hints.title = str(fields["title"]).strip()
        if isinstance(fields.get("subtitle"), str):
            self.hints.subtitle = fields["subtitle"].strip()
        self.hints.date = _date(fields.get("date"))
        url = next((str(fields[k]) for k in _URL_KEYS if isinstance(fields.get(k), str)), "")
        if self.hints.date is None and url:
            from pipeline.readers.html_meta import date_in_url

            self.hints.date = date_in_url(url)  # a clipped page's address: /20250409/
        authors = fields.get("authors", fields.get("author"))
        if isinstance(authors, str):
            authors = re.split(r"[,，、;；]+", authors)
        if isinstance(authors, list):
            self.hints.authors = [Author(str(a).strip()) for a in authors if str(a).strip()]
        if isinstance(fields.get("source"), str):
            self.hints.source = fields["source"].strip()

    def _code(self, tok: Token) -> None:
        if not tok.map:
            return
        first = tok.map[0]
        body = tok.content.rstrip("\n").split("\n") if tok.content else []
        offset = 1 if tok.type == "fence" else 0
        if tok.type == "fence":
            self.discarded.append(Discarded(self.raw[first], "markup (code fence)", first + 1))
            closing = tok.map[1] - 1
            if closing > first and closing < len(self.raw) and self.raw[closing].strip().startswith(
                    tok.markup[:3]):
                self.discarded.append(Discarded(self.raw[closing], "markup (code fence)", closing + 1))
        for k, text in enumerate(body):
            self.lines.append(SourceLine(text, first + offset + k + 1))
        self._blank(tok)

    def _html_block(self, tok: Token) -> None:
        """Raw HTML in the Markdown: its comments, scripts and styles are not text; the rest
        is read as a web page's blocks are (an ``<h1>`` stays a heading)."""
        start = tok.map[0] + 1 if tok.map else 0
        rest = tok.content
        for m in _COMMENT.finditer(rest):
            reason = "markup comment" if m.group(0).endswith("-->") else "markup comment (unterminated)"
            line = start + rest[: m.start()].count("\n")
            self.discarded.append(Discarded(m.group(0).rstrip("\n"), reason, line))
        visible = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), rest)
        for m in _CODE_TAGS.finditer(visible):
            self.discarded.append(Discarded(m.group(0).strip()[:200], "markup (style or script)",
                                            start + visible[: m.start()].count("\n")))
        visible = _CODE_TAGS.sub(lambda m: "\n" * m.group(0).count("\n"), visible)
        if visible.strip():
            for line in _html_lines(visible):
                self.lines.append(SourceLine(line[0], start + line[1], line[2]))
        self._blank(tok)

    def _table(self, tokens: list[Token], i: int) -> int:
        start = tokens[i].map[0] + 1 if tokens[i].map else 0
        rows: list[list[str]] = []
        while i < len(tokens) and tokens[i].type != "table_close":
            tok = tokens[i]
            if tok.type == "tr_open":
                rows.append([])
            elif tok.type == "inline" and rows:
                rows[-1].append("".join(self._inline(tok, start)).strip())
            i += 1
        self.lines.append(SourceLine("", start, table=rows))
        self._blank(tokens[i] if i < len(tokens) else tokens[-1])
        return i

    def _footnotes(self, tokens: list[Token], i: int) -> int:
        """'[^1]: 注释' definitions: kept as '[1] 注释' lines after the text."""
        label = ""
        while i < len(tokens) and tokens[i].type != "footnote_block_close":
            tok = tokens[i]
            if tok.type == "footnote_open":
                label = f"[{tok.meta.get('id', 0) + 1}] "
            elif tok.type == "inline":
                line = tok.map[0] + 1 if tok.map else 0
                text = "".join(self._inline(tok, line))
                self.footnotes.append(SourceLine(label + text.strip(), 10 ** 9 + len(self.footnotes)))
                label = ""
            i += 1
        return i

    def unclaimed(self) -> None:
        """Source lines no block used: link reference definitions (and blank lines)."""
        for k, text in enumerate(self.raw):
            if k not in self.claimed and text.strip():
                self.discarded.append(Discarded(text, "markup (link definition)", k + 1))


def _all_strong(inline: Token) -> bool:
    """A paragraph set bold as a whole (**“小而特”有大看头**): what a subhead looks like."""
    depth, outside = 0, ""
    for child in inline.children or []:
        if child.type == "strong_open":
            depth += 1
        elif child.type == "strong_close":
            depth -= 1
        elif depth == 0:
            outside += child.content
    return bool(inline.children) and not outside.strip() and any(
        c.type == "strong_open" for c in inline.children)


def _date(value) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    m = re.match(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})", str(value or ""))
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat() if m else None
    except ValueError:
        return None
