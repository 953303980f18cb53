"""Where outputs go and how they are written: never half a file."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.errors import OutputError
from pipeline.i18n import _

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_name(title: str, fallback: str = "untitled", limit: int = 60) -> str:
    """A file or folder name from a title, valid on Windows, macOS and Linux."""
    name = _UNSAFE.sub("_", title).strip(" .")
    name = re.sub(r"\s+", " ", name)
    return name[:limit].rstrip(" .") or fallback


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it over ``path`` on success.

    On any error the temporary file is removed, so an interrupted or failed
    build never leaves a half-written output behind.
    """
    path = Path(path)
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
