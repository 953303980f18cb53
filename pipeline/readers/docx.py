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
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from pipeline.errors import InputError, plain_reason
from pipeline.i18n import _
from pipeline.model import Author, Discarded, Meta
from pipeline.readers.source import SourceLine, SourceText

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _q(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (_q(t) for t in ("p", "tbl", "tr", "tc", "sdt",
                                                          "sdtContent"))
_T, _TAB, _BR, _CR, _PPR, _DEL = (_q(t) for t in ("t", "tab", "br", "cr", "pPr", "del"))
_TXBX = _q("txbxContent")
RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
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


def read(data: bytes, name: str) -> SourceText:
    """Open the package (with clear errors), walk the body, collect hints."""
    doc = _open(data, name)
    hints = Meta()
    lines: list[SourceLine] = []
    discarded: list[Discarded] = []
    try:
        styles = Styles(doc)
        numbering = Numbering(_part_xml(doc, RT_NUMBERING), styles)
        body = doc.element.body
        number = 0
        for item in _blocks(body):
            number += 1
            if isinstance(item, list):  # a table of data
                lines.append(SourceLine("", number, table=item))
                continue
            p = item
            look = styles.look(p)
            parts = _paragraph_text(p)
            label = numbering.label(p, look)
            for image in _images(p):
                discarded.append(Discarded(image, "image", number))
            text = "\n".join(parts)
            if not text.strip():
                continue
            if look.name.startswith("toc") or look.name in ("目录 1", "目录 2", "目录 3"):
                discarded.append(Discarded(text.replace("\t", " "), "table of contents", number))
                continue
            if look.name in _TITLE_NAMES and not hints.title:
                hints.title = " ".join(s.strip() for s in parts if s.strip())
            elif look.name in _SUBTITLE_NAMES and not hints.subtitle:
                hints.subtitle = " ".join(s.strip() for s in parts if s.strip())
            if label:
                parts[0] = label + parts[0].lstrip()
            for part in parts:
                lines.append(SourceLine(part, number, look.level, size=look.size, bold=look.bold,
                                        centered=look.centered))
        _core_hints(doc, hints)
    except (etree.LxmlError, ValueError, KeyError, AttributeError, TypeError) as exc:
        raise InputError(_("{name}: not a valid .docx file ({reason})").format(
                             name=name, reason=_short(exc))) from exc
    return SourceText(name=name, format="docx", lines=lines, hints=hints, discarded=discarded)


# --- what a paragraph looks like: style chain, direct formatting -------------------------

@dataclass
class Look:
    """A paragraph's effective style name, heading level, main font size, bold, centring."""

    name: str = ""
    level: int | None = None
    size: float | None = None
    bold: bool = False
    centered: bool = False
    num: tuple[str, int] | None = None  # (numId, level) from the style


class Styles:
    """styles.xml resolved: what each paragraph style (and its bases) sets."""

    def __init__(self, doc) -> None:
        self.by_id: dict[str, etree._Element] = {}
        self.default_size: float | None = None
        try:
            root = doc.styles.element
        except (KeyError, ValueError, etree.LxmlError):
            return
        for st in root.iterchildren(_q("style")):
            self.by_id[st.get(_q("styleId")) or ""] = st
        defaults = root.find(_q("docDefaults"))
        if defaults is not None:
            self.default_size = _size(defaults.find(f"{_q('rPrDefault')}/{_q('rPr')}"))
        self._cache: dict[str, Look] = {}

    def _chain(self, sid: str) -> list[etree._Element]:
        chain, seen = [], set()
        while sid and sid not in seen and sid in self.by_id:
            seen.add(sid)
            st = self.by_id[sid]
            chain.append(st)
            based = st.find(_q("basedOn"))
            sid = based.get(_q("val")) or "" if based is not None else ""
        return chain

    def style_look(self, sid: str) -> Look:
        if sid in getattr(self, "_cache", {}):
            return self._cache[sid]
        look = Look()
        chain = self._chain(sid)
        if chain:
            name_el = chain[0].find(_q("name"))
            look.name = (name_el.get(_q("val")) or "").strip().lower() if name_el is not None else ""
        for st in chain:  # nearest first: the first value found wins
            name_el = st.find(_q("name"))
            name = (name_el.get(_q("val")) or "").strip().lower() if name_el is not None else ""
            m = _HEADING_NAME.match(name)
            if look.level is None and m:
                look.level = int(m.group(1))
            ppr, rpr = st.find(_PPR), st.find(_q("rPr"))
            if look.level is None:
                look.level = _outline(ppr)
            if look.size is None:
                look.size = _size(rpr)
            look.bold = look.bold or _on(rpr, "b")
            look.centered = look.centered or _jc(ppr) == "center"
            if look.num is None and ppr is not None and ppr.find(_q("numPr")) is not None:
                look.num = _num_pr(ppr.find(_q("numPr")))
        if look.name in _TITLE_NAMES or look.name in _SUBTITLE_NAMES:
            look.level = None
        if look.size is None:
            look.size = self.default_size
        if hasattr(self, "_cache"):
            self._cache[sid] = look
        return look

    def look(self, p: etree._Element) -> Look:
        """The paragraph's look: its style's, overridden by direct formatting and its runs."""
        ppr = p.find(_PPR)
        sid = ""
        if ppr is not None and ppr.find(_q("pStyle")) is not None:
            sid = ppr.find(_q("pStyle")).get(_q("val")) or ""
        base = self.style_look(sid)
        look = Look(base.name, base.level, base.size, base.bold, base.centered, base.num)
        if ppr is not None:
            direct = _outline(ppr)
            if direct is not None and look.name not in _TITLE_NAMES:
                look.level = direct if look.level is None else look.level
            jc = _jc(ppr)
            if jc:
                look.centered = jc == "center"
            mark = ppr.find(_q("rPr"))  # the paragraph mark's formatting: a fallback only
            if look.size is None:
                look.size = _size(mark)
        # the size and weight most of the paragraph's characters are set in
        sizes: dict[float, int] = {}
        bold_chars = chars = 0
        for r in p.iter(_q("r")):
            text = "".join(t.text or "" for t in r.iter(_T))
            n = len(text.strip())
            if not n:
                continue
            rpr = r.find(_q("rPr"))
            size = _size(rpr) or self._run_style_size(rpr) or look.size
            if size:
                sizes[size] = sizes.get(size, 0) + n
            chars += n
            if _on(rpr, "b") if rpr is not None and rpr.find(_q("b")) is not None else look.bold:
                bold_chars += n
        if sizes:
            look.size = max(sizes, key=sizes.get)
        if chars:
            look.bold = bold_chars * 2 > chars
        return look

    def _run_style_size(self, rpr: etree._Element | None) -> float | None:
        if rpr is None or rpr.find(_q("rStyle")) is None:
            return None
        return self.style_look(rpr.find(_q("rStyle")).get(_q("val")) or "").size


def _size(rpr: etree._Element | None) -> float | None:
    """w:sz is in half-points."""
    if rpr is None:
        return None
    el = rpr.find(_q("sz"))
    if el is None:
        el = rpr.find(_q("szCs"))
    try:
        return int(el.get(_q("val"))) / 2 if el is not None else None
    except (TypeError, ValueError):
        return None


def _on(rpr: etree._Element | None, tag: str) -> bool:
    if rpr is None:
        return False
    el = rpr.find(_q(tag))
    return el is not None and (el.get(_q("val")) or "true") not in ("0", "false", "off")


def _jc(ppr: etree._Element | None) -> str:
    if ppr is None or ppr.find(_q("jc")) is None:
        return ""
    return ppr.find(_q("jc")).get(_q("val")) or ""


def _num_pr(num_pr: etree._Element) -> tuple[str, int] | None:
    num_id = num_pr.find(_q("numId"))
    ilvl = num_pr.find(_q("ilvl"))
    if num_id is None:
        return None
    try:
        level = int(ilvl.get(_q("val")) or "0") if ilvl is not None else 0
    except ValueError:
        level = 0
    return (num_id.get(_q("val")) or "", level)


# --- Word's own numbering: the labels Word prints before numbered paragraphs -----------

class Numbering:
    """numbering.xml: list definitions, counted in reading order as Word counts them."""

    def __init__(self, root: etree._Element | None, styles: Styles) -> None:
        self.levels: dict[str, dict[int, dict[str, str]]] = {}  # numId → level → props
        self.counters: dict[str, list[int]] = {}
        if root is None:
            return
        abstract: dict[str, dict[int, dict[str, str]]] = {}
        for an in root.iterchildren(_q("abstractNum")):
            levels: dict[int, dict[str, str]] = {}
            for lvl in an.iterchildren(_q("lvl")):
                props = {}
                for key in ("start", "numFmt", "lvlText"):
                    el = lvl.find(_q(key))
                    if el is not None:
                        props[key] = el.get(_q("val")) or ""
                try:
                    levels[int(lvl.get(_q("ilvl")) or "0")] = props
                except ValueError:
                    continue
            abstract[an.get(_q("abstractNumId")) or ""] = levels
        for num in root.iterchildren(_q("num")):
            ref = num.find(_q("abstractNumId"))
            levels = dict(abstract.get(ref.get(_q("val")) if ref is not None else "", {}))
            for override in num.iterchildren(_q("lvlOverride")):
                start = override.find(_q("startOverride"))
                try:
                    ilvl = int(override.get(_q("ilvl")) or "0")
                except ValueError:
                    continue
                if start is not None and ilvl in levels:
                    levels[ilvl] = {**levels[ilvl], "start": start.get(_q("val")) or "1"}
            self.levels[num.get(_q("numId")) or ""] = levels

    def label(self, p: etree._Element, look: Look) -> str:
        """The label Word shows before this paragraph ("一、", "（二）", "3."), or ''."""
        ppr = p.find(_PPR)
        num = look.num
        if ppr is not None and ppr.find(_q("numPr")) is not None:
            direct = _num_pr(ppr.find(_q("numPr")))
            if direct is not None:
                style_level = num[1] if num else 0
                ilvl_el = ppr.find(_q("numPr")).find(_q("ilvl"))
                num = (direct[0], direct[1] if ilvl_el is not None else style_level)
        if num is None or num[0] in ("", "0") or num[0] not in self.levels:
            return ""
        num_id, ilvl = num
        levels = self.levels[num_id]
        if ilvl not in levels:
            return ""
        counts = self.counters.setdefault(num_id, [0] * 9)
        for k in range(9):
            if counts[k] == 0 and k < ilvl:
                counts[k] = _start(levels.get(k, {}))
        counts[ilvl] = counts[ilvl] + 1 if counts[ilvl] else _start(levels[ilvl])
        for k in range(ilvl + 1, 9):
            counts[k] = 0
        props = levels[ilvl]
        if props.get("numFmt") == "none":
            return props.get("lvlText", "")
        text = props.get("lvlText", f"%{ilvl + 1}.")

        def render(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            fmt = levels.get(k, {}).get("numFmt", "decimal")
            return format_number(counts[k] or _start(levels.get(k, {})), fmt)

        label = re.sub(r"%([1-9])", render, text)
        if props.get("numFmt") == "bullet":
            label = label if label.strip() and ord(label.strip()[0]) < 0xE000 else "•"
            return label.strip() + " "
        return label


def _start(props: dict[str, str]) -> int:
    try:
        return int(props.get("start", "1"))
    except ValueError:
        return 1


_CN_DIGITS = "〇一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"


def _cn_counting(n: int, digits: str = _CN_DIGITS, ten: str = "十", hundred: str = "百") -> str:
    if n <= 0:
        return str(n)
    if n < 10:
        return digits[n] if digits[0] != "〇" or n else "〇"
    if n < 20:
        return ten + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + ten + (digits[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" if rest < 10 else "") + (
            _cn_counting(rest, digits, ten, hundred) if rest >= 20 or rest < 10 else digits[1] + ten
            + (digits[rest % 10] if rest % 10 else ""))
        return digits[n // 100] + hundred + tail
    return str(n)


def format_number(n: int, fmt: str) -> str:
    """A list counter as Word prints it in the given w:numFmt."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting",
               "taiwaneseCounting", "taiwaneseCountingThousand", "ideographTraditional_cn"):
        return _cn_counting(n)
    if fmt == "ideographDigital":
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt == "chineseLegalSimplified":
        return _cn_counting(n, _CN_LEGAL, "拾", "佰")
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return "子丑寅卯辰巳午未申酉戌亥"[(n - 1) % 12]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x245F + n)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2473 + n)
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2487 + n)
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):
        while n >= value:
            out += letters
            n -= value
    return out


def _part_xml(doc, reltype: str) -> etree._Element | None:
    """The XML of a related part of the main document (numbering.xml), if any."""
    try:
        for rel in doc.part.rels.values():
            if rel.reltype == reltype and not rel.is_external:
                return etree.fromstring(rel.target_part.blob)
    except (KeyError, ValueError, etree.LxmlError, AttributeError):
        return None
    return None


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:120] if text else type(exc).__name__


def _open(data: bytes, name: str):  # -> docx.document.Document
    """python-docx Document, or an InputError naming what is wrong with the file.

    The archive is unpacked once within limits first (``pipeline.ziplimits``):
    python-docx then reads the same bytes, which cannot unpack to more.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    from pipeline.ziplimits import ZipLimitError, check_zip

    bad = f"{name}: not a valid .docx file"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(_("{bad} (encrypted, or an old Word 97-2003 .doc: save it as .docx)").format(
                             bad=bad))
    if not data.startswith(b"PK"):
        raise InputError(_("{bad} (not a zip archive)").format(bad=bad))
    try:
        check_zip(data, required=("word/document.xml", "[Content_Types].xml"))
    except ZipLimitError as exc:
        if exc.wrong_kind:
            raise InputError(_("{bad} (a zip archive without a Word document in it)").format(
                bad=bad)) from exc
        raise InputError(_("{bad} ({reason})").format(bad=bad, reason=exc)) from exc
    try:
        return docx.Document(io.BytesIO(data))
    except PackageNotFoundError as exc:
        raise InputError(_("{bad} (no Word document in the archive)").format(bad=bad)) from exc
    except (KeyError, ValueError, etree.LxmlError, OSError, EOFError, NotImplementedError,
            zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, RuntimeError) as exc:
        raise InputError(_("{bad} ({reason})").format(bad=bad, reason=plain_reason(exc))) from exc


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


# --- body ---------------------------------------------------------------------

def _blocks(body: etree._Element) -> Iterator[etree._Element | list[list[str]]]:
    """Paragraphs and tables in reading order.

    A table of data (two or more rows and columns) comes out as its rows of cell texts;
    a table used for layout (one row or one column: a cover page, a frame) is unrolled
    into its paragraphs.  Text boxes follow the paragraph they are anchored in.
    """
    stack: list[etree._Element] = list(reversed(body))
    while stack:
        el = stack.pop()
        tag = el.tag
        if tag == _P:
            yield el
            boxes = [b for b in el.iter(_TXBX) if not _in_fallback(b, el)]
            for box in reversed(boxes):
                stack.extend(reversed([c for c in box if c.tag in (_P, _TBL, _SDT)]))
        elif tag == _TBL:
            rows = _table_rows(el)
            if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
                yield rows
            else:
                stack.extend(reversed(list(_cell_blocks(el))))
        elif tag in _WRAPPERS:
            stack.extend(reversed([c for c in el if c.tag != _q("sdtPr")]))


def _cell_blocks(table: etree._Element) -> Iterator[etree._Element]:
    """The paragraphs and nested tables of a layout table, row by row, merged cells once."""
    for tr in table.iter(_TR):
        if _enclosing_table(tr) is not table:
            continue
        for tc in tr.iterchildren(_TC):
            if _continues_merge(tc):
                continue
            for child in tc:
                if child.tag in (_P, _TBL, _SDT):
                    yield child


def _enclosing_table(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != _TBL:
        parent = parent.getparent()
    return parent


def _continues_merge(tc: etree._Element) -> bool:
    """A cell that continues a vertical merge repeats nothing of its own."""
    tcpr = tc.find(_q("tcPr"))
    vmerge = tcpr.find(_q("vMerge")) if tcpr is not None else None
    return vmerge is not None and (vmerge.get(_q("val")) or "continue") == "continue"


def _table_rows(table: etree._Element) -> list[list[str]]:
    """Each row's cells as text (a cell's paragraphs joined by line breaks)."""
    rows: list[list[str]] = []
    for tr in table.iter(_TR):
        if _enclosing_table(tr) is not table:
            continue
        cells: list[str] = []
        for tc in tr.iterchildren(_TC):
            if _continues_merge(tc):
                cells.append("")
                continue
            texts = ["\n".join(_paragraph_text(p)).strip() for p in tc.iter(_P)]
            cells.append("\n".join(t for t in texts if t))
        rows.append(cells)
    return [r for r in rows if any(c.strip() for c in r)]


_DOC_PR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_VML_IMAGE = "{urn:schemas-microsoft-com:vml}imagedata"


def _images(p: etree._Element) -> list[str]:
    """Pictures in a paragraph, named by their alternative text where the author gave one."""
    found = []
    for drawing in p.iter(_q("drawing")):
        if drawing.find(f".//{_BLIP}") is None:
            continue
        pr = drawing.find(f".//{_DOC_PR}")
        alt = ((pr.get("descr") or pr.get("title") or "") if pr is not None else "").strip()
        found.append(f"[图片] {alt}".strip())
    for _image in p.iter(_VML_IMAGE):
        found.append("[图片]")
    return found


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
