"""The Word study handout: docxtpl renders templates/handout/handout.docx.

How the body gets into Word — and why this way:  the template itself loops
over the paragraphs (``{%p for b in blocks %}``) with one sample paragraph per
kind (标题 1, 标题 2, 正文, 落款, …), each carrying only a paragraph style.  So a
user sees in Word exactly what each kind of paragraph looks like and changes
it there (style pane, wording, header, logo); nothing about the body's look is
hidden in Python.  It is also the fast path: docxtpl renders the whole
document part as one Jinja string (thousands of paragraphs cost a string
join, not thousands of python-docx object calls), whereas a python-docx
Subdoc would build every paragraph and run as objects.  RichText is not
needed: a run-in heading is two runs in the template (bold character style,
then plain).

After rendering, one pass over the runs names each run's East-Asian font
(taken from its paragraph/character style, resolved once per style — so a
user's restyled template propagates) and marks runs holding “” ‘’ —— …… with
``w:hint="eastAsia"`` so Word and WPS draw those marks full width.

Variants are applied to the loaded template's styles, not to separate
templates: ``large-print`` scales font sizes and exact line spacing;
``plain`` empties the study aids (see ``context.template_context``).
``--bold-headings`` makes heading levels 2–4 bold the same way.  Tables are
Word tables (``tables``); a 发文机关署名 is centred on its date (``official``).
"""

from __future__ import annotations

import io
import re
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from lxml import etree

from pipeline.errors import TemplateError, plain_reason
from pipeline.i18n import _
from pipeline.limits import describe
from pipeline.model import Document
from pipeline.options import BuildOptions
from pipeline.outputs import atomic_path
from pipeline.templating import _short, resolve, sandboxed_env, template_error
from pipeline.writers import output_path
from pipeline.writers.context import TITLE_CHARS, body_paras, template_context, title_lines
from pipeline.writers.handout.official import centre_signers, embolden_headings
from pipeline.writers.handout.tables import attach_tables
from pipeline.ziplimits import read_checked

LARGE_PRINT = 1.25  # 16 pt → 20 pt body, 22 pt → 27.5 pt title
PAGE_LINES, LINE_CHARS = 22, 28  # the template's page: 22 lines of 28 characters
# Characters Word treats as "ambiguous": without w:hint="eastAsia" they are
# drawn in the Latin font (half-width quotes, thin dashes, ① with a gap).
HINT_CHARS = frozenset("“”‘’—…·※" + "".join(map(chr, range(0x2460, 0x24A0)))
                       + "".join(map(chr, range(0x2160, 0x2180))))

W_R, W_T, W_P = qn("w:r"), qn("w:t"), qn("w:p")
W_RPR, W_PPR, W_RFONTS = qn("w:rPr"), qn("w:pPr"), qn("w:rFonts")
W_PSTYLE, W_RSTYLE, W_VAL = qn("w:pStyle"), qn("w:rStyle"), qn("w:val")
W_EAST, W_EAST_THEME, W_HINT = qn("w:eastAsia"), qn("w:eastAsiaTheme"), qn("w:hint")


def write(doc: Document, opts: BuildOptions) -> list[Path]:
    """Render the handout; returns ``[output/<title>/<title>.handout.docx]``."""
    template_path = resolve("handout", "handout.docx", opts.template_dirs)
    out = output_path(doc, opts, "handout.docx")
    data = read_checked(template_path, TemplateError,
                        _("{path}: not a readable Word document ({error})"),
                        _short(str(template_path)),
                        required=("word/document.xml", "[Content_Types].xml"))
    tpl = DocxTemplate(io.BytesIO(data))
    try:
        tpl.init_docx()
    except Exception as exc:  # not a zip, not a Word document, damaged parts
        raise TemplateError(_("{path}: not a readable Word document ({error})").format(
                                path=_short(str(template_path)), error=plain_reason(exc))) from exc
    if opts.variant == "large-print":
        scale_styles(tpl.docx, LARGE_PRINT)
    if opts.bold_headings:
        embolden_headings(tpl.docx)
    context = handout_context(doc, opts)
    attach_tables(context["blocks"], tpl.docx)
    render(tpl, context, template_path)
    centre_signers(tpl.docx)
    fonts = StyleFonts(tpl.docx)
    for root in _story_roots(tpl.docx):
        fonts.name_run_fonts(root)
    with atomic_path(out) as tmp:
        tpl.save(str(tmp))
    return [out]


