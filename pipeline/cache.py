"""What a build remembers: content hashes of each output's inputs, so unchanged outputs are skipped.

An output is rebuilt when any of these changed since it was written: the
source's bytes and its corrections (``[articles."FILE"]``, ``-M``), the templates of its kind (workspace overrides and built-ins),
the build options (from the command line and studykit.toml), the glossary
files and slides template in use, or studykit itself (its version and the
hash of its code and data).  Each output file's size and mtime are recorded
too, so an output that was deleted or replaced by hand is rebuilt.

The record is ``<output folder>/.studykit-cache.json``; deleting it (or
``--force``) rebuilds everything.  A build holds ``<output folder>/.studykit.lock``
while it runs, so two builds into the same folder take turns, and a build
that holds the lock knows any ``.*.part`` file there is left over from an
interrupted build and removes it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.options import BuildOptions

CACHE_NAME = ".studykit-cache.json"
LOCK_NAME = ".studykit.lock"
CACHE_VERSION = 1
# Which template folder each kind of job renders from.
TEMPLATE_KIND = {"docx": "handout", "pdf": "booklet", "slides": "slides", "compile": "booklet"}
# Options that only matter to some outputs (so changing the paper does not rebuild slides).
_ONLY_FOR = {"paper": ("pdf", "compile"), "print_sheet": ("pdf", "compile"),
             "creep_mm": ("pdf", "compile"), "crop_marks": ("pdf", "compile"),
             "bold_headings": ("docx",), "output_stem": ("docx", "pdf", "slides"),
             "compile_title": ("compile",), "slides_template": ("slides",)}


def digest_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """studykit's version plus a hash of its code and data (a changed writer rebuilds)."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix not in (".pyc",) and "__pycache__" not in path.parts:
            h.update(path.relative_to(package).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def template_files(kind: str, template_dirs: list[Path]) -> dict[str, Path]:
    """Every template file of a kind, by name, as it resolves (the first folder wins)."""
    from pipeline.templating import search_path

    found: dict[str, Path] = {}
    for folder in search_path(kind, template_dirs):
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder).as_posix()
            if path.is_file() and not path.name.endswith((".py", ".pyc", ".part")) \
                    and "__pycache__" not in rel and rel not in found:
                found[rel] = path
    return found


def templates_digest(kind: str, template_dirs: list[Path]) -> str:
    h = hashlib.sha256()
    for name, path in sorted(template_files(kind, template_dirs).items()):
        h.update(f"{name}\0{file_digest(path)}\0".encode())
    return h.hexdigest()


def options_digest(opts: BuildOptions, fmt: str) -> str:
    """The options an output of ``fmt`` depends on, with the contents of files they name."""
    data: dict[str, Any] = dataclasses.asdict(opts)
    data.pop("template_dirs")  # their contents are hashed by templates_digest
    data.pop("out_dir")  # the cache lives in it
    data.pop("corrections", None)  # per source: in that source's digest (source_key)
    data.pop("timeout", None)  # a limit on making it, not part of the output
    for key, formats in _ONLY_FOR.items():
        if fmt not in formats:
            data.pop(key, None)
    files = [Path(p) for p in opts.aids.glossary_files]
    if fmt == "slides" and opts.slides_template:
        files.append(Path(opts.slides_template))
    data["files"] = {str(p): file_digest(p) for p in files if Path(p).is_file()}
    return digest_bytes(json.dumps(data, sort_keys=True, default=str).encode())


def source_key(content_digest: str, corrections=None) -> str:
    """A source as its outputs depend on it: its bytes and the user's corrections of it
    (so editing one article's correction rebuilds that article only)."""
    if not corrections:
        return content_digest
    return digest_bytes(f"{content_digest}\0{corrections.digest()}".encode())


def job_key(fmt: str, source_digests: list[str], opts: BuildOptions,
            seen: dict[tuple, str] | None = None) -> str:
    """``seen``: template digests already made in this build (a roster's rows share them)."""
    where = (TEMPLATE_KIND[fmt], tuple(str(d) for d in opts.template_dirs))
    templates = seen.get(where) if seen is not None else None
    if templates is None:
        templates = templates_digest(TEMPLATE_KIND[fmt], opts.template_dirs)
        if seen is not None:
            seen[where] = templates
    parts = [code_fingerprint(), fmt, *source_digests, templates, options_digest(opts, fmt)]
    return digest_bytes("\n".join(parts).encode())


