"""Mail merge: a roster (CSV or .xlsx) whose rows give each copy's options and session.

``studykit build ARTICLE --for roster.csv`` builds the article once per row:
each row's values replace the build's own (``org``, ``session_date``,
``variant``, ``paper``, the article's ``title``) and fill the 学习记录 page
(``session_time``, ``place``, ``host``, ``recorder``, ``attendees``).  Every
column is also ``row.<name>`` in the templates, so a column of the user's own
is allowed when a template in use reads it; any other column is an error, so a
misspelt heading never goes unnoticed (a heading starting with ``#`` is a note
for people and is ignored).

Rows are numbered as a spreadsheet shows them (the heading row is row 1).  A
row with a bad value is reported by its number and left out; the others are
built.  Each row's outputs go to a folder of its own, named from one column
(``--name-by``, default the first), made safe as a file name and unique.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import InputError, StudykitError
from pipeline.i18n import _, ngettext
from pipeline.options import BuildOptions

if TYPE_CHECKING:
    from pipeline.build import BuildResult

SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm")
MANIFEST_NAME = "manifest.csv"
MAX_ROWS = 1_000_000


@dataclass(frozen=True)
class Column:
    """A column studykit knows: its name, what it is, and the headings that mean it."""

    name: str
    what: str
    aliases: tuple[str, ...] = ()


COLUMNS = (
    Column("org", "organisation on the cover and handout (as --org)",
           ("单位", "单位名称", "组织", "党组织", "支部", "党支部")),
    Column("session_date", "date of the session (as --session-date)", ("日期", "学习日期")),
    Column("session_time", "time of the session, printed after the date", ("时间", "学习时间")),
    Column("place", "where the session is held", ("地点", "学习地点")),
    Column("host", "who chairs it", ("主持人",)),
    Column("recorder", "who keeps the record", ("记录人",)),
    Column("attendees", "who takes part", ("参加人员", "参会人员", "出席人员")),
    Column("title", "title of the article (or of a --compile booklet)", ("标题", "题目")),
    Column("variant", "edition: official, large-print or plain (as --variant)", ("版本",)),
    Column("paper", "booklet page size: A5, A4 or B5 (as --paper)", ("纸张", "开本")),
)
KNOWN = {c.name: c for c in COLUMNS}
_ALIASES = {alias: c.name for c in COLUMNS for alias in c.aliases}
VARIANT_WORDS = {"标准版": "official", "大字版": "large-print", "简版": "plain"}


@dataclass
class RosterRow:
    number: int  # as a spreadsheet shows it: the heading row is row 1
    values: dict[str, str]  # column name → the cell's text, stripped

    def label(self) -> str:
        return _("row {number}").format(number=self.number)


@dataclass
class Roster:
    path: Path
    columns: list[str]  # column names in the file's order (known names for known headings)
    rows: list[RosterRow] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class RowPlan:
    """A row to build: its folder under -o and its options."""

    number: int
    name: str  # its folder
    opts: BuildOptions


@dataclass
class RowProblem:
    """A row left out: its number, the folder it would have had, and why (one line)."""

    number: int
    name: str
    error: str
    exit_code: int = 2


# --- reading ----------------------------------------------------------------------------

def column_name(heading: str) -> str:
    """A heading as a column name: a known Chinese heading (地点) → its name (place); any
    other → lower case with spaces and hyphens as ``_`` (Session Date → session_date)."""
    text = heading.strip()
    if text in _ALIASES:
        return _ALIASES[text]
    return re.sub(r"[\s\-]+", "_", text).lower()


def read_roster(path: Path) -> Roster:
    """Read the first sheet of ``path``: a heading row, then one row per copy.

    Raises ``InputError`` (one line naming the file) when it cannot be read or its
    headings are not usable; rows are checked later, one by one (``plan_rows``).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError(_("{file}: old Excel (.xls) files are not read: save it as .xlsx "
                           "or .csv").format(file=path.name))
    if suffix not in SUFFIXES:
        raise InputError(_("{file}: a roster is a .csv or .xlsx file").format(file=path.name))
    try:
        grid = _xlsx_rows(path) if suffix in (".xlsx", ".xlsm") else _csv_rows(path)
    except OSError as exc:
        raise InputError(_("{file}: cannot read: {reason}").format(
            file=path.name, reason=exc.strerror or exc)) from exc
    return _from_grid(path, grid)


