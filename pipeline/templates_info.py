"""What `studykit templates` and docs/templates.md say: every template and its variables.

The variables are not listed by hand: each writer's context is built for a
small example document and captured as the writer hands it to Jinja, so a
variable a writer adds shows up here (and ``tests/test_template_docs.py``
fails until it is described in ``VARIABLES``).
"""

from __future__ import annotations

import contextlib
import filecmp
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.i18n import N_, _
from pipeline.options import AidOptions, BuildOptions
from pipeline.templating import builtin_templates_dir, search_path

# What each variable holds, for people writing templates.  Keys are the names
# the writers put in the context; docs/templates.md is generated from this.
VARIABLES: dict[str, str] = {
    # shared by every template (pipeline/writers/context.py: template_context)
    "doc": "The whole [Document](model.md#document): everything below is also reachable from it.",
    "meta": "The article's [Meta](model.md#meta): title, subtitle, date, source, authors, notes.",
    "title": "The article's title (`meta.title`).",
    "subtitle": "Its subtitle, e.g. ——在……上的讲话 (may be empty).",
    "authors": "List of [Author](model.md#author): `name` and `titles`.",
    "date": "Publication date, ISO `YYYY-MM-DD`, or empty.",
    "date_cn": "The same date as printed in Chinese: 2022年10月16日.",
    "source": "Where it was published, e.g. 人民日报 (may be empty).",
    "body": "List of [Block](model.md#block): the paragraphs before the first heading.",
    "sections": "List of [Section](model.md#section), the outline tree (`sections` nest).",
    "quotes": "List of [Quote](model.md#quote): quotations found in the text, with speaker.",
    "terms": "List of [Term](model.md#term): formulations and book titles (提法、书名).",
    "aids": "The [StudyAids](model.md#studyaids): excerpts, glossary, questions, quiz, "
            "notes_page, keypoints (all empty for `--variant plain`).",
    "org": "The organisation (`--org`, `org` in studykit.toml), or empty.",
    "session_date": "Date of the study session, ISO, or empty (`--session-date`).",
    "session_date_cn": "The session date in Chinese, or empty.",
    "row": "The roster row this copy is for (`build --for ROSTER`): every column by name, "
           "e.g. `row.place`, `row.host`, or a column of your own such as `row.书记`; "
           "`session_time`, `place`, `host`, `recorder` and `attendees` are there (empty) "
           "in any build.",
    "record": "The roster row's 学习记录 page, or none outside a `--for` build: `time`, "
              "`place`, `host`, `recorder`, `attendees`, `content` (《title》), and `lines` "
              "(each with `label`, e.g. 主 持 人, and `value`) in print order.  It takes the "
              "place of the 学习笔记 page.",
    "variant": "`official`, `large-print` or `plain`.",
    "heading_text": "Function: `heading_text(section)`, the heading as printed after its label.",
    "section_name": "Function: `section_name(section)`, label and title, e.g. 一、深学细悟.",
    "title_lines": "The title as the lines of a centred title: broken at phrase boundaries, balanced (list of strings).",
    "bylines": "One line per author: titles then name, e.g. 某某县委常委、组织部部长　张某某.",
    "source_line": "来源：… and the date in one line, or empty.",
    "attribution": "Function: `attribution(excerpt)`, who said a quotation and where.",
    "quoted": "Function: `quoted(text)`, the text in “…”, its own double quotes made single.",
    "addressee_line": "An official document's 主送 line as printed (addressees, then ：), "
                      "or empty.",
    "cc_line": "Its 抄送 line: 抄送：甲，乙。 (empty when there is none).",
    "imprint_parts": "Its 印发 line in two parts: (issuing office, 'date 印发'); "
                     "(\"\", \"\") when there is none.",
    "table_grid": "Function: `table_grid(rows)`, a table's rows padded to one width.",
    "table_header": "Function: `table_header(rows)`, whether the first row reads as "
                    "column headings.",
    "column_shares": "Function: `column_shares(rows)`, each column's share of the table "
                     "width (sums to 1).",
    # handout (pipeline/writers/handout/__init__.py: handout_context)
    "blocks": "The body as a flat list of paragraphs in reading order, each with `kind` "
              "(h1, h2, h3, title, byline, p, item, gap, signature, attachment, "
              "attachment_item, note, caption, table), `text`, `head` (run-in words printed "
              "first), `level`, `chapter` (章 or 节: a centred heading), `role` (signer or "
              "date: a signature's part), and for a table `rows`, `header` and `table` (the "
              "Word table, placed with `{{p b.table }}`).",
    # booklet (pipeline/writers/booklet/typeset.py: booklet_context)
    "book": "The booklet's cover: `title`, `title_lines` (the title broken at phrase "
            "boundaries for the cover), `subtitle`, `org`, `date`, `date_cn`, `author`, "
            "`kind` (学习资料 or 学习汇编), `edition` (大字版 or empty).",
    "compilation": "True for a `--compile` booklet of several articles.",
    "articles": "One entry per article: `doc`, `meta`, `key` (anchor), `title`, `title_lines` "
                "(its head, broken at phrase boundaries), `running` (its running head), `byline`, "
                "`body`, `sections`, `addressees` (主送 line), `cc` (抄送 line), `imprint` "
                "(印发 parts).",
    "running_head": "Function: `running_head(text)`, a heading as a running head: one line, "
                    "ending at a phrase boundary with … when too long (put it in `data-run`; "
                    "booklet.css reads it with `string-set: … attr(data-run)`).",
    "toc": "Table of contents entries: `level`, `text`, `anchor`, `href`, `page`; level 0 "
           "are the articles and the study-aid chapters, as in the bookmarks.",
    "anchor": "Function: `anchor(section)`, the id of a section's heading (for links).",
    "appendix": "The study aids printed after the text (merged over articles), or none.",
    "paper": "Page geometry and type sizes for `--paper` and `--variant`: `size`, `margin`, "
             "`body_size`, `head_size` (running heads), `folio_size` (page numbers).",
    "fonts": "CSS font stacks: `body`, `heading`, `kai`.",
    "parts": "Which parts to print: `cover`, `toc`, `articles`, `aids` (true/false).",
    "folio": "Whether page numbers are printed.",
    "page_offset": "Number of pages before this part (long compilations are laid out in parts).",
    "notes_lines": "How many ruled lines the 学习笔记 page has.",
    "record_rules": "How many ruled lines fill the 学习记录 page under its fields (0 "
                    "without a roster row).",
    # slides (pipeline/writers/slides/marp.py: render_outline)
    "slides": "The slide plan: each slide has `kind` (title, agenda, section, content, quote, "
              "table, closing), `title`, `subtitle`, `lines`, `bullets`, `heads`, `quote`, "
              "`rows` and `header` (a table), `notes`.",
}

