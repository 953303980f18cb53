"""Bytes to text: BOMs first, then strict UTF-8, then charset-normalizer.

A file no encoding reads without errors is refused, naming the first byte that
is not UTF-8; with ``errors="replace"`` (``--encoding-errors replace``) it is
read in the encoding that needs the fewest replacements, each bad byte
becoming U+FFFD, and ``decoding()`` reports how many there were.
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import re
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.errors import InputError
from pipeline.i18n import _

# GBK and GB2312 are subsets of GB18030: decoding as GB18030 never loses a
# character the narrower codec would have read, and reads the rest too.
_WIDEN = {"gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030", "hz": "gb18030",
          "big5hkscs": "big5hkscs", "cp950": "big5"}
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
# Encodings we accept from the detector for Chinese text; anything else it
# proposes for bytes that are not UTF-8 is more likely a wrong guess.
_ACCEPTED = {"gb18030", "big5", "big5hkscs"}


ERRORS = ("strict", "replace")


@dataclass
class Decoding:
    """How sources are decoded in a ``decoding()`` block, and what was replaced."""

    errors: str = "strict"
    replaced: int = 0  # bad bytes replaced with U+FFFD


_CURRENT: contextvars.ContextVar[Decoding | None] = contextvars.ContextVar("decoding",
                                                                          default=None)


@contextlib.contextmanager
def decoding(errors: str = "strict") -> Iterator[Decoding]:
    """Decode the sources read inside the block with ``errors`` ("strict" or "replace")."""
    if errors not in ERRORS:
        raise InputError(_("--encoding-errors: '{value}' is not one of {choices}").format(
            value=errors, choices=", ".join(ERRORS)))
    state = Decoding(errors)
    token = _CURRENT.set(state)
    try:
        yield state
    finally:
        _CURRENT.reset(token)


# Line and paragraph separators other than \n: Word's vertical tab, form feeds of
# printed dumps, U+2028/U+2029.  Each is a line break to a reader.
_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Return (text with \\n line ends, encoding name) or raise InputError."""
    text, encoding = _decode(data, name)
    text = _BREAKS.sub("\n", text)
    if _looks_binary(text):
        raise InputError(_("{name}: not a text file (binary data): give the file its format's extension "
                           "(.docx, .pdf …) or name the format with --input-format").format(name=name))
    return text, encoding


def _decode(data: bytes, name: str) -> tuple[str, str]:
    state = _CURRENT.get()
    replace = state is not None and state.errors == "replace"
    for bom, enc in _BOMS:
        if data.startswith(bom):
            body, codec = data[len(bom):], enc.replace("-sig", "")
            try:
                return body.decode(codec), enc
            except UnicodeDecodeError as exc:
                if replace:
                    return _replaced(body, codec, state), enc
                raise InputError(_("{name}: starts with a {enc} byte-order mark but is not "
                                   "valid {enc} ({where}){hint}").format(
                                     name=name, enc=enc, where=_where(exc, len(bom)),
                                     hint=_hint())) from exc
    if b"\x00" in data[:4096] and not _utf16_without_bom(data):
        raise InputError(_("{name}: not a text file (binary data): give the file its format's extension "
                           "(.docx, .pdf …) or name the format with --input-format").format(name=name))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return _detect(data, name)
    except InputError:
        if not replace:
            raise InputError(_("{name}: cannot decode: {where} is not UTF-8, and the file is "
                               "not UTF-16, GB18030 or Big5 text either{hint}").format(
                                 name=name, where=_where(utf8_error), hint=_hint())
                             ) from utf8_error
    # Read with replacements, in whichever of UTF-8 and GB18030 needs fewer.
    best = min(("utf-8", "gb18030"), key=lambda enc: _decode_replacing(data, enc)[1])
    return _replaced(data, best, state), best


def _hint() -> str:
    return _(" (--encoding-errors replace reads it with such bytes replaced by �)")


def _where(exc: UnicodeDecodeError, offset: int = 0) -> str:
    """'byte 3714 (0xFF)': the file offset (0-based) and value of the first bad byte."""
    return _("byte {position} ({value})").format(position=exc.start + offset,
                                                 value=f"0x{exc.object[exc.start]:02X}")


_ESCAPED = re.compile("[\udc80-\udcff]")


def _decode_replacing(data: bytes, encoding: str) -> tuple[str, int]:
    """(text with each undecodable byte as U+FFFD, how many bytes that was)."""
    text = data.decode(encoding, "surrogateescape")  # one lone surrogate per bad byte
    return _ESCAPED.subn("\ufffd", text)


def _replaced(data: bytes, encoding: str, state: Decoding) -> str:
    """``data`` decoded with each undecodable byte replaced; the count goes to ``state``."""
    text, bad = _decode_replacing(data, encoding)
    state.replaced += bad
    return text


def _detect(data: bytes, name: str) -> tuple[str, str]:
    """UTF-16 without a BOM, or what charset-normalizer finds, or GB18030; strict."""
    if _utf16_without_bom(data):
        enc = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=None).best()
    if best is not None:
        enc = _WIDEN.get(best.encoding.lower(), best.encoding.lower().replace("_", "-"))
        if enc in _ACCEPTED:
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                pass
    # The detector had no confident answer: GB18030 is the usual non-UTF-8
    # encoding of Chinese text on Windows.
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputError(_("{name}: cannot decode: not UTF-8, UTF-16, GB18030 or Big5 text "
                           "({where}; save it as UTF-8)").format(name=name, where=_where(exc))
                         ) from exc
    if not _plausible_chinese(text):
        raise InputError(_("{name}: cannot decode: not UTF-8, UTF-16, GB18030 or Big5 text (save it as "
                           "UTF-8)").format(
                             name=name))
    return text, "gb18030"


def _utf16_without_bom(data: bytes) -> bool:
    """ASCII-heavy UTF-16 has a NUL in every other byte."""
    sample = data[:2000]
    if len(sample) < 4 or len(sample) % 2:
        return False
    odd = sample[1::2].count(0)
    even = sample[0::2].count(0)
    half = len(sample) // 2
    return max(odd, even) > 0.3 * half and min(odd, even) == 0


def _plausible_chinese(text: str) -> bool:
    """Real GB text is mostly common characters (GB2312); random bytes are not."""
    wide = [ch for ch in text[:5000] if ord(ch) > 0x7F]
    if len(wide) < 20:
        return True  # too little to judge; strict decoding already passed
    common = 0
    for ch in wide:
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common >= 0.5 * len(wide)


def _looks_binary(text: str) -> bool:
    """Control characters other than tab/newline/form feed mark a binary file."""
    sample = text[:8192]
    if not sample:
        return False
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\f\v") or ch == "\ufffd")
    return bad > max(2, len(sample) // 200)
