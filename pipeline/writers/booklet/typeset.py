"""Booklet typesetting: the Jinja context and HTML, WeasyPrint layout and PDF writing.

Shared by the one-article booklet and the compilation (``compilation`` lays
parts out in parallel processes with these same functions); the writer entry
points live in the package's ``__init__``.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import urlopen

from markupsafe import Markup, escape

from pipeline.errors import EnvironmentProblem
from pipeline.fonts import require_cjk
from pipeline.i18n import _
from pipeline.model import (
    Author,
    Document,
    Excerpt,
    Meta,
    Question,
    QuizItem,
    Section,
    StudyAids,
    section_name,
)
from pipeline.options import BuildOptions
from pipeline.outputs import safe_name
from pipeline.templating import make_env, render, search_path
from pipeline.writers.booklet.kinsoku import WJ, protect, visible
from pipeline.writers.booklet.weasy import load as load_weasyprint
from pipeline.writers.context import (
    addressee_line,
    cc_line,
    cn_date,
    imprint_parts,
    session_record,
    template_context,
)
from pipeline.writers.titles import break_title

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Paper:
    """Page geometry and type sizes for one booklet paper size (and variant)."""

    size: str
    margin: str
    body_size: str  # headings, 目录 and notes are sized in em of this
    head_size: str = "8pt"  # running heads
    folio_size: str = "9pt"  # page numbers

    @property
    def folio_pt(self) -> float:
        return float(self.folio_size.removesuffix("pt"))


PAPERS = {
    "A5": Paper("A5", "17mm 15mm 17mm 15mm", "10.5pt"),  # 五号
    "B5": Paper("B5", "20mm 18mm 20mm 18mm", "11pt"),
    "A4": Paper("A4", "25mm 22mm 25mm 22mm", "12pt"),  # 小四
}
# 大字版 body sizes: at least 四号 (14 pt); running heads and folios grow alike.
LARGE_PRINT_BODY = {"A5": 14.0, "B5": 15.0, "A4": 16.0}
LARGE_PRINT_LABEL = "大字版"


def paper_for(opts: BuildOptions) -> Paper:
    """The page geometry and type sizes a build asks for (``--paper``, ``--variant``)."""
    paper = PAPERS.get(opts.paper.upper(), PAPERS["A5"])
    if opts.variant != "large-print":
        return paper
    body = LARGE_PRINT_BODY[paper.size]
    factor = body / float(paper.body_size.removesuffix("pt"))
    return dataclasses.replace(paper, body_size=f"{body:g}pt",
                               head_size=f"{8 * factor:.1f}pt", folio_size=f"{9 * factor:.1f}pt")

# Font stacks, CJK faces first so “” ‘’ take the Chinese glyphs.  Users change
# them with --font-body / --font-heading / --font-kai in their booklet.css.
FONTS = {
    "body": ["Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "SimSun", "serif"],
    "heading": ["Noto Sans CJK SC", "Source Han Sans SC", "Heiti SC", "SimHei", "sans-serif"],
    "kai": ["LXGW WenKai", "AR PL UKai CN", "KaiTi", "STKaiti", "Noto Serif CJK SC", "serif"],
}

NOTES_LINES = 18


PAGE_WIDTH_MM = {"A5": 148.0, "B5": 176.0, "A4": 210.0}
# Sizes booklet.css sets titles in (em of the body size): the lines of a title are chosen
# here, at phrase boundaries, for that room.
COVER_TITLE_EM, ARTICLE_TITLE_EM = 2.4, 1.5
MM_PER_PT = 25.4 / 72


def line_room(paper: Paper, size_pt: float) -> float:
    """How many full-width characters of ``size_pt`` one line of the text block holds."""
    margins = [float(m.removesuffix("mm")) for m in paper.margin.split()]
    right, left = (margins[1], margins[3]) if len(margins) == 4 else (margins[-1], margins[-1])
    width = PAGE_WIDTH_MM.get(paper.size.upper(), 148.0) - left - right
    return width / (size_pt * MM_PER_PT) - 0.5  # half a character to spare


@dataclass(frozen=True)
class TitleSetter:
    """Title lines for this paper: the cover, an article's head, the running heads."""

    paper: Paper

    def _room(self, em: float) -> float:
        return line_room(self.paper, em * float(self.paper.body_size.removesuffix("pt")))

    def cover(self, title: str) -> list[str]:
        return break_title(title, self._room(COVER_TITLE_EM))

    def article(self, title: str) -> list[str]:
        return break_title(title, self._room(ARTICLE_TITLE_EM))

    def running(self, text: str) -> str:
        """A running head is one line: a title too long for it ends at a phrase boundary,
        with an ellipsis (booklet.css also cuts with one, should the measure be off)."""
        lines = break_title(text, line_room(self.paper, float(self.paper.head_size.removesuffix("pt"))))
        return lines[0] + ("…" if len(lines) > 1 else "") if lines else text


