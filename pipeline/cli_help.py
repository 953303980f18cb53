"""Help pages in the user's language, laid out for Chinese too.

Click formats ``--help`` from the command's docstring and each option's
``help=``; these classes translate them when the page is shown (the catalogs
hold them: ``scripts/messages.py`` extracts docstrings and ``help=`` texts),
group a command's options under headings (``option_groups``), and wrap text
by display width, breaking between Chinese characters but never before closing
punctuation or after opening punctuation.
"""

from __future__ import annotations

import copy
import functools
import inspect
import re
import unicodedata
from collections.abc import Iterable

import click

from pipeline.i18n import _, current

_CLOSING = set("，。、；：？！）》」』】〕〉〗〙］｝”’…—·%)]},.;:!?")
_OPENING = set("（《「『【〔〈〖〘［｛“‘([{")
_WIDE = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f“”‘’…—"


@functools.cache
def _token() -> re.Pattern[str]:
    """Spaces, one wide character, or a run of anything else (compiled when help is shown)."""
    return re.compile(rf"\s+|[{_WIDE}]|[^\s{_WIDE}]+")


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: two for wide (Chinese) characters."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _units(paragraph: str) -> list[str]:
    """Pieces a line may break between: words, single Chinese characters, spaces; closing
    punctuation kept with what precedes it, opening punctuation with what follows."""
    units: list[str] = []
    pending_open = ""
    for token in _token().findall(paragraph):
        if token.isspace():
            if pending_open:
                units.append(pending_open)
                pending_open = ""
            units.append(" ")
        elif token in _OPENING:
            pending_open += token
        elif units and (token[0] in _CLOSING) and units[-1] != " " and not pending_open:
            units[-1] += token
        else:
            units.append(pending_open + token)
            pending_open = ""
    if pending_open:
        units.append(pending_open)
    return units


def wrap(text: str, columns: int, initial_indent: str = "", subsequent_indent: str = "") -> str:
    """``text`` filled to ``columns``, paragraph by paragraph (blank lines kept)."""
    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines: list[str] = []
        line = initial_indent if not out else subsequent_indent
        start = len(line)
        for unit in _units(" ".join(paragraph.split())):
            if unit == " " and len(line) == start:
                continue
            if len(line) > start and width(line) + width(unit.rstrip()) > columns:
                lines.append(line.rstrip())
                line = subsequent_indent
                start = len(line)
                if unit == " ":
                    continue
            line += unit
        lines.append(line.rstrip())
        out.append("\n".join(lines))
    return "\n\n".join(out)


class Formatter(click.HelpFormatter):
    """Click's help formatter with ``wrap`` for text and the second column of lists, and
    a full-width colon after a Chinese heading."""

    def write_heading(self, heading: str) -> None:
        colon = "：" if re.search(r"[\u4e00-\u9fff]", heading) else ":"
        self.write(f"{'':>{self.current_indent}}{heading}{colon}\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write(wrap(text, self.width, indent, indent) + "\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((width(r[0]) for r in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(second, max(self.width - first_col - self.current_indent - 2, 10))
            lines = lines.splitlines() or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class Context(click.Context):
    formatter_class = Formatter


def translated_help(text: str | None) -> str:
    """A docstring or ``help=`` text in the user's language (the msgid is the cleaned text)."""
    if not text:
        return ""
    return _(inspect.cleandoc(text).partition("\f")[0])


class Command(click.Command):
    """A command whose help is translated when shown, its options grouped under
    headings when ``option_groups`` says how: ``[(title, [param names…]), …]``
    (titles marked with ``N_``); options named in no group come last."""

    context_class = Context
    option_groups: list[tuple[str, list[str]]] = []

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        text = translated_help(self.help)
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def get_short_help_str(self, limit: int = 45) -> str:
        """The help's first sentence, cut to ``limit`` columns (Chinese: twice that)."""
        text = " ".join(translated_help(self.short_help or self.help).split("\n\n")[0].split())
        if current() == "zh":
            first = re.split(r"(?<=[。；])", text)[0].rstrip("。；")
            return first if width(first) <= 2 * limit else first[:limit - 1] + "…"
        first = re.split(r"(?<=\.)\s", text)[0].rstrip(".")
        if len(first) <= limit:
            return first
        return first[:limit - 3].rsplit(" ", 1)[0] + "..."

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        records: dict[str, tuple[str, str]] = {}
        for param in self.get_params(ctx):
            if isinstance(param, click.Argument):
                continue
            shown = copy.copy(param)
            shown.help = translated_help(param.help) or None
            record = shown.get_help_record(ctx)
            if record is not None:
                records[param.name or ""] = record
        groups = [(title, [records.pop(n) for n in names if n in records])
                  for title, names in self.option_groups]
        help_option = self.get_help_option(ctx)
        last = records.pop(help_option.name, None) if help_option is not None else None
        rest = list(records.values())
        if groups and last is not None:
            groups[-1][1].append(last)  # -h/--help last, under the last heading
        elif last is not None:
            rest.append(last)
        if not groups:
            groups = [(_("Options"), rest)]
        elif rest:
            groups.append((_("Other options"), rest))
        for title, rows in groups:
            if rows:
                with formatter.section(_(title)):
                    formatter.write_dl(rows)


class Group(Command, click.Group):
    """A group of commands, translated like ``Command``; its commands are ``Command``s."""

    command_class = Command

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        Command.format_options(self, ctx, formatter)
        self.format_commands(ctx, formatter)


Group.group_class = Group
