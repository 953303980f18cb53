"""`studykit watch`: build, then rebuild what changed whenever an input is saved.

The heavy libraries are imported once, in this process, before the worker
processes are forked, so every worker starts with them loaded and keeps
them (and WeasyPrint's font caches) between rebuilds.  A rebuild is an
ordinary build (``pipeline.build.build_all``) on that warm pool: outputs
whose inputs did not change are skipped by their content hashes, so saving a
file without changing it, or touching it, costs almost nothing.  The usual
rebuild, one edited source, goes to a warm ``PdfWorker`` for its booklet
while this process (warm too) writes its handout and slides.

File events come from ``watchdog`` when it is installed, else from polling
modification times every ``interval`` seconds.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.errors import StudykitError
from pipeline.i18n import _

Report = Callable[[str, Any], None]
# Editors' temporary files and our own unfinished outputs are not changes.
_IGNORED_SUFFIXES = (".part", ".swp", ".swx", ".tmp", "~")


def _relevant(path: str) -> bool:
    name = os.path.basename(path)
    return not (name.startswith((".", "~$", "#")) or name.endswith(_IGNORED_SUFFIXES))


class Watcher:
    """Holds the warm pool; ``rebuild()`` is what each saved file triggers."""

    def __init__(self, make_request: Callable[[], Any], jobs: int | None = None,
                 interval: float = 0.5, report: Report | None = None,
                 debounce: float = 0.15) -> None:
        self.make_request = make_request  # re-read each time: studykit.toml may have changed
        self.jobs = jobs
        self.interval = interval
        self.debounce = debounce
        self.report = report or (lambda kind, payload: None)
        self.pool = None
        self.pdf_worker = None
        self.changed = threading.Event()
        self._observer = None
        self._watched: list[Path] = []

    # --- the rebuild -----------------------------------------------------------------

    def start(self) -> None:
        """Import the heavy libraries here, then fork the workers (which inherit them)."""
        import gc

        from pipeline.build import PdfWorker, make_pool, pdf_worker_pays, warm

        warm()
        gc.freeze()  # the libraries stay loaded: the collector need not walk them again
        if self.jobs == 1:  # booklets are laid out here
            from pipeline.writers.booklet.typeset import keep_fonts_loaded

            keep_fonts_loaded()
        else:
            if pdf_worker_pays():
                self.pdf_worker = PdfWorker()
            self.pool = make_pool(self.jobs or os.cpu_count() or 1)

    def rebuild(self, force: bool = False):
        """One build of the current request on the warm pool; returns (BuildResult, seconds)."""
        from pipeline.build import build_all

        start = time.perf_counter()
        req = self.make_request()
        self._watched = list(req.watch_paths)
        result = build_all(req.sources, req.formats, req.opts, req.compile_, force=force,
                           jobs=self.jobs, executor=self.pool, pdf_worker=self.pdf_worker)
        return result, time.perf_counter() - start

    def close(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=2)
            self._observer = None
        if self.pdf_worker is not None:
            self.pdf_worker.close()
            self.pdf_worker = None
        if self.jobs == 1:
            from pipeline.writers.booklet.typeset import keep_fonts_loaded

            keep_fonts_loaded(False)
        if self.pool is not None:
            from pipeline.build import stop_pool

            stop_pool(self.pool)
            self.pool = None

    # --- the loop --------------------------------------------------------------------

    def _safe_rebuild(self) -> None:
        try:
            self.report("result", self.rebuild())
        except StudykitError as err:  # e.g. a broken studykit.toml: say so, keep watching
            self.report("error", str(err))

    def run(self) -> None:
        """Build once, then wait for changes until Ctrl-C."""
        self.start()
        try:
            self._safe_rebuild()
            self._watch()
            self.report("info", _("watching for changes (Ctrl-C to stop)"))
            while True:
                if self._observer is not None:
                    if not self.changed.wait(timeout=1.0):
                        continue
                else:
                    time.sleep(self.interval)
                    if not self._poll_changed():
                        continue
                time.sleep(self.debounce)  # an editor's save is often several events
                self.changed.clear()
                self._safe_rebuild()
                self._rewatch()
        except KeyboardInterrupt:
            self.report("info", _("stopped watching"))
        finally:
            self.close()

    def _folders(self) -> list[tuple[Path, bool]]:
        """(folder, recursive): watched folders whole, a watched file's folder alone."""
        folders: dict[Path, bool] = {}
        for p in self._watched:
            p = Path(p)
            folder = p if p.is_dir() else p.parent
            if folder.is_dir():
                folder = folder.resolve()
                folders[folder] = folders.get(folder, False) or p.is_dir()
        return sorted(folders.items())

    def _interesting(self, path: str) -> bool:
        if not _relevant(path):
            return False
        path_r = Path(path).resolve()
        for p in self._watched:
            p = Path(p).resolve()
            if path_r == p or p in path_r.parents:
                return True
        return False

    def _watch(self) -> None:
        try:
            from watchdog.events import FileSystemEventHandler
            from watchdog.observers import Observer
        except ImportError:
            from pipeline.extras import install_hint

            self.report("info", _("file events need watchdog, which is not installed ({command}); "
                                  "checking for changes every {seconds:g} s instead").format(
                                      command=install_hint("watch"), seconds=self.interval))
            self._snapshot = self._scan()
            return
        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                if event.event_type in ("opened", "closed_no_write"):
                    return
                paths = [event.src_path, getattr(event, "dest_path", "") or ""]
                if any(p and watcher._interesting(os.fsdecode(p)) for p in paths):
                    watcher.changed.set()

        self._handler = Handler()
        self._observer = Observer()
        self._scheduled = self._folders()
        for folder, recursive in self._scheduled:
            self._observer.schedule(self._handler, str(folder), recursive=recursive)
        self._observer.start()

    def _rewatch(self) -> None:
        """A new template folder or config may name new places to watch."""
        if self._observer is None:
            return
        for folder, recursive in self._folders():
            if (folder, recursive) not in self._scheduled:
                self._observer.schedule(self._handler, str(folder), recursive=recursive)
                self._scheduled.append((folder, recursive))

    def _scan(self) -> dict[str, tuple[int, int]]:
        seen: dict[str, tuple[int, int]] = {}
        for p in self._watched:
            p = Path(p)
            files = [f for f in p.rglob("*") if f.is_file()] if p.is_dir() else [p]
            for f in files:
                if not _relevant(str(f)):
                    continue
                try:
                    st = f.stat()
                except OSError:
                    continue
                seen[str(f)] = (st.st_mtime_ns, st.st_size)
        return seen

    def _poll_changed(self) -> bool:
        now = self._scan()
        changed = now != self._snapshot
        self._snapshot = now
        return changed
