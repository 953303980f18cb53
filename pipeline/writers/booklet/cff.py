"""Shrink the CID-keyed CFF fonts WeasyPrint embeds (Noto CJK), keeping their CIDs.

WeasyPrint subsets with "retain glyph ids", so a Noto CJK subset still holds
~65 000 (empty) glyphs: ~100 KB per face, compressed, whatever it shows.  In a
CID-keyed CFF the charset maps glyphs to CIDs, and the PDF addresses glyphs by
CID, so we can drop the empty glyphs and keep every CID: the content streams and
widths stay as they are.  The font is embedded as bare CFF (CIDFontType0C).
Only the subset of CFF that hb-subset writes (desubroutinized, CID-keyed) is
handled; anything else is left untouched.
"""

from __future__ import annotations

import contextlib
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

CHARSET, CHARSTRINGS, PRIVATE, SUBRS = (15,), (17,), (18,), (19,)
ROS, FDARRAY, FDSELECT, FONTNAME = (12, 30), (12, 36), (12, 37), (12, 38)
STANDARD_STRINGS = 391  # SIDs below this are CFF's predefined strings
_OFFSET_FORMATS = {1: "B", 2: "H", 4: "I"}


def _offsets(data: bytes, pos: int) -> tuple[tuple[int, ...], int, int]:
    """The offsets of a CFF INDEX at ``pos`` (a few C calls, even for ~65 000 of them),
    where its data starts less one (offsets count from 1), and the position after it."""
    count = struct.unpack_from(">H", data, pos)[0]
    if count == 0:
        return (), pos + 2, pos + 2
    size = data[pos + 2]
    base = pos + 3
    end = base + (count + 1) * size
    if size in _OFFSET_FORMATS:
        offs = struct.unpack_from(f">{count + 1}{_OFFSET_FORMATS[size]}", data, base)
    elif size == 3:  # hb-subset's CharStrings: widen to 4 bytes by three slice copies
        wide = bytearray(4 * (count + 1))
        for i in range(3):
            wide[i + 1::4] = data[base + i:end:3]
        offs = struct.unpack(f">{count + 1}I", wide)
    else:
        raise ValueError("bad INDEX offset size")
    return offs, end - 1, end - 1 + offs[-1]


class _Items(Sequence[bytes]):
    """The items of a CFF INDEX, sliced on demand: a subset reads a few of 65 000."""

    def __init__(self, data: bytes, offs: tuple[int, ...], start: int) -> None:
        self.data, self.offs, self.start = data, offs, start

    def __len__(self) -> int:
        return max(len(self.offs) - 1, 0)

    @overload
    def __getitem__(self, i: int) -> bytes: ...

    @overload
    def __getitem__(self, i: slice) -> list[bytes]: ...

    def __getitem__(self, i: int | slice) -> bytes | list[bytes]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        i %= len(self)
        return self.data[self.start + self.offs[i]: self.start + self.offs[i + 1]]

    def __iter__(self) -> Iterator[bytes]:
        data, start, offs = self.data, self.start, self.offs
        return (data[start + a: start + b] for a, b in zip(offs, offs[1:], strict=False))


def _index_items(data: bytes, pos: int) -> tuple[_Items, int]:
    """A CFF INDEX at ``pos`` as a lazy sequence, and the position after it."""
    offs, start, end = _offsets(data, pos)
    return _Items(data, offs, start), end


def _index(data: bytes, pos: int) -> tuple[list[bytes], int]:
    """The items of a CFF INDEX at ``pos`` and the position after it."""
    items, end = _index_items(data, pos)
    return list(items), end


def _pack_index(items: list[bytes]) -> bytes:
    if not items:
        return b"\0\0"
    offs = [1]
    for it in items:
        offs.append(offs[-1] + len(it))
    size = 1 if offs[-1] < 0x100 else 2 if offs[-1] < 0x10000 else 3 if offs[-1] < 0x1000000 else 4
    head = struct.pack(">HB", len(items), size)
    return head + b"".join(o.to_bytes(size, "big") for o in offs) + b"".join(items)