def _csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    """(row number, cells) of a CSV in UTF-8 (with or without BOM) or GB18030, as Excel and
    WPS save them; comma-separated, or tab-separated (.tsv, or a heading with tabs only)."""
    from pipeline.readers.decode import decode

    text, _ = decode(path.read_bytes(), path.name)
    first = next((line for line in text.split("\n") if line.strip()), "")
    tabs = path.suffix.lower() == ".tsv" or ("\t" in first and "," not in first)
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter="\t" if tabs else ","))
    except csv.Error as exc:
        raise InputError(_("{file}: not a readable CSV file ({reason})").format(
            file=path.name, reason=exc)) from exc
    return [(i, [c.strip() for c in row]) for i, row in enumerate(rows, 1)]


def _xlsx_rows(path: Path) -> list[tuple[int, list[str]]]:
    try:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError as exc:  # pragma: no cover - a base dependency
        raise InputError(_("{file}: reading .xlsx needs openpyxl: pip install openpyxl").format(
            file=path.name)) from exc
    import zipfile

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(_("{file}: not a readable .xlsx file ({reason})").format(
            file=path.name, reason=type(exc).__name__)) from exc
    try:
        if not book.worksheets:
            raise InputError(_("{file}: the workbook has no sheet").format(file=path.name))
        out = []
        for i, row in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
            if i > MAX_ROWS:
                raise InputError(_("{file}: more than {n} rows").format(file=path.name,
                                                                         n=MAX_ROWS))
            out.append((i, [_cell_text(v) for v in row]))
        return out
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text it shows: dates as ISO, whole numbers without .0."""
    import datetime

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _from_grid(path: Path, grid: list[tuple[int, list[str]]]) -> Roster:
    name = path.name
    filled = [(n, cells) for n, cells in grid if any(cells)]
    if not filled:
        raise InputError(_("{file}: empty: a roster has a heading row, then one row per "
                           "copy").format(file=name))
    head_number, headings = filled[0]
    columns: list[str] = []
    seen: dict[str, str] = {}
    for heading in headings:
        if not heading or heading.startswith("#"):
            columns.append("")  # a note for people, or no heading: checked below
            continue
        col = column_name(heading)
        if col in seen:
            raise InputError(_("{file}: the headings '{first}' and '{second}' are the same "
                               "column ({column})").format(file=name, first=seen[col],
                                                           second=heading, column=col))
        seen[col] = heading
        columns.append(col)
    if not seen:
        raise InputError(_("{file}: row {number} has no column headings").format(
            file=name, number=head_number))
    roster = Roster(path, [c for c in columns if c])
    for number, cells in filled[1:]:
        values: dict[str, str] = {}
        for i, cell in enumerate(cells):
            col = columns[i] if i < len(columns) else ""
            if col:
                values[col] = cell
            elif cell and not (i < len(headings) and headings[i].startswith("#")):
                raise InputError(_("{file}: row {number} has a value in column {column}, "
                                   "which has no heading").format(file=name, number=number,
                                                                  column=i + 1))
        if any(values.values()):
            roster.rows.append(RosterRow(number, values))
    if not roster.rows:
        raise InputError(_("{file}: no rows below the headings").format(file=name))
    return roster


def check_columns(roster: Roster, used_by_templates: set[str]) -> None:
    """Every column is one studykit knows or one a template in use reads as ``row.NAME``."""
    unknown = [c for c in roster.columns if c not in KNOWN and c not in used_by_templates]
    if not unknown:
        return
    known = ", ".join(f"{c.name} ({c.aliases[0]})" if c.aliases else c.name for c in COLUMNS)
    raise InputError(ngettext(
        "{file}: unknown column {columns} (known: {known}; a column of your own must be read "
        "by a template as row.NAME, and a heading starting with # is ignored)",
        "{file}: unknown columns {columns} (known: {known}; a column of your own must be read "
        "by a template as row.NAME, and a heading starting with # is ignored)",
        len(unknown)).format(file=roster.name, columns=", ".join(repr(c) for c in unknown),
                             known=known))


def template_row_fields(formats: list[str], compile_: bool, template_dirs: list[Path]) -> set[str]:
    """The names templates of this build read as ``row.NAME`` or ``row["NAME"]``.

    A template that cannot be parsed is left to the build, which reports it.
    """
    from pipeline.cache import template_files
    from pipeline.templating import sandboxed_env

    kinds = {"docx": "handout", "pdf": "booklet", "slides": "slides"}
    wanted = {kinds[f] for f in formats if f in kinds} | ({"booklet"} if compile_ else set())
    env = sandboxed_env()
    found: set[str] = set()
    for kind in sorted(wanted):
        for rel, path in template_files(kind, template_dirs).items():
            try:
                if rel.endswith(".docx"):
                    source = _docx_template_source(path)
                elif rel.endswith((".html", ".md", ".j2", ".xml", ".txt")):
                    source = path.read_text(encoding="utf-8")
                else:
                    continue
                found |= _row_fields(env.parse(source))
            except Exception:  # noqa: BLE001 - a broken template fails its own job, clearly
                continue
    return found


def _docx_template_source(path: Path) -> str:
    """The Jinja source docxtpl renders for a Word template: body, headers and footers."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(path))
    tpl.init_docx()
    source = tpl.patch_xml(tpl.get_xml())
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _rel, part in tpl.get_headers_footers(uri):
            source += tpl.patch_xml(tpl.get_part_xml(part))
    return source


