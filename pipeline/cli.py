"""The `studykit` command: wires readers, enrich and writers together, nothing more."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from pipeline import __version__
from pipeline.errors import EXIT_BUG, StudykitError
from pipeline.options import FORMATS, VARIANTS, AidOptions, BuildOptions


class State:
    debug = False


def _fail(err: StudykitError) -> None:
    if State.debug:
        traceback.print_exception(err)
    click.echo(f"studykit: error: {err}", err=True)
    sys.exit(err.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="studykit")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def cli(debug: bool) -> None:
    """studykit: turn a Chinese study article into a handout, a booklet and slides."""
    State.debug = debug


@cli.command()
@click.argument("source")
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True,
              help="Output format of the model.")
@click.option("--input-format", type=click.Choice(["text", "markdown", "html", "docx"]),
              help="Read SOURCE as this format instead of guessing from its extension.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
def parse(source: str, fmt: str, input_format: str | None, output: Path | None) -> None:
    """Parse SOURCE (a file, or - for standard input) and print the document model."""
    from pipeline.outputs import write_atomic
    from pipeline.readers import read

    doc = read(source, input_format)
    text = doc.to_json() + "\n"
    if output:
        write_atomic(output, text)
    else:
        click.echo(text, nl=False)


@cli.command()
@click.argument("source")
@click.option("--input-format", type=click.Choice(["text", "markdown", "html", "docx"]),
              help="Read SOURCE as this format instead of guessing from its extension.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file instead of standard output.")
def check(source: str, input_format: str | None, output: Path | None) -> None:
    """Show how SOURCE was understood: metadata, outline, warnings, discarded lines."""
    from pipeline.outputs import write_atomic
    from pipeline.readers import read
    from pipeline.report import render_check

    report = render_check(read(source, input_format))
    if output:
        write_atomic(output, report)
    else:
        click.echo(report, nl=False)


def _formats(value: str) -> list[str]:
    wanted = [v.strip() for v in value.split(",") if v.strip()]
    for fmt in wanted:
        if fmt not in FORMATS:
            raise click.BadParameter(f"unknown output '{fmt}' (choose from {', '.join(FORMATS)})")
    return wanted


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--to", "to", default=",".join(FORMATS), show_default=True,
              help="Outputs to build, comma-separated: docx, pdf, slides.")
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("output"), show_default=True, help="Folder for the outputs.")
@click.option("--org", default="", help="Organisation name printed on the handout and cover.")
@click.option("--session-date", default=None, help="Date of the study session (YYYY-MM-DD).")
@click.option("--variant", type=click.Choice(VARIANTS), default="official", show_default=True,
              help="official style, large-print (大字版) or plain (text only, no aids).")
@click.option("--no-excerpts", is_flag=True, help="Leave out 重点摘编.")
@click.option("--no-glossary", is_flag=True, help="Leave out 名词解释.")
@click.option("--no-questions", is_flag=True, help="Leave out 思考讨论题.")
@click.option("--no-quiz", is_flag=True, help="Leave out 学习测试.")
@click.option("--no-notes", is_flag=True, help="Leave out the 学习笔记 page.")
@click.option("--glossary", "glossaries", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Your own glossary file (TOML), may be repeated.")
@click.option("--templates", "template_dirs", multiple=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder of templates that override the built-in ones.")
@click.option("--paper", type=click.Choice(["A5", "A4", "B5"]), default="A5", show_default=True,
              help="Booklet page size.")
@click.option("--print-sheet", type=click.Choice(["A4", "A3"]), default="A4", show_default=True,
              help="Sheet size of the imposed print PDF.")
@click.option("--slides-template", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Your own .pptx whose layouts the slides use.")
@click.option("--compile", "compile_", is_flag=True,
              help="Make one booklet (学习汇编) of all sources.")
@click.option("--title", default="", help="Title of a --compile booklet.")
def build(sources: tuple[str, ...], to: str, output_dir: Path, org: str,
          session_date: str | None, variant: str, no_excerpts: bool, no_glossary: bool,
          no_questions: bool, no_quiz: bool, no_notes: bool, glossaries: tuple[Path, ...],
          template_dirs: tuple[Path, ...], paper: str, print_sheet: str,
          slides_template: Path | None, compile_: bool, title: str) -> None:
    """Build handouts, booklets and slides from SOURCES."""
    from pipeline.build import run_build

    aids = AidOptions.none() if variant == "plain" else AidOptions(
        excerpts=not no_excerpts, glossary=not no_glossary, questions=not no_questions,
        quiz=not no_quiz, notes=not no_notes, glossary_files=list(glossaries))
    opts = BuildOptions(out_dir=output_dir, org=org, session_date=_iso_date(session_date),
                        variant=variant, aids=aids, template_dirs=list(template_dirs),
                        paper=paper, print_sheet=print_sheet, slides_template=slides_template,
                        compile_title=title)
    for path in run_build(list(sources), _formats(to), opts, compile_=compile_):
        click.echo(str(path))


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    import datetime

    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise click.BadParameter(f"'{value}' is not a date like 2026-12-01",
                                 param_hint="--session-date") from exc


def main(argv: list[str] | None = None) -> None:
    """Entry point: the tool's own errors are one line; anything else is a bug."""
    State.debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        code = cli.main(args=argv, prog_name="studykit", standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except click.exceptions.Abort:
        click.echo("studykit: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except StudykitError as err:
        _fail(err)
    except KeyboardInterrupt:
        click.echo("studykit: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # a bug: say so in one line unless debugging
        if State.debug:
            raise
        click.echo(f"studykit: internal error: {type(exc).__name__}: {exc} "
                   "(run with --debug for the traceback)", err=True)
        sys.exit(EXIT_BUG)
