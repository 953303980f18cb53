"""What a reader hands the parser: decoded lines plus whatever the format knew."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.model import Discarded, Meta, Warning


@dataclass(slots=True)
class SourceLine:
    text: str
    lineno: int  # 1-based line in the decoded source (paragraph number for .docx)
    # Heading level the format states outright (Markdown "#", a Word "Heading 2"
    # style, an HTML <h3>); None when only the text can tell.
    heading: int | None = None
    # What the page looked like, where the format knows (Word, PDF): the main font
    # size in points, bold, centred, and the page the line is on (1-based).
    size: float | None = None
    bold: bool = False
    centered: bool = False
    page: int = 0
    # A table the format gave outright (Word, HTML, Markdown): the cells row by row.
    # The line's text is then empty; the parser turns it into a table block.
    table: list[list[str]] | None = None


@dataclass
class SourceText:
    name: str  # file name as given, or "<stdin>"
    format: str  # "text", "markdown", "html", "docx"
    lines: list[SourceLine]
    encoding: str = ""
    # Metadata the format carries outside the text (HTML <title>, meta tags,
    # Word core properties); the parser prefers what the text itself says.
    hints: Meta = field(default_factory=Meta)
    # Text the reader dropped before parsing (navigation, scripts' fallback
    # text…), kept so that nothing disappears silently.
    discarded: list[Discarded] = field(default_factory=list)
    # How the source was read, for people ("PDF，12 页，文字层"); empty: from ``format``.
    read_as: str = ""
    # What the reader wants the user to check (an article finder unsure of itself…).
    warnings: list[Warning] = field(default_factory=list)
    # The site a saved page comes from, for sources given as "本站原创"; empty otherwise.
    site: str = ""

    @classmethod
    def from_text(cls, name: str, fmt: str, text: str, encoding: str = "") -> SourceText:
        return cls(name=name, format=fmt, lines=text_lines(text), encoding=encoding)


_TEXT = re.compile(r"\S[^\n]*")


def text_lines(text: str) -> list[SourceLine]:
    """One SourceLine per line with text; a run of blank lines becomes one blank line.

    Line numbers stay those of the source.  The parser only asks whether lines
    are apart, never how many blank lines lie between them, so megabytes of
    empty lines cost one object, not millions.
    """
    lines: list[SourceLine] = []
    lineno, pos = 1, 0
    for m in _TEXT.finditer(text):
        start = text.rfind("\n", pos, m.start()) + 1
        gap = text.count("\n", pos, start)
        if gap > (1 if pos else 0):  # a blank line between the last text line and this one
            lines.append(SourceLine("", lineno + (1 if pos else 0)))
        lineno += gap
        lines.append(SourceLine(text[start:m.end()], lineno))
        pos = m.end()
    if text.count("\n", pos) or not lines:  # split("\n") gives a last, empty line
        lines.append(SourceLine("", lineno + (1 if pos else 0)))
    return lines