def handout_context(doc: Document, opts: BuildOptions) -> dict[str, Any]:
    context = template_context(doc, opts)
    context["blocks"] = body_paras(doc)
    scale = LARGE_PRINT if opts.variant == "large-print" else 1.0
    if opts.variant == "large-print":  # fewer title characters fit a line
        context["title_lines"] = title_lines(doc.meta.title, TITLE_CHARS / LARGE_PRINT)
    record = context["record"]
    context["record_rules"] = (record.rule_lines(int(PAGE_LINES / scale), LINE_CHARS / scale)
                               if record is not None else 0)
    return context


# --- rendering, with template errors as one line ------------------------------

_TAG = re.compile(r"\{[{%#].*?[}%#]\}")


class _RecordingEnv:
    """Wraps the sandboxed env's from_string to remember the source being compiled."""

    def __init__(self, env: jinja2.Environment) -> None:
        self.source = ""
        original = env.from_string

        def from_string(source: str, *args: Any, **kwargs: Any) -> jinja2.Template:
            self.source = source
            return original(source, *args, **kwargs)

        env.from_string = from_string  # type: ignore[method-assign]


def render(tpl: DocxTemplate, context: dict[str, Any], template_path: Path) -> None:
    """docxtpl render in the sandbox; any failure → TemplateError naming template and tag."""
    env = sandboxed_env(autoescape=True)
    recorder = _RecordingEnv(env)
    name = _short(str(template_path))
    try:
        tpl.render(context, jinja_env=env, autoescape=True)
    except Exception as exc:
        raise _describe(exc, name, recorder.source) from exc


def _describe(exc: Exception, name: str, source: str) -> TemplateError:
    tag = _failing_tag(exc, source)
    if isinstance(exc, jinja2.TemplateError):
        # template_error's location is a line of docxtpl's generated XML,
        # useless to a Word user: keep its explanation, name the tag instead.
        message = str(template_error(exc, default_name=name))
        core = message.split(": ", 1)[1] if ": " in message else message
    else:
        core = describe(exc) or plain_reason(exc)
    return TemplateError(f"{name}: {tag + ': ' if tag else ''}{core}")


_BLOCKS = {"if", "for", "macro", "call", "filter", "with", "block", "raw", "autoescape"}
_WORD = re.compile(r"\{%[-+]?\s*(\w+)")


def _unclosed(source: str) -> str:
    """The innermost block tag left open (for 'unexpected end of template')."""
    stack: list[tuple[str, str]] = []
    for tag in _TAG.findall(re.sub(r"<[^>]+>", "", source)):
        m = _WORD.match(tag)
        if not m:
            continue
        word = m.group(1)
        if word in _BLOCKS:
            stack.append((word, tag))
        elif word.startswith("end") and stack and stack[-1][0] == word[3:]:
            stack.pop()
    return stack[-1][1] if stack else ""


