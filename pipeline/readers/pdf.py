"""PDF with a text layer → paragraphs with their look; page furniture discarded.

pypdfium2 (PDFium) gives each character with its box, font size and weight, in
the file's order; ``layout`` turns them into lines, sets page numbers, running
heads, browser print headers and watermarks aside, and joins the lines into
paragraphs.  A page with no text layer (a scan) is read by ``ocr`` when asked
(``--ocr``), otherwise the whole file is refused with a message saying what to do.

``lineno`` is the printed line's number in reading order over the whole file
(page furniture included), so ``check`` can point at discarded lines.
"""

from __future__ import annotations

import ctypes
import math
import re
import statistics
import threading
import unicodedata

from pipeline.errors import InputError
from pipeline.i18n import _, ngettext
from pipeline.model import Discarded, Meta
from pipeline.readers.layout import Glyph, Page, build_rows, lay_out
from pipeline.readers.source import SourceLine, SourceText

MAX_PAGES = 2000
# pdfium is not thread-safe: every use in this process (reader, the page's previews) holds it.
PDFIUM_LOCK = threading.RLock()
# A page with fewer characters than this and an image on it is a scanned page.
_SCAN_CHARS = 10
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi|[-,_ ]bd\b|w[6-9]\b|粗|黑", re.I)
_FORCE_BOLD = 1 << 18
_FILL_STROKE = 2  # text render mode: a fill-and-stroke "fake bold"
_INVISIBLE = 3
# Code points some PDF producers map ordinary characters to: Kangxi radicals (NFKC
# restores them) and the CJK radicals supplement (which NFKC leaves alone).
_RADICALS = str.maketrans({
    "⺁": "厂", "⺇": "几", "⺌": "小", "⺍": "小", "⺎": "兀", "⺐": "尢", "⺓": "幺", "⺕": "彐",
    "⺟": "母", "⺠": "民", "⺢": "水", "⺣": "火", "⺤": "爪", "⺦": "丬", "⺧": "牛", "⺨": "犭",
    "⺩": "王", "⺪": "疋", "⺫": "目", "⺬": "示", "⺭": "礻", "⺮": "竹", "⺳": "网", "⺶": "羊",
    "⺷": "羊", "⺸": "羊", "⺹": "耂", "⺻": "聿", "⺼": "肉", "⻁": "虎", "⻂": "衤", "⻃": "襾",
    "⻄": "西", "⻅": "见", "⻆": "角", "⻇": "角", "⻉": "贝", "⻋": "车", "⻏": "阝", "⻓": "长",
    "⻔": "门", "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风", "⻜": "飞", "⻝": "食", "⻢": "马",
    "⻣": "骨", "⻤": "鬼", "⻥": "鱼", "⻦": "鸟", "⻨": "麦", "⻩": "黄", "⻬": "齐", "⻮": "齿",
    "⻯": "竜", "⻰": "龙", "⻳": "龟",
})


def read(data: bytes, name: str, ocr: bool = False) -> SourceText:
    """Read a PDF's text layer (and, with ``ocr``, its scanned pages)."""
    if ocr:
        from pipeline.readers import ocr as ocr_mod

        ocr_mod.require(name)  # before any work: say at once what is missing
    with PDFIUM_LOCK:
        pages, states, scans = _read_pages(data, name, ocr)
    unread = [n for n, state in enumerate(states, start=1) if state in ("scan", "garbled")]
    if not ocr and all(state != "text" for state in states):
        if "garbled" in states:
            raise InputError(_("{name}: the PDF's text layer cannot be decoded (its fonts hide "
                               "which characters they draw): run again with --ocr").format(
                                 name=name))
        if "scan" in states:
            raise InputError(_("{name}: a scanned PDF (page images, no text layer): run again "
                               "with --ocr (needs tesseract-ocr and tesseract-ocr-chi-sim), or "
                               "ask for a text PDF or Word file").format(name=name))
        raise InputError(_("{name}: the PDF has no text (blank pages, or text drawn as shapes): "
                           "run again with --ocr").format(name=name))
    if scans:
        from pipeline.readers import ocr as ocr_mod

        for number, png in scans.items():
            pages[number - 1].rows = ocr_mod.read_image(png, number, name)
    return _source(pages, name, [] if ocr else unread, sorted(scans))