def css_stack(families: list[str]) -> str:
    """A CSS font-family value; names are quoted, never user HTML."""
    generic = {"serif", "sans-serif", "monospace"}
    return ", ".join(f if f in generic else '"' + f.replace('"', "") + '"' for f in families)


def heading_filter(text: Any) -> Markup:
    """A heading that wraps breaks between words only (工作指导, never 工作指 / 导), and
    never before 的, 们 …: word joiners inside each word, then as ``cjk``."""
    from pipeline.segment import words
    from pipeline.writers.titles import ATTACHED_LEFT

    out: list[str] = []
    for word in words("" if text is None else str(text)):
        joined = WJ.join(word) if len(word) > 1 and _HAN_WORD.fullmatch(word) else word
        if out and (word in ATTACHED_LEFT) and _HAN_WORD.fullmatch(out[-1][-1:] or " "):
            out[-1] += WJ + joined
        else:
            out.append(joined)
    return cjk_filter("".join(out))


_HAN_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


def cjk_filter(text: Any) -> Markup:
    """Escape text for HTML and keep forbidden line starts/ends together (kinsoku)."""
    return Markup(split_boxes(protect(str(escape("" if text is None else text)))))


# WeasyPrint re-encodes a text box's remaining text for every line it breaks, so a
# paragraph of one box costs its length squared (a 300,000-character run-on paragraph
# took minutes).  Longer texts are cut into boxes of about this many characters by
# empty inline elements, where a line could break anyway: after a Han character or a
# closing mark, before one that may start a line.
BOX_CHARS = 1000
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_BOX_CUT = re.compile(f"(?<=[{_HAN}，。、；：？！”’）》」』])(?=[{_HAN}“‘（《「『])")