# --- the record ---------------------------------------------------------------

def _stamp(path: Path) -> dict[str, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


class BuildCache:
    """``output/.studykit-cache.json``: for each (source, output kind), its key and files."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.path = self.out_dir / CACHE_NAME
        self.entries: dict[str, dict[str, Any]] = {}
        # what each source (by content hash) is called: title, date, publisher (pipeline.names)
        self.titles: dict[str, list[str]] = {}
        self.changed = False
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") == CACHE_VERSION and isinstance(data.get("entries"), dict):
                self.entries = data["entries"]
                if isinstance(data.get("titles"), dict):
                    self.titles = data["titles"]
        except (OSError, ValueError, AttributeError):
            pass  # no cache, or a damaged one: everything is rebuilt

    def _abs(self, rel: str) -> Path:
        return self.out_dir / rel

    def _rel(self, path: Path) -> str:
        try:
            return Path(path).resolve().relative_to(self.out_dir.resolve()).as_posix()
        except ValueError:
            return str(Path(path).resolve())

    def lookup(self, job_id: str, key: str) -> list[Path] | None:
        """The outputs recorded for ``job_id`` if they were made from ``key`` and are intact."""
        entry = self.entries.get(job_id)
        if not entry or entry.get("key") != key:
            return None
        paths: list[Path] = []
        for item in entry.get("outputs", []):
            path = self._abs(item["path"])
            if _stamp(path) != {"size": item.get("size"), "mtime_ns": item.get("mtime_ns")}:
                return None
            paths.append(path)
        return paths or None

    def previous_outputs(self, job_id: str) -> list[Path]:
        entry = self.entries.get(job_id) or {}
        return [self._abs(item["path"]) for item in entry.get("outputs", [])]

    def record(self, job_id: str, key: str, outputs: list[Path]) -> None:
        items = []
        for path in outputs:
            stamp = _stamp(Path(path))
            if stamp is None:
                self.forget(job_id)
                return
            items.append({"path": self._rel(Path(path)), **stamp})
        self.entries[job_id] = {"key": key, "outputs": items}
        self.changed = True

    def forget(self, job_id: str) -> None:
        if self.entries.pop(job_id, None) is not None:
            self.changed = True

    def owned_elsewhere(self, path: Path, job_id: str) -> bool:
        rel = self._rel(path)
        return any(item["path"] == rel for jid, e in self.entries.items() if jid != job_id
                   for item in e.get("outputs", []))

    def save(self) -> None:
        if not self.changed:
            return
        from pipeline.outputs import write_atomic

        data = {"version": CACHE_VERSION, "studykit": __version__, "entries": self.entries,
                "titles": self.titles}
        write_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        self.changed = False


# --- one build at a time per output folder ------------------------------------

@contextlib.contextmanager
def build_lock(out_dir: Path) -> Iterator[bool]:
    """Hold ``out_dir/.studykit.lock`` (waiting for another build); yields whether it is held.

    Where no lock can be taken (a read-only folder, no ``fcntl``) the build
    goes on unlocked: it may still find everything up to date.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield False
        return
    try:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        fd = os.open(Path(out_dir) / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield False
        return
    _held.add(fd)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield True
    finally:
        _held.discard(fd)
        os.close(fd)  # closing the last copy releases the lock


# Lock files open in this process: a worker forked during a build closes its
# copies at once, or the lock would live on in it after the build ends.
_held: set[int] = set()


def close_inherited_locks() -> None:
    for fd in list(_held):
        with contextlib.suppress(OSError):
            os.close(fd)
    _held.clear()


def clean_parts(out_dir: Path, locked: bool) -> list[Path]:
    """Remove ``.*.part`` files left by an interrupted build (any age when we hold the lock)."""
    removed: list[Path] = []
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return removed
    cutoff = time.time() - 3600
    for path in out_dir.rglob(".*.part"):
        try:
            if locked or path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except OSError:
            pass
    return removed
