"""A workspace's settings: ``studykit.toml``, read into defaults for ``build`` and ``watch``.

Command-line options override what the file says; the file overrides the
built-in defaults.  Paths in the file are relative to the folder holding it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import InputError
from pipeline.i18n import _
from pipeline.options import FORMATS, SHEETS, VARIANTS

if TYPE_CHECKING:
    from pipeline.corrections import Corrections

CONFIG_NAME = "studykit.toml"
PAPERS = ("A5", "A4", "B5")
AIDS = ("excerpts", "glossary", "questions", "quiz", "notes")
MAX_CREEP_MM = 10.0

# The commented file `studykit init` writes; its values are the built-in defaults
# (tests/test_workspace.py checks that loading it gives Config()).
DEFAULT_TOML = """\
# studykit workspace settings.
#
# `studykit build` run in this folder (or with --workspace pointing here) reads
# this file; an option given on the command line overrides the value below.
# Folder names are relative to this file.

# Organisation printed on the handout and on the booklet cover, e.g. "某某县委组织部".
org = ""

# Date of the study session, YYYY-MM-DD; empty: not printed.
session_date = ""

# What `studykit build` makes: "docx" (Word handout), "pdf" (booklet, reading and
# print PDF), "slides" (Marp outline and .pptx).  Same as --to.
outputs = ["docx", "pdf", "slides"]

# "official", "large-print" (大字版: larger type in every output) or "plain" (the text
# only, no study aids).
variant = "official"

# Booklet page size: "A5", "A4" or "B5".  Sheet of the imposed print PDF: "auto" (two
# pages at 100 %: A5 on A4, B5 on B4, A4 on A3), or "A4", "A3", "B4" (a smaller sheet
# scales the pages down, with a warning).
paper = "A5"
print_sheet = "auto"
# Print PDF: creep compensation in mm for thick booklets (the innermost sheet's pages
# move this far toward the fold), and crop marks (on a sheet larger than two pages).
creep = 0
crop_marks = false

# Handout: heading levels 2–4 in bold (local practice; GB/T 9704 does not bold them).
bold_headings = false

# Where the articles are, where outputs go, and your templates.  Every file in
# templates/ overrides the built-in template of the same name; delete a file to
# go back to the built-in one (`studykit templates` shows which is used).
source = "source"
output = "output"
templates = "templates"

# Your own glossary files (TOML, like pipeline/data/glossary.toml), e.g. ["glossary.toml"].
glossaries = []

# A .pptx whose slide layouts the deck uses; empty: templates/slides/slides.pptx.
slides_template = ""

# Seconds each output (handout, booklet, slides) may take before it is stopped with
# an error, as --timeout; 0: no limit.
timeout = 120

# Study aids, each on (true) or off (false); --no-quiz etc. switch one off for a build.
[aids]
excerpts = true    # 重点摘编
glossary = true    # 名词解释
questions = true   # 思考讨论题
quiz = true        # 学习测试
notes = true       # 学习笔记 page

