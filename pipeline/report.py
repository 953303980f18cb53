"""The `check` report: the outline as a tree, so a parse can be judged at a glance.

What to review comes first (the warnings, each with what to do), then the
metadata (values that came from a correction are marked), the outline, and the
lines that were dropped, and last the study aids it gets (genre, aids left out and why,
formulations with no definition).
"""

from __future__ import annotations

from pipeline.i18n import N_, _, ngettext
from pipeline.model import Block, Correction, Document, Meta, Section, StudyAids, section_name

GENRE_NAMES = {"speech": N_("speeches and reports"), "commentary": N_("commentary"),
               "regulation": N_("regulations"), "notice": N_("notices and official documents"),
               "news": N_("news"), "notes": N_("study notes")}
AID_NAMES = {"excerpts": N_("key excerpts (重点摘编)"), "glossary": N_("glossary (名词解释)"),
             "questions": N_("discussion questions (思考讨论题)"), "quiz": N_("quiz (学习测试)")}


def _norm(text: str) -> str:
    return "".join(text.split())


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# Why a line was discarded, as readers and the parser say it (model data, in English):
# shown translated in the report; a reason not listed here shows as it is.
DISCARD_REASONS = (
    N_("page navigation"),
    N_("page footer"),
    N_("related links"),
    N_("table of contents"),
    N_("metadata line"),
    N_("rule line"),
    N_("breadcrumb"),
    N_("byline"),
    N_("prev/next links"),
    N_("previous/next links"),
    N_("page toolbar"),
    N_("credits"),
    N_("photo caption"),
    N_("page title"),
    N_("page title (repeated below)"),
    N_("page number"),
    N_("page metadata (title tag)"),
    N_("page metadata (breadcrumb)"),
    N_("outside article"),
    N_("outside article (content finder)"),
    N_("hit counter"),
    N_("counter"),
    N_("category heading"),
    N_("share buttons"),
    N_("recommendation note"),
    N_("font-size toolbar"),
    N_("date line"),
    N_("abstract (kept as a note under the title)"),
    N_("editors' headnote (kept as a note under the title)"),
    N_("place line"),
    N_("the original's headline (title and subtitle)"),
    N_("after the article's credits"),
    N_("disclaimer"),
    N_("front matter"),
    N_("hidden text"),
    N_("image"),
    N_("markup (code fence)"),
    N_("markup (heading underline)"),
    N_("markup (link definition)"),
    N_("markup (thematic break)"),
    N_("markup comment"),
    N_("script fallback text"),
    N_("source line (kept as meta.source)"),
    N_("comments"),
    N_("copyright notice"),
    N_("date widget"),
    N_("decoration"),
    N_("footer address"),
    N_("footer links"),
    N_("login links"),
    N_("zoom"),
    N_("site name after the page title (kept as source)"),
    N_("separator line"),
    N_("web address"),
    N_("advertising"),
    N_("page footer (after the last thematic break)"),
    N_("lost by a parser rule (kept here; please report it)"),
)


def _reason(reason: str) -> str:
    return _(reason) if reason in DISCARD_REASONS else reason


def _corrected(field: str, fixes: dict[str, Correction]) -> str:
    fix = fixes.get(field)
    if fix is None:
        return ""
    origin = fix.origin or _("correction")
    if fix.was:
        return _("  [corrected, {origin}; was: {was}]").format(origin=origin,
                                                                was=_clip(fix.was, 30))
    return _("  [corrected, {origin}]").format(origin=origin)


def _meta_lines(meta: Meta, indent: str = "", fixes: dict[str, Correction] | None = None) -> list[str]:
    out = []
    fixes = fixes or {}
    def line(label: str, value: str, fixed: str = "") -> str:
        return indent + _("{label}: {value}").format(label=_(label),
                                                     value=value or _("(none)")) + fixed

    fields = [(N_("Title"), "title", meta.title), (N_("Subtitle"), "subtitle", meta.subtitle),
              (N_("Date"), "date", meta.date or ""), (N_("Source"), "source", meta.source)]
    for label, key, value in fields:
        out.append(line(label, value, _corrected(key, fixes)))
    names = _("; ").join(
        a.name + (f"（{'、'.join(a.titles)}）" if a.titles else "") for a in meta.authors)
    out.append(line(N_("Author"), names, _corrected("authors", fixes)))
    if meta.breadcrumb:
        out.append(line(N_("Location"), " / ".join(meta.breadcrumb)))
    for label, value in ((N_("Document number"), meta.doc_number),
                         (N_("Addressees"), "、".join(meta.addressees)),
                         (N_("Copies to"), "、".join(meta.cc)), (N_("Imprint"), meta.imprint)):
        if value:
            out.append(line(label, value))
    for note in meta.notes:
        out.append(line(N_("Note"), note))
    return out


def _block_summary(blocks: list[Block]) -> str:
    paras = sum(1 for b in blocks if b.type != "list")
    items = sum(len(b.items) for b in blocks if b.type == "list")
    chars = sum(len(b.text) + sum(len(i.text) for i in b.items) for b in blocks)
    parts = [ngettext("{n} paragraph", "{n} paragraphs", paras).format(n=paras)]
    if items:
        parts.append(ngettext("{n} list item", "{n} list items", items).format(n=items))
    parts.append(_("{n} characters").format(n=chars))
    return _(", ").join(parts)


