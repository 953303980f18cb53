"""Word .docx → one line per paragraph (table cells included), headings from styles.

python-docx opens the package and gives the styles and core properties; the
body is walked in the XML itself because ``Paragraph.text`` skips tracked
insertions, content controls and text boxes, and ``Table.cells`` repeats
merged cells.  What counts as text: ``w:t``, tabs, soft line breaks (which
split a paragraph into several lines with the same number); not deleted
text, field codes or the duplicate ``mc:Fallback`` copy of drawings.

``lineno`` is the paragraph's 1-based position in reading order.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator

from lxml import etree

from pipeline.errors import InputError
from pipeline.model import Author, Meta
from pipeline.readers.source import SourceLine, SourceText

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _q(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (_q(t) for t in ("p", "tbl", "tr", "tc", "sdt",
                                                          "sdtContent"))
_T, _TAB, _BR, _CR, _PPR, _DEL = (_q(t) for t in ("t", "tab", "br", "cr", "pPr", "del"))
_TXBX = _q("txbxContent")
_SKIP = {_PPR, _DEL, _q("rPr"), _q("moveFrom"), _q("instrText"), _q("delText"),
         f"{{{_MC}}}Fallback"}
# Paragraph containers the body walk descends into (content controls, custom XML,
# tracked moves, smart tags).
_WRAPPERS = {_SDT, _SDT_CONTENT, _q("customXml"), _q("smartTag"), _q("ins"), _q("moveTo")}

_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.I)
_TITLE_NAMES = {"title", "标题"}
_SUBTITLE_NAMES = {"subtitle", "副标题"}
# Author names Word and generators put in by themselves: never the article's author.
PLACEHOLDER_AUTHORS = frozenset({
    "python-docx", "administrator", "admin", "user", "owner", "微软用户", "微软中国",
    "microsoft office 用户", "microsoft office user", "windows 用户", "windows user", "lenovo",
    "dell", "hp", "acer", "asus", "thinkpad", "mac", "apple", "unknown", "author",
})
# python-docx's default template carries this creation time.
_TEMPLATE_CREATED = dt.datetime(2013, 12, 23, 23, 15, tzinfo=dt.UTC)
# Decompressed size limit: 20 MiB of .docx may not unpack into gigabytes.
_MAX_UNPACKED = 400 * 1024 * 1024


def read(data: bytes, name: str) -> SourceText:
    """Open the package (with clear errors), walk the body, collect hints."""
    doc = _open(data, name)
    styles = _styles(doc)
    hints = Meta()
    lines: list[SourceLine] = []
    try:
        body = doc.element.body
        for number, p in enumerate(_paragraphs(body), start=1):
            style_name, level = _paragraph_style(p, styles)
            parts = _paragraph_text(p)
            text = "\n".join(parts)
            if style_name in _TITLE_NAMES and not hints.title and text.strip():
                hints.title = " ".join(s.strip() for s in parts if s.strip())
            elif style_name in _SUBTITLE_NAMES and not hints.subtitle and text.strip():
                hints.subtitle = " ".join(s.strip() for s in parts if s.strip())
            for part in parts:
                lines.append(SourceLine(part, number, level))
        _core_hints(doc, hints)
    except (etree.LxmlError, ValueError, KeyError, AttributeError, TypeError) as exc:
        raise InputError(f"{name}: not a valid .docx file ({_short(exc)})") from exc
    return SourceText(name=name, format="docx", lines=lines, hints=hints)


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:120] if text else type(exc).__name__


def _open(data: bytes, name: str):  # -> docx.document.Document
    """python-docx Document, or an InputError naming what is wrong with the file."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    bad = f"{name}: not a valid .docx file"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{bad} (encrypted, or an old Word 97-2003 .doc: save it as .docx)")
    if not data.startswith(b"PK"):
        raise InputError(f"{bad} (not a zip archive)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if sum(i.file_size for i in infos) > _MAX_UNPACKED:
                raise InputError(f"{bad} (unpacks to more than "
                                 f"{_MAX_UNPACKED // (1024 * 1024)} MiB)")
            if "word/document.xml" not in {i.filename for i in infos} and \
                    "[Content_Types].xml" not in {i.filename for i in infos}:
                raise InputError(f"{bad} (a zip archive without a Word document in it)")
        return docx.Document(io.BytesIO(data))
    except InputError:
        raise
    except zipfile.BadZipFile as exc:
        raise InputError(f"{bad} (damaged or truncated zip archive)") from exc
    except PackageNotFoundError as exc:
        raise InputError(f"{bad} (no Word document in the archive)") from exc
    except (KeyError, ValueError, etree.LxmlError, OSError, EOFError, NotImplementedError,
            zipfile.LargeZipFile, RuntimeError) as exc:
        raise InputError(f"{bad} ({_short(exc)})") from exc


# --- styles -------------------------------------------------------------------

def _styles(doc) -> dict[str, tuple[str, str, int | None]]:
    """styleId → (lower-case name, basedOn id, outline level) from styles.xml."""
    found: dict[str, tuple[str, str, int | None]] = {}
    try:
        root = doc.styles.element
    except (KeyError, ValueError, etree.LxmlError):
        return found
    for st in root.iterchildren(_q("style")):
        sid = st.get(_q("styleId")) or ""
        name_el = st.find(_q("name"))
        based = st.find(_q("basedOn"))
        found[sid] = (
            (name_el.get(_q("val")) or "").strip().lower() if name_el is not None else "",
            based.get(_q("val")) or "" if based is not None else "",
            _outline(st.find(_PPR)),
        )
    return found


def _outline(ppr: etree._Element | None) -> int | None:
    """w:outlineLvl 0–8 → heading level 1–9 (9 is "body text")."""
    if ppr is None:
        return None
    el = ppr.find(_q("outlineLvl"))
    if el is None:
        return None
    try:
        value = int(el.get(_q("val")) or "9")
    except ValueError:
        return None
    return value + 1 if 0 <= value < 9 else None


def _paragraph_style(p: etree._Element, styles: dict[str, tuple[str, str, int | None]]
                     ) -> tuple[str, int | None]:
    """(style name, heading level): "Heading N"/"标题 N", its base styles, or an outline level."""
    ppr = p.find(_PPR)
    sid = ""
    if ppr is not None:
        ps = ppr.find(_q("pStyle"))
        sid = ps.get(_q("val")) or "" if ps is not None else ""
    own_name = styles.get(sid, ("", "", None))[0]
    direct = _outline(ppr)
    seen: set[str] = set()
    while sid and sid not in seen and sid in styles:
        seen.add(sid)
        name, based, outline = styles[sid]
        m = _HEADING_NAME.match(name)
        if m:
            return own_name, int(m.group(1))
        if name in _TITLE_NAMES or name in _SUBTITLE_NAMES:
            return name, None
        if direct is None and outline is not None:
            direct = outline
        sid = based
    return own_name, direct


# --- body ---------------------------------------------------------------------

def _paragraphs(body: etree._Element) -> Iterator[etree._Element]:
    """Every w:p in reading order: body, table cells row by row, content controls."""
    stack: list[etree._Element] = list(reversed(body))
    while stack:
        el = stack.pop()
        tag = el.tag
        if tag == _P:
            yield el
            # Text boxes anchored in the paragraph follow it.
            boxes = [b for b in el.iter(_TXBX) if not _in_fallback(b, el)]
            for box in reversed(boxes):
                stack.extend(reversed([c for c in box if c.tag in (_P, _TBL, _SDT)]))
        elif tag == _TBL:
            stack.extend(reversed([c for c in el if c.tag in (_TR, *_WRAPPERS)]))
        elif tag in (_TR, _TC) or tag in _WRAPPERS:
            stack.extend(reversed([c for c in el if c.tag != _q("sdtPr")]))


def _in_fallback(el: etree._Element, stop: etree._Element) -> bool:
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == f"{{{_MC}}}Fallback":
            return True
        parent = parent.getparent()
    return False


def _paragraph_text(p: etree._Element) -> list[str]:
    """The paragraph's visible text, split at soft line breaks."""
    parts: list[str] = [""]
    stack: list[etree._Element] = list(reversed(p))
    while stack:
        el = stack.pop()
        tag = el.tag
        if not isinstance(tag, str) or tag in _SKIP or tag in (_TXBX, _P):
            continue
        if tag == _T:
            parts[-1] += el.text or ""
        elif tag == _TAB:
            parts[-1] += "\t"
        elif tag == _q("noBreakHyphen"):
            parts[-1] += "\u2011"
        elif tag == _BR and el.get(_q("type")) in (None, "textWrapping") or tag == _CR:
            parts.append("")
        else:
            stack.extend(reversed(el))
    return parts


# --- core properties ----------------------------------------------------------

def _core_hints(doc, hints: Meta) -> None:
    """Title, author and creation date from docProps/core.xml when really set."""
    try:
        core = doc.core_properties
        title, author, created = core.title, core.author, core.created
    except (KeyError, ValueError, TypeError, etree.LxmlError):
        return
    if not hints.title and title and title.strip():
        hints.title = title.strip()
    if author and author.strip().lower() not in PLACEHOLDER_AUTHORS:
        names = [n.strip() for n in re.split(r"[;；,，、]", author) if n.strip()]
        hints.authors = [Author(n) for n in names]
    # The file's creation date is when someone made the file, not the document's date:
    # only the date printed in the document counts (read by the parser).
    del created
