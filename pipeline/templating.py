"""Finding templates and rendering them safely.

User templates are untrusted: they run in Jinja's sandbox with StrictUndefined,
and every failure becomes one line naming the template file, line and tag.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from pipeline.errors import TemplateError, plain_reason
from pipeline.i18n import _


def builtin_templates_dir() -> Path:
    """The templates shipped with studykit: ``pipeline/templates`` in an installed
    studykit (the wheel maps the repository's ``templates/`` there), else the checkout's
    ``templates/`` beside the package."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "booklet").is_dir():
            return candidate
    raise TemplateError(_("built-in templates not found: reinstall studykit "
                          "(pip install --force-reinstall studykit)"))


def search_path(kind: str, template_dirs: list[Path]) -> list[Path]:
    """Folders to look in for templates of one kind ("handout", "booklet", "slides")."""
    dirs = [Path(d) / kind for d in template_dirs]
    dirs.append(builtin_templates_dir() / kind)
    return [d for d in dirs if d.is_dir()]


def resolve(kind: str, filename: str, template_dirs: list[Path]) -> Path:
    """The file a template name resolves to: a workspace override or the built-in."""
    folders = search_path(kind, template_dirs)
    for folder in folders:
        path = folder / filename
        if path.is_file():
            confine(path, folders)
            return path
    raise TemplateError(_("template not found: {name} (restore the file, or delete your copy "
                          "to use the built-in one)").format(name=f"{kind}/{filename}"))


def confine(path: Path | str, folders: list[Path] | list[str]) -> Path:
    """``path`` with its links resolved, if that lies inside one of the template ``folders``.

    Otherwise a TemplateError naming the file: a template that is a link (or
    lies in a linked folder) pointing elsewhere, say at ``/etc/passwd``, must
    not print that file into an output.
    """
    real = Path(os.path.realpath(path))
    for folder in folders:
        if real.is_relative_to(os.path.realpath(folder)):
            return real
    raise TemplateError(_("{path}: not used: it is a link to {target}, outside the template "
                          "folders").format(path=_short(str(path)), target=real))


class _ConfinedLoader(jinja2.FileSystemLoader):
    """Jinja's file loader, refusing files whose real path is outside its folders."""

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        confine(filename, list(self.searchpath))
        return source, filename, uptodate


# The sandbox's range() stops at 100,000 items; these stop the operators that
# would otherwise allocate gigabytes in one step ('x' * 10**10, 9 ** 10**9).
MAX_REPEAT = 10_000_000  # characters or items a * may make
MAX_EXPONENT = 10_000


class Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, plus limits on ``*`` and ``**``; time and memory are limited
    around the render (``pipeline.limits``)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int) \
                        and len(seq) * times > MAX_REPEAT:
                    raise jinja2.exceptions.SecurityError(
                        _("'*' would make {count} items (at most {limit})").format(
                            count=f"{len(seq) * times:,}", limit=f"{MAX_REPEAT:,}"))
        elif operator == "**" and isinstance(right, int) and isinstance(left, int) \
                and abs(right) > MAX_EXPONENT and abs(left) > 1:
            raise jinja2.exceptions.SecurityError(
                _("'**' with an exponent of {exponent} (at most {limit})").format(
                    exponent=f"{right:,}", limit=f"{MAX_EXPONENT:,}"))
        return super().call_binop(context, operator, left, right)


class _SettingsBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates on disk, keyed by source and by what shapes the compiled code.

    Compiling the booklet's templates takes ~25 ms in every fresh process (a
    build, a worker): about 5% of a one-article booklet.  Jinja keys its cache
    by template name and source only; the environment's settings and filter
    names are added here, so two environments never share code compiled for
    the other.  The folder is Jinja's per-user one (mode 0700, owner checked).
    """

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> jinja2.bccache.Bucket:
        settings = (type(environment).__name__, repr(environment.autoescape),
                    environment.trim_blocks, environment.lstrip_blocks,
                    environment.keep_trailing_newline, environment.newline_sequence,
                    environment.block_start_string, environment.variable_start_string,
                    environment.comment_start_string, environment.line_statement_prefix,
                    sorted(environment.filters), sorted(environment.tests),
                    sorted(environment.extensions), environment.optimized)
        return super().get_bucket(environment, f"{name}\0{settings!r}", filename, source)


@functools.cache
def bytecode_cache() -> jinja2.BytecodeCache | None:
    """The shared on-disk cache of compiled templates, or None where it cannot be kept."""
    try:
        return _SettingsBytecodeCache(pattern="__studykit_%s.cache")
    except (OSError, RuntimeError):  # no usable temporary folder: compile every time
        return None


def make_env(kind: str, template_dirs: list[Path], *, autoescape: bool = False) -> SandboxedEnvironment:
    loader = _ConfinedLoader([str(p) for p in search_path(kind, template_dirs)])
    env = Sandbox(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=bytecode_cache(),
    )
    return env


def sandboxed_env(**kwargs: Any) -> SandboxedEnvironment:
    """A loader-less sandboxed environment (docxtpl renders from strings)."""
    return Sandbox(undefined=jinja2.StrictUndefined, **kwargs)


def render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render a named template, turning Jinja errors into one-line TemplateErrors."""
    try:
        template = env.get_template(name)
        return template.render(context)
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(_("template not found: {name} (restore the file, or delete your "
                              "copy to use the built-in one)").format(name=exc.name)) from exc
    except Exception as exc:
        raise template_error(exc, default_name=name) from exc


def template_error(exc: BaseException, default_name: str = "template") -> TemplateError:
    """Describe a Jinja failure as ``file:line: message``."""
    if isinstance(exc, TemplateError):
        return exc
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = _short(exc.filename or exc.name or default_name)
        return TemplateError(_("{where}:{line}: syntax error: {message}").format(
            where=where, line=exc.lineno, message=exc.message))
    from pipeline.limits import describe

    where, line = _template_frame(exc)
    where = where or _short(default_name)
    location = f"{where}:{line}" if line else where
    if isinstance(exc, jinja2.UndefinedError):
        return TemplateError(f"{location}: {exc.message}")
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return TemplateError(_("{where}: not allowed in a template: {message}").format(
            where=location, message=exc))
    return TemplateError(_("{where}: {message}").format(
        where=location, message=describe(exc) or plain_reason(exc)))


def _template_frame(exc: BaseException) -> tuple[str, int]:
    """Jinja rewrites tracebacks so template frames carry the template's file and line."""
    tb = exc.__traceback__ if exc.__traceback__ else sys.exc_info()[2]
    found = ("", 0)
    for frame in traceback.extract_tb(tb):
        fn = frame.filename or ""
        if fn.endswith((".html", ".md", ".j2", ".xml", ".css", ".txt")) or fn == "<template>":
            found = (_short(fn), frame.lineno or 0)
    return found


def _short(path: str) -> str:
    """templates/booklet/page.html rather than an absolute path."""
    p = Path(path)
    parts = p.parts
    if "templates" in parts:
        i = len(parts) - 1 - parts[::-1].index("templates")
        return "/".join(parts[i:])
    return path
