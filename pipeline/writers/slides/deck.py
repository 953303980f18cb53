"""Draw a slide plan into a .pptx with python-pptx (the only module that imports it).

Layouts come from the default template or the user's, by name, with a
fallback by placeholder type.  Every run names the East-Asian font as well as
the Latin one, and every box is measured (``textfit``) and given the largest
font size at which its text fits; key points that do not fit even at the
smallest size make the deck re-planned with fewer per slide.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
import zlib
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.exc import PackageNotFoundError
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from pipeline.errors import TemplateError, plain_reason
from pipeline.i18n import _
from pipeline.model import Document
from pipeline.options import BuildOptions
from pipeline.templating import _short, resolve
from pipeline.writers.context import column_shares, quoted
from pipeline.writers.slides import textfit
from pipeline.writers.slides.plan import ELLIPSIS, Limits, Slide, build_plan
from pipeline.writers.titles import break_title
from pipeline.ziplimits import read_checked

DEFAULT_EA = "Microsoft YaHei"
PT = 12700  # EMU per point
BULLET_INDENT = Inches(0.4)  # room the bullet and its hanging indent take
# (start, minimum) font sizes in points, per box.
SIZES = {
    "cover": (44, 24), "byline": (24, 12), "section": (40, 24), "label": (32, 16),
    "title": (32, 20), "bullets": (28, 16), "agenda": (26, 14), "questions": (24, 14),
    "quote": (36, 16), "attribution": (20, 12), "table": (22, 12),
}
# 大字版: every box starts larger and never goes as small (the plan puts less on a slide).
LARGE_PRINT_SIZES = {
    "cover": (48, 24), "byline": (28, 20), "section": (44, 28), "label": (36, 24),
    "title": (36, 28), "bullets": (34, 24), "agenda": (32, 24), "questions": (30, 24),
    "quote": (40, 24), "attribution": (24, 20), "table": (26, 20),
}
# Sizes down to which a one-line setting is preferred to a wrapped one.
ONE_LINE = {"cover": 36, "section": 32, "title": 26, "bullets": 22, "agenda": 22}
LARGE_PRINT_ONE_LINE = {"cover": 40, "section": 36, "title": 32, "bullets": 28, "agenda": 28}
CELL_MARGIN = Inches(0.06)
SPACE = 0.45  # space before a bullet paragraph, as a fraction of the font size

LAYOUT_NAMES = {
    "title": ("title slide", "标题幻灯片"),
    "section": ("section header", "节标题"),
    "content": ("title and content", "标题和内容"),
    "quote": ("quote", "引用"),
}
ROLE = {"title": "title", "section": "section", "quote": "quote",
        "agenda": "content", "content": "content", "closing": "content", "table": "content"}
TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE)
BODIES = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.SUBTITLE)


class _Overflow(Exception):
    """Key points do not fit their box even at the smallest size."""


def render_deck(doc: Document, opts: BuildOptions, plan: list[Slide] | None = None) -> bytes:
    """The deck as .pptx bytes; re-plans with fewer key points per slide if a box is small."""
    limits = Limits.for_variant(opts.variant)
    plan = plan or build_plan(doc, opts, limits)
    template = template_bytes(opts)
    while True:
        try:
            return _render(plan, template, strict=limits.bullets > 1,
                           large=opts.variant == "large-print")
        except _Overflow:
            limits = dataclasses.replace(limits, bullets=limits.bullets - 1,
                                         agenda=max(1, limits.agenda - 1),
                                         questions=max(1, limits.questions - 1),
                                         table_rows=max(1, limits.table_rows - 1))
            plan = build_plan(doc, opts, limits)


def template_path(opts: BuildOptions) -> Path:
    return Path(opts.slides_template) if opts.slides_template else \
        resolve("slides", "slides.pptx", opts.template_dirs)


def template_bytes(opts: BuildOptions) -> tuple[str, bytes]:
    """(name, bytes) of the .pptx template, unpacked once within limits (``ziplimits``)."""
    path = template_path(opts)
    name = _short(str(path))
    data = read_checked(path, TemplateError,
                        _("{path}: not a usable PowerPoint (.pptx) file ({exc})"), name,
                        required=("ppt/presentation.xml", "[Content_Types].xml"))
    return name, data


def _render(plan: list[Slide], template: tuple[str, bytes], strict: bool,
            large: bool = False) -> bytes:
    name, data = template
    try:
        prs = Presentation(io.BytesIO(data))
        _drop_slides(prs)
        deck = _Deck(prs, strict, large=large)
    except (PackageNotFoundError, KeyError, ValueError, OSError, EOFError, AttributeError,
            IndexError, TypeError, NotImplementedError, zipfile.BadZipFile, zlib.error,
            etree.LxmlError) as exc:
        raise TemplateError(_("{path}: not a usable PowerPoint (.pptx) file ({exc})").format(
                                path=name, exc=plain_reason(exc))) from exc
    for slide in plan:
        deck.add(slide)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _drop_slides(prs) -> None:
    """A user's template may carry sample slides: keep its layouts, not its slides."""
    ids = prs.slides._sldIdLst
    for sld in list(ids):
        prs.part.drop_rel(sld.rId)
        ids.remove(sld)