def _dict(data: bytes) -> list[tuple[tuple[int, ...], list[float], bytes]]:
    """(operator, operands, raw bytes) entries of a DICT."""
    out, operands, pos, start = [], [], 0, 0
    while pos < len(data):
        b = data[pos]
        if b <= 21:
            op = (12, data[pos + 1]) if b == 12 else (b,)
            pos += 2 if b == 12 else 1
            out.append((op, operands, data[start:pos]))
            operands, start = [], pos
        elif b == 28:
            operands.append(struct.unpack_from(">h", data, pos + 1)[0])
            pos += 3
        elif b == 29:
            operands.append(struct.unpack_from(">i", data, pos + 1)[0])
            pos += 5
        elif b == 30:
            pos += 1
            while True:
                n = data[pos]
                pos += 1
                if (n >> 4) == 0xF or (n & 0xF) == 0xF:
                    break
            operands.append(0.0)  # reals are copied raw, never rewritten
        elif 32 <= b <= 246:
            operands.append(b - 139)
            pos += 1
        elif 247 <= b <= 250:
            operands.append((b - 247) * 256 + data[pos + 1] + 108)
            pos += 2
        elif 251 <= b <= 254:
            operands.append(-(b - 251) * 256 - data[pos + 1] - 108)
            pos += 2
        else:
            raise ValueError("bad DICT byte")
    return out


def _op(op: tuple[int, ...]) -> bytes:
    return bytes(op)


def _int5(v: int) -> bytes:
    return b"\x1d" + struct.pack(">i", v)


def _rebuild(entries: list, fixed: dict[tuple[int, ...], list[int]]) -> bytes:
    """A DICT with ``fixed`` operators re-encoded as 5-byte integers (size-stable)."""
    out = []
    for op, _operands, raw in entries:
        if op in fixed:
            out.append(b"".join(_int5(v) for v in fixed[op]) + _op(op))
        else:
            out.append(raw)
    return b"".join(out)


def _get(entries: list, op: tuple[int, ...]) -> list[float] | None:
    for o, operands, _raw in entries:
        if o == op:
            return operands
    return None


@dataclass
class CidFont:
    """A CID-keyed CFF, parsed as far as subsetting and merging need."""

    name_raw: bytes  # the Name INDEX, copied
    top: list  # Top DICT entries
    strings: list[bytes]  # custom strings (SID 391 on)
    gsubrs: bytes  # the Global Subr INDEX, copied (empty once desubroutinized)
    charstrings: Sequence[bytes]  # by glyph id
    cids: list[int]  # glyph id → CID
    fdselect: list[int]  # glyph id → font DICT
    fds: list[tuple[list, list, bytes]]  # Font DICT entries, Private DICT entries, local subrs

    def string(self, sid: int) -> bytes:
        return self.strings[sid - STANDARD_STRINGS] if sid >= STANDARD_STRINGS else b"%d" % sid


def parse_cff(cff: bytes) -> CidFont:
    hdr = cff[2]
    _names, pos = _index(cff, hdr)
    name_raw = cff[hdr:pos]
    tops, pos = _index(cff, pos)
    strings, pos = _index(cff, pos)
    _gsubrs, end = _index(cff, pos)
    top = _dict(tops[0])
    if _get(top, ROS) is None or _get(top, FDSELECT) is None:
        raise ValueError("not a CID-keyed CFF")
    charstrings, _ = _index_items(cff, int(_get(top, CHARSTRINGS)[0]))
    n = len(charstrings)
    fds = []
    for fd in _index(cff, int(_get(top, FDARRAY)[0]))[0]:
        entries = _dict(fd)
        size, offset = (int(v) for v in _get(entries, PRIVATE))
        private = _dict(cff[offset: offset + size])
        subrs = _get(private, SUBRS)
        local = _pack_index(_index(cff, offset + int(subrs[0]))[0]) if subrs is not None else b""
        fds.append((entries, private, local))
    return CidFont(name_raw, top, strings, cff[pos:end], charstrings,
                   _charset(cff, int(_get(top, CHARSET)[0]), n),
                   _fdselect(cff, int(_get(top, FDSELECT)[0]), n), fds)