def _read_pages(data: bytes, name: str, ocr: bool
                ) -> tuple[list[Page], list[str], dict[int, bytes]]:
    """Pages with their rows; each page's state ("text", "blank", "scan": images and no
    text, "garbled": text without characters); with ``ocr``, the pages to recognise,
    rendered (scans, garbled pages, or every page when none has text)."""
    import pypdfium2 as pdfium

    pdf = _open(data, name, pdfium)
    try:
        count = len(pdf)
        if count == 0:
            raise InputError(_("{name}: the PDF has no pages").format(name=name))
        if count > MAX_PAGES:
            raise InputError(_("{name}: too many pages ({count}; the limit is {MAX_PAGES})").format(
                                 name=name, count=count, MAX_PAGES=MAX_PAGES))
        pages: list[Page] = []
        states: list[str] = []
        for index in range(count):
            page = pdf[index]
            try:
                glyphs, width, height, state = _page_glyphs(page)
            except pdfium.PdfiumError as exc:
                raise InputError(_("{name}: page {value} cannot be read ({exc})").format(
                                     name=name, value=index + 1, exc=exc)) from exc
            finally:
                page.close()
            p = Page(index + 1, width, height)
            p.rows = build_rows(glyphs, index + 1, width) if state == "text" else []
            if any(g.unweighed for g in glyphs):
                page = pdf[index]
                try:
                    _bold_by_ink(page, p.rows)
                finally:
                    page.close()
            pages.append(p)
            states.append(state)
        scans: dict[int, bytes] = {}
        if ocr:
            from pipeline.readers import ocr as ocr_mod

            nothing = all(state != "text" for state in states)
            for index, state in enumerate(states):
                if state in ("scan", "garbled") or (nothing and state == "blank"):
                    page = pdf[index]
                    try:
                        scans[index + 1] = ocr_mod.render(page)
                    finally:
                        page.close()
        return pages, states, scans
    finally:
        pdf.close()


def _source(pages: list[Page], name: str, unread: list[int], ocr_pages: list[int]) -> SourceText:
    layout = lay_out(pages)
    hints = Meta()
    discarded = [Discarded(f.text, f.reason, f.number) for f in layout.furniture]
    for number in unread:
        first = next((r.number for p in pages[number - 1:] for r in p.rows), 0)
        discarded.append(Discarded(f"[第 {number} 页]", "page without a text layer (scanned "
                                   "image): not read; run again with --ocr", first))
    lines: list[SourceLine] = []
    for para in layout.paragraphs:
        text = para.text
        if para.heading == 1:
            title, site, source = split_site_title(text)
            if site:
                text = title
                hints.source = source
                discarded.append(Discarded(site, "site name after the page title "
                                           "(kept as source)", para.number))
        lines.append(SourceLine(text, para.number, para.heading, size=para.size, bold=para.bold,
                                centered=para.centered, page=para.page))
    discarded.sort(key=lambda d: d.line)
    n = len(pages)
    read_as = ngettext("PDF, {n} page, text layer", "PDF, {n} pages, text layer", n).format(n=n)
    if ocr_pages:
        read_as = (ngettext("PDF, {n} page, read by OCR (Tesseract)",
                            "PDF, {n} pages, read by OCR (Tesseract)", n) if len(ocr_pages) == n
                   else _("PDF, {n} pages, text layer, {ocr} of them read by OCR (Tesseract)")
                   ).format(n=n, ocr=len(ocr_pages))
    elif unread:
        read_as += ngettext(" ({n} page is a scanned image, not read)",
                            " ({n} pages are scanned images, not read)",
                            len(unread)).format(n=len(unread))
    return SourceText(name=name, format="pdf", lines=lines, hints=hints,
                      discarded=discarded, read_as=read_as)


# --- a page title printed with the site's name ---------------------------------