FILTERS: dict[str, str] = {
    "cjk": "Chinese text with line-breaking rules applied (禁则: no 。，at a line start).",
    "heading": "As `cjk`, and a heading that wraps breaks between words only (booklet).",
    "md": "Escapes Markdown markup in a text, on one line.",
    "note": "Text safe inside an HTML comment (a speaker note).",
    "yaml": "A quoted YAML string.",
}


@dataclass
class TemplateInfo:
    name: str  # kind/file, e.g. booklet/booklet.css
    kind: str
    builtin: Path | None
    resolved: Path
    origin: str  # "built-in" or "workspace"
    same_as_builtin: bool | None  # a workspace copy left unchanged
    engine: str  # jinja, docx, css, pptx
    variables: list[str] = field(default_factory=list)
    filters: list[str] = field(default_factory=list)

    @property
    def binary(self) -> bool:
        return self.engine in ("docx", "pptx")

    @property
    def state(self) -> str:
        """What the listing says of it (translated where it is shown)."""
        if self.origin == "built-in":
            return N_("built-in")
        if self.builtin is None:
            return N_("workspace (yours)")
        return N_("workspace copy, unchanged") if self.same_as_builtin else N_("workspace, edited")


ENGINES = {".html": "jinja", ".md": "jinja", ".j2": "jinja", ".xml": "jinja", ".txt": "jinja",
           ".docx": "docx", ".pptx": "pptx", ".css": "css"}
NOTES = {
    "jinja": N_("Jinja template, rendered in a sandbox; an unknown variable is an error."),
    "docx": N_("Word file with docxtpl tags ({{ … }}, {%p for … %}); edit it in Word or WPS."),
    "pptx": N_("PowerPoint file: the deck uses its slide layouts and theme; no variables."),
    "css": N_("Style sheet loaded by the booklet (not a Jinja template); no variables."),
}


def example_document(enriched: bool = True):
    """A small document with every part a template may show (study aids when ``enriched``).

    Also the example of the JSON form in docs/model.md (``enriched=False``).
    """
    from pipeline.enrich import enrich
    from pipeline.model import (
        Author,
        Block,
        Discarded,
        Document,
        Meta,
        Quote,
        Section,
        Term,
        Warning,
    )

    doc = Document(
        meta=Meta(title="以党的二十大精神引领基层组织建设", subtitle="——专题党课辅导报告",
                  date="2026-11-20", source="某某县委组织部",
                  authors=[Author(name="张某某", titles=["某某县委常委", "组织部部长"])]),
        body=[Block(type="paragraph", text="今天这堂专题党课，我谈三点体会。")],
        sections=[Section(level=1, label="一、", title="深学细悟", sections=[
            Section(level=2, label="（一）", title="织密建强基层组织体系", run_in=True, body=[
                Block(type="paragraph",
                      text="习近平总书记在党的二十大报告中指出，"
                           "“严密的组织体系是党的优势所在、力量所在。”")])])],
        discarded=[Discarded(text="【打印】【关闭】", reason="page toolbar", line=9)],
        quotes=[Quote(text="严密的组织体系是党的优势所在、力量所在。", speaker="习近平总书记",
                      source="党的二十大报告", section="（一）织密建强基层组织体系",
                      sentence="习近平总书记在党的二十大报告中指出，"
                               "“严密的组织体系是党的优势所在、力量所在。”")],
        terms=[Term(text="四个意识", kind="formulation", count=2, section="一、深学细悟")],
        warnings=[Warning(code="numbering-gap", message="（一） is followed by （三）")],
        source_file="source/example.txt",
        encoding="utf-8",
    )
    return enrich(doc, AidOptions()) if enriched else doc