def write_cff(font: CidFont, glyphs: list[int]) -> bytes:
    """The CFF of ``font`` with only ``glyphs`` (glyph ids, .notdef first), each keeping its CID."""
    charset = b"\0" + b"".join(struct.pack(">H", font.cids[g]) for g in glyphs[1:])
    fdselect = b"\0" + bytes(font.fdselect[g] for g in glyphs)
    charstrings = _pack_index([font.charstrings[g] for g in glyphs])
    # Private DICTs (+ local subrs) go after the FDArray; their sizes do not depend on offsets.
    privates = []
    for _entries, private, local in font.fds:
        raw = _rebuild(private, {SUBRS: [0]} if local else {})
        if local:
            raw = _rebuild(private, {SUBRS: [len(raw)]})
        privates.append((raw, local))

    def assemble(offsets: dict[str, int]) -> tuple[bytes, dict[str, int]]:
        top_raw = _rebuild(font.top, {CHARSET: [offsets["charset"]],
                                      CHARSTRINGS: [offsets["cs"]],
                                      FDSELECT: [offsets["fdselect"]],
                                      FDARRAY: [offsets["fdarray"]]})
        head = (bytes([1, 0, 4, 4]) + font.name_raw + _pack_index([top_raw])
                + _pack_index(font.strings) + font.gsubrs)
        found = {"charset": len(head)}
        body = head + charset
        found["fdselect"] = len(body)
        body += fdselect
        found["cs"] = len(body)
        body += charstrings
        found["fdarray"] = len(body)
        fd_items = []
        cursor = offsets["private"]
        for (entries, _private, _local), (raw, local) in zip(font.fds, privates, strict=True):
            fd_items.append(_rebuild(entries, {PRIVATE: [len(raw), cursor]}))
            cursor += len(raw) + len(local)
        body += _pack_index(fd_items)
        found["private"] = len(body)
        body += b"".join(raw + local for raw, local in privates)
        return body, found

    offsets = {"charset": 0, "cs": 0, "fdselect": 0, "fdarray": 0, "private": 0}
    for _ in range(3):
        out, found = assemble(offsets)
        if found == offsets:
            return out
        offsets = found
    raise ValueError("CFF layout did not settle")


def shrink_cff(cff: bytes, keep: set[int]) -> bytes:
    """The CFF with only the glyphs of CIDs ``keep`` (and .notdef), each keeping its CID.

    The PDF's text draws CIDs, so they, not glyph ids, say what is used.
    """
    font = parse_cff(cff)
    return write_cff(font, [0] + [g for g, cid in enumerate(font.cids) if g and cid in keep])


def merge_cffs(datas: list[bytes]) -> bytes:
    """One CFF with the glyphs of several subsets of the same CID-keyed font.

    The parts of a compilation each embed their own subset; the merged PDF
    needs only one.  Glyphs are matched by CID, font DICTs by content (a
    subset may renumber them); anything unexpected raises ValueError.
    """
    fonts = [parse_cff(d) for d in datas]
    base = fonts[0]
    if any(f.gsubrs != base.gsubrs or f.name_raw != base.name_raw for f in fonts):
        raise ValueError("not subsets of one font")
    strings = list(base.strings)
    fds: list[tuple[list, list, bytes]] = []
    fd_keys: dict[tuple, int] = {}
    glyphs: dict[int, tuple[bytes, int]] = {}  # CID → charstring, merged font DICT
    for font in fonts:
        remap = []
        for entries, private, local in font.fds:
            name = _get(entries, FONTNAME)
            label = font.string(int(name[0])) if name else b""
            key = (label, tuple(raw for op, _o, raw in entries if op not in (PRIVATE, FONTNAME)),
                   tuple(raw for _op, _o, raw in private), local)
            if key not in fd_keys:
                fd_keys[key] = len(fds)
                if name and label not in strings:
                    strings.append(label)
                fixed = {FONTNAME: [STANDARD_STRINGS + strings.index(label)]} if name else {}
                fds.append((_dict(_rebuild(entries, fixed)), private, local))
            remap.append(fd_keys[key])
        for cid, charstring, fd in zip(font.cids, font.charstrings, font.fdselect, strict=True):
            glyphs.setdefault(cid, (charstring, remap[fd]))
    cids = sorted(glyphs)
    if not cids or cids[0] != 0:
        raise ValueError("no .notdef")
    merged = CidFont(base.name_raw, base.top, strings, base.gsubrs,
                     [glyphs[c][0] for c in cids], cids, [glyphs[c][1] for c in cids], fds)
    return write_cff(merged, list(range(len(cids))))