def split_boxes(html_text: str, size: int = BOX_CHARS) -> str:
    """Escaped, kinsoku-protected text with ``<span></span>`` every ``size`` or so characters."""
    if len(html_text) <= size:
        return html_text
    parts, start = [], 0
    while len(html_text) - start > size:
        cut = _BOX_CUT.search(html_text, start + size // 2, start + size)
        end = cut.start() if cut else start + size
        if not cut:  # no safe point within reach: look on, one match, linear overall
            cut = _BOX_CUT.search(html_text, start + size)
            if cut is None:
                break
            end = cut.start()
        parts.append(html_text[start:end])
        start = end
    parts.append(html_text[start:])
    return "<span></span>".join(parts)


# --- what the templates see -------------------------------------------------


@dataclass
class Book:
    title: str
    subtitle: str = ""
    org: str = ""
    date: str = ""
    date_cn: str = ""
    author: str = ""
    kind: str = "学习资料"
    edition: str = ""  # 大字版 for --variant large-print
    title_lines: list[str] = field(default_factory=list)  # the cover title, line by line


@dataclass
class TocEntry:
    level: int  # 0 = an article in a compilation, 1.. = section levels
    text: str
    anchor: str
    page: str = ""  # a fixed page number to print; else target-counter

    @property
    def href(self) -> str:
        return "#" + self.anchor


@dataclass
class Anchors:
    """Stable ids for sections: ``a{article}-s{n}``, shared by TOC and headings."""

    ids: dict[int, str] = field(default_factory=dict)

    def __call__(self, sec: Section) -> str:
        return self.ids.get(id(sec), "")


def byline(meta: Meta) -> str:
    parts = ["、".join(a.name for a in meta.authors if a.name)]
    parts += [meta.source, cn_date(meta.date)]
    return "　".join(p for p in parts if p)


def authors_text(authors: list[Author]) -> str:
    return "、".join(a.name for a in authors if a.name)


def article_title(doc: Document) -> str:
    return doc.meta.title or safe_name(Path(doc.source_file).stem if doc.source_file else "", "无标题")


def article_view(doc: Document, index: int, anchors: Anchors, toc: list[TocEntry] | None,
                 toc_depth: int, titles: TitleSetter) -> dict[str, Any]:
    """One article for article.html; registers its sections' anchors and TOC entries."""
    key = f"a{index}"
    title = article_title(doc)
    if toc is not None:
        toc.append(TocEntry(0, title, key))
    counter = 0

    def visit(sections: list[Section], depth: int) -> None:
        nonlocal counter
        for sec in sections:
            counter += 1
            anchors.ids[id(sec)] = f"{key}-s{counter}"
            if toc is not None and depth <= toc_depth and (sec.title or sec.label):
                text = (sec.meta.title if sec.kind == "article" and sec.meta and sec.meta.title
                        else section_name(sec))
                toc.append(TocEntry(depth, text, anchors.ids[id(sec)]))
            visit(sec.sections, depth + 1)

    visit(doc.sections, 1)
    return {"doc": doc, "meta": doc.meta, "key": key, "title": title, "byline": byline(doc.meta),
            "body": doc.body, "sections": doc.sections, "addressees": addressee_line(doc.meta),
            "cc": cc_line(doc.meta), "imprint": imprint_parts(doc.meta),
            "title_lines": titles.article(title), "running": titles.running(title)}


def merge_aids(docs: list[Document]) -> StudyAids | None:
    """Shared appendices of a compilation: each aid list, naming the article it came from."""
    present = [d for d in docs if d.aids is not None]
    if not present:
        return None
    if len(docs) == 1:
        return present[0].aids
    merged = StudyAids()
    seen_terms: set[str] = set()
    for doc in present:
        aids = doc.aids
        assert aids is not None
        name = f"《{article_title(doc)}》"
        merged.excerpts += [Excerpt(e.text, e.speaker, e.source or name, e.section)
                            for e in aids.excerpts]
        for g in aids.glossary:
            if g.term not in seen_terms:
                seen_terms.add(g.term)
                merged.glossary.append(g)
        merged.questions += [Question(q.section, q.text, article=name) for q in aids.questions]
        merged.quiz += [QuizItem(q.prompt, q.answer, q.section) for q in aids.quiz]
        merged.notes_page = merged.notes_page or aids.notes_page
    return merged


# The study-aid chapters as aids.html prints them: (list on StudyAids, title, anchor).
AID_CHAPTERS = (("excerpts", "重点摘编", "aid-excerpts"), ("glossary", "名词解释", "aid-glossary"),
                ("questions", "思考讨论题", "aid-questions"), ("quiz", "学习测试", "aid-quiz"),
                ("notes_page", "学习笔记", "aid-notes"))


def aid_entries(aids: StudyAids) -> list[TocEntry]:
    """目录 entries of the study-aid chapters, as their bookmarks have them."""
    out = [TocEntry(0, title, anchor) for attr, title, anchor in AID_CHAPTERS if getattr(aids, attr)]
    if aids.quiz:  # the answers close the booklet, on a page of their own
        out.append(TocEntry(0, "学习测试参考答案", "aid-answers"))
    return out


def has_aids(aids: StudyAids | None) -> bool:
    return bool(aids and (aids.excerpts or aids.glossary or aids.questions or aids.quiz
                          or aids.notes_page))


def book_for(docs: list[Document], opts: BuildOptions, compilation: bool) -> Book:
    first = docs[0]
    if compilation:
        title = opts.compile_title or "学习资料汇编"
        subtitle, kind = "", "学习汇编"
        date = opts.session_date or ""
        author = opts.org
    else:
        title, subtitle, kind = article_title(first), first.meta.subtitle, "学习资料"
        date = opts.session_date or first.meta.date or ""
        author = authors_text(first.meta.authors) or opts.org
    return Book(title=title, subtitle=subtitle, org=opts.org, date=date, date_cn=cn_date(date),
                author=author, kind=kind,
                edition=LARGE_PRINT_LABEL if opts.variant == "large-print" else "",
                title_lines=TitleSetter(paper_for(opts)).cover(title))


def booklet_context(docs: list[Document], opts: BuildOptions, *, compilation: bool,
                    indices: list[int] | None = None, parts: dict[str, bool] | None = None,
                    folio: bool = True, page_numbers: dict[str, int] | None = None,
                    page_offset: int = 0) -> dict[str, Any]:
    """Variables for booklet.html: the shared template context plus the booklet's own.

    ``indices`` numbers the articles (a parallel chunk keeps its global
    numbers, so anchors agree with the front matter); ``page_numbers`` fixes
    TOC page numbers instead of ``target-counter``.
    """
    paper = paper_for(opts)
    anchors = Anchors()
    toc: list[TocEntry] = []
    indices = indices or list(range(1, len(docs) + 1))
    # The 目录's top level is the bookmarks' top level: each article, then each aid chapter.
    titles = TitleSetter(paper)
    articles = [article_view(d, i, anchors, toc, 1 if compilation else 2, titles)
                for d, i in zip(docs, indices, strict=True)]
    headings = sum(1 for e in toc if e.level > 0)
    appendix = merge_aids(docs)
    if has_aids(appendix):
        assert appendix is not None
        toc += aid_entries(appendix)
    if page_numbers is not None:
        for e in toc:
            e.page = str(page_numbers.get(e.anchor, ""))
    show = {k: (parts or {}).get(k, parts is None) for k in ("cover", "toc", "articles", "aids")}
    # A short text (fewer than two headings) has no 目录: it would list nothing to find.
    show["toc"] = show["toc"] and (compilation or headings >= 2)
    ctx = template_context(docs[0], opts)
    record = session_record(docs[0], opts, [article_title(d) for d in docs])
    if record is not None:  # a roster row's 学习记录 takes the 学习笔记 page's place
        for e in toc:
            if e.anchor == "aid-notes":
                e.text = "学习记录"
    notes_lines = int(NOTES_LINES * float(PAPERS[paper.size].body_size.removesuffix("pt"))
                      / float(paper.body_size.removesuffix("pt")))
    ctx.update({
        "book": book_for(docs, opts, compilation),
        "compilation": compilation,
        "articles": articles,
        "toc": toc,
        "anchor": anchors,
        "appendix": appendix if has_aids(appendix) else None,
        "paper": paper,
        "fonts": {k: Markup(css_stack(v)) for k, v in FONTS.items()},
        "parts": show,
        "folio": folio,
        "page_offset": page_offset,
        "notes_lines": notes_lines,
        "record": record,
        "record_rules": record.rule_lines(notes_lines + 3, line_room(
            paper, float(paper.body_size.removesuffix("pt")))) if record is not None else 0,
        "section_name": section_name,
        "running_head": titles.running,
    })
    return ctx


@functools.lru_cache(maxsize=8)
def _env(template_dirs: tuple[Path, ...]) -> Any:
    """One environment per template search path: compiled templates are reused."""
    env = make_env("booklet", list(template_dirs), autoescape=True)
    env.filters["cjk"] = cjk_filter
    env.filters["heading"] = heading_filter
    return env


def render_html(ctx: dict[str, Any], opts: BuildOptions) -> str:
    return render(_env(tuple(Path(d) for d in opts.template_dirs)), "booklet.html", ctx)


# --- WeasyPrint -------------------------------------------------------------


class TemplateFetcher:
    """WeasyPrint ``url_fetcher``: only files in the template folders in use, and data: URIs.

    Templates may come from a user's workspace, so nothing from the network or
    elsewhere on disk (``file:///etc/passwd``) may end up in a PDF.  A relative
    name missing from the first folder falls back to the next, like templates do.
    """

    def __init__(self, folders: list[Path]):
        self.folders = [Path(f).resolve() for f in folders]
        self.refused: list[str] = []

    @property
    def base_url(self) -> str:
        return self.folders[0].as_uri() + "/"

    def locate(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(unquote(parts.path))
        for base in self.folders:
            try:
                rel = path.resolve().relative_to(base)
                break
            except ValueError:
                continue
        else:
            return None
        for folder in self.folders:
            candidate = (folder / rel).resolve()
            if candidate.is_file() and candidate.is_relative_to(folder):
                return candidate
        return None

    def load(self, url: str) -> tuple[bytes, str]:
        """The bytes and final URL of an allowed resource, or ValueError."""
        if url.startswith("data:"):
            with urlopen(url) as response:  # noqa: S310 - data: only
                return response.read(), url
        path = self.locate(url)
        if path is None:
            self.refused.append(url)
            raise ValueError(f"studykit: not loading {url}: only files in the template "
                             "folder and data: URIs may be used")
        return path.read_bytes(), path.as_uri()

    def weasyprint_fetcher(self) -> Any:
        """This policy in the form the installed WeasyPrint expects."""
        load_weasyprint()
        from weasyprint import urls

        policy = self
        if hasattr(urls, "URLFetcher"):  # WeasyPrint ≥ 68: a class with fetch()

            class Fetcher(urls.URLFetcher):
                def fetch(self, url: str, headers: Any = None) -> Any:
                    data, final = policy.load(url)
                    kind = mimetypes.guess_type(final)[0] or "application/octet-stream"
                    return urls.URLFetcherResponse(final, data, {"Content-Type": kind})

            return Fetcher(allowed_protocols=["file", "data"])

        def fetch(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
            data, final = policy.load(url)
            return {"string": data, "redirected_url": final,
                    "mime_type": mimetypes.guess_type(final)[0]}

        return fetch


def ensure_fonts() -> None:
    """Stop before rendering if no Chinese font is installed: never produce tofu."""
    families = [f for stack in FONTS.values() for f in stack]
    require_cjk(families)


def layout(html: str, opts: BuildOptions, fetcher: TemplateFetcher | None = None):
    """HTML → laid-out WeasyPrint document, with Chinese lines justified."""
    try:
        weasyprint = load_weasyprint()
    except (ImportError, OSError) as exc:  # pragma: no cover - a broken install
        raise EnvironmentProblem(_("WeasyPrint cannot be loaded ({exc}); install its system "
                                   "libraries (Pango)").format(exc=exc)) from exc
    from pipeline.writers.booklet.cjk_justify import inter_character_justification

    fetcher = fetcher or TemplateFetcher(search_path("booklet", opts.template_dirs))
    try:
        with inter_character_justification():
            return weasyprint.HTML(string=html, base_url=fetcher.base_url,
                                   url_fetcher=fetcher.weasyprint_fetcher()).render(
                                       font_config=_shared_fonts.get(fetcher.folders))
    except (AssertionError, ValueError, TypeError, KeyError, IndexError, AttributeError,
            ZeroDivisionError, RecursionError) as exc:
        raise _layout_failed(exc, opts) from exc


def _layout_failed(exc: BaseException, opts: BuildOptions) -> Exception:
    """WeasyPrint gave up on the HTML: the user's templates made it (exit 3), or the text did.

    Such a failure is not studykit's bug to report as one (exit 70): the page is
    what a template and a source made of it.
    """
    from pipeline.errors import InputError, TemplateError, plain_reason

    reason = plain_reason(exc) if str(exc).strip() else _("an internal check failed")
    own = [Path(d) / "booklet" for d in opts.template_dirs if (Path(d) / "booklet").is_dir()]
    if any(f.is_file() for d in own for f in d.iterdir()):
        return TemplateError(_("{folders}: WeasyPrint could not lay out the booklet these "
                               "templates make ({reason})").format(
                                   folders=", ".join(_short_dir(d) for d in own), reason=reason))
    return InputError(_("WeasyPrint could not lay out the booklet ({reason})").format(
        reason=reason))


def _short_dir(path: Path) -> str:
    parts = path.parts
    return "/".join(parts[parts.index("templates"):]) if "templates" in parts else str(path)


class _SharedFonts:
    """One WeasyPrint ``FontConfiguration`` kept between booklets in a long-lived process.

    WeasyPrint makes a new one per document, loading every face again (~40 ms
    of a warm seed rebuild).  A CSS ``@font-face`` is added to it for good, so
    it is kept only while the template folders' files are unchanged.
    """

    def __init__(self) -> None:
        self.enabled = False
        self.key: tuple = ()
        self.config: Any = None

    def get(self, folders: list[Path]) -> Any:
        """The kept configuration (a new one if a template file changed); None if not kept."""
        if not self.enabled:
            return None
        try:
            key = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size)
                        for folder in folders for f in sorted(folder.rglob("*")))
        except OSError:  # a file went away meanwhile: WeasyPrint makes its own
            return None
        if self.config is None or key != self.key:
            from weasyprint.text.fonts import FontConfiguration

            self.key, self.config = key, FontConfiguration()
        return self.config


_shared_fonts = _SharedFonts()


def keep_fonts_loaded(keep: bool = True) -> None:
    """Keep fonts loaded between booklets laid out in this process (``watch``), or stop."""
    _shared_fonts.enabled = keep
    if not keep:
        _shared_fonts.config = None


def visible_strings(pdf: Any) -> None:
    """Bookmark titles and document information without invisible characters (the
    word joiners of ``cjk`` come along with a heading's text into its bookmark)."""
    import pydyf

    for obj in [*pdf.objects, pdf.info]:
        if not isinstance(obj, dict):
            continue
        for key, value in obj.items():
            if isinstance(value, pydyf.String) and isinstance(value.string, str):
                clean = visible(value.string)
                if clean != value.string:
                    obj[key] = pydyf.String(clean)


def write_pdf(document: Any, target: Path | None, keep: list[Any] | None = None) -> bytes | None:
    """Draw the laid-out document; bytes when ``target`` is None.

    ``keep``, if given, receives the ``pydyf.PDF`` written (for ``imposition_update``).
    """
    from pipeline.writers.booklet.cff import compact_cid_subsets, finisher
    from pipeline.writers.booklet.cjk_justify import inter_character_justification

    def finish(doc: Any, pdf: Any) -> None:
        finisher(doc, pdf)
        visible_strings(pdf)
        if keep is not None:
            keep.append(pdf)

    # Drawing uses the patched spacing too; the finisher shrinks what compact subsets make.
    with inter_character_justification(), compact_cid_subsets():
        return document.write_pdf(target, finisher=finish)
