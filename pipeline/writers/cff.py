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

import struct
from typing import Any

CHARSET, CHARSTRINGS, PRIVATE, SUBRS = (15,), (17,), (18,), (19,)
ROS, FDARRAY, FDSELECT = (12, 30), (12, 36), (12, 37)


def _index(data: bytes, pos: int) -> tuple[list[bytes], int]:
    """The items of a CFF INDEX at ``pos`` and the position after it."""
    count = struct.unpack_from(">H", data, pos)[0]
    if count == 0:
        return [], pos + 2
    size = data[pos + 2]
    base = pos + 3
    offs = [int.from_bytes(data[base + i * size: base + (i + 1) * size], "big")
            for i in range(count + 1)]
    start = base + (count + 1) * size - 1
    return [data[start + offs[i]: start + offs[i + 1]] for i in range(count)], start + offs[-1]


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


def shrink_cff(cff: bytes, keep: set[int]) -> bytes:
    """The CFF with only glyphs ``keep`` (and .notdef), each keeping its CID."""
    hdr = cff[2]
    names, pos = _index(cff, hdr)
    name_raw = cff[hdr:pos]
    tops, pos2 = _index(cff, pos)
    strings_start = pos2
    _strings, pos3 = _index(cff, strings_start)
    _gsubrs, pos4 = _index(cff, pos3)
    between = cff[strings_start:pos4]  # String INDEX and Global Subr INDEX, copied
    top = _dict(tops[0])
    if _get(top, ROS) is None or _get(top, FDSELECT) is None:
        raise ValueError("not a CID-keyed CFF")
    charstrings, _ = _index(cff, int(_get(top, CHARSTRINGS)[0]))
    n = len(charstrings)
    cids = _charset(cff, int(_get(top, CHARSET)[0]), n)
    fds = _fdselect(cff, int(_get(top, FDSELECT)[0]), n)
    fdarray, _ = _index(cff, int(_get(top, FDARRAY)[0]))
    glyphs = [0] + sorted(g for g in keep if 0 < g < n)

    privates = []
    for fd in fdarray:
        entries = _dict(fd)
        size, offset = (int(v) for v in _get(entries, PRIVATE))
        private = _dict(cff[offset: offset + size])
        subrs = _get(private, SUBRS)
        local = b""
        if subrs is not None:
            items, _ = _index(cff, offset + int(subrs[0]))
            local = _pack_index(items)
        privates.append((entries, private, local))

    charset = b"\0" + b"".join(struct.pack(">H", cids[g]) for g in glyphs[1:])
    fdselect = b"\0" + bytes(fds[g] for g in glyphs)
    strings = _pack_index([charstrings[g] for g in glyphs])

    def assemble(offsets: dict[str, int]) -> tuple[bytes, dict[str, int]]:
        top_raw = _rebuild(top, {CHARSET: [offsets["charset"]], CHARSTRINGS: [offsets["cs"]],
                                 FDSELECT: [offsets["fdselect"]], FDARRAY: [offsets["fdarray"]]})
        head = bytes([1, 0, 4, 4]) + name_raw + _pack_index([top_raw]) + between
        found = {"charset": len(head)}
        body = head + charset
        found["fdselect"] = len(body)
        body += fdselect
        found["cs"] = len(body)
        body += strings
        found["fdarray"] = len(body)
        # Private DICTs (+ local subrs) go after the FDArray; sizes do not depend on offsets.
        priv_raw = []
        for _entries, private, local in privates:
            raw = _rebuild(private, {SUBRS: [0]} if local else {})
            if local:
                raw = _rebuild(private, {SUBRS: [len(raw)]})
            priv_raw.append(raw + local)
        fd_items = []
        cursor = offsets.get("private", 0)
        for (entries, _private, local), raw in zip(privates, priv_raw, strict=True):
            size = len(raw) - len(local)
            fd_items.append(_rebuild(entries, {PRIVATE: [size, cursor]}))
            cursor += len(raw)
        body += _pack_index(fd_items)
        found["private"] = len(body)
        body += b"".join(priv_raw)
        return body, found

    offsets = {"charset": 0, "cs": 0, "fdselect": 0, "fdarray": 0, "private": 0}
    for _ in range(3):
        out, found = assemble(offsets)
        if found == offsets:
            return out
        offsets = found
    raise ValueError("CFF layout did not settle")


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
    if otf[:4] != b"OTTO":
        return None
    count = struct.unpack_from(">H", otf, 4)[0]
    for i in range(count):
        tag, _sum, offset, length = struct.unpack_from(">4sIII", otf, 12 + 16 * i)
        if tag == b"CFF ":
            return otf[offset: offset + length]
    return None


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