def _charset(cff: bytes, pos: int, n: int) -> list[int]:
    fmt = cff[pos]
    cids = [0]
    pos += 1
    if fmt == 0:
        cids += [struct.unpack_from(">H", cff, pos + 2 * i)[0] for i in range(n - 1)]
    else:
        while len(cids) < n:
            first = struct.unpack_from(">H", cff, pos)[0]
            count = (cff[pos + 2] if fmt == 1 else struct.unpack_from(">H", cff, pos + 2)[0]) + 1
            pos += 3 if fmt == 1 else 4
            cids += range(first, first + count)
    return cids[:n]


def _fdselect(cff: bytes, pos: int, n: int) -> list[int]:
    fmt = cff[pos]
    if fmt == 0:
        return list(cff[pos + 1: pos + 1 + n])
    if fmt != 3:
        raise ValueError("unsupported FDSelect")
    nranges = struct.unpack_from(">H", cff, pos + 1)[0]
    out = [0] * n
    for r in range(nranges):
        first, fd = struct.unpack_from(">HB", cff, pos + 3 + 3 * r)
        end = struct.unpack_from(">H", cff, pos + 3 + 3 * (r + 1))[0]
        out[first:end] = [fd] * (min(end, n) - first)
    return out


def cff_table(otf: bytes) -> bytes | None:
    """The CFF table of an OpenType font, or None."""
    found = _cff_span(otf)
    return otf[found[0]: found[1]] if found else None


def _cff_span(otf: bytes, index: int = 0) -> tuple[int, int] | None:
    """Where the CFF table of an OpenType font (or of face ``index`` of a collection) is."""
    start = 0
    if otf[:4] == b"ttcf":
        if index >= struct.unpack_from(">I", otf, 8)[0]:
            return None
        start = struct.unpack_from(">I", otf, 12 + 4 * index)[0]
    if otf[start: start + 4] != b"OTTO":
        return None
    count = struct.unpack_from(">H", otf, start + 4)[0]
    for i in range(count):
        tag, _sum, offset, length = struct.unpack_from(">4sIII", otf, start + 12 + 16 * i)
        if tag == b"CFF ":
            return offset, offset + length
    return None


def is_cid_keyed(otf: bytes, index: int = 0) -> bool:
    """Whether an OpenType font's CFF is CID-keyed (Noto CJK is), read without copying it."""
    try:
        found = _cff_span(otf, index)
    except struct.error:
        return False
    if found is None:
        return False
    cff = memoryview(otf)[found[0]: found[1]]
    try:
        _names, pos = _index(cff, cff[2])
        tops, _ = _index(cff, pos)
        return bool(tops) and _get(_dict(bytes(tops[0])), ROS) is not None
    except (ValueError, struct.error, IndexError):
        return False


# What WeasyPrint drops from every subset (pdf/fonts.py), dropped here too.
_DROP_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH",
                b"PCLT", b"SVG ")


