"""Builds for the web page, kept apart from HTTP.

Every build request works in its own temporary folder (the uploaded sources),
removed when the build ends.  What a build produced is linked into a folder
named by a random token, kept for ``keep_seconds`` after its last use and then
removed; downloads are looked up by name in that build's list, never by joining
a path from the request.  Writer outputs are cached per format, keyed by the
sources' bytes and every option, so a rebuild that only changes the choice of
outputs, or repeats a build, does not lay the booklet out again.

WeasyPrint is not thread-safe (the booklet writer also patches it while it
lays out), and neither is pdfium: PDF builds and previews each take a lock.
Handouts and slides build in parallel in the worker threads.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import signal
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.corrections import Corrections
from pipeline.errors import InputError, StudykitError
from pipeline.i18n import _
from pipeline.limits import DEFAULT_TIMEOUT
from pipeline.options import SHEETS, VARIANTS, AidOptions, BuildOptions
from pipeline.readers import MAX_BYTES
from pipeline.readers.pdf import PDFIUM_LOCK

log = logging.getLogger("studykit.serve")

MAX_FILE_BYTES = MAX_BYTES  # 20 MiB per source, the same limit as the command line
MAX_FILES = 20  # sources per build
MAX_REQUEST_BYTES = 100 * 1024 * 1024  # one request's body, all files together
KEEP_SECONDS = 3600  # a build's downloads are removed an hour after their last use
MAX_KEPT = 100  # builds kept at most; the oldest go first
MAX_CACHED = 48  # writer outputs kept for rebuilds
PREVIEW_PAGES = 4  # the first pages that are not blank
PREVIEW_SCALE = 1.5  # 108 dpi: an A5 page is 630 × 893 pixels

# What the page offers → (writer format, file-name ending, label on the page).
OUTPUTS: dict[str, tuple[str, str, str]] = {
    "handout": ("docx", ".handout.docx", "讲义（Word）"),
    "booklet": ("pdf", ".booklet.pdf", "阅读版（PDF）"),
    "print": ("pdf", ".print.pdf", "印刷版（PDF，拼版）"),
    "outline": ("slides", ".outline.md", "提纲（Markdown）"),
    "slides": ("slides", ".slides.pptx", "幻灯片（PowerPoint）"),
}
AIDS = ("excerpts", "glossary", "questions", "quiz", "notes")
TOKEN = re.compile(r"[0-9a-f]{32}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Busy(StudykitError):
    """Too many builds waiting: the page says so and the user tries again."""


@dataclass(frozen=True)
class Upload:
    name: str  # a bare file name, already cleaned
    data: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def clean_name(raw: str | None, fallback: str = "未命名.txt") -> str:
    """A bare file name from what a browser sent: no folders, no control characters."""
    base = re.split(r"[\\/]", raw or "")[-1]
    base = _CONTROL.sub("", base).strip().lstrip(".").strip()
    if not base:
        return fallback
    if len(base) > 120:
        stem, dot, suffix = base.rpartition(".")
        base = (stem[:100] + dot + suffix[:16]) if dot and len(suffix) <= 16 else base[:120]
    return base


def check_upload(upload: Upload) -> None:
    """The size checks ``read_bytes`` makes on the command line, with the same words."""
    size = len(upload.data)
    if size > MAX_FILE_BYTES:
        raise InputError(_("{name}: file too large ({size} MiB; the limit is {MAX_FILE_BYTES} "
                           "MiB)").format(
                             name=upload.name, size=size // (1024 * 1024), MAX_FILE_BYTES=MAX_FILE_BYTES // (1024 * 1024)))
    if not upload.data.strip():
        raise InputError(_("{name}: file is empty (nothing to read: check that it was saved whole)").format(name=upload.name))


def parse_upload(upload: Upload, corrections: Corrections | None = None):
    """Bytes → the corrected, reviewed Document, as ``studykit check`` reads a file."""
    from pipeline.loading import is_model, load_bytes
    from pipeline.readers import format_for

    if not is_model(upload.name):
        format_for(upload.name)  # the type check: an unknown extension stops here
    check_upload(upload)
    return load_bytes(upload.data, upload.name, corrections=corrections)


def check_report(upload: Upload, corrections: Corrections | None = None) -> dict:
    """What the page shows after an upload or a correction: the ``check`` tree, the
    metadata to edit (and as parsed), the warnings by field, the outline, the lines."""
    from pipeline.model import section_name
    from pipeline.report import render_check
    from pipeline.serve.review import review_view

    doc = parse_upload(upload, corrections)
    return {
        "name": upload.name,
        "title": doc.meta.title,
        "read_as": doc.read_as,
        "encoding": doc.encoding,
        "format": doc.source_format,
        "headings": [section_name(s) for s in doc.sections],
        "warnings": len(doc.warnings),
        "discarded": len(doc.discarded),
        "report": render_check(doc),
        **review_view(doc, corrections),
    }


@dataclass(frozen=True)
class BuildSpec:
    """The choices on the page, validated."""

    outputs: tuple[str, ...] = tuple(OUTPUTS)
    variant: str = "official"
    org: str = ""
    session_date: str | None = None
    aids: tuple[str, ...] = AIDS
    compile_: bool = False
    title: str = ""
    paper: str = "A5"
    print_sheet: str = "auto"

    def __post_init__(self) -> None:
        if not self.outputs:
            raise InputError(_("choose at least one output (讲义, 阅读版, 印刷版, 提纲 or 幻灯片)"))
        for name in self.outputs:
            if name not in OUTPUTS:
                raise InputError(_("unknown output '{name}' (choose from {value})").format(
                                     name=name, value=', '.join(OUTPUTS)))
        if self.variant not in VARIANTS:
            raise InputError(_("unknown style '{variant}' (choose from {value})").format(
                                 variant=self.variant, value=', '.join(VARIANTS)))
        if self.paper not in ("A5", "B5", "A4"):
            raise InputError(_("unknown paper size '{paper}' (choose from A5, B5, A4)").format(
                                 paper=self.paper))
        if self.print_sheet not in SHEETS:
            raise InputError(_("unknown print sheet '{print_sheet}' (choose from {value})").format(
                                 print_sheet=self.print_sheet, value=', '.join(SHEETS)))
        for aid in self.aids:
            if aid not in AIDS:
                raise InputError(_("unknown study aid '{aid}' (choose from {value})").format(
                                     aid=aid, value=', '.join(AIDS)))
        if len(self.org) > 100 or len(self.title) > 100:
            raise InputError(_("organisation name and title are limited to 100 characters"))
        if self.session_date:
            import datetime

            try:
                datetime.date.fromisoformat(self.session_date)
            except ValueError as exc:
                raise InputError(_("'{session_date}' is not a date like 2026-12-01").format(
                                     session_date=self.session_date)) from exc

    def options(self, out_dir: Path, template_dirs: list[Path]) -> BuildOptions:
        if self.variant == "plain":
            aids = AidOptions.none()
        else:
            aids = AidOptions(**{a: a in self.aids for a in AIDS})
        return BuildOptions(out_dir=out_dir, org=self.org, session_date=self.session_date or None,
                            variant=self.variant, aids=aids, template_dirs=list(template_dirs),
                            compile_title=self.title, paper=self.paper,
                            print_sheet=self.print_sheet)

    def warnings(self) -> list[str]:
        """What the print PDF's sheet means for the pages (scaling), when one is made."""
        if not {"pdf", "compile"} & set(self.jobs()):
            return []
        from pipeline.writers.booklet import print_warnings

        return print_warnings(self.options(Path("."), []))

    def jobs(self) -> list[str]:
        """Writer runs, in order: "docx", "pdf", "slides", or "compile" (one 学习汇编)."""
        formats = {OUTPUTS[o][0] for o in self.outputs}
        jobs = [f for f in ("docx", "pdf", "slides") if f in formats]
        if self.compile_ and "pdf" in jobs:
            jobs[jobs.index("pdf")] = "compile"
        return jobs