def theme_fonts(prs) -> dict[str, tuple[str, str]]:
    """{"major": (latin, ea), "minor": (latin, ea)} from the template's theme."""
    fonts = {"major": ("", DEFAULT_EA), "minor": ("", DEFAULT_EA)}
    try:
        theme = prs.slide_master.part.part_related_by(RT.THEME)
        root = etree.fromstring(theme.blob)
    except (KeyError, etree.XMLSyntaxError):
        return fonts
    for kind in fonts:
        node = root.find(f".//{qn(f'a:{kind}Font')}")
        if node is None:
            continue
        latin = node.find(qn("a:latin"))
        ea = node.find(qn("a:ea"))
        ea_face = ea.get("typeface", "") if ea is not None else ""
        latin_face = latin.get("typeface", "") if latin is not None else ""
        fonts[kind] = (latin_face or ea_face or DEFAULT_EA, ea_face or DEFAULT_EA)
    return fonts


def set_run_fonts(run, latin: str, ea: str, size: float | None = None) -> None:
    """Name both fonts on a run: ``font.name`` alone leaves Chinese to the viewer's guess."""
    rPr = run._r.get_or_add_rPr()
    rPr.set("lang", "zh-CN")
    rPr.set("altLang", "en-US")
    if size:
        run.font.size = Pt(size)
    run.font.name = latin
    ea_el = rPr.find(qn("a:ea"))
    if ea_el is None:
        ea_el = rPr.makeelement(qn("a:ea"), {})
        rPr.latin.addnext(ea_el)
    ea_el.set("typeface", ea)


class _SlideAdder:
    """``prs.slides.add_slide`` in time independent of the deck's length.

    python-pptx looks for the next slide id, the new slide's relationship and
    the next slide and notes part names by scanning every slide already there,
    so n slides cost n² (2,000 headings took minutes).  Here the id and part-name counters
    start where python-pptx's own search says and count up, and a new slide
    part is related without looking for an existing relationship (it has none).
    Falls back to python-pptx's ``add_slide`` if its internals have changed.
    """

    def __init__(self, prs) -> None:
        self.prs = prs
        try:
            from pptx.parts.slide import SlidePart

            self.slide_part = SlidePart
            self.ids = prs.slides._sldIdLst
            self.next_id = self.ids._next_id
            self.rels = prs.part._rels
            _count_partnames(prs.part.package)
            self.fast = callable(getattr(self.rels, "_add_relationship", None))
        except (AttributeError, ImportError):  # pragma: no cover - another python-pptx
            self.fast = False

    def add(self, layout):
        if not self.fast:  # pragma: no cover
            return self.prs.slides.add_slide(layout)
        part = self.prs.part
        name = part.package.next_partname("/ppt/slides/slide%d.xml")
        slide_part = self.slide_part.new(name, part.package, layout.part)
        rId = self.rels._add_relationship(RT.SLIDE, slide_part)
        slide = slide_part.slide
        slide.shapes.clone_layout_placeholders(layout)
        self.ids._add_sldId(id=self.next_id, rId=rId)
        self.next_id += 1
        return slide


