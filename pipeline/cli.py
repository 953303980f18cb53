"""The `studykit` command: wires readers, enrich and writers together, nothing more."""

from __future__ import annotations

import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import click

from pipeline import __version__
from pipeline.cli_help import Group
from pipeline.errors import EXIT_BUG, EXIT_INPUT, InputError, StudykitError, UsageProblem
from pipeline.i18n import LANGUAGES, N_, _, ngettext
from pipeline.options import FORMATS, SHEETS, VARIANTS, AidOptions, BuildOptions
from pipeline.readers import INPUT_FORMATS


class State:
    debug = False
    quiet = False
    verbose = False


def _fail(err: StudykitError) -> None:
    if State.debug:
        traceback.print_exception(err)
    error(str(err))
    sys.exit(err.exit_code)


def error(message: str) -> None:
    """One error line on standard error, in the one style of every studykit error."""
    click.echo(_("studykit: error: {message}").format(message=message), err=True)


def warning(message: str) -> None:
    click.echo(_("studykit: warning: {message}").format(message=message), err=True)


def info(message: str) -> None:
    click.echo(f"studykit: {message}", err=True)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="studykit")
@click.option("--lang", type=click.Choice(list(LANGUAGES)), metavar="en|zh",
              help="Language of messages and help: zh (Chinese) or en (English); may also "
                   "come after the command [default: zh when the locale (LANG, LC_ALL) is "
                   "Chinese, else en].")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on standard error.")
@click.option("-v", "--verbose", is_flag=True, help="Say what is done, step by step.")
def cli(lang: str | None, debug: bool, quiet: bool, verbose: bool) -> None:
    """studykit: turn a Chinese study article into a handout, a booklet and slides.

    Start with `studykit init DIR` for a workspace, or build files directly:
    `studykit build ARTICLE.txt`.  Exit codes are listed in the README.
    """
    State.debug = debug
    State.quiet = quiet
    State.verbose = verbose and not quiet


_ENCODING_ERRORS = click.option(
    "--encoding-errors", type=click.Choice(["strict", "replace"]), default="strict",
    show_default=True,
    help="What to do with bytes no encoding reads: stop with an error, or replace each "
         "with � and say how many.")


def _reading_options(f):
    """What `parse` and `check` share: the input format, corrections, the workspace."""
    options = [
        click.argument("source"),
        click.option("--input-format", type=click.Choice([*INPUT_FORMATS, "json"]),
                     help="Read SOURCE as this format instead of guessing from its extension "
                          "(json: a model written by `studykit parse`)."),
        click.option("--ocr", is_flag=True,
                     help="Read scanned PDF pages with Tesseract OCR (tesseract-ocr-chi-sim)."),
        _metadata_option,
        _ENCODING_ERRORS,
        click.option("-w", "--workspace", type=click.Path(exists=True, file_okay=False,
                                                          path_type=Path),
                     help="The workspace whose corrections ([articles.\"FILE\"] in "
                          "studykit.toml) apply (default: this folder if it has one)."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


_metadata_option = click.option(
    "-M", "--metadata", "metadata", multiple=True, metavar="KEY=VALUE",
    help="Correct what was read: title, subtitle, author (may repeat; titles in brackets: "
         "author=张三（某某县委书记）), date, source; drop=LINE and keep=LINE move a line out "
         "of or back into the text; levels.HEADING=N re-levels a heading (0: not a heading).")


def _read_corrected(source: str, input_format: str | None, metadata: tuple[str, ...],
                    workspace: Path | None, ocr: bool = False, encoding_errors: str = "strict"):
    """The source's model with the workspace's and -M corrections; and whether in a workspace."""
    from pipeline.config import find_workspace, load_config
    from pipeline.corrections import Corrections, from_metadata
    from pipeline.loading import load_document

    root = find_workspace(workspace)
    corrections = Corrections()
    if root is not None and source != "-":
        corrections = load_config(root).articles.get(Path(source).name, corrections)
    if metadata:
        corrections = corrections.merged(from_metadata(metadata))
    doc = load_document(source, input_format, corrections, ocr=ocr,
                        encoding_errors=encoding_errors)
    _warn_replaced(doc)
    return doc, root is not None


def _warn_replaced(doc) -> None:
    """--encoding-errors replace: say on standard error how many bytes were replaced."""
    for w in doc.warnings:
        if w.code == "encoding-errors" and not State.quiet:
            warning(_("{name}: {message}").format(name=doc.source_file, message=w.message))


@cli.command()
@_reading_options
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True,
              help="Output format of the model.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output (- for standard output).")
def parse(source: str, fmt: str, input_format: str | None, metadata: tuple[str, ...],
          encoding_errors: str, workspace: Path | None, ocr: bool, output: Path | None) -> None:
    """Parse SOURCE (a file, or - for standard input) and print the document model.

    The model, edited, builds like a source: `studykit build article.json`.
    """
    doc, _ = _read_corrected(source, input_format, metadata, workspace, ocr, encoding_errors)
    _emit(output, doc.to_json() + "\n")


@cli.command()
@_reading_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file instead of standard output "
                   "(- for standard output).")