def _tree(sections: list[Section], depth: int, out: list[str],
          levels: dict[str, Correction]) -> None:
    for sec in sections:
        pad = "  " * depth
        mark = _(" [article]") if sec.kind == "article" else (_(" [run-in]") if sec.run_in else "")
        fix = next((levels[k] for k in (_norm(section_name(sec)), _norm(sec.label + sec.title),
                                         _norm(sec.title)) if k in levels), None)
        if fix is not None:
            mark += (_(" [level changed, was L{level}]").format(level=fix.was) if fix.was != "0"
                     else _(" [made a heading]"))
        out.append(f"{pad}{'├─'} L{sec.level} {_clip(section_name(sec), 44)}{mark}"
                   f"  ({_block_summary(sec.body)})")
        if sec.meta is not None:
            out.extend(_meta_lines(sec.meta, pad + "   "))
        _tree(sec.sections, depth + 1, out, levels)


def _warning_lines(doc: Document, source_name: str, workspace: bool) -> list[str]:
    from pipeline.review import hint

    out = [_("Warnings ({n}):").format(n=len(doc.warnings))]
    for w in doc.warnings:
        todo = hint(w, source_name, workspace)
        out.append(f"  ! [{w.code}] {w.message}" + (f" → {todo}" if todo else ""))
    return out


def _how_read(doc: Document) -> str:
    """"（PDF，12 页，文字层）", "（纯文本，gb18030）": how the source was read and, for text,
    its encoding (binary formats have none)."""
    parts = [doc.read_as] if doc.read_as else []
    if doc.encoding and doc.encoding not in doc.read_as:
        parts.append(doc.encoding)
    return _(" ({how})").format(how=_(", ").join(parts)) if parts else ""


def render_check(doc: Document, source_name: str = "", workspace: bool = False) -> str:
    """The report; ``source_name`` and ``workspace`` say how warnings' hints are put
    (``-M`` on the command line, or the workspace's ``[articles."NAME"]`` table)."""
    fixes = {c.field: c for c in doc.corrections if c.field in
             ("title", "subtitle", "authors", "date", "source")}
    levels = {_norm(c.value.rsplit(" → ", 1)[0]): c for c in doc.corrections if c.field == "level"}
    out = [_("File: {name}{how}").format(name=doc.source_file, how=_how_read(doc))]
    out.extend(_warning_lines(doc, source_name, workspace))
    out.append("")
    out.extend(_meta_lines(doc.meta, fixes=fixes))
    out.append("")
    out.append(_("Outline:"))
    if doc.body:
        out.append(_("  (lead {summary})").format(summary=_block_summary(doc.body)))
    _tree(doc.sections, 1, out, levels)
    if not doc.sections:
        out.append(_("  (no headings found)"))
    out.append("")
    out.append(_("{quotes} quotations, {formulations} formulations, {books} book titles").format(
        quotes=len(doc.quotes), formulations=sum(1 for t in doc.terms if t.kind == "formulation"),
        books=sum(1 for t in doc.terms if t.kind == "book")))
    out.append("")
    if doc.corrections:
        out.append(_("Corrections ({n}):").format(n=len(doc.corrections)))
        out.extend(f"  * {_correction_line(c)}" for c in doc.corrections)
    out.append(_("Discarded lines ({n}):").format(n=len(doc.discarded)))
    out.extend(_("  - line {line} [{reason}] {text}").format(line=d.line, reason=_reason(d.reason),
                                                             text=_clip(d.text, 50))
               for d in doc.discarded)
    if doc.aids is not None:
        out.append("")
        out.extend(_aid_lines(doc.aids))
    return "\n".join(out) + "\n"


_NAMES = {"title": N_("Title"), "subtitle": N_("Subtitle"), "authors": N_("Author"),
          "date": N_("Date"), "source": N_("Source"), "drop": N_("drop"), "keep": N_("keep"),
          "level": N_("level")}


def _correction_line(c: Correction) -> str:
    value = c.value or _("(empty)")
    if c.field == "level":
        value = value.replace(" → 0", " → " + _("body text"))
    name = _(_NAMES[c.field]) if c.field in _NAMES else c.field
    return _("{field}: {value} ({origin})").format(field=name, value=_clip(value, 50),
                                                   origin=c.origin or _("correction"))


def _aid_lines(aids: StudyAids) -> list[str]:
    """What the study aids will hold, what is left out and why, what needs a definition."""
    genre = _(GENRE_NAMES[aids.genre]) if aids.genre in GENRE_NAMES else aids.genre or _("unknown")
    out = [_("Study aids (genre: {genre}):").format(genre=genre)]
    counts = {"excerpts": len(aids.excerpts), "glossary": len(aids.glossary),
              "questions": len(aids.questions), "quiz": len(aids.quiz)}
    omitted = {o.aid: o.reason for o in aids.omitted}
    for aid, name in AID_NAMES.items():
        if aid in omitted:
            out.append(_("  {name}: left out, {reason}").format(name=_(name), reason=omitted[aid]))
        else:
            out.append(_("  {name}: {n}").format(name=_(name), n=counts[aid]))
    if aids.undefined:
        out.append(_("  Formulations without a definition, not printed ({n}); add them with a "
                     "--glossary file:").format(n=len(aids.undefined)))
        out.extend(_("    - {term}: no definition").format(term=term) for term in aids.undefined)
    return out