@dataclass
class OutFile:
    name: str  # download name, unique within the build
    kind: str  # a key of OUTPUTS, or "" for a file the page does not know
    path: Path

    @property
    def label(self) -> str:
        return OUTPUTS[self.kind][2] if self.kind else "其他文件"


@dataclass
class Build:
    token: str
    folder: Path
    files: list[OutFile]
    previews: list[Path]
    seconds: float
    cached: bool
    last_used: float = field(default_factory=time.monotonic)
    zip_path: Path | None = None
    warnings: list[str] = field(default_factory=list)  # shown on the page
    owner: str = ""  # the session that built it

    def file(self, name: str) -> OutFile | None:
        return next((f for f in self.files if f.name == name), None)


@dataclass
class _Entry:
    """Outputs of one writer run, kept for rebuilds."""

    folder: Path
    paths: list[Path]
    previews: list[Path]
    last_used: float = field(default_factory=time.monotonic)
    users: int = 0


def kind_of(path: Path) -> str:
    return next((k for k, (_f, end, _l) in OUTPUTS.items() if path.name.endswith(end)), "")


def fingerprint(dirs: list[Path]) -> str:
    """Template folders as of now: a changed template must not hit the cache."""
    h = hashlib.sha256()
    for d in dirs:
        h.update(str(d).encode())
        for p in sorted(Path(d).rglob("*")) if Path(d).is_dir() else []:
            with contextlib.suppress(OSError):
                st = p.stat()
                h.update(f"{p}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


def release_memory() -> None:
    """Give freed memory back to the system after a build (glibc keeps it otherwise)."""
    gc.collect()
    name = ctypes.util.find_library("c")
    if name:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(name).malloc_trim(0)


ROOT_PREFIX = "studykit-serve-"
_OWNER = "owner"  # in a server's temporary folder: "<pid> <process start time>"


def _process_stamp(pid: int) -> str:
    """"<pid> <start time>": a pid alone may be reused by another process after a crash."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            start = fh.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        start = "?"
    return f"{pid} {start}"


def _stamp_alive(stamp: str) -> bool:
    try:
        pid = int(stamp.split()[0])
    except (ValueError, IndexError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: leave its folder alone
    return _process_stamp(pid) == stamp.strip() or stamp.strip().endswith("?")


def remove_stale_roots(parent: Path | None = None) -> list[Path]:
    """Temporary folders of servers that died without cleaning up (``kill -9``, a crash).

    Only folders this user owns, named like ours, whose owner file names a
    process that no longer runs; returns the folders removed.
    """
    parent = Path(parent or tempfile.gettempdir())
    removed = []
    for folder in parent.glob(ROOT_PREFIX + "*"):
        try:
            if folder.is_symlink() or not folder.is_dir() or folder.stat().st_uid != os.getuid():
                continue
            stamp = (folder / _OWNER).read_text()
        except OSError:
            continue
        if not _stamp_alive(stamp):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


class Builder:
    """Runs builds (in the caller's thread: the app calls it from its pool) and keeps outputs.

    With ``isolate`` (the server's setting), each writer runs in a worker
    process under the build's time and memory limits (``pipeline.limits``):
    a hostile upload or a runaway template ends that output with an error
    while other builds go on; the workers keep the libraries loaded.
    """

    def __init__(self, root: Path | None = None, template_dirs: list[Path] | None = None,
                 keep_seconds: float = KEEP_SECONDS, max_kept: int = MAX_KEPT,
                 max_cached: int = MAX_CACHED, timeout: float = DEFAULT_TIMEOUT,
                 workers: int = 0):
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix=ROOT_PREFIX))
        self.template_dirs = [Path(d) for d in (template_dirs or [])]
        self.keep_seconds = keep_seconds
        self.max_kept = max_kept
        self.max_cached = max_cached
        self.timeout = timeout
        self.workers = workers  # worker processes; 0: build in the calling thread
        self._pool = None
        for sub in ("requests", "builds", "cache"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        (self.root / _OWNER).write_text(_process_stamp(os.getpid()))
        self._builds: dict[str, Build] = {}
        self._cache: dict[str, _Entry] = {}
        self._key_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self._pdf_lock = threading.Lock()  # WeasyPrint and pdfium: one at a time
        self._active: dict[int, Path] = {}  # a build's cancel event → its request folder

    # --- building ---------------------------------------------------------

    def build(self, uploads: list[Upload], spec: BuildSpec,
              corrections: list[Corrections | None] | None = None,
              stage: Callable[[str], None] | None = None, owner: str = "",
              cancel: threading.Event | None = None) -> Build:
        """Build ``uploads`` as ``spec`` asks, each with its corrections (same order);
        raises StudykitError with the CLI's message.

        ``stage`` is told each stage as it begins ("parse", then each of ``spec.jobs()``)
        and may raise to stop the build there (a cancel); ``owner``: the session whose
        build it is (only it may download the files); ``cancel``: set with ``interrupt``
        to stop the writer running now too."""
        stage = stage or (lambda _name: None)
        stage("parse")
        if not uploads:
            raise InputError(_("no source: paste some text or add a file first"))
        if len(uploads) > MAX_FILES:
            raise InputError(_("too many files ({value}; the limit is {MAX_FILES})").format(
                                 value=len(uploads), MAX_FILES=MAX_FILES))
        fixes = list(corrections or [])
        fixes += [None] * (len(uploads) - len(fixes))
        if len(fixes) != len(uploads):
            raise InputError(_("corrections: one entry per file is expected"))
        for up in uploads:
            from pipeline.loading import is_model
            from pipeline.readers import format_for

            if not is_model(up.name):
                format_for(up.name)
            check_upload(up)
        start = time.perf_counter()
        templates = fingerprint(self.template_dirs)
        sources = [[u.name, u.digest, c.digest() if c else ""] for u, c in zip(uploads, fixes, strict=True)]
        produced: list[Path] = []
        previews: list[Path] = []
        all_cached = True
        entries: list[_Entry] = []
        request_dir = Path(tempfile.mkdtemp(prefix="req-", dir=self.root / "requests"))
        if cancel is not None:
            with self._lock:
                self._active[id(cancel)] = request_dir
        try:
            paths: list[Path] = []
            for job in spec.jobs():
                stage(job)
                key = self._key(job, sources, spec, templates)
                entry, cached = self._entry(key, job, uploads, spec, request_dir, paths, fixes)
                entries.append(entry)
                all_cached &= cached
                produced.extend(entry.paths)
                previews.extend(entry.previews)
            wanted = [p for p in produced if kind_of(p) in spec.outputs or not kind_of(p)]
            build = self._keep(wanted, previews, time.perf_counter() - start, all_cached, owner)
            build.warnings = spec.warnings()
            return build
        finally:
            with self._lock:
                for entry in entries:
                    entry.users -= 1
                if cancel is not None:
                    self._active.pop(id(cancel), None)
            shutil.rmtree(request_dir, ignore_errors=True)

    def interrupt(self, cancel: threading.Event) -> int:
        """Stop the writers now running for the build given ``cancel``: each worker
        process marked busy with it is signalled, and its job ends with an error (the
        worker lives on for other builds).  Returns how many were signalled."""
        with self._lock:
            request_dir = self._active.get(id(cancel))
        if request_dir is None:
            return 0
        marks = request_dir / _MARKS
        with contextlib.suppress(OSError):  # a job not yet started stops as it starts
            marks.mkdir(exist_ok=True)
            (marks / "stop").touch()
        count = 0
        for marker in marks.glob("*"):
            with contextlib.suppress(ValueError, OSError):
                os.kill(int(marker.name), _STOP)
                count += 1
        return count

    def _key(self, job: str, sources: list, spec: BuildSpec, templates: str) -> str:
        settings = {"job": job, "variant": spec.variant, "org": spec.org,
                    "date": spec.session_date, "aids": sorted(spec.aids),
                    "paper": [spec.paper, spec.print_sheet] if job in ("pdf", "compile") else [],
                    "title": spec.title if job == "compile" else "", "templates": templates}
        blob = json.dumps([sources, settings], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:32]

    def _entry(self, key: str, job: str, uploads: list[Upload], spec: BuildSpec,
               request_dir: Path, paths: list[Path],
               fixes: list[Corrections | None]) -> tuple[_Entry, bool]:
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                entry = self._cache.get(key)
                if entry and all(p.is_file() for p in entry.paths):
                    entry.users += 1
                    entry.last_used = time.monotonic()
                    return entry, True
            if not paths:
                paths.extend(self._save(uploads, request_dir))
            folder = self.root / "cache" / key
            shutil.rmtree(folder, ignore_errors=True)
            try:
                written, previews = self._run(job, paths, spec, folder, fixes)
            except StudykitError as err:
                shutil.rmtree(folder, ignore_errors=True)
                err.args = (self._scrub(str(err), paths, uploads),)
                raise
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            entry = _Entry(folder=folder, paths=written, previews=previews, users=1)
            with self._lock:
                self._cache[key] = entry
            return entry, False

    def _save(self, uploads: list[Upload], request_dir: Path) -> list[Path]:
        """Each source in its own numbered folder, under its own (cleaned) name."""
        paths = []
        for i, up in enumerate(uploads):
            folder = request_dir / f"{i:02d}"
            folder.mkdir()
            path = folder / clean_name(up.name)
            if path.parent != folder:  # cannot happen after clean_name; never write elsewhere
                raise InputError(_("{name}: not a valid file name").format(name=up.name))
            path.write_bytes(up.data)
            paths.append(path)
        return paths

    def _run(self, job: str, paths: list[Path], spec: BuildSpec, folder: Path,
             fixes: list[Corrections | None]) -> tuple[list[Path], list[Path]]:
        opts = spec.options(folder, self.template_dirs)
        opts.timeout = self.timeout
        sources = [str(p) for p in paths]
        opts.corrections = {s: c for s, c in zip(sources, fixes, strict=True) if c}
        executor = self._executor()
        if executor is not None:
            marks = paths[0].parent.parent / _MARKS
            marks.mkdir(exist_ok=True)
            executor = _Marked(executor, marks)
        if job in ("pdf", "compile"):
            # In-process, WeasyPrint and pdfium are not thread-safe; in workers the lock
            # still keeps one booklet at a time, so a booklet does not starve the others.
            with self._pdf_lock:
                if job == "compile":
                    written = run_build(sources, [], opts, compile_=True, executor=executor)
                else:
                    written = run_build(sources, ["pdf"], opts, executor=executor)
                reading = [p for p in written if p.name.endswith(".booklet.pdf")]
                previews = render_previews(reading[0], folder / "_preview") if reading else []
            return written, previews
        return run_build(sources, [job], opts, executor=executor), []

    def _executor(self):
        """The worker processes (started on first use, again after one died), or None."""
        if not self.workers:
            return None
        from pipeline.build import make_pool

        with self._lock:
            if self._pool is None or getattr(self._pool, "_broken", False):
                if self._pool is not None:
                    self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = make_pool(self.workers, ("docx", "pdf", "slides"))
            return self._pool

    def _scrub(self, message: str, paths: list[Path], uploads: list[Upload]) -> str:
        """Error messages name the user's file, not our temporary folders."""
        for path, up in zip(paths, uploads, strict=False):
            message = message.replace(str(path), up.name)
        return message.replace(str(self.root) + os.sep, "")

    def _keep(self, paths: list[Path], previews: list[Path], seconds: float,
              cached: bool, owner: str = "") -> Build:
        token = secrets.token_hex(16)
        folder = self.root / "builds" / token
        folder.mkdir()
        files: list[OutFile] = []
        used: set[str] = set()
        for path in paths:
            name = path.name
            n = 2
            while name in used:  # two sources with one title: keep both
                name = f"{n}-{path.name}"
                n += 1
            used.add(name)
            files.append(OutFile(name=name, kind=kind_of(path), path=_link(path, folder / name)))
        kept_previews = []
        for i, png in enumerate(previews, 1):
            kept_previews.append(_link(png, folder / f"_preview-{i}.png"))
        build = Build(token=token, folder=folder, files=files, previews=kept_previews,
                      seconds=seconds, cached=cached, owner=owner)
        with self._lock:
            self._builds[token] = build
        self.sweep()
        return build

    # --- downloads --------------------------------------------------------

    def get(self, token: str, owner: str | None = None) -> Build | None:
        """The build of that token (``owner`` given: only if it is that session's)."""
        if not TOKEN.fullmatch(token or ""):
            return None
        with self._lock:
            build = self._builds.get(token)
            if build and owner is not None and build.owner != owner:
                return None
            if build:
                build.last_used = time.monotonic()
            return build

    def file(self, token: str, name: str, owner: str | None = None) -> OutFile | None:
        """A build's file by its name in the list; anything else (``../``, ``/etc``) is None."""
        build = self.get(token, owner)
        found = build.file(name) if build else None
        if found is None or not found.path.is_file():
            return None
        if found.path.resolve().parent != build.folder.resolve():  # belt and braces
            return None
        return found

    def preview(self, token: str, number: int, owner: str | None = None) -> Path | None:
        build = self.get(token, owner)
        if build and 1 <= number <= len(build.previews):
            return build.previews[number - 1]
        return None

    def zip(self, token: str, owner: str | None = None) -> Path | None:
        """All of a build's files in one .zip, made on first request."""
        build = self.get(token, owner)
        if build is None:
            return None
        with self._lock:
            if build.zip_path and build.zip_path.is_file():
                return build.zip_path
        target = build.folder / "_all.zip"
        tmp = build.folder / f"_all.{secrets.token_hex(4)}.part"
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in build.files:
                zf.write(f.path, arcname=f.name)
        os.replace(tmp, target)
        with self._lock:
            build.zip_path = target
        return target

    # --- housekeeping -----------------------------------------------------

    def sweep(self, now: float | None = None) -> None:
        """Remove builds unused for ``keep_seconds`` (and the oldest over ``max_kept``)."""
        now = time.monotonic() if now is None else now
        doomed: list[Path] = []
        with self._lock:
            by_age = sorted(self._builds.values(), key=lambda b: b.last_used)
            excess = len(by_age) - self.max_kept
            for i, build in enumerate(by_age):
                if i < excess or now - build.last_used > self.keep_seconds:
                    del self._builds[build.token]
                    doomed.append(build.folder)
            entries = sorted(self._cache.items(), key=lambda kv: kv[1].last_used)
            excess = len(entries) - self.max_cached
            for i, (key, entry) in enumerate(entries):
                if entry.users:
                    continue
                if i < excess or now - entry.last_used > self.keep_seconds:
                    del self._cache[key]
                    lock = self._key_locks.get(key)
                    if lock is not None and not lock.locked():
                        del self._key_locks[key]
                    doomed.append(entry.folder)
        for folder in doomed:
            shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        with self._lock:
            self._builds.clear()
            self._cache.clear()
            pool, self._pool = self._pool, None
        if pool is not None:
            from pipeline.build import stop_pool

            stop_pool(pool)
        shutil.rmtree(self.root, ignore_errors=True)

    def warm_up(self) -> float:
        """Import the writers and build a tiny document once, so the first real build is quick."""
        start = time.perf_counter()
        sample = Upload("预热.txt", "预热示例\n\n一、第一部分\n\n这是一段用于预热的正文。\n".encode())
        try:
            build = self.build([sample], BuildSpec(variant="plain"))
        except StudykitError as err:  # e.g. no Chinese font: the first real build will say so
            log.warning("warm-up build failed: %s", err)
        else:
            with self._lock:
                self._builds.pop(build.token, None)
            shutil.rmtree(build.folder, ignore_errors=True)
        return time.perf_counter() - start


_MARKS = "_workers"  # in a request's folder: one empty file per worker busy with it, by pid
_STOP = signal.SIGUSR1


class Interrupted(Exception):
    """Raised in a worker process when the page cancels the build it works on."""


def _interrupted(signum, frame) -> None:  # noqa: ARG001
    raise Interrupted(_("the build was cancelled"))


def _marked(marks: str, fn, *args):
    """Run ``fn`` in a worker, marked busy with one request (so a cancel can reach it).

    The signal's handler is set before the mark exists and put back to "ignore" before
    it is removed: a late signal never ends the worker."""
    previous = signal.signal(_STOP, _interrupted)
    mark = Path(marks) / str(os.getpid())
    try:
        mark.touch()
        if (mark.parent / "stop").exists():
            raise Interrupted(_("the build was cancelled"))
        return fn(*args)
    finally:
        signal.signal(_STOP, signal.SIG_IGN)
        with contextlib.suppress(OSError):
            mark.unlink()
        del previous


class _Marked:
    """An executor whose jobs mark their worker busy with one request (see ``_marked``)."""

    def __init__(self, pool, marks: Path) -> None:
        self.pool, self.marks = pool, str(marks)

    def submit(self, fn, *args, **kwargs):
        if kwargs:
            raise TypeError("keyword arguments are not passed to worker jobs")
        return self.pool.submit(_marked, self.marks, fn, *args)


_PDFIUM = PDFIUM_LOCK  # shared with the PDF reader: pdfium is not thread-safe


def render_previews(pdf: Path, folder: Path, pages: int = PREVIEW_PAGES) -> list[Path]:
    """The first non-blank pages of a PDF as PNG images (pdfium, one thread at a time).

    Blank pages (the back of the cover, a verso left empty before a chapter)
    are skipped: a preview of them says nothing.
    """
    import pypdfium2 as pdfium
    from PIL import ImageOps

    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    with _PDFIUM:
        document = pdfium.PdfDocument(str(pdf))
        try:
            for i in range(min(len(document), 3 * pages)):
                if len(out) == pages:
                    break
                page = document[i]
                try:
                    image = page.render(scale=PREVIEW_SCALE).to_pil().convert("RGB")
                finally:
                    page.close()
                if ImageOps.invert(image.convert("L")).getbbox() is None:
                    continue  # an empty page
                target = folder / f"{len(out) + 1}.png"
                image.save(target)
                out.append(target)
        finally:
            document.close()
    return out


def run_build(sources: list[str], formats: list[str], opts: BuildOptions,
              compile_: bool = False, executor=None) -> list[Path]:
    """``pipeline.build.run_build`` on ``executor`` (worker processes), or in this thread."""
    from pipeline.build import run_build as build

    if executor is not None:
        return build(sources, formats, opts, compile_, executor=executor)
    return build(sources, formats, opts, compile_, jobs=1)


def _link(src: Path, dest: Path) -> Path:
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)
    return dest

