"""Where outputs go and how they are written: never half a file."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.errors import OutputError
from pipeline.i18n import _

# Path separators and what Windows forbids in names.
_UNSAFE = re.compile(r'[\\/:*?"<>|]')
# Names Windows reserves for devices, with or without an extension ("CON.txt" too).
_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                       *(f"COM{c}" for c in "123456789¹²³"),
                       *(f"LPT{c}" for c in "123456789¹²³")})
# Bytes a name stem may take: with the longest ending (".handout.docx") a file name
# stays within 150 bytes, far from the 255 every file system allows.
NAME_BYTES = 137
_LONGEST_ENDING = len(".handout.docx")


def safe_name(title: str, fallback: str = "untitled", limit: int = NAME_BYTES) -> str:
    """A file or folder name from a title, valid on Windows, macOS and Linux.

    Separators and characters Windows forbids become "_"; control, format
    (bidi overrides such as U+202E, zero-width) and line-separator characters
    are dropped; runs of spaces become one; leading and trailing dots and
    spaces go (no hidden names, no "..", nothing Windows would strip); a
    reserved device name (CON, NUL, COM1, …) gets "_"; a name longer than
    ``limit`` bytes of UTF-8 is cut and ends with a short hash of the whole,
    so that two long titles still differ.  An empty result gives ``fallback``,
    made safe the same way.
    """
    name = "".join(_safe_char(ch) for ch in title)
    name = re.sub(r"\s+", " ", name).strip(" .")
    if name.split(".")[0].rstrip(" ").upper() in _RESERVED:
        name = name.replace(".", "_.", 1) if "." in name else name + "_"
    if len(name.encode()) > limit:
        tag = "~" + hashlib.sha256(name.encode()).hexdigest()[:6]
        name = _cut(name, limit - len(tag)).rstrip(" .") + tag
    if name:
        return name
    return safe_name(fallback, "untitled", limit) if fallback != title else "untitled"


def _safe_char(ch: str) -> str:
    if _UNSAFE.match(ch):
        return "_"
    if ch in "\t\n\r\f\v\u2028\u2029\x85":
        return " "
    if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        return ""
    return ch


def _cut(text: str, limit: int) -> str:
    """The longest start of ``text`` within ``limit`` bytes of UTF-8, of whole characters
    (a letter is not parted from its combining accents)."""
    cut, size = 0, 0
    for ch in text:
        size += len(ch.encode())
        if size > limit:
            break
        cut += 1
    while 0 < cut < len(text) and unicodedata.combining(text[cut]):
        cut -= 1
    return text[:cut]


def check_output_file(path: Path) -> Path:
    """``-o FILE`` of parse, check and templates show: a regular file in an existing folder.

    As pandoc does, a missing folder is an error rather than created; and an
    existing link, device, FIFO or folder at ``path`` is never replaced.
    """
    path = Path(path)
    parent = path.parent
    if not parent.is_dir():
        raise OutputError(_("cannot write {path}: no such folder: {folder}").format(
            path=path, folder=parent))
    refuse_special(path)
    return path


def refuse_special(path: Path) -> None:
    """An OutputError if something other than a regular file exists at ``path``."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(_("cannot write {path}: {reason}").format(
            path=path, reason=_reason(exc))) from exc
    if stat.S_ISREG(mode):
        return
    kind = (_("a symbolic link") if stat.S_ISLNK(mode) else _("a folder") if stat.S_ISDIR(mode)
            else _("a FIFO") if stat.S_ISFIFO(mode) else _("a socket") if stat.S_ISSOCK(mode)
            else _("a device"))
    raise OutputError(_("not writing {path}: it is {kind}, not a regular file (name another "
                        "file, or - for standard output)").format(path=path, kind=kind))


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it over ``path`` on success.

    On any error the temporary file is removed, so an interrupted or failed
    build never leaves a half-written output behind.
    """
    path = Path(path)
    refuse_special(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OutputError(_("cannot write to {folder}: {reason}").format(
            folder=path.parent, reason=_reason(exc))) from exc
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp creates 0600 files; outputs are ordinary files for the user's umask
        os.chmod(tmp_path, 0o666 & ~_UMASK)
        os.replace(tmp_path, path)
    except OSError as exc:
        tmp_path.unlink(missing_ok=True)
        raise OutputError(_("cannot write {path}: {reason}").format(
            path=path, reason=_reason(exc))) from exc
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes | str | Callable[[Path], None]) -> Path:
    """Write bytes, text (UTF-8) or whatever ``data(tmp_path)`` writes, atomically."""
    with atomic_path(path) as tmp:
        if callable(data):
            data(tmp)
        elif isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
    return Path(path)


def _umask() -> int:
    """Read once at import: os.umask() can only be read by setting it, which threads race on."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on device"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied"
    return exc.strerror or str(exc)