@click.option("--glossary", "glossaries", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Your own glossary file (TOML), may be repeated: its definitions count.")
def check(source: str, input_format: str | None, metadata: tuple[str, ...],
          encoding_errors: str, workspace: Path | None, ocr: bool, output: Path | None,
          glossaries: tuple[Path, ...]) -> None:
    """Show how SOURCE was understood: what to review (with how to correct it), metadata,
    outline, corrections applied, discarded lines, and the study aids it gets (genre, aids
    left out and why, formulations without definition)."""
    from pipeline.enrich import enrich
    from pipeline.options import AidOptions
    from pipeline.report import render_check

    doc, in_workspace = _read_corrected(source, input_format, metadata, workspace, ocr,
                                        encoding_errors)
    doc = enrich(doc, AidOptions(glossary_files=list(glossaries)))
    report = render_check(doc, Path(source).name if source != "-" else "",
                          workspace=in_workspace and source != "-" and not metadata)
    _emit(output, report)


def _emit(output: Path | None, data: str | bytes) -> None:
    """To standard output (no -o, or -o -), or atomically to a new or regular file."""
    if output is None or str(output) == "-":
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            click.echo(data, nl=False)
        return
    from pipeline.outputs import check_output_file, write_atomic

    write_atomic(check_output_file(output), data)


# --- build and watch: options shared by both ------------------------------------------

def _formats(value: str) -> list[str]:
    wanted = [v.strip() for v in value.split(",") if v.strip()]
    for fmt in wanted:
        if fmt not in FORMATS:
            raise click.BadParameter(_("unknown output '{name}' (choose from {choices})").format(
                name=fmt, choices=", ".join(FORMATS)), param_hint="--to")
    if not wanted:
        raise click.BadParameter(_("name at least one output (docx, pdf, slides)"),
                                 param_hint="--to")
    return wanted


_QUIET_HELP = N_("No progress bar; only errors on standard error.")
_VERBOSE_HELP = N_("Report each output built or skipped (on standard error).")


def _verbosity(f=None, *, quiet_help: str = _QUIET_HELP, verbose_help: str = _VERBOSE_HELP):
    """-q/-v/--debug on a command as well as before it (`studykit build -v`); the command
    says what -q and -v mean for it."""
    def add(f):
        f = click.option("--debug", "debug_", is_flag=True, help="Show tracebacks for errors.")(f)
        f = click.option("-v", "--verbose", is_flag=True, help=verbose_help)(f)
        return click.option("-q", "--quiet", is_flag=True, help=quiet_help)(f)
    return add(f) if f is not None else add


def _set_verbosity(quiet: bool, verbose: bool, debug_: bool) -> None:
    State.quiet = State.quiet or quiet
    State.verbose = (State.verbose or verbose) and not State.quiet
    State.debug = State.debug or debug_


def _build_options(f):
    """The options of `build` and `watch`: a default left unset comes from studykit.toml."""
    aids = {
        "excerpts": N_("Put in / leave out 重点摘编 (default: on, or as studykit.toml says)."),
        "glossary": N_("Leave out 名词解释."),
        "questions": N_("Put in / leave out 思考讨论题 (default: on, or as studykit.toml says)."),
        "quiz": N_("Put in / leave out 学习测试 (default: on, or as studykit.toml says)."),
        "notes": N_("Put in / leave out the 学习笔记 page (a roster row's 学习记录; default: on, "
                    "or as studykit.toml says)."),
    }
    for aid, help_text in reversed(aids.items()):
        if aid == "glossary":  # --glossary FILE names a glossary: only the switch-off here
            f = click.option("--no-glossary", "glossary", flag_value=False, default=None,
                             help=help_text)(f)
        else:
            f = click.option(f"--{aid}/--no-{aid}", default=None, help=help_text)(f)
    options = [
        click.argument("sources", nargs=-1),
        click.option("-w", "--workspace", type=click.Path(exists=True, file_okay=False,
                                                          path_type=Path),
                     help="The workspace folder (default: this folder if it has studykit.toml)."),
        click.option("--to", "to", default=None,
                     help="Outputs to build, comma-separated: docx, pdf, slides "
                          "[default: all, or `outputs` in studykit.toml]."),
        click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path),
                     help="Folder for the outputs [default: output, or the workspace's]."),
        click.option("--org", default=None,
                     help="Organisation name printed on the handout and cover."),
        click.option("--session-date", default=None,
                     help="Date of the study session (YYYY-MM-DD)."),
        click.option("--variant", type=click.Choice(VARIANTS), default=None,
                     help="Which edition [default: official]. official: 标准版, the handout "
                          "in GB/T 9704 style, booklet body 五号 on A5. large-print: 大字版, "
                          "handout type ×1.25, booklet body 四号 (14 pt) or larger with "
                          "matching headings and running heads, 大字版 on the cover, slides "
                          "with larger type and fewer points. plain: 简版, the text only, no "
                          "study aids, in every output."),
        click.option("--glossary", "glossaries", multiple=True,
                     type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Your own glossary file (TOML), may be repeated."),
        click.option("--templates", "template_dirs", multiple=True,
                     type=click.Path(exists=True, file_okay=False, path_type=Path),
                     help="A folder of templates that override the built-in ones "
                          "(a workspace's templates/ is used without this)."),
        click.option("--paper", type=click.Choice(["A5", "A4", "B5"]), default=None,
                     help="Booklet page size [default: A5]."),
        click.option("--print-sheet", type=click.Choice(SHEETS), default=None,
                     help="Sheet of the imposed print PDF [default: auto, the sheet that holds "
                          "two pages at 100 %: A5 on A4, B5 on B4, A4 on A3]; a smaller sheet "
                          "scales the pages down, with a warning."),
        click.option("--creep", "creep", type=click.FloatRange(0, 10), default=None, metavar="MM",
                     help="Creep compensation for thick booklets: the innermost sheet's pages "
                          "move MM millimetres toward the fold, outer ones less [default: 0]."),
        click.option("--crop-marks/--no-crop-marks", default=None,
                     help="Crop marks on the print PDF (needs a sheet larger than two pages, "
                          "e.g. A5 on A3)."),
        click.option("--bold-headings/--no-bold-headings", default=None,
                     help="Handout heading levels 2–4 in bold (local practice; the standard "
                          "has them regular)."),
        click.option("--slides-template", type=click.Path(exists=True, dir_okay=False,
                                                          path_type=Path),
                     help="Your own .pptx whose layouts the slides use."),
        click.option("--compile", "compile_", is_flag=True,
                     help="Make one booklet (学习汇编) of all sources."),
        click.option("--title", default="",
                     help="With --compile, the booklet's title; otherwise the article's title, "
                          "as -M title=… sets it."),
        _metadata_option,
        click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
                     help="Processes to build with [default: all cores]."),
        click.option("--ocr", is_flag=True,
                     help="Read scanned PDF pages with Tesseract OCR (tesseract-ocr-chi-sim)."),
        _ENCODING_ERRORS,
        click.option("--timeout", type=click.FloatRange(min=0), default=None,
                     help="Seconds each output may take before it is stopped with an error "
                          "[default: 120, or `timeout` in studykit.toml; 0: no limit]."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


@dataclass
class Request:
    """What to build: the sources, outputs and options after config and flags are merged."""

    sources: list[str]
    formats: list[str]
    opts: BuildOptions
    compile_: bool
    watch_paths: list[Path]  # what `watch` watches: source folder or files, templates, config
    notes: list[str] = field(default_factory=list)  # warnings about the request, for stderr


def _workspace_sources(folder: Path) -> list[str]:
    from pipeline.readers import FORMATS as READABLE

    if not folder.is_dir():
        raise InputError(_("{folder}: no such folder (the workspace's source folder): create "
                           "it, or set `source` in studykit.toml").format(folder=folder))
    from pipeline.loading import MODEL_SUFFIX

    return [str(p) for p in sorted(folder.iterdir())
            if p.is_file() and (p.suffix.lower() in READABLE or p.suffix.lower() == MODEL_SUFFIX)
            and p.suffix and not p.name.startswith((".", "~$"))]


def _check_compile(compile_: bool, formats: list[str]) -> None:
    """--compile makes the booklet: without pdf among the outputs it would do nothing."""
    if compile_ and "pdf" not in formats:
        raise click.UsageError(_("--compile makes one booklet (pdf) of all sources: add pdf to "
                                 "--to (now {formats})").format(formats=",".join(formats)))


def make_request(params: dict) -> Request:
    """Merge built-in defaults < studykit.toml < command line, and pick the sources."""
    from pipeline.config import CONFIG_NAME, Config, find_workspace, iso_date, load_config

    root = find_workspace(params.get("workspace"))
    cfg = load_config(root) if root is not None else Config()
    sources = list(params["sources"])
    watch: list[Path] = []
    if not sources:
        if root is None:
            raise InputError(_("no sources given, and no studykit.toml here: name the files, "
                               "or make a workspace with `studykit init DIR`"))
        sources = _workspace_sources(cfg.source_dir)
        watch.append(cfg.source_dir)
        if not sources:
            raise InputError(_("{folder}: no articles to build (put .txt, .md, .html, .docx, "
                               ".pdf, .doc or .wps files there)").format(folder=cfg.source_dir))
    else:
        watch.extend(Path(s) for s in sources)
    formats = _formats(params["to"]) if params["to"] else list(cfg.outputs)
    _check_compile(params["compile_"], formats)
    template_dirs = list(params["template_dirs"])
    if root is not None and cfg.templates_dir.is_dir():
        template_dirs.append(cfg.templates_dir)
    watch.extend(template_dirs)
    if root is not None:
        watch.append(root / CONFIG_NAME)
    variant = params["variant"] or cfg.variant
    if variant == "plain":
        aids = AidOptions.none()
    else:
        on = {a: (cfg.aids[a] if params[a] is None else params[a]) for a in cfg.aids}
        glossary_files = [cfg.path(g) for g in cfg.glossaries] + list(params["glossaries"])
        for g in glossary_files:
            if not g.is_file():
                raise InputError(_("{path}: no such glossary file (check the name, or the "
                                   "`glossaries` list in studykit.toml)").format(path=g))
        watch.extend(glossary_files)
        aids = AidOptions(excerpts=on["excerpts"], glossary=on["glossary"],
                          questions=on["questions"], quiz=on["quiz"], notes=on["notes"],
                          glossary_files=glossary_files)
    slides_template = params["slides_template"] or (
        cfg.path(cfg.slides_template) if cfg.slides_template else None)
    if slides_template is not None and not Path(slides_template).is_file():
        raise InputError(_("{path}: no such slides template (check the name, or "
                           "`slides_template` in studykit.toml)").format(path=slides_template))
    out_dir = params["output_dir"] or (cfg.output_dir if root is not None else Path("output"))
    session = iso_date(params["session_date"]) if params["session_date"] else cfg.session_date
    def given(name: str, default):
        value = params.get(name)
        return default if value is None else value

    opts = BuildOptions(out_dir=Path(out_dir),
                        org=cfg.org if params["org"] is None else params["org"],
                        session_date=session, variant=variant, aids=aids,
                        template_dirs=template_dirs, paper=params["paper"] or cfg.paper,
                        print_sheet=params["print_sheet"] or cfg.print_sheet,
                        creep_mm=given("creep", cfg.creep),
                        crop_marks=given("crop_marks", cfg.crop_marks),
                        bold_headings=given("bold_headings", cfg.bold_headings),
                        slides_template=slides_template,
                        compile_title=params["title"] if params["compile_"] else "",
                        ocr=bool(params.get("ocr")),
                        timeout=cfg.timeout if params.get("timeout") is None else params["timeout"],
                        encoding_errors=params.get("encoding_errors") or "strict")
    opts.corrections, notes = _request_corrections(sources, _title_metadata(params), cfg,
                                                   from_folder=not params["sources"])
    if "pdf" in formats or params["compile_"]:
        from pipeline.writers.booklet import print_warnings

        notes += print_warnings(opts)
    return Request(sources, formats, opts, params["compile_"], watch, notes)


def _title_metadata(params: dict) -> tuple[str, ...]:
    """-M, with --title (without --compile) as -M title=…: both set the article's title."""
    metadata = tuple(params.get("metadata", ()))
    title = params.get("title") or ""
    if not title or params.get("compile_"):
        return metadata
    given = [m.split("=", 1)[1].strip() for m in metadata if m.split("=", 1)[0].strip() == "title"]
    if any(g != title.strip() for g in given):
        raise UsageProblem(_("--title and -M title= name different titles: give one of them"))
    return (f"title={title}", *metadata)


def _request_corrections(sources: list[str], metadata: tuple[str, ...], cfg,
                         from_folder: bool) -> tuple[dict, list[str]]:
    """Each source's corrections: its [articles."FILE"] table, then -M (one source only)."""
    from pipeline.config import CONFIG_NAME
    from pipeline.corrections import Corrections, from_metadata

    found = {s: cfg.articles[Path(s).name] for s in sources if Path(s).name in cfg.articles}
    if metadata:
        if len(sources) != 1:
            raise InputError(_("-M and --title correct one article: name one source (several "
                               "are corrected in studykit.toml, [articles.\"FILE\"])"))
        found[sources[0]] = found.get(sources[0], Corrections()).merged(from_metadata(metadata))
    names = {Path(s).name for s in sources}
    notes = [_("{config}: [articles.\"{name}\"]: no such file in {folder}/ (its corrections "
               "are not used: rename the table or the file)").format(
                   config=CONFIG_NAME, name=name, folder=cfg.source)
             for name in cfg.articles if from_folder and name not in names]
    return found, notes


# --- reporting ------------------------------------------------------------------------

class Reporter:
    """A progress bar naming each file (several sources, a terminal, not -q/-v), or with
    --verbose one line per output built or skipped."""

    def __init__(self, n_sources: int, show_bar: bool) -> None:
        self.bar = None
        self.show_bar = (show_bar and n_sources > 1 and not State.quiet and not State.verbose
                         and sys.stderr.isatty())
        self.current = ""
        self.pending: list = []  # reported as fine, but the build may still fail them
        self.said: dict[str, int] = {}  # template errors said once: how often each came

    def start(self, to_build: int, total: int) -> None:
        if State.verbose:
            info(_("{fresh} of {total} outputs up to date, building {todo}").format(
                fresh=total - to_build, total=total, todo=to_build))
        if self.show_bar and to_build:
            self.bar = click.progressbar(length=total, label=_("building"), file=sys.stderr,
                                         show_pos=True,
                                         item_show_func=lambda _: self.current or None)
            self.bar.__enter__()

    def result(self, res, done: int, total: int) -> None:
        from pipeline.build import JobResult

        assert isinstance(res, JobResult)
        fmt = res.job.fmt
        if State.verbose:
            if res.status == "skipped":
                info(_("skip  {format:<7} {name} (up to date)").format(format=fmt,
                                                                       name=res.job.name))
            elif res.status == "built":
                info(_("built {format:<7} {name} ({seconds:.1f} s)").format(
                    format=fmt, name=res.job.name, seconds=res.seconds))
        if res.status == "failed":
            self._error(res)
        else:
            self.pending.append(res)
        if self.bar is not None:
            self.current = f"{fmt} {res.job.name}"
            self.bar.update(1)

    def _error(self, res) -> None:
        from pipeline.errors import EXIT_TEMPLATE

        if res.exit_code == EXIT_TEMPLATE:  # the same broken template fails every source
            self.said[res.error] = self.said.get(res.error, 0) + 1
            if self.said[res.error] > 1:
                return
        if self.bar is not None:
            click.echo("", err=True)
        if State.debug and res.traceback:
            click.echo(res.traceback.rstrip(), err=True)
        error(f"{_where(res)}{res.error}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
        for res in self.pending:  # e.g. two sources with the same title
            if res.status == "failed":
                self._error(res)
        self.pending = []


def _where(res) -> str:
    """Name the source in front of an error that does not already name it."""
    name = res.job.name
    if res.job.fmt == "compile" or name in res.error:
        return ""
    return f"{name} ({res.job.fmt}): "


def renamed_summary(renamed: dict[str, str]) -> str:
    """Which source's outputs are which, when sources share a title."""
    pairs = _("; ").join(f"{Path(source).name} → {stem}" for source, stem in renamed.items())
    return "studykit: " + _("sources with the same title, named apart: {pairs}").format(
        pairs=pairs)


def report_failures(result) -> None:
    failed = result.of("failed")
    if failed and len(result.results) > 1:
        ok = len(result.results) - len(failed)
        info(ngettext("{failed} of {total} output failed; {ok} built or up to date",
                      "{failed} of {total} outputs failed; {ok} built or up to date",
                      len(result.results)).format(failed=len(failed),
                                                  total=len(result.results), ok=ok))


# --- commands ---------------------------------------------------------------------------

def _scale_options(f):
    """`build --for ROSTER` (one copy per row) and `--scheduler` (a Dask cluster)."""
    f = click.option("--scheduler", envvar="STUDYKIT_SCHEDULER", default=None, metavar="ADDRESS",
                     help="Build on a Dask cluster: tcp://HOST:PORT of a running scheduler, "
                          "or local:N to start N worker processes here (needs "
                          "studykit[dask]; also STUDYKIT_SCHEDULER).")(f)
    f = click.option("--name-by", metavar="COLUMN", default=None,
                     help="The roster column that names each row's folder [default: the "
                          "first column].")(f)
    f = click.option("--for", "roster", type=click.Path(exists=True, dir_okay=False,
                                                        path_type=Path),
                     help="A roster (.csv or .xlsx): build once per row, each row's values "
                          "(org, session_date, place, host, attendees, title …) replacing the "
                          "build's, into a folder per row, with -o/manifest.csv.")(f)
    return f


@cli.command()
@_build_options
@_scale_options
@click.option("-f", "--force", is_flag=True, help="Rebuild every output, even those up to date.")
@_verbosity
def build(force: bool, jobs: int | None, quiet: bool, verbose: bool, debug_: bool,
          roster: Path | None, name_by: str | None, scheduler: str | None,
          **params) -> None:
    """Build handouts (docx), booklets (pdf) and slides from SOURCES.

    With no SOURCES, in a workspace (a folder with studykit.toml, see `studykit
    init`), every article in its source folder.  Outputs whose source,
    templates, options and studykit version are unchanged since the last build
    are skipped.  A failing output is reported (one line) and the others are
    still built; the exit code is then that of the first failure.  Prints the
    path of every output on standard output.
    """
    _set_verbosity(quiet, verbose, debug_)
    from pipeline.build import build_all

    to_stdout = str(params.get("output_dir") or "") == "-"
    if to_stdout:
        params["output_dir"] = None
    req = make_request(params)
    runner = _runner(scheduler)
    rows, problems = _roster_rows(roster, name_by, req)
    if not State.quiet:
        for note in req.notes:
            warning(note)
    if to_stdout:
        if roster is not None or runner is not None:
            raise UsageProblem(_("-o - writes one file to standard output: --for and "
                                 "--scheduler need a folder (-o DIR)"))
        _build_to_stdout(req, jobs)
        return
    for problem in problems:
        error(problem.error)
    copies = len(req.sources) * (len(rows) if rows is not None else 1)
    reporter = Reporter(copies, show_bar=True)
    try:
        result = build_all(req.sources, req.formats, req.opts, req.compile_, force=force,
                           jobs=jobs, on_start=reporter.start, on_result=reporter.result,
                           rows=rows, runner=runner)
    finally:
        reporter.close()
    for path in result.outputs:
        click.echo(str(path))
    if result.renamed and not State.quiet:
        click.echo(renamed_summary(result.renamed), err=True)
    if State.verbose and result.cleaned:
        info(ngettext("removed {n} unfinished file left by an interrupted build",
                      "removed {n} unfinished files left by an interrupted build",
                      len(result.cleaned)).format(n=len(result.cleaned)))
    report_failures(result)
    if roster is not None:
        _roster_summary(roster, req.opts.out_dir, rows or [], problems, result)
    code = result.exit_code or (problems[0].exit_code if problems else 0)
    if code:
        sys.exit(code)


def _runner(scheduler: str | None):
    """The Dask runner for --scheduler (None: this machine's processes)."""
    if not scheduler or not scheduler.strip():
        return None
    from pipeline.scale import DaskRunner

    return DaskRunner(scheduler, quiet_logs=not State.debug)


def _roster_rows(roster: Path | None, name_by: str | None, req: Request):
    """The rows of --for ROSTER to build and those left out (None, [] without a roster)."""
    if roster is None:
        if name_by:
            raise InputError(_("--name-by names a column of a --for roster"))
        return None, []
    from pipeline.roster import plan_roster

    return plan_roster(roster, name_by, req.sources, req.formats, req.compile_, req.opts)


def _roster_summary(roster: Path, out_dir: Path, rows: list, problems: list, result) -> None:
    """Write -o/manifest.csv and say how the rows went."""
    from pipeline.roster import write_manifest

    manifest = write_manifest(out_dir, rows, problems, result)
    failed_rows = {r.job.row_number for r in result.of("failed")}
    bad = len(problems) + len(failed_rows)
    if not State.quiet:
        total = len(rows) + len(problems)
        line = _("{file}: {ok} of {total} rows built or up to date, {bad} failed; see "
                 "{manifest}") if bad else _("{file}: {ok} of {total} rows built or up to "
                                             "date; see {manifest}")
        info(line.format(file=roster.name, ok=total - bad, total=total, bad=bad,
                         manifest=manifest))


# How many files each output makes: `-o -` writes one, to standard output.
_FILES = {"docx": 1, "pdf": 2, "slides": 2}


def _build_to_stdout(req: Request, jobs: int | None) -> None:
    """`-o -`: build the one requested file in a scratch folder and copy it to stdout."""
    import tempfile

    from pipeline.build import build_all

    files = sum(_FILES[f] for f in req.formats) * len(req.sources) + (2 if req.compile_ else 0)
    if req.compile_ or len(req.sources) != 1 or files != 1:
        raise UsageProblem(_("-o - writes one file to standard output: name one source and "
                             "--to docx (pdf and slides make two files each), or give a "
                             "folder with -o"))
    with tempfile.TemporaryDirectory(prefix="studykit-") as scratch:
        req.opts.out_dir = Path(scratch)
        reporter = Reporter(1, show_bar=False)
        try:
            result = build_all(req.sources, req.formats, req.opts, False, force=True, jobs=jobs,
                               on_start=reporter.start, on_result=reporter.result)
        finally:
            reporter.close()
        if result.exit_code:
            sys.exit(result.exit_code)
        data = result.outputs[0].read_bytes()
    out = sys.stdout.buffer
    out.write(data)
    out.flush()


@cli.command()
@_build_options
@click.option("--interval", type=float, default=0.5, show_default=True,
              help="Seconds between checks when file events are not available (polling).")
@_verbosity
def watch(jobs: int | None, interval: float, quiet: bool, verbose: bool, debug_: bool,
          **params) -> None:
    """Build, then rebuild what changed whenever a source, template or studykit.toml is saved.

    Takes the same options as `build`.  The heavy libraries stay loaded (in
    worker processes) between rebuilds, so a rebuild costs only the outputs
    that changed.  Stop with Ctrl-C.
    """
    _set_verbosity(quiet, verbose, debug_)
    from pipeline.watch import Watcher

    if str(params.get("output_dir") or "") == "-":
        raise UsageProblem(_("watch writes files: give a folder with -o, not -"))
    said: list[str] = []

    def request() -> Request:
        req = make_request(params)
        if req.notes != said:  # say them once, and again only when they change
            said[:] = req.notes
            for note in [] if State.quiet else req.notes:
                warning(note)
        return req

    watcher = Watcher(request, jobs=jobs, interval=interval, report=_watch_report)
    watcher.run()


# `build -h` and `watch -h` list their options under these headings.
build.option_groups = watch.option_groups = [
    (N_("Input"), ["workspace", "metadata", "title", "ocr", "roster", "name_by"]),
    (N_("Outputs"), ["to", "output_dir", "compile_", "force"]),
    (N_("Look"), ["variant", "org", "session_date", "paper", "print_sheet", "creep",
                  "crop_marks", "bold_headings", "template_dirs", "slides_template"]),
    (N_("Study aids"), ["excerpts", "glossary", "questions", "quiz", "notes", "glossaries"]),
    (N_("Performance"), ["jobs", "scheduler", "interval"]),
    (N_("Messages"), ["quiet", "verbose", "debug_"]),
]


def _watch_report(kind: str, payload) -> None:
    if kind == "result":
        result, seconds = payload
        built, failed = result.of("built"), result.of("failed")
        for res in failed:
            Reporter(1, False)._error(res)
        if State.verbose:
            for res in result.results:
                if res.status != "failed":
                    line = _("built {format:<7} {name}") if res.status == "built" else \
                        _("skip  {format:<7} {name}")
                    info(line.format(format=res.job.fmt, name=res.job.name))
        if not State.quiet and (built or failed):
            line = ngettext("rebuilt {n} output in {seconds:.2f} s",
                            "rebuilt {n} outputs in {seconds:.2f} s", len(built))
            if failed:
                line += _(", {failed} failed")
            info(line.format(n=len(built), seconds=seconds, failed=len(failed)))
    elif kind == "error":
        error(str(payload))
    elif kind == "info" and not State.quiet:
        info(str(payload))


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("-f", "--force", is_flag=True, help="Replace files that already exist.")
@_verbosity(quiet_help=N_("Nothing on standard error but errors."),
            verbose_help=N_("List each file written (on standard error)."))
def init(folder: Path, force: bool, quiet: bool, verbose: bool, debug_: bool) -> None:
    """Make a workspace in FOLDER: studykit.toml, source/, output/ and templates/.

    templates/ holds copies of the built-in templates to edit: a file there
    overrides the built-in one of the same name.  Existing files are not
    overwritten unless --force.
    """
    _set_verbosity(quiet, verbose, debug_)
    from pipeline.workspace import init_workspace

    written = init_workspace(folder, force=force)
    if State.verbose:
        for path in written:
            info(_("wrote {path}").format(path=path))
    if not State.quiet:
        info(_("workspace ready in {folder}: put articles in {sources}, then run "
               "`studykit build` there").format(folder=folder, sources=folder / "source"))


@cli.group(invoke_without_command=True)
@click.option("-w", "--workspace", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The workspace folder (default: this folder if it has studykit.toml).")
@click.option("--templates", "template_dirs", multiple=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder of templates that override the built-in ones.")
@click.pass_context
def templates(ctx: click.Context, workspace: Path | None, template_dirs: tuple[Path, ...]) -> None:
    """List every template, the file it resolves to and the variables it may use.

    A file in the workspace's templates/ (or a --templates folder) overrides
    the built-in file of the same name.  The variables are described in
    docs/templates.md.
    """
    ctx.obj = _template_dirs(workspace, template_dirs)
    if ctx.invoked_subcommand is not None:
        return
    from pipeline.templates_info import NOTES, list_templates

    for found in list_templates(ctx.obj):
        click.echo(f"{found.name}  [{_(found.state)}]")
        click.echo("    " + _("file:      {path}").format(path=found.resolved))
        if found.variables:
            click.echo("    " + _("variables: {names}").format(names=", ".join(found.variables)))
        if found.filters:
            click.echo("    " + _("filters:   {names}").format(names=", ".join(found.filters)))
        click.echo(f"    {_(NOTES[found.engine]) if found.engine in NOTES else ''}")


def _template_dirs(workspace: Path | None, extra: tuple[Path, ...]) -> list[Path]:
    from pipeline.config import find_workspace, load_config

    dirs = list(extra)
    root = find_workspace(workspace)
    if root is not None:
        cfg = load_config(root)
        if cfg.templates_dir.is_dir():
            dirs.append(cfg.templates_dir)
    return dirs


@templates.command("show")
@click.argument("name")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Copy the built-in template to this file instead of printing it.")
@click.pass_obj
def templates_show(template_dirs: list[Path], name: str, output: Path | None) -> None:
    """Print the built-in (default) template NAME, e.g. booklet/booklet.css.

    Like `pandoc --print-default-template`: redirect it into your templates/
    folder to start a customisation.  Word and PowerPoint templates are not
    printed: their location is shown, and --output copies them.
    """
    from pipeline.templates_info import find_template

    found = find_template(name, template_dirs)
    source = found.builtin or found.resolved
    if output is not None:
        _emit(output, source.read_bytes())
        if str(output) != "-":
            info(_("copied {name} to {path}").format(name=found.name, path=output))
    elif found.binary:
        kind = _("a Word file") if found.engine == "docx" else _("a PowerPoint file")
        click.echo(_("{name} is {kind}, not printed: the built-in one is {path}; copy it with: "
                     "studykit templates show {name} -o FILE").format(
                         name=found.name, kind=kind, path=source), err=True)
    else:
        click.echo(source.read_text(encoding="utf-8"), nl=False)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 127.0.0.1 is this computer only.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--no-browser", is_flag=True, help="Do not open the page in a web browser.")
@click.option("--lan", is_flag=True,
              help="Serve the local network (all interfaces, unless --host says otherwise), "
                   "behind an access code.")
@click.option("--access-code", metavar="CODE",
              help="The access code for --lan (default: a new one, printed at start).")
def serve(host: str, port: int, no_browser: bool, lan: bool, access_code: str | None) -> None:
    """Open a local web page: drop articles, choose outputs, download them.

    Run it inside a workspace (a folder with studykit.toml) to use its templates.
    """
    from pipeline.extras import require

    require("serve")
    from pipeline.serve import run

    if access_code is not None and not lan:
        raise click.UsageError(_("--access-code is for --lan"))
    if access_code is not None and len("".join(access_code.split()).replace("-", "")) < 6:
        raise click.UsageError(_("--access-code: use at least 6 characters"))
    if lan and host == "127.0.0.1":
        host = "0.0.0.0"
    run(host=host, port=port, open_browser=not no_browser and not lan, lan=lan,
        access_code=access_code)


def _take_language(argv: list[str]) -> tuple[list[str], str | None, str]:
    """`--lang X` anywhere on the command line (before or after the command), taken out
    before Click parses anything, so that its own messages and the help are in X too.
    Returns the other arguments, the language (None: the locale's) and a bad value."""
    from pipeline.i18n import normalize

    rest: list[str] = []
    language, bad = None, ""
    args = iter(argv)
    for arg in args:
        if arg == "--":
            rest += [arg, *args]
            break
        if arg == "--lang" or arg.startswith("--lang="):
            value = arg.partition("=")[2] if "=" in arg else next(args, "")
            language = normalize(value) if value else None
            if language is None:
                bad = value or "''"
        else:
            rest.append(arg)
    return rest, language, bad


def _click_error(exc: click.ClickException) -> None:
    """Click's errors in the one style: `studykit: error: …; what to do`."""
    message = exc.format_message()
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        message = _("{message}; see '{command} -h'").format(
            message=message.rstrip(".。"), command=ctx.command_path)
    error(message)


def main(argv: list[str] | None = None) -> None:
    """Entry point: the tool's own errors are one line; anything else is a bug."""
    from pipeline.i18n import default_language, set_language

    args, language, bad = _take_language(list(argv if argv is not None else sys.argv[1:]))
    set_language(language or default_language())
    if bad:
        error(_("--lang: '{value}' is not a language studykit speaks: use zh or en").format(
            value=bad))
        sys.exit(EXIT_INPUT)
    State.debug = "--debug" in args
    from pipeline.diagnostics import capture

    capture(State.debug)
    try:
        code = cli.main(args=args, prog_name="studykit", standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except click.exceptions.Abort:
        info(_("interrupted"))
        sys.exit(130)
    except click.ClickException as exc:
        _click_error(exc)
        sys.exit(exc.exit_code)
    except StudykitError as err:
        _fail(err)
    except KeyboardInterrupt:
        info(_("interrupted"))
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # a bug: say so in one line unless debugging
        if State.debug:
            raise
        click.echo(_("studykit: internal error: {error} (run with --debug for the traceback, "
                     "and report it)").format(error=f"{type(exc).__name__}: {exc}"), err=True)
        sys.exit(EXIT_BUG)
