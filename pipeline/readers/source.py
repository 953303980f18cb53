"""What a reader hands the parser: decoded lines plus whatever the format knew."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.model import Discarded, Meta, Warning


@dataclass
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
        lines = [SourceLine(t, i) for i, t in enumerate(text.split("\n"), start=1)]
        return cls(name=name, format=fmt, lines=lines, encoding=encoding)
