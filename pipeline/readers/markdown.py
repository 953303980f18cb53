"""Markdown → lines: the text as a reader would see it, headings from ``#``.

Markdown's markup would otherwise reach the parser as text ("**第一条**",
"> 引文"), so it is removed here, line by line, keeping source line numbers:

* ATX (``## 序言``) and setext (text over ``===``/``---``) headings get
  ``heading=level`` and lose their markers;
* HTML comments (``<!-- FORCE BREAK -->``, also inline or over several lines),
  YAML front matter, thematic breaks, code fences, images and link
  definitions go to ``discarded``;
* emphasis ``**``/``__``/``*``/``_``, links ``[text](url)`` → text, inline
  code backticks, blockquote ``>`` and bullet markers ``-``/``*``/``+`` are
  stripped; numbered items ("1. 文字") stay as they are, since the number is
  part of the text the parser reads;
* lines inside fenced code blocks are kept verbatim.

A line that held only markup stays as an empty line, so that blank-line
paragraph breaks (and line numbers) match the source.
"""

from __future__ import annotations

import datetime as dt
import re

from pipeline.model import Author, Discarded, Meta
from pipeline.readers.decode import decode
from pipeline.readers.source import SourceLine, SourceText

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_QUOTE = re.compile(r"^ {0,3}>[ \t]?")
_BULLET = re.compile(r"^([ \t]*)[-*+][ \t]+(?!\[[ xX]\][ \t])")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]")
_TASK = re.compile(r"^([ \t]*)[-*+][ \t]+\[[ xX]\][ \t]+")
_LINK_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S+")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]*)\)")
_LINK = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\[[^\]]*\])")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_CODE = re.compile(r"(`+)(.+?)\1")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<!\*)\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?!\*)")
_EM_UNDERSCORE = re.compile(r"(?<![_\w])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![_\w])")
# Escaped punctuation hides in the private-use area while markup is removed.
_PUA = 0xF0000


def read(data: bytes, name: str) -> SourceText:
    """Decode and strip Markdown markup, one SourceLine per source line."""
    text, encoding = decode(data, name)
    raw = text.split("\n")
    lines: list[SourceLine] = []
    discarded: list[Discarded] = []
    hints = Meta()

    start = _front_matter(raw, hints, discarded)
    for i in range(start):
        lines.append(SourceLine("", i + 1))

    fence = ""  # the opening fence while inside a fenced code block
    comment: list[str] | None = None  # text of an HTML comment spanning lines
    comment_line = 0
    i = start
    while i < len(raw):
        lineno = i + 1
        line = raw[i]
        i += 1
        if fence:
            m = _FENCE.match(line)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) \
                    and not line[m.end():].strip():
                fence = ""
                discarded.append(Discarded(line, "markup (code fence)", lineno))
                lines.append(SourceLine("", lineno))
            else:
                lines.append(SourceLine(line, lineno))
            continue

        # HTML comments, possibly spanning lines.
        if comment is not None and not line:
            comment.append("")
            lines.append(SourceLine("", lineno))
            continue
        kept: list[str] = []
        rest = line
        while rest:
            if comment is not None:
                end = rest.find("-->")
                if end < 0:
                    comment.append(rest)
                    break
                comment.append(rest[:end + 3])
                discarded.append(Discarded("\n".join(comment), "markup comment", comment_line))
                comment = None
                rest = rest[end + 3:]
                continue
            begin = rest.find("<!--")
            if begin < 0:
                kept.append(rest)
                break
            kept.append(rest[:begin])
            comment, comment_line = [], lineno
            rest = rest[begin:]
        had_comment = "".join(kept) != line
        line = "".join(kept)
        if had_comment and not line.strip():
            lines.append(SourceLine("", lineno))
            continue

        m = _FENCE.match(line)
        if m and not (m.group(1)[0] == "`" and "`" in line[m.end():]):
            fence = m.group(1)
            discarded.append(Discarded(line, "markup (code fence)", lineno))
            lines.append(SourceLine("", lineno))
            continue

        heading: int | None = None
        body = line
        while _QUOTE.match(body):
            body = _QUOTE.sub("", body, count=1)
        if _RULE.match(body):
            discarded.append(Discarded(line, "markup (thematic break)", lineno))
            lines.append(SourceLine("", lineno))
            continue
        if _LINK_DEF.match(body):
            discarded.append(Discarded(line, "markup (link definition)", lineno))
            lines.append(SourceLine("", lineno))
            continue
        atx = _ATX.match(body)
        if atx:
            heading = len(atx.group(1))
            body = atx.group(2) or ""
        elif body.strip() and i < len(raw) and _SETEXT.match(raw[i]) \
                and not _LIST_ITEM.match(body):
            heading = 1 if raw[i].strip()[0] == "=" else 2
            lines.append(SourceLine(_inline(body.strip(), discarded, lineno), lineno, heading))
            discarded.append(Discarded(raw[i], "markup (heading underline)", i + 1))
            lines.append(SourceLine("", i + 1))
            i += 1
            continue
        else:
            body = _TASK.sub(r"\1", body, count=1)
            body = _BULLET.sub("", body, count=1)
        text_out = _inline(body, discarded, lineno).rstrip(" \t")
        if heading is not None:
            text_out = text_out.strip()
        lines.append(SourceLine(text_out, lineno, heading))

    if comment is not None:  # unterminated: still nothing disappears silently
        discarded.append(Discarded("\n".join(comment), "markup comment (unterminated)",
                                   comment_line))
    return SourceText(name=name, format="markdown", lines=lines, encoding=encoding,
                      hints=hints, discarded=discarded)


def _inline(text: str, discarded: list[Discarded], lineno: int) -> str:
    """Remove inline markup; escaped characters come back as themselves."""
    text = _ESCAPE.sub(lambda m: chr(_PUA + ord(m.group(1))), text)

    def image(m: re.Match[str]) -> str:
        discarded.append(Discarded(m.group(0), "image", lineno))
        return ""

    codes: list[str] = []

    def code(m: re.Match[str]) -> str:  # code spans are verbatim: hide them from the rest
        codes.append(m.group(2).strip(" ") or m.group(2))
        return chr(_PUA + 0x1000 + len(codes) - 1)

    text = _CODE.sub(code, text)
    text = _IMAGE.sub(image, text)
    text = _LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    for _ in range(3):  # nested emphasis: ***x***, **_x_**
        new = _EM_UNDERSCORE.sub(r"\1", _EM_STAR.sub(r"\1", _STRONG.sub(r"\2", text)))
        if new == text:
            break
        text = new
    text = "".join(codes[ord(ch) - _PUA - 0x1000] if _PUA + 0x1000 <= ord(ch) < _PUA + 0x1000
                   + len(codes) else ch for ch in text)
    return "".join(chr(ord(ch) - _PUA) if _PUA <= ord(ch) < _PUA + 128 else ch for ch in text)


def _front_matter(raw: list[str], hints: Meta, discarded: list[Discarded]) -> int:
    """YAML front matter between ``---`` lines: title/date/author → hints.

    Returns the number of source lines it took (0 when there is none).
    """
    if not raw or raw[0].strip() != "---":
        return 0
    for end in range(1, min(len(raw), 100)):
        if raw[end].strip() in ("---", "..."):
            break
    else:
        return 0
    for offset, line in enumerate(raw[: end + 1]):
        discarded.append(Discarded(line, "front matter", offset + 1))
        key, sep, value = line.partition(":")
        value = value.strip().strip("\"'")
        if not sep or not value:
            continue
        key = key.strip().lower()
        if key == "title":
            hints.title = value
        elif key == "date":
            m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
            try:
                hints.date = dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat() if m else None
            except ValueError:
                hints.date = None
        elif key in ("author", "authors"):
            names = re.split(r"[,，、;；\[\]]+", value)
            hints.authors = [Author(n.strip().strip("\"'")) for n in names if n.strip()]
        elif key == "source":
            hints.source = value
    return end + 1
