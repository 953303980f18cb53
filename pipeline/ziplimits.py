"""Zip containers (.docx sources, .docx and .pptx templates) opened within limits.

A small .docx may unpack to gigabytes (a "zip bomb"), and a zip's directory
may lie about the sizes.  ``check_zip`` looks at the directory first (cheap
refusals), then decompresses every member in small steps, counting what
really comes out, and stops as soon as the total or a member's compression
ratio goes over the limit.  The caller then opens the *same bytes* with its
library (python-docx, python-pptx), which can no longer unpack more than was
counted.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from pipeline.errors import StudykitError
from pipeline.i18n import _

MAX_UNPACKED = 100 * 1024 * 1024  # all members together, decompressed
# The XML parts together: python-docx and python-pptx parse every one into a tree of
# about 15 times its size (32 MiB of markup: ~0.6 GB, 20 s).  A 300-page report has 5–15 MiB.
MAX_XML = 32 * 1024 * 1024
MAX_RATIO = 200  # decompressed / compressed size of one member (XML gives ~5–20)
MAX_MEMBERS = 10_000
_RATIO_FROM = 1024 * 1024  # small members may compress better (runs of spaces)
_CHUNK = 256 * 1024


class ZipLimitError(ValueError):
    """What is wrong with the archive, in words; the caller adds the file name.

    ``wrong_kind``: a readable zip, but none of the members asked for is in it.
    """

    def __init__(self, message: str, wrong_kind: bool = False) -> None:
        super().__init__(message)
        self.wrong_kind = wrong_kind


def check_zip(data: bytes, *, max_unpacked: int | None = None, max_ratio: float | None = None,
              max_xml: int | None = None, required: tuple[str, ...] = ()) -> None:
    """Raise ``ZipLimitError`` unless ``data`` is a readable zip within the limits.

    ``required``: member names of which at least one must be present.
    """
    max_unpacked = MAX_UNPACKED if max_unpacked is None else max_unpacked
    max_ratio = MAX_RATIO if max_ratio is None else max_ratio
    max_xml = MAX_XML if max_xml is None else max_xml
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as exc:
        raise ZipLimitError(_("damaged or truncated zip archive")) from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ZipLimitError(_("more than {count} files in the archive").format(
                count=f"{MAX_MEMBERS:,}"))
        names = {i.filename for i in infos}
        if required and not names.intersection(required):
            raise ZipLimitError(_("a zip archive, but not of the expected kind"), wrong_kind=True)
        if sum(i.file_size for i in infos) > max_unpacked:
            raise ZipLimitError(_too_big(max_unpacked))
        if sum(i.file_size for i in infos if _is_xml(i)) > max_xml:
            raise ZipLimitError(_too_big(max_xml, xml=True))
        total = xml = 0
        for info in infos:
            if info.is_dir():
                continue
            size = _count_member(zf, info, total, max_unpacked, max_ratio)
            total += size
            if _is_xml(info):
                xml += size
                if xml > max_xml:
                    raise ZipLimitError(_too_big(max_xml, xml=True))


def _is_xml(info: zipfile.ZipInfo) -> bool:
    return info.filename.lower().endswith((".xml", ".rels"))


def _count_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, total: int, max_unpacked: int,
                  max_ratio: float) -> int:
    size = 0
    try:
        with zf.open(info) as member:
            while chunk := member.read(_CHUNK):
                size += len(chunk)
                if total + size > max_unpacked:
                    raise ZipLimitError(_too_big(max_unpacked))
                if size > _RATIO_FROM and size > max_ratio * max(info.compress_size, 1):
                    raise ZipLimitError(_("{part} unpacks to more than {ratio} times its packed "
                                          "size (a zip bomb?)").format(
                                              part=info.filename, ratio=f"{max_ratio:g}"))
    except ZipLimitError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise ZipLimitError(_("damaged archive: {part} cannot be unpacked").format(
            part=info.filename)) from exc
    except NotImplementedError as exc:
        raise ZipLimitError(_("{part} is packed in a way that cannot be read (encrypted, or an "
                              "unusual compression)").format(part=info.filename)) from exc
    except RuntimeError as exc:  # encrypted members
        raise ZipLimitError(_("{part} is encrypted").format(part=info.filename)) from exc
    return size


def _too_big(limit: int, xml: bool = False) -> str:
    if xml:
        return _("unpacks to more than {size} MiB of XML").format(size=limit // (1024 * 1024))
    return _("unpacks to more than {size} MiB").format(size=limit // (1024 * 1024))



def read_checked(path, error: type[StudykitError], message: str, shown: str = "",
                 **limits) -> bytes:
    """A container file's bytes, checked; a failure is ``error(message.format(path=shown,
    reason=why))``: ``message`` is translated, e.g. "{path}: not a readable Word document
    ({error})" (the reason is given as ``reason``, ``error`` and ``exc``)."""
    shown = shown or str(path)
    limit = limits.get("max_unpacked") or MAX_UNPACKED
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise error(_("{path}: cannot read ({reason})").format(
            path=shown, reason=exc.strerror or exc)) from exc
    if len(data) > limit:
        why = _("larger than {size} MiB").format(size=limit // (1024 * 1024))
        raise error(message.format(path=shown, reason=why, error=why, exc=why))
    try:
        check_zip(data, **limits)
    except ZipLimitError as exc:
        raise error(message.format(path=shown, reason=exc, error=exc, exc=exc)) from exc
    return data