_SITE_SEP = re.compile(r"\s+[-–—|｜]\s+|\s*[_｜|]\s*|(?<=[\u4e00-\u9fff”」》）])-(?=[\u4e00-\u9fff])")
_SITE_END = re.compile(r"(网|网站|门户网站|新闻网|客户端|在线|官网|频道|日报|晚报|时报|报|新闻|"
                       r"[Nn]ews|\.com|\.cn|\.gov\.cn)$")
_OUTLET = re.compile(r"(报|社|台|杂志|期刊)$")


def split_site_title(text: str) -> tuple[str, str, str]:
    """'在博物馆里上好“大思政课”-光明日报-光明网' → (title, '-光明日报-光明网', '光明日报').

    A browser prints a page's title as "title - column - site".  The tail is split
    off only when it ends with a site's name; the source is the outlet it names (a
    newspaper or agency) if any, else the site.  Otherwise ('', '', '') for the tail.
    """
    parts = _SITE_SEP.split(text)
    if len(parts) < 2:
        return text, "", ""
    # the title is the longest leading part; tails of at most 30 characters each
    for cut in range(1, len(parts)):
        tail = [p.strip() for p in parts[cut:]]
        if all(0 < len(p) <= 30 for p in tail) and _SITE_END.search(tail[-1]):
            head_end = _nth_sep_start(text, cut)
            title = text[:head_end].strip()
            if len(title) < 4:
                return text, "", ""
            outlet = next((p for p in tail if _OUTLET.search(p)), tail[-1])
            return title, text[head_end:].strip(), outlet
    return text, "", ""


def _nth_sep_start(text: str, n: int) -> int:
    for k, m in enumerate(_SITE_SEP.finditer(text), start=1):
        if k == n:
            return m.start()
    return len(text)


# --- opening -------------------------------------------------------------------

def _open(data: bytes, name: str, pdfium):  # -> pdfium.PdfDocument
    head = data[:1024]
    if b"%PDF-" not in head:
        raise InputError(_("{name}: not a PDF file (no %PDF header)").format(name=name))
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise InputError(_("{name}: the PDF is encrypted with a password: open it, print or "
                               "save it without the password, and try again").format(name=name)) from exc
        if "security" in message:
            raise InputError(_("{name}: the PDF uses an unsupported encryption scheme").format(
                                 name=name)) from exc
        if b"%%EOF" not in data[-4096:]:
            raise InputError(_("{name}: the PDF is truncated (the file ends before its last "
                               "part; download it again)").format(name=name)) from exc
        raise InputError(_("{name}: damaged PDF file ({exc})").format(name=name, exc=exc)) from exc


# --- one page's characters -----------------------------------------------------