@contextlib.contextmanager
def _capturing(module: Any, attr: str, store: dict[str, Any]) -> Iterator[None]:
    """Replace ``module.attr`` (a render function) by one that records its arguments."""
    original = getattr(module, attr)

    def capture(*args: Any, **kwargs: Any) -> Any:
        store["args"] = args
        raise _Captured

    setattr(module, attr, capture)
    try:
        yield
    except _Captured:
        pass
    finally:
        setattr(module, attr, original)


class _Captured(Exception):
    pass


def _custom_filters(env: Any) -> list[str]:
    from pipeline.templating import sandboxed_env

    plain = set(sandboxed_env().filters)
    return sorted(set(env.filters) - plain)


def contexts(opts: BuildOptions | None = None) -> dict[str, tuple[dict[str, Any], list[str]]]:
    """kind → (context, custom filters) exactly as each writer hands them to Jinja."""
    from pipeline.writers import handout
    from pipeline.writers.booklet import typeset as booklet
    from pipeline.writers.context import template_context
    from pipeline.writers.slides import marp
    from pipeline.writers.slides.plan import build_plan

    opts = opts or BuildOptions(org="某某县委组织部", session_date="2026-12-01",
                                row={"org": "某某县委组织部", "place": "党员活动室",
                                     "host": "张某某", "attendees": "全体党员"})
    doc = example_document()
    found: dict[str, tuple[dict[str, Any], list[str]]] = {
        "common": (template_context(doc, opts), []),
        "handout": (handout.handout_context(doc, opts), []),
    }
    store: dict[str, Any] = {}
    with _capturing(booklet, "render", store):
        booklet.render_html(booklet.booklet_context([doc], opts, compilation=False), opts)
    env, _tpl, ctx = store["args"]
    found["booklet"] = (ctx, _custom_filters(env))
    store.clear()
    with _capturing(marp, "render", store):
        marp.render_outline(doc, opts, build_plan(doc, opts))
    env, _tpl, ctx = store["args"]
    found["slides"] = (ctx, _custom_filters(env))
    return found


def list_templates(template_dirs: list[Path], with_variables: bool = True) -> list[TemplateInfo]:
    """Every template: the built-ins, plus files only in a workspace's template folders."""
    from pipeline.workspace import TEMPLATE_KINDS, builtin_template_files

    builtins = dict(builtin_template_files())
    names = list(builtins)
    for kind in TEMPLATE_KINDS:
        for folder in search_path(kind, template_dirs):
            for path in sorted(folder.rglob("*")):
                name = f"{kind}/{path.relative_to(folder).as_posix()}"
                if path.is_file() and name not in names and path.suffix in ENGINES \
                        and not path.name.startswith("."):
                    names.append(name)
    ctxs = contexts() if with_variables else {}
    infos: list[TemplateInfo] = []
    for name in names:
        kind, rel = name.split("/", 1)
        resolved = next(f / rel for f in search_path(kind, template_dirs) if (f / rel).is_file())
        builtin = builtins.get(name)
        origin = "built-in" if builtin is not None and resolved == builtin else "workspace"
        same = None
        if origin == "workspace" and builtin is not None:
            same = filecmp.cmp(resolved, builtin, shallow=False)
        engine = ENGINES.get(Path(rel).suffix, "file")
        info = TemplateInfo(name, kind, builtin, resolved, origin, same, engine)
        if engine in ("jinja", "docx") and kind in ctxs:
            ctx, filters = ctxs[kind]
            info.variables = list(ctx)
            info.filters = filters
        infos.append(info)
    return infos


def find_template(name: str, template_dirs: list[Path]) -> TemplateInfo:
    """A template by ``kind/file`` or by file name alone when that is unambiguous."""
    from pipeline.errors import InputError

    infos = list_templates(template_dirs, with_variables=False)
    exact = [i for i in infos if i.name == name]
    if not exact:
        exact = [i for i in infos if i.name.split("/", 1)[1] == name]
    if len(exact) == 1:
        return exact[0]
    known = ", ".join(i.name for i in infos)
    if exact:
        raise InputError(_("'{name}' is ambiguous: say which, e.g. {name2}").format(
                             name=name, name2=exact[0].name))
    raise InputError(_("no template '{name}' (templates: {known})").format(name=name, known=known))


def builtin_root() -> Path:
    return builtin_templates_dir()