def _count_partnames(package) -> None:
    """Give ``package`` a ``next_partname`` that scans the parts once per name pattern."""
    from pptx.opc.packuri import PackURI

    used: dict[str, tuple[set[str], list[int]]] = {}

    def next_partname(tmpl: str):
        if tmpl not in used:
            prefix = tmpl[: (tmpl % 42).find("42")]
            names = {str(p.partname) for p in package.iter_parts()
                     if p.partname.startswith(prefix)}
            used[tmpl] = (names, [1])
        names, counter = used[tmpl]
        while tmpl % counter[0] in names:
            counter[0] += 1
        name = tmpl % counter[0]
        names.add(name)
        return PackURI(name)

    package.next_partname = next_partname


class _Deck:
    """Adds plan slides to a presentation, one layout role at a time."""

    def __init__(self, prs, strict: bool, large: bool = False) -> None:
        self.prs = prs
        self.strict = strict
        self.sizes = LARGE_PRINT_SIZES if large else SIZES
        self.one_line = LARGE_PRINT_ONE_LINE if large else ONE_LINE
        self.adder = _SlideAdder(prs)
        fonts = theme_fonts(prs)
        self.heading_fonts, self.body_fonts = fonts["major"], fonts["minor"]
        self.layouts = {role: pick_layout(prs, role) for role in LAYOUT_NAMES}

    def add(self, plan: Slide) -> None:
        role = ROLE[plan.kind]
        slide = self.adder.add(self.layouts[role])
        title_ph, bodies = _placeholders(slide)
        notes = list(plan.notes)
        used = []
        if plan.kind == "title":
            title_box = title_ph or self._textbox(slide, 0.3, 0.35)
            self._title(title_box, plan.title, "cover", notes)
            byline = [t for t in (plan.subtitle, *plan.lines) if t]
            if byline:
                box = bodies[0] if bodies else self._textbox(slide, 0.62, 0.3)
                self._fill(box, byline, "byline", bullets=False, align=PP_ALIGN.CENTER)
                used.append(box)
        elif plan.kind == "section":
            title_box = title_ph or self._textbox(slide, 0.35, 0.25)
            self._title(title_box, plan.title, "section", notes)
            if plan.subtitle:
                box = bodies[0] if bodies else self._textbox(slide, 0.62, 0.15)
                self._fill(box, [plan.subtitle.rstrip("、．. ")], "label", bullets=False)
                used.append(box)
        elif plan.kind == "quote":
            title_box = title_ph or self._textbox(slide, 0.05, 0.15)
            self._title(title_box, plan.title, "title", notes)
            main = bodies[0] if bodies else self._below(slide, title_box)
            if len(bodies) > 1 and plan.subtitle:
                self._fill(main, [quoted(plan.quote)], "quote", bullets=False)
                self._fill(bodies[1], [plan.subtitle], "attribution", bullets=False,
                           align=PP_ALIGN.RIGHT)
                used.append(bodies[1])
            else:
                lines = [quoted(plan.quote)] + ([plan.subtitle] if plan.subtitle else [])
                self._fill(main, lines, "quote", bullets=False)
            used.append(main)
        elif plan.kind == "table":
            title_box = title_ph or self._textbox(slide, 0.05, 0.15)
            self._title(title_box, plan.title, "title", notes)
            area = bodies[0] if bodies else self._below(slide, title_box)
            self._table(slide, area, plan.rows, plan.header)
            if not bodies:  # the stand-in box only gave the table its place
                area._element.getparent().remove(area._element)
        else:
            title_box = title_ph or self._textbox(slide, 0.05, 0.15)
            self._title(title_box, plan.title, "title", notes)
            if plan.bullets:
                main = bodies[0] if bodies else self._below(slide, title_box)
                role_size = {"agenda": "agenda", "closing": "questions"}.get(plan.kind, "bullets")
                self._fill(main, plan.bullets, role_size, bullets=True, bold=plan.heads)
                used.append(main)
        for ph in bodies:
            if ph not in used:
                ph._element.getparent().remove(ph._element)
        self._notes(slide, notes)

    # --- boxes -------------------------------------------------------------

    def _textbox(self, slide, top: float, height: float):
        """A text box across the slide, when the layout lacks the placeholder."""
        w, h = self.prs.slide_width, self.prs.slide_height
        return slide.shapes.add_textbox(int(w * 0.06), int(h * top), int(w * 0.88),
                                        int(h * height))

    def _below(self, slide, title_box):
        h = self.prs.slide_height
        top = (title_box.top or 0) + (title_box.height or 0) + Inches(0.2)
        box = slide.shapes.add_textbox(title_box.left or Inches(0.5), top,
                                       title_box.width or self.prs.slide_width - Inches(1),
                                       max(int(h - top - Inches(0.5)), Inches(1)))
        return box

    def _title(self, box, text: str, role: str, notes: list[str]) -> None:
        """Set a title at the largest size that fits, its lines broken at phrase boundaries;
        shorten it only as a last resort (the full title then goes to the notes)."""
        start, minimum = self.sizes[role]
        width, height = _inner(box)
        size, lines = fit_title(text, width, height, start, minimum, self.one_line.get(role))
        shown = text
        while lines is None and len(shown) > 2:
            shown = shown[:-2] + ELLIPSIS
            size, lines = fit_title(shown, width, height, minimum, minimum)
        if shown != text:
            notes.insert(0, text)
        self._write(box, ["\n".join(lines or [shown])], size, self.heading_fonts, bullets=None,
                    space=0)

    def _fill(self, box, paragraphs: list[str], role: str, bullets: bool,
              align=None, bold: list[int] | None = None) -> None:
        start, minimum = self.sizes[role]
        width, height = _inner(box)
        if bullets:
            width -= BULLET_INDENT / PT
        size = textfit.fit_size(paragraphs, width, height, start, minimum, SPACE,
                                one_line_down_to=self.one_line.get(role))
        if size is None:
            if role in ("bullets", "agenda", "questions") and self.strict:
                raise _Overflow(role)
            size = minimum
        self._write(box, paragraphs, size, self.body_fonts, bullets=bullets, align=align,
                    bold=bold)

    def _table(self, slide, area, rows: list[list[str]], header: bool) -> None:
        """A table in the body's place, at the largest size at which every row fits."""
        start, minimum = self.sizes["table"]
        left, top = area.left or Inches(0.5), area.top or Inches(1.5)
        width = area.width or (self.prs.slide_width - 2 * left)
        height = area.height or (self.prs.slide_height - top - Inches(0.5))
        widths = [int(width * share) for share in column_shares(rows)]
        margin = CELL_MARGIN / PT

        def row_heights(size: float) -> list[float]:
            return [max(textfit.count_lines(c, (w / PT - 2 * margin) / size) for c, w
                        in zip(row, widths, strict=True)) * size * textfit.LINE_HEIGHT
                    + 2 * margin for row in rows]

        size = start
        while size > minimum and sum(row_heights(size)) > height / PT:
            size -= 2
        if sum(row_heights(size)) > height / PT and self.strict:
            raise _Overflow("table")
        heights = row_heights(size)
        shape = slide.shapes.add_table(len(rows), len(widths), left, top, width,
                                       int(sum(heights) * PT))
        table = shape.table
        table.first_row = header
        for j, w in enumerate(widths):
            table.columns[j].width = w
        for i, row in enumerate(rows):
            table.rows[i].height = int(heights[i] * PT)
            for j, text in enumerate(row):
                cell = table.cell(i, j)
                cell.margin_left = cell.margin_right = CELL_MARGIN
                cell.margin_top = cell.margin_bottom = CELL_MARGIN
                tf = cell.text_frame
                tf.clear()
                tf.word_wrap = True
                run = tf.paragraphs[0].add_run()
                run.text = text
                set_run_fonts(run, *self.body_fonts, size=size)
                if header and i == 0:
                    run.font.bold = True
                    tf.paragraphs[0].alignment = PP_ALIGN.CENTER

    def _write(self, box, paragraphs: list[str], size: float, fonts: tuple[str, str],
               bullets: bool | None, align=None, bold: list[int] | None = None,
               space: float = SPACE) -> None:
        tf = box.text_frame
        tf.clear()
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE
        for i, text in enumerate(paragraphs):
            p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            p.line_spacing = 1.0
            if i and space:
                p.space_before = Pt(size * space)
            if bullets is False:
                pPr = p._p.get_or_add_pPr()
                pPr.set("marL", "0")
                pPr.set("indent", "0")
                pPr.insert(0, pPr.makeelement(qn("a:buNone"), {}))
            if align is not None:
                p.alignment = align
            for k, part in enumerate(text.split("\n")):  # a title's chosen line breaks
                if k:
                    p.add_line_break()
                run = p.add_run()
                run.text = part
                set_run_fonts(run, *fonts, size=size)
                if bold and i in bold:
                    run.font.bold = True

    def _notes(self, slide, notes: list[str]) -> None:
        if not notes:
            return
        tf = slide.notes_slide.notes_text_frame
        if tf is None:
            return
        tf.clear()
        for i, text in enumerate(notes):
            p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            run = p.add_run()
            run.text = text
            set_run_fonts(run, *self.body_fonts)