@contextlib.contextmanager
def compact_cid_subsets() -> Iterator[bool]:
    """While WeasyPrint writes a PDF: subset CID-keyed CFF faces to their used glyphs only.

    WeasyPrint subsets every face keeping glyph ids (two HarfBuzz passes over
    a ~65 000-glyph Noto CJK face: ~35 ms a face, in every booklet and every
    part of a compilation).  For a CID-keyed CFF the PDF draws CIDs, which the
    font's charset maps to glyphs and which a subset keeps, so one pass that
    renumbers the glyphs is as good, at a third of the cost; ``finisher`` then
    embeds the CFF (keeping CIDs) as for any subset.  Other faces, and any
    WeasyPrint whose internals are not as expected, keep WeasyPrint's subsetting.
    """
    try:
        from weasyprint.pdf import fonts as pdf_fonts
        from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
        from weasyprint.text.fonts import get_hb_object_data
    except ImportError:  # pragma: no cover - depends on the installed version
        yield False
        return
    font_class = getattr(pdf_fonts, "Font", None)
    if not (harfbuzz_subset and hasattr(font_class, "subset")
            and hasattr(harfbuzz_subset, "hb_subset_or_fail")):
        yield False  # pragma: no cover
        return
    original = font_class.subset
    hb = harfbuzz_subset

    def compact(font: Any, to_unicode: dict[int, Any], hinting: bool) -> bytes | None:
        data = getattr(font, "file_content", b"")
        if not (to_unicode and isinstance(data, bytes)
                and is_cid_keyed(data, getattr(font, "index", 0))
                and getattr(font, "hb_face", None) is not None):
            return None
        subset_input = ffi.gc(hb.hb_subset_input_create_or_fail(), hb.hb_subset_input_destroy)
        if subset_input == ffi.NULL:
            return None
        glyphs = sorted(to_unicode)
        harfbuzz.hb_set_add_sorted_array(hb.hb_subset_input_glyph_set(subset_input),
                                         ffi.new("hb_codepoint_t[]", glyphs), len(glyphs))
        drop = hb.hb_subset_input_set(subset_input, hb.HB_SUBSET_SETS_DROP_TABLE_TAG)
        tags = sorted(harfbuzz.hb_tag_from_string(tag, -1) for tag in _DROP_TABLES)
        harfbuzz.hb_set_add_sorted_array(drop, ffi.new("hb_codepoint_t[]", tags), len(tags))
        flags = hb.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED | hb.HB_SUBSET_FLAGS_DESUBROUTINIZE
        if not hinting:
            flags |= hb.HB_SUBSET_FLAGS_NO_HINTING
        if getattr(font, "missing", None):
            flags |= hb.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
        hb.hb_subset_input_set_flags(subset_input, flags)
        face = ffi.gc(hb.hb_subset_or_fail(font.hb_face, subset_input), harfbuzz.hb_face_destroy)
        result = get_hb_object_data(face) if face != ffi.NULL else None
        return result if result and is_cid_keyed(result) else None

    def subset(self: Any, to_unicode: dict[int, Any], hinting: bool) -> None:
        data = compact(self, to_unicode, hinting)
        if data is None:
            original(self, to_unicode, hinting)
        else:
            self.file_content = data

    font_class.subset = subset
    try:
        yield True
    finally:
        font_class.subset = original


def finisher(document: Any, pdf: Any) -> None:
    """WeasyPrint ``write_pdf(finisher=…)``: embed each CJK CFF face without its empty glyphs."""
    by_content: dict[int, set[int]] = {}
    contents: dict[int, bytes] = {}
    for font in getattr(document, "fonts", {}).values():
        data = getattr(font, "file_content", None)
        if isinstance(data, bytes) and data[:4] == b"OTTO":
            by_content.setdefault(id(data), set()).update(getattr(font, "to_unicode", {}))
            contents[id(data)] = data
    if not contents:
        return
    for obj in pdf.objects:
        chunks = getattr(obj, "stream", None)
        extra = getattr(obj, "extra", None)
        if not (chunks and extra is not None and len(chunks) == 1 and id(chunks[0]) in contents):
            continue
        data = contents[id(chunks[0])]
        try:
            table = cff_table(data)
            if table is None:
                continue
            chunks[0] = shrink_cff(table, by_content[id(data)])
        except (ValueError, struct.error, IndexError, TypeError):
            continue  # an unexpected font: keep WeasyPrint's embedding
        extra["Subtype"] = "/CIDFontType0C"