def _row_fields(tree: Any) -> set[str]:
    from jinja2 import nodes

    found = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if not (isinstance(node.node, nodes.Name) and node.node.name == "row"):
            continue
        if isinstance(node, nodes.Getattr):
            found.add(node.attr)
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            found.add(node.arg.value)
    return found


# --- rows → what to build -------------------------------------------------------------

def name_column(roster: Roster, name_by: str | None) -> str:
    """The column that names each row's folder: ``--name-by`` or the first."""
    if not name_by:
        return roster.columns[0]
    col = column_name(name_by)
    if col not in roster.columns:
        raise InputError(_("--name-by {column}: {file} has no such column (its columns: "
                           "{columns})").format(column=name_by, file=roster.name,
                                                columns=", ".join(roster.columns)))
    return col


def plan_rows(roster: Roster, base: BuildOptions, sources: list[str], compile_: bool,
              name_by: str | None = None) -> tuple[list[RowPlan], list[RowProblem]]:
    """Each row's folder and options, or why it is left out."""
    from pipeline.outputs import safe_name

    col = name_column(roster, name_by)
    if "title" in roster.columns and not compile_ and len(set(sources)) > 1:
        raise InputError(_("{file}: the title column gives one article's title: build one "
                           "article, or several with --compile (the booklet's title)").format(
                               file=roster.name))
    taken = {MANIFEST_NAME.casefold()}
    plans: list[RowPlan] = []
    problems: list[RowProblem] = []
    for row in roster.rows:
        raw = row.values.get(col, "")
        folder = _unique(safe_name(raw, fallback=""), taken) if raw.strip() else ""
        try:
            if not folder:
                raise InputError(_("{column} is empty, and it names the row's folder").format(
                    column=col))
            opts = row_options(row, base, folder, sources, compile_, roster.name)
        except StudykitError as err:
            problems.append(RowProblem(row.number, folder, _("{file}: row {number}: {error}").format(
                file=roster.name, number=row.number, error=err), err.exit_code))
            continue
        plans.append(RowPlan(row.number, folder, opts))
    return plans, problems


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name-2``, ``name-3`` … if another row has it (case aside, as Windows
    and macOS compare names)."""
    if not name:
        return ""
    out, n = name, 1
    while out.casefold() in taken:
        n += 1
        out = f"{name}-{n}"
    taken.add(out.casefold())
    return out


def row_options(row: RosterRow, base: BuildOptions, folder: str, sources: list[str],
                compile_: bool, roster_name: str = "roster") -> BuildOptions:
    """The build's options with this row's values on top; its outputs in ``-o/folder``.

    An empty cell keeps the build's value.  Raises ``InputError`` for a bad value.
    """
    from pipeline.config import PAPERS
    from pipeline.corrections import Corrections, parse_date
    from pipeline.options import VARIANTS, AidOptions

    v = row.values
    values = dict(v)
    opts = dataclasses.replace(base, out_dir=Path(base.out_dir) / folder,
                               corrections=dict(base.corrections), row=values)
    if v.get("org"):
        opts.org = v["org"]
    if v.get("session_date"):
        opts.session_date = parse_date(v["session_date"], "session_date")
        values["session_date"] = opts.session_date
    if v.get("variant"):
        word = v["variant"].strip()
        variant = VARIANT_WORDS.get(word, word.lower())
        if variant not in VARIANTS:
            raise InputError(_("variant: '{value}' is not one of {choices} ({words})").format(
                value=word, choices=", ".join(VARIANTS), words=", ".join(VARIANT_WORDS)))
        if base.variant == "plain" and variant != "plain":
            raise InputError(_("variant: '{value}' in a plain build (--variant plain), which "
                               "makes no study aids: build without --variant plain, and give "
                               "plain in the rows that want it").format(value=word))
        opts.variant = variant
        if variant == "plain":
            opts.aids = AidOptions.none()
    if v.get("paper"):
        paper = {p.lower(): p for p in PAPERS}.get(v["paper"].strip().lower())
        if paper is None:
            raise InputError(_("paper: '{value}' is not one of {choices}").format(
                value=v["paper"], choices=", ".join(PAPERS)))
        opts.paper = paper
    if v.get("title"):
        if compile_:
            opts.compile_title = v["title"]
        else:
            source = sources[0]
            own = Corrections(title=v["title"], origin={"title": f"{roster_name} {row.label()}"})
            opts.corrections[source] = opts.corrections.get(source, Corrections()).merged(own)
    return opts


# --- the manifest ------------------------------------------------------------------------

def write_manifest(out_dir: Path, plans: list[RowPlan], problems: list[RowProblem],
                   result: BuildResult | None) -> Path:
    """``-o/manifest.csv``: one line per row with its folder, status, files and error.

    Status: built (something was made now), up to date (nothing needed making), failed
    (the row, or one of its outputs; the files that were made are listed).  UTF-8 with
    a byte-order mark, so Excel and WPS show the Chinese right.
    """
    from pipeline.outputs import write_atomic

    by_row: dict[int, list] = {}
    for res in result.results if result else []:
        by_row.setdefault(res.job.row_number, []).append(res)
    lines: list[tuple[int, list[str]]] = []
    for plan in plans:
        results = by_row.get(plan.number, [])
        failed = [r for r in results if r.status == "failed"]
        status = ("failed" if failed else "built" if any(r.status == "built" for r in results)
                  else "up to date")
        files = [_relative(p, out_dir) for r in results if r.status != "failed"
                 for p in r.outputs]
        error = failed[0].error if failed else ""
        lines.append((plan.number, [str(plan.number), plan.name, status, ";".join(files), error]))
    for problem in problems:
        lines.append((problem.number, [str(problem.number), problem.name, "failed", "",
                                       problem.error]))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["row", "folder", "status", "files", "error"])
    for _number, cells in sorted(lines):
        writer.writerow(cells)
    path = Path(out_dir) / MANIFEST_NAME
    write_atomic(path, ("\ufeff" + buf.getvalue()).encode("utf-8"))
    return path


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)


def plan_roster(path: Path, name_by: str | None, sources: list[str], formats: list[str],
                compile_: bool, base: BuildOptions) -> tuple[list[RowPlan], list[RowProblem]]:
    """Read the roster, check its columns against studykit's and the templates', and plan
    its rows (see ``plan_rows``)."""
    roster = read_roster(path)
    check_columns(roster, template_row_fields(formats, compile_, base.template_dirs))
    return plan_rows(roster, base, sources, compile_, name_by)