def fit_title(text: str, width: float, height: float, start: float, minimum: float,
              one_line_down_to: float | None = None, step: float = 2.0
              ) -> tuple[float, list[str] | None]:
    """The largest size from ``start`` down to ``minimum`` at which the title fits the box,
    and its lines there (broken by ``break_title``); (minimum, None) if it never fits.

    One line is preferred while the size is not below ``one_line_down_to``: a title
    that wraps looks worse than slightly smaller type."""
    def lines_at(size: float) -> list[str]:
        return break_title(text, width / size, measure=textfit.text_width)

    def fits(size: float, lines: list[str]) -> bool:
        return len(lines) * size * textfit.LINE_HEIGHT <= height and \
            all(textfit.text_width(ln) * size <= width for ln in lines)

    size = start
    while one_line_down_to and size >= max(one_line_down_to, minimum):
        if textfit.text_width(text) * size <= width and size * textfit.LINE_HEIGHT <= height:
            return size, [" ".join(text.split())]
        size -= step
    size = start
    while size >= minimum:
        lines = lines_at(size)
        if fits(size, lines):
            return size, lines
        size -= step
    return minimum, None


def _inner(box) -> tuple[float, float]:
    """Usable width and height of a text box in points, insets taken off."""
    tf = box.text_frame
    width = (box.width or Inches(8)) - tf.margin_left - tf.margin_right
    height = (box.height or Inches(1)) - tf.margin_top - tf.margin_bottom
    return Emu(width) / PT, Emu(height) / PT