def _page_glyphs(page) -> tuple[list[Glyph], float, float, str]:
    """(glyphs, width, height, state: "text", "blank", "scan" or "garbled")."""
    import pypdfium2.raw as raw

    left, bottom, right, top = page.get_cropbox()
    width, height = right - left, top - bottom
    textpage = page.get_textpage()
    try:
        tp = textpage.raw
        n = raw.FPDFText_CountChars(tp)
        text = _page_text(raw, tp, n)
        is_generated, get_box, get_origin = (raw.FPDFText_IsGenerated, raw.FPDFText_GetLooseCharBox,
                                             raw.FPDFText_GetCharOrigin)
        object_id = _object_id(raw)
        box = raw.FS_RECTF()
        ox, oy = ctypes.c_double(), ctypes.c_double()
        styles: dict[int, tuple[float, bool | None, bool, float, bool]] = {}
        glyphs: list[Glyph] = []
        angles: list[float] = []
        unmapped = 0
        for i in range(n):
            ch = text[i] if text is not None else chr(raw.FPDFText_GetUnicode(tp, i))
            code = ord(ch)
            if code <= 0x20 or code in (0xFFFE, 0xFFFF, 0xFFFD) or 0xE000 <= code <= 0xF8FF:
                if code in (0x20, 0x0A, 0x0D) and is_generated(tp, i):
                    continue  # a space or line end pdfium made up
                if code != 0x20:
                    if code not in (0x0A, 0x0D):
                        unmapped += 1
                    continue
            key = object_id(tp, i) or 0
            style = styles.get(key)
            if style is None:
                style = styles[key] = _style(raw, tp, i, raw.FPDFText_GetTextObject(tp, i))
            size, bold, faint, angle, _invisible = style
            if not get_box(tp, i, box):
                continue
            if code >= 0x2E80:
                ch = _normal(ch)
            x0, x1, y_top, y_bottom = box.left, box.right, box.top, box.bottom
            if (angle < 3 or angle > 357) and get_origin(tp, i, ox, oy):
                # upright: the origin places the glyph on its baseline, and a Chinese
                # character or mark is one em wide (some fonts' boxes are only the ink)
                y_top, y_bottom = oy.value + 0.88 * size, oy.value - 0.12 * size
                x0 = min(ox.value, box.left)
                if code >= 0x1100 and box.right - x0 < size and _full_width(ch):
                    x1 = x0 + size
            glyphs.append(Glyph(ch, x0 - left, x1 - left, top - y_top, top - y_bottom, size,
                                bool(bold), faint, False, bold is None))
            angles.append(angle)
        _upright(glyphs, angles, width, height)
    finally:
        textpage.close()
    ink = sum(1 for g in glyphs if not g.ch.isspace())
    if unmapped > max(ink, 1) * 0.3:
        state = "garbled"
    elif ink >= _SCAN_CHARS:
        state = "text"
    elif _has_image(page, raw):
        state = "scan"  # a page number stamped on a scan does not make a text layer
    else:
        state = "text" if ink else "blank"
    return glyphs, width, height, state


def _style(raw, tp, i: int, obj) -> tuple[float, bool | None, bool, float, bool]:
    """(size in points, bold — None when the font does not say —, faint, angle in degrees,
    invisible) of a character's text object."""
    m = raw.FS_MATRIX()
    raw.FPDFText_GetMatrix(tp, i, m)
    scale = math.sqrt(abs(m.a * m.d - m.b * m.c)) or 1.0
    size = raw.FPDFText_GetFontSize(tp, i) * scale
    angle = math.degrees(math.atan2(m.b, m.a)) % 360
    bold: bool | None = None
    faint = invisible = False
    if obj:
        mode = raw.FPDFTextObj_GetTextRenderMode(obj)
        invisible = mode == _INVISIBLE
        font = raw.FPDFTextObj_GetFont(obj)
        name = _font_name(raw, font) if font else ""
        weight = raw.FPDFFont_GetWeight(font) if font else -1
        flags = raw.FPDFFont_GetFlags(font) if font else -1
        if mode == _FILL_STROKE or weight >= 600 or (flags > 0 and bool(flags & _FORCE_BOLD)) \
                or _BOLD_NAME.search(name):
            bold = True
        elif name or weight > 0:
            bold = False
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        if not invisible and raw.FPDFPageObj_GetFillColor(obj, r, g, b, a):
            light = (0.299 * r.value + 0.587 * g.value + 0.114 * b.value) / 255
            faint = light >= 0.75 or a.value < 128
    return size, bold, faint, angle, invisible


def _bold_by_ink(page, rows: list) -> None:
    """Bold where the font cannot say (Type 3 glyphs drawn as shapes, as Chromium prints
    synthetic bold): a short line printed with half as much ink again as the page's
    running text of its size is bold."""
    from PIL import ImageStat

    scale = 2.0
    text_rows = [r for r in rows if len(r.text) >= 20 and not r.rotated]
    cands = [r for r in rows if len(r.text) <= 40 and not r.bold and not r.rotated
             and any(g.unweighed for g in r.glyphs)]
    if not cands or len(text_rows) < 3:
        return
    image = page.render(scale=scale, grayscale=True).to_pil()

    def ink(r) -> float:
        box = (int(r.x0 * scale), int(r.top * scale), int(r.x1 * scale) + 1,
               int(r.bottom * scale) + 1)
        return 1 - ImageStat.Stat(image.crop(box)).mean[0] / 255

    by_size: dict[float, list[float]] = {}
    for r in text_rows:
        by_size.setdefault(r.size, []).append(ink(r))
    for r in cands:
        usual = by_size.get(r.size)
        if usual and len(usual) >= 3 and ink(r) >= 1.5 * statistics.median(usual):
            r.bold = True
            for g in r.glyphs:
                g.bold = True