# Corrections of what was read wrong, one table per source file (by its file name);
# `studykit check` shows what to correct, and `studykit serve` writes them here too.
# [articles."文章.txt"]
# title = "正确的标题"
# subtitle = ""
# authors = ["张三（某某县委书记）"]
# date = "2024-03-05"
# source = "某某日报"
# drop = ["听全文"]          # lines to remove from the text (exact text)
# keep = ["（王小明）"]       # removed lines to put back
# levels = { "引言" = 1 }     # a heading's text → its level (0: not a heading)
"""


@dataclass
class Config:
    """The settings of a workspace (``root``), with paths resolved against it."""

    root: Path | None = None
    org: str = ""
    session_date: str | None = None
    outputs: list[str] = field(default_factory=lambda: list(FORMATS))
    variant: str = "official"
    paper: str = "A5"
    print_sheet: str = "auto"
    creep: float = 0.0
    crop_marks: bool = False
    bold_headings: bool = False
    source: str = "source"
    output: str = "output"
    templates: str = "templates"
    glossaries: list[str] = field(default_factory=list)
    slides_template: str = ""
    timeout: float = 120.0
    aids: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(AIDS, True))
    # [articles."FILE"]: the user's corrections of one source, by its file name.
    articles: dict[str, Corrections] = field(default_factory=dict)

    def path(self, value: str) -> Path:
        p = Path(value).expanduser()
        return p if p.is_absolute() or self.root is None else self.root / p

    @property
    def source_dir(self) -> Path:
        return self.path(self.source)

    @property
    def output_dir(self) -> Path:
        return self.path(self.output)

    @property
    def templates_dir(self) -> Path:
        return self.path(self.templates)


def find_workspace(explicit: Path | None = None, cwd: Path | None = None) -> Path | None:
    """The workspace folder: ``--workspace DIR`` or the current folder if it has studykit.toml."""
    if explicit is not None:
        folder = Path(explicit)
        if not (folder / CONFIG_NAME).is_file():
            raise InputError(_("{folder}: not a studykit workspace (no {CONFIG_NAME}; create "
                               "one with: studykit init {folder})").format(
                                 folder=folder, CONFIG_NAME=CONFIG_NAME))
        return folder
    here = Path(cwd) if cwd is not None else Path.cwd()
    return here if (here / CONFIG_NAME).is_file() else None


def load_config(root: Path) -> Config:
    """Read ``root/studykit.toml``; any mistake is one line naming the file and the key."""
    path = Path(root) / CONFIG_NAME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(_("{path}: no such file (check the name and the folder)").format(path=path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(_("{path}: not valid TOML: {exc}").format(path=path, exc=exc)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(_("{path}: cannot read: {exc}").format(path=path, exc=exc)) from exc
    return config_from_dict(data, root=Path(root), where=str(path))


def config_from_dict(data: dict[str, Any], root: Path | None = None,
                     where: str = CONFIG_NAME) -> Config:
    cfg = Config(root=root)

    def bad(key: str, why: str) -> InputError:
        return InputError(f"{where}: {key}: {why}")

    def text(key: str, value: Any) -> str:
        if not isinstance(value, str):
            raise bad(key, _("expected a string in quotes, got {value!r}").format(value=value))
        return value.strip()

    def choice(key: str, value: Any, allowed: tuple[str, ...]) -> str:
        value = text(key, value)
        match = {a.lower(): a for a in allowed}.get(value.lower())
        if match is None:
            raise bad(key, _("'{value}' is not one of {choices}").format(
                               value=value, choices=', '.join(allowed)))
        return match

    for key, value in data.items():
        if key == "aids":
            if not isinstance(value, dict):
                raise bad("aids", _("expected a table [aids]"))
            for aid, on in value.items():
                if aid not in AIDS:
                    raise bad(f"aids.{aid}", _("unknown study aid (known: {value})").format(
                                                 value=', '.join(AIDS)))
                if not isinstance(on, bool):
                    raise bad(f"aids.{aid}", _("expected true or false"))
                cfg.aids[aid] = on
        elif key in ("org", "source", "output", "templates", "slides_template"):
            setattr(cfg, key, text(key, value))
        elif key == "session_date":
            cfg.session_date = iso_date(text(key, value), f"{where}: session_date") or None
        elif key == "outputs":
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not items:
                raise bad(key, _("expected a list such as {value}").format(value=list(FORMATS)))
            cfg.outputs = [choice(key, v, FORMATS) for v in items]
        elif key == "variant":
            cfg.variant = choice(key, value, VARIANTS)
        elif key == "paper":
            cfg.paper = choice(key, value, PAPERS)
        elif key == "print_sheet":
            cfg.print_sheet = choice(key, value, SHEETS)
        elif key == "articles":
            cfg.articles = articles_from_dict(value, where)
        elif key == "creep":
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not 0 <= value <= MAX_CREEP_MM:
                raise bad(key, _("expected a number of millimetres from 0 to {MAX_CREEP_MM}").format(
                                   MAX_CREEP_MM=MAX_CREEP_MM))
            cfg.creep = float(value)
        elif key in ("crop_marks", "bold_headings"):
            if not isinstance(value, bool):
                raise bad(key, _("expected true or false"))
            setattr(cfg, key, value)
        elif key == "timeout":
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise bad(key, _("expected a number of seconds (0: no limit), got {value!r}").format(
                    value=value))
            cfg.timeout = float(value)
        elif key == "glossaries":
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list):
                raise bad(key, _("expected a list of file names"))
            cfg.glossaries = [text(key, v) for v in items]
        else:
            known = ", ".join(sorted([f.name for f in Config.__dataclass_fields__.values()
                                      if f.name != "root"]))
            raise bad(key, _("unknown setting (known: {known})").format(known=known))
    return cfg


def articles_from_dict(value: Any, where: str) -> dict[str, Corrections]:
    """``[articles."FILE"]`` tables: each source's corrections (see pipeline.corrections)."""
    from pipeline.corrections import from_mapping

    if not isinstance(value, dict):
        raise InputError(_("{where}: articles: expected tables such as [articles.\"文章.txt\"]").format(
                             where=where))
    return {str(name): from_mapping(table, f'{where}: articles."{name}"', CONFIG_NAME)
            for name, table in value.items()}


def iso_date(value: str | None, where: str = "--session-date") -> str | None:
    """YYYY-MM-DD or an InputError naming where the value came from."""
    if not value:
        return None
    import datetime

    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise InputError(_("{where}: '{value}' is not a date like 2026-12-01").format(
                             where=where, value=value)) from exc