def _failing_tag(exc: Exception, source: str) -> str:
    """The tag an error comes from, as the user wrote it (docxtpl's {%p …%} shows as {% … %})."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and "end of template" in str(exc.message):
        open_tag = _unclosed(source)
        if open_tag:
            return open_tag
    lineno = getattr(exc, "lineno", None)
    if not lineno:
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename == "<template>" and frame.lineno:
                lineno = frame.lineno
    lines = source.splitlines()
    if not lineno or lineno > len(lines):
        return ""
    text = re.sub(r"<[^>]+>", "", lines[lineno - 1])
    tags = _TAG.findall(text)
    if not tags:  # an unclosed tag: show where it starts
        starts = [i for i in (text.find("{%"), text.find("{{")) if i >= 0]
        return text[min(starts):min(starts) + 60] if starts else ""
    undefined = re.search(r"'([^']+)' (?:is undefined|has no attribute '([^']+)')", str(exc))
    if undefined:
        for tag in tags:
            if (undefined.group(2) or undefined.group(1)) in tag:
                return tag
    return tags[0]


# --- fonts: every run names its East-Asian font ---------------------------------

def _story_roots(document) -> Iterator[Any]:
    """The body and every header/footer part, as XML elements."""
    yield document.element.body
    for rel in document.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            yield rel.target_part.element


class StyleFonts:
    """East-Asian font of each style, resolved through basedOn once per style."""

    def __init__(self, document) -> None:
        root = document.styles.element
        self._styles: dict[str, Any] = {}
        self._default: dict[str, str] = {}
        for st in root.findall(qn("w:style")):
            sid = st.get(qn("w:styleId"))
            self._styles[sid] = st
            if st.get(qn("w:default")) in ("1", "true"):
                self._default[st.get(qn("w:type"))] = sid
        defaults = root.find(qn("w:docDefaults"))
        self._doc_font = ""
        if defaults is not None:
            rfonts = defaults.find(f"{qn('w:rPrDefault')}/{W_RPR}/{W_RFONTS}")
            if rfonts is not None:
                self._doc_font = rfonts.get(W_EAST, "")
        self._cache: dict[str | None, str] = {}

    def font(self, style_id: str | None) -> str:
        """The East-Asian font a style (or the default paragraph style) resolves to."""
        if style_id not in self._cache:
            found, seen = "", set()
            sid = style_id if style_id is not None else self._default.get("paragraph")
            while sid and sid not in seen and sid in self._styles:
                seen.add(sid)
                rfonts = self._styles[sid].find(f"{W_RPR}/{W_RFONTS}")
                if rfonts is not None and rfonts.get(W_EAST):
                    found = rfonts.get(W_EAST)
                    break
                based = self._styles[sid].find(qn("w:basedOn"))
                sid = based.get(W_VAL) if based is not None else None
            self._cache[style_id] = found or self._doc_font
        return self._cache[style_id]

    def name_run_fonts(self, root) -> None:
        for p in root.iter(W_P):
            ppr = p.find(W_PPR)
            pstyle = ppr.find(W_PSTYLE) if ppr is not None else None
            para_font = self.font(pstyle.get(W_VAL) if pstyle is not None else None)
            for r in p.iter(W_R):
                text = "".join(t.text or "" for t in r.iter(W_T))
                if not text:
                    continue
                rpr = r.find(W_RPR)
                if rpr is None:
                    rpr = etree.SubElement(r, W_RPR)
                    r.insert(0, rpr)
                rfonts = rpr.find(W_RFONTS)
                if rfonts is None:
                    rfonts = etree.Element(W_RFONTS)
                    rstyle = rpr.find(W_RSTYLE)
                    rpr.insert(1 if rstyle is not None else 0, rfonts)
                if not rfonts.get(W_EAST) and not rfonts.get(W_EAST_THEME):
                    rstyle = rpr.find(W_RSTYLE)
                    char_font = self.font(rstyle.get(W_VAL)) if rstyle is not None else ""
                    font = char_font or para_font
                    if font:
                        rfonts.set(W_EAST, font)
                if not HINT_CHARS.isdisjoint(text):
                    rfonts.set(W_HINT, "eastAsia")


# --- variants -------------------------------------------------------------------

def scale_styles(document, factor: float) -> None:
    """Scale every style's font size and exact line spacing (大字版), footers excepted."""
    root = document.styles.element
    targets = [root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{W_RPR}")]
    spacing = [root.find(f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}/{W_PPR}")]
    for st in root.findall(qn("w:style")):
        if st.get(qn("w:styleId")) in ("Footer", "Header"):
            continue
        targets.append(st.find(W_RPR))
        spacing.append(st.find(W_PPR))
    for rpr in targets:
        if rpr is None:
            continue
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is not None:
                el.set(W_VAL, str(round(int(el.get(W_VAL)) * factor)))
    for ppr in spacing:
        if ppr is None:
            continue
        sp = ppr.find(qn("w:spacing"))
        if sp is not None and sp.get(qn("w:lineRule")) in ("exact", "atLeast") and sp.get(qn("w:line")):
            sp.set(qn("w:line"), str(round(int(sp.get(qn("w:line"))) * factor)))
        ind = ppr.find(qn("w:ind"))
        if ind is not None and ind.get(qn("w:firstLine")) and ind.get(qn("w:firstLineChars")):
            ind.set(qn("w:firstLine"), str(round(int(ind.get(qn("w:firstLine"))) * factor)))
    for sectpr in document.element.body.iter(qn("w:sectPr")):
        grid = sectpr.find(qn("w:docGrid"))
        if grid is not None:  # the 28-character grid is for 16 pt text
            grid.set(qn("w:type"), "lines")
            grid.attrib.pop(qn("w:charSpace"), None)
            if grid.get(qn("w:linePitch")):
                grid.set(qn("w:linePitch"), str(round(int(grid.get(qn("w:linePitch"))) * factor)))