def _font_name(raw, font) -> str:
    getter = getattr(raw, "FPDFFont_GetBaseFontName", None) or getattr(raw, "FPDFFont_GetFontName", None)
    if getter is None:
        return ""
    buf = ctypes.create_string_buffer(256)
    n = getter(font, buf, 256)
    return buf.raw[: max(n - 1, 0)].decode("utf-8", "replace") if n else ""


def _full_width(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _normal(ch: str) -> str:
    code = ord(ch)
    if 0x2F00 <= code <= 0x2FDF or 0xFB00 <= code <= 0xFB06:
        return unicodedata.normalize("NFKC", ch)
    if 0x2E80 <= code <= 0x2EFF:
        return ch.translate(_RADICALS)
    return ch


def _upright(glyphs: list[Glyph], angles: list[float], width: float, height: float) -> None:
    """Mark glyphs turned against the page's reading frame as ``rotated``.

    Most pages set their text upright.  A page whose text is mostly turned by a right
    angle (a landscape table printed on a portrait page) is read in the text's own
    frame; text at any other angle (a watermark across the page) is marked.
    """
    quarter = [0, 0, 0, 0]
    for a in angles:
        q = round(a / 90)
        if abs(a - 90 * q) < 3:
            quarter[q % 4] += 1
    turn = max(range(4), key=lambda q: quarter[q]) if angles else 0
    base = 90.0 * turn
    for g, angle in zip(glyphs, angles, strict=True):
        g.rotated = abs((angle - base + 180) % 360 - 180) > 3
        if turn == 0:
            continue
        g.unweighed = False  # the ink test reads upright lines only
        if turn == 1:  # text runs bottom to top: x ← distance from the bottom edge
            g.x0, g.x1, g.top, g.bottom = height - g.bottom, height - g.top, g.x0, g.x1
        elif turn == 2:
            g.x0, g.x1, g.top, g.bottom = width - g.x1, width - g.x0, height - g.bottom, height - g.top
        else:  # text runs top to bottom
            g.x0, g.x1, g.top, g.bottom = g.top, g.bottom, width - g.x1, width - g.x0


def _page_text(raw, tp, n: int) -> str | None:
    """The page's characters in one call, one per character index (None if pdfium's
    count and the text disagree: then each character is asked for)."""
    if n <= 0:
        return ""
    buf = ctypes.create_string_buffer((2 * n + 1) * 2)
    written = raw.FPDFText_GetText(tp, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    text = buf.raw[: max(written - 1, 0) * 2].decode("utf-16-le", "replace")
    return text if len(text) == n else None


_OBJECT_ID = None


def _object_id(raw):
    """FPDFText_GetTextObject returning the address as an int (a cheap cache key)."""
    global _OBJECT_ID
    if _OBJECT_ID is None:
        proto = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
        _OBJECT_ID = proto(ctypes.cast(raw.FPDFText_GetTextObject, ctypes.c_void_p).value)
    return _OBJECT_ID


def _has_image(page, raw) -> bool:
    """Does the page draw an image (directly or inside a form XObject)?"""
    stack: list[tuple[object, bool]] = [(page.raw, False)]
    while stack:
        holder, form = stack.pop()
        count = raw.FPDFFormObj_CountObjects(holder) if form else raw.FPDFPage_CountObjects(holder)
        for k in range(max(count, 0)):
            obj = raw.FPDFFormObj_GetObject(holder, k) if form else raw.FPDFPage_GetObject(holder, k)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_IMAGE:
                return True
            if kind == raw.FPDF_PAGEOBJ_FORM:
                stack.append((obj, True))
    return False