def _placeholders(slide):
    """The slide's title placeholder and its text placeholders, largest first."""
    title, bodies = None, []
    for ph in slide.placeholders:
        kind = ph.placeholder_format.type
        if kind in TITLES and title is None:
            title = ph
        elif kind in BODIES:
            bodies.append(ph)
        else:
            ph._element.getparent().remove(ph._element)  # pictures, charts, tables…
    bodies.sort(key=lambda ph: -((ph.width or 0) * (ph.height or 0)))
    if slide.slide_layout.name.lower() in ("quote", "引用"):
        bodies.sort(key=lambda ph: ph.placeholder_format.idx)
    return title, bodies


def _types(layout) -> list:
    return [ph.placeholder_format.type for ph in layout.placeholders]


def pick_layout(prs, role: str):
    """A layout by name (English or Chinese), else by the placeholders it has."""
    wanted = LAYOUT_NAMES[role]
    layouts = list(prs.slide_layouts)
    for layout in layouts:
        if layout.name.strip().lower() in wanted:
            return layout

    def has_title(layout) -> bool:
        return any(t in TITLES for t in _types(layout))

    def body_area(layout) -> int:
        return max([(ph.width or 0) * (ph.height or 0) for ph in layout.placeholders
                    if ph.placeholder_format.type in BODIES] or [0])

    if role in ("title", "section"):
        for layout in layouts:
            if PP_PLACEHOLDER.CENTER_TITLE in _types(layout):
                return layout
    with_title = [lo for lo in layouts if has_title(lo)] or layouts
    return max(with_title, key=body_area)
