"""The parser's working unit: one source line with what we know about it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.model import Discarded, Warning
from pipeline.parser.text import SPACES, clean


@dataclass
class Line:
    text: str  # without indent and trailing padding
    lineno: int
    indented: bool = False  # began with an indent (U+3000, spaces…)
    heading: int | None = None  # level stated by the format (Markdown #, Word style)
    # what the page looked like, where the format says (Word, PDF): font size in points,
    # bold, centred; None/False where it does not
    size: float | None = None
    bold: bool = False
    centered: bool = False
    # a table the format gave: its rows; ``text`` is then the cells run together, for
    # the rules that look at a line's text
    table: list[list[str]] | None = None
    blank: bool = field(init=False)

    def __post_init__(self) -> None:
        self.blank = not self.text and self.table is None

    def emptied(self) -> Line:
        """The same place in the text, read as something else (metadata): a blank line."""
        return Line("", self.lineno)


_WEB_SPACES = str.maketrans({"\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ",
                             "\u202f": " ", "\t": " ", "\u200b": None, "\ufeff": None})


_HAS_WEB_SPACE = re.compile("[\u00a0\u2002\u2003\u2009\u202f\t\u200b\ufeff]")


def make_line(raw: str, lineno: int, heading: int | None = None, size: float | None = None,
              bold: bool = False, centered: bool = False,
              table: list[list[str]] | None = None) -> Line:
    """Strip the indent; inside the line, web spaces (no-break, en…) become plain spaces.

    U+3000 inside a line is kept: it is deliberate spacing in Chinese text.
    """
    if table is not None:
        rows = [[clean(c) for c in row] for row in table]
        flat = "\u3000".join(c for row in rows for c in row if c)
        return Line(text=flat, lineno=lineno, table=rows)
    text = clean(raw)
    if _HAS_WEB_SPACE.search(text):
        text = text.translate(_WEB_SPACES)
    return Line(text=text, lineno=lineno, indented=bool(raw) and raw[0] in SPACES, heading=heading,
                size=size, bold=bold, centered=centered)


@dataclass
class Notes:
    """What the parse drops and what it wants the user to check."""

    discarded: list[Discarded] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)

    def discard(self, line: Line | None, reason: str, text: str | None = None) -> None:
        self.discarded.append(Discarded(text=text if text is not None else line.text,
                                        reason=reason, line=line.lineno if line else 0))

    def warn(self, code: str, message: str) -> None:
        if not any(w.code == code and w.message == message for w in self.warnings):
            self.warnings.append(Warning(code=code, message=message))
