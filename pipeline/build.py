"""One build: read each source, enrich it, hand it to each requested writer.

A build is a list of jobs, one per (source, output kind) — ``docx``, ``pdf``,
``slides`` — plus one ``compile`` job for a ``--compile`` booklet of all
sources.  Jobs whose inputs have not changed since their outputs were written
are skipped (see ``pipeline.cache``); the others run in parallel worker
processes, each of which imports the heavy libraries (WeasyPrint,
python-pptx, docxtpl) once and keeps them for every job it runs.

A failing job does not stop the others: each failure is kept as one line
(and its exit code), every other output is still built, and the caller
reports the failures.  Writers write through ``pipeline.outputs.atomic_path``,
so a failed or killed job leaves at most a ``.*.part`` file, which the next
build into that folder removes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import EXIT_BUG, EXIT_INPUT, InputError, StudykitError
from pipeline.i18n import _
from pipeline.model import Document
from pipeline.options import BuildOptions

# Rough relative cost, so the longest jobs start first.
_COST = {"compile": 4, "pdf": 3, "slides": 2, "docx": 1}


def load(source: str, opts: BuildOptions | None = None) -> Document:
    """The source's model with its corrections (``opts.corrections``) applied."""
    from pipeline.loading import load_document

    return load_document(source, corrections=opts.corrections.get(source) if opts else None,
                         ocr=opts.ocr if opts else False,
                         encoding_errors=opts.encoding_errors if opts else "strict")


def prepare(doc: Document, opts: BuildOptions) -> Document:
    """Attach the study aids the options ask for."""
    from pipeline.enrich import enrich

    return enrich(doc, opts.aids)


# --- jobs -------------------------------------------------------------------------

@dataclass
class Job:
    fmt: str  # docx, pdf, slides, or compile
    sources: tuple[str, ...]
    job_id: str = ""  # the cache's name for it
    key: str = ""  # hash of everything its outputs depend on
    index: int = 0  # place in the plan: results are reported in this order
    stem: str = ""  # its outputs' name when not the title (sources sharing a title)
    opts: BuildOptions | None = None  # its own options (a roster row's), else the build's
    row: str = ""  # a roster row's folder (pipeline.roster)
    row_number: int = 0  # and its number in the roster

    @property
    def name(self) -> str:
        """What progress and --verbose show: the source's file name (and the roster row)."""
        name = f"{len(self.sources)} sources" if self.fmt == "compile" else Path(self.sources[0]).name
        if not self.row:
            return name
        return _("row {number} ({folder}): {source}").format(number=self.row_number,
                                                             folder=self.row, source=name)


@dataclass
class JobResult:
    job: Job
    status: str  # built, skipped or failed
    outputs: list[Path] = field(default_factory=list)
    error: str = ""  # the one line shown for a failure
    exit_code: int = 0
    seconds: float = 0.0
    traceback: str = ""  # for --debug


@dataclass
class BuildResult:
    results: list[JobResult] = field(default_factory=list)
    cleaned: list[Path] = field(default_factory=list)  # stale .part files removed
    renamed: dict[str, str] = field(default_factory=dict)  # source → its outputs' own name

    @property
    def outputs(self) -> list[Path]:
        """Every output of the jobs that succeeded, built now or up to date."""
        return [p for r in self.results if r.status != "failed" for p in r.outputs]

    def of(self, status: str) -> list[JobResult]:
        return [r for r in self.results if r.status == status]

    @property
    def exit_code(self) -> int:
        failed = self.of("failed")
        return failed[0].exit_code if failed else 0


class BuildFailed(StudykitError):
    """Raised by ``run_build`` when a job failed; ``result`` holds every job's outcome."""

    def __init__(self, message: str, exit_code: int, result: BuildResult) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.result = result


def run_job(job: Job, opts: BuildOptions, docs: list[Document] | None = None) -> JobResult:
    """Run one job here (in a worker or in-process); errors become the result, not exceptions.

    ``docs``: the job's sources already read and prepared (else they are read here).
    """
    from pipeline.limits import output_limits
    from pipeline.writers import get_writer

    start = time.perf_counter()
    opts = job.opts or opts
    if job.stem:
        opts = dataclasses.replace(opts, output_stem=job.stem)
    try:
        with output_limits(opts.timeout, worker=_IN_WORKER):
            if docs is None:
                docs = [prepare(load(s, opts), opts) for s in job.sources]
            if job.fmt == "compile":
                from pipeline.writers.booklet import write_compilation

                outputs = write_compilation(docs, opts)
            else:
                outputs = get_writer(job.fmt)(docs[0], opts)
        return JobResult(job, "built", [Path(p) for p in outputs],
                         seconds=time.perf_counter() - start)
    except Exception as exc:
        return _failure(job, exc, start)


_IN_WORKER = False  # set in worker processes: a job stuck in C code may end the process


def _failure(job: Job, exc: Exception, start: float) -> JobResult:
    """A failed job's result: one line, its exit code, the traceback for --debug."""
    from pipeline.limits import describe

    seconds, trace = time.perf_counter() - start, traceback.format_exc()
    if isinstance(exc, StudykitError):
        return JobResult(job, "failed", error=str(exc), exit_code=exc.exit_code,
                         seconds=seconds, traceback=trace)
    limit = describe(exc)
    if limit:  # out of memory under the limit
        return JobResult(job, "failed", error=limit, exit_code=EXIT_INPUT, seconds=seconds,
                         traceback=trace)
    # a bug in a writer: report it, build the rest
    return JobResult(job, "failed", error=_("internal error: {error}").format(
                         error=f"{type(exc).__name__}: {exc}"),
                     exit_code=EXIT_BUG, seconds=seconds, traceback=trace)


def plan_jobs(sources: list[str], formats: list[str], compile_: bool) -> list[Job]:
    jobs: list[Job] = []
    if compile_ and sources:
        jobs.append(Job("compile", tuple(sources), job_id="compile\0" + "\0".join(
            str(Path(s).resolve()) for s in sources)))
        formats = [f for f in formats if f != "pdf"]
    for source in sources:
        for fmt in formats:
            jobs.append(Job(fmt, (source,), job_id=f"{Path(source).resolve()}\0{fmt}"))
    for i, job in enumerate(jobs):
        job.index = i
    return jobs


def per_row(jobs: list[Job], rows: list) -> list[Job]:
    """Each job once per roster row (``pipeline.roster.RowPlan``): the row's options, and
    the row's folder in its cache name."""
    out = [dataclasses.replace(job, job_id=f"{job.job_id}\0row\0{row.name}", opts=row.opts,
                               row=row.name, row_number=row.number)
           for row in rows for job in jobs]
    for i, job in enumerate(out):
        job.index = i
    return out


def _source_digests(sources: list[str], opts: BuildOptions) -> dict[str, str]:
    """Hash every source (and its corrections) up front; a missing or unreadable one stops
    the build before it starts."""
    from pipeline.cache import file_digest, source_key
    from pipeline.readers import source_path

    digests: dict[str, str] = {}
    for source in sources:
        if source == "-":
            raise InputError(_("build reads files, not standard input: save it to a file first"))
        path = source_path(source)
        try:
            digests[source] = source_key(file_digest(path), opts.corrections.get(source))
        except OSError as exc:
            raise InputError(_("{source}: cannot read: {reason}").format(
                                 source=source, reason=exc.strerror or exc)) from exc
    return digests


# --- worker processes ---------------------------------------------------------------

def warm(formats: list[str] | tuple[str, ...] = ("docx", "pdf", "slides")) -> None:
    """Import the reader, enrich and the writers of ``formats`` with their heavy libraries."""
    import pipeline.enrich  # noqa: F401
    import pipeline.readers  # noqa: F401
    from pipeline.writers import get_writer

    for fmt in formats:
        if fmt in ("pdf", "compile"):
            get_writer("pdf")
            from pipeline.writers.booklet.weasy import load

            load()  # the booklet writer imports WeasyPrint lazily
        elif fmt == "slides":
            get_writer("slides")
            import pipeline.writers.slides.deck  # noqa: F401
        else:
            get_writer(fmt)


def _die_with_parent(parent: int) -> None:
    """Linux: have the kernel kill this worker when the build process dies (kill -9)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover
            pass
    if parent and os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _on_sigterm(signum, frame) -> None:  # noqa: ARG001
    raise SystemExit(128 + signum)  # unwinds through atomic_path, which removes its .part


def _worker_init(parent: int, formats: tuple[str, ...]) -> None:
    from pipeline.cache import close_inherited_locks
    from pipeline.diagnostics import capture

    global _IN_WORKER
    _IN_WORKER = True
    capture(logging.getLogger().isEnabledFor(logging.DEBUG))  # as in the parent (--debug)
    close_inherited_locks()  # forked while the parent held the build lock
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, _on_sigterm)
    warm(formats)


def make_pool(workers: int | None = None, formats: tuple[str, ...] = ()) -> ProcessPoolExecutor:
    """Worker processes that have imported what ``formats`` need (the rest on first use).

    Forked on Linux when this process has a single thread (so workers start
    with what the parent already imported); otherwise a fork server or spawn.
    """
    import multiprocessing as mp

    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        ctx = mp.get_context("fork")
    elif "forkserver" in methods:
        ctx = mp.get_context("forkserver")
    else:  # pragma: no cover - Windows, macOS default
        ctx = mp.get_context("spawn")
    # A forked worker's parent is this process; a fork server's workers are its children.
    parent = os.getpid() if ctx.get_start_method() == "fork" else 0
    return ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1, mp_context=ctx,
                               initializer=_worker_init, initargs=(parent, formats))


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop now: cancel queued jobs and end running ones (their .part files are removed)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())  # no public API for this
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    for proc in procs:
        proc.join(timeout=5)


def can_fork() -> bool:
    """Forking is safe here: Linux-style fork exists and this process runs one thread
    (a fork taken while another thread holds a lock can deadlock the child)."""
    import multiprocessing as mp

    return "fork" in mp.get_all_start_methods() and threading.active_count() == 1


def pdf_worker_pays() -> bool:
    """A PdfWorker runs beside this process: this process may use two cores and may fork."""
    from pipeline.writers.booklet.compilation import workers

    return workers() > 1 and can_fork()


class PdfWorker:
    """One forked process that lays out booklets, sent to it with their documents read.

    A one-source build spends most of its time on the PDF: WeasyPrint's import
    (~0.25 s) and the layout.  Forked at the start of the build, the worker
    imports WeasyPrint while this process reads and parses the source (~0.1 s);
    the parsed document is then sent over a pipe (pickled, < 1 ms), and this
    process writes the handout and slides meanwhile.  ``watch`` keeps one warm
    between rebuilds (fonts, templates and WeasyPrint's caches stay loaded).
    """

    def __init__(self) -> None:
        import multiprocessing as mp

        ctx = mp.get_context("fork")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_pdf_worker_main, args=(child, os.getpid()),
                                 name="studykit-pdf", daemon=True)
        self._proc.start()
        child.close()
        self.busy = False

    def alive(self) -> bool:
        return self._proc.is_alive()

    def submit(self, job: Job, opts: BuildOptions, docs_blob: bytes) -> None:
        """Start ``job`` on documents pickled by this process (``pickle.dumps(docs)``)."""
        self._conn.send((job, opts, docs_blob))
        self.busy = True

    def result(self, job: Job) -> JobResult:
        """Wait for the job's result; a failed one if the worker stopped."""
        try:
            res = self._conn.recv()
        except (EOFError, OSError) as exc:
            self._proc.join(timeout=5)
            code = self._proc.exitcode
            if code == 1:  # ended by the time limit's last resort (pipeline.limits.GRACE)
                res = JobResult(job, "failed", exit_code=EXIT_INPUT,
                                error=_("stopped: still running well past the time limit"))
            else:
                res = JobResult(job, "failed", exit_code=EXIT_BUG,
                                error=_("internal error: a build process stopped ({reason})")
                                .format(reason=exc or code))
        self.busy = False
        return res

    def close(self) -> None:
        """Stop the worker now (SIGTERM: a booklet being written leaves no .part file)."""
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(timeout=5)
            if self._proc.is_alive():  # pragma: no cover - stuck in C code
                self._proc.kill()
                self._proc.join(timeout=5)
        self.busy = False
        self._conn.close()


def _pdf_worker_main(conn, parent: int) -> None:
    """The worker's loop: warm up, then one job per message until the pipe closes."""
    import gc
    import pickle

    _worker_init(parent, ("pdf",))
    from pipeline.writers.booklet.typeset import ensure_fonts, keep_fonts_loaded

    keep_fonts_loaded()
    with contextlib.suppress(StudykitError):  # reported by the job itself
        ensure_fonts()  # fontconfig's font list, while the parent reads the source
    gc.freeze()  # what is loaded now stays: the collector need not walk it on every pass
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        job, opts, blob = message
        conn.send(run_job(job, opts, pickle.loads(blob)))


# --- the build ------------------------------------------------------------------------

OnResult = Callable[[JobResult, int, int], None]
# Runs the jobs somewhere else (pipeline.scale: a Dask cluster): (jobs, options, finish).
Runner = Callable[[list[Job], BuildOptions, Callable[[JobResult], None]], None]


def build_all(sources: list[str], formats: list[str], opts: BuildOptions,
              compile_: bool = False, *, force: bool = False, jobs: int | None = None,
              executor: Executor | None = None, on_result: OnResult | None = None,
              on_start: Callable[[int, int], None] | None = None,
              pdf_worker: PdfWorker | None = None, rows: list | None = None,
              runner: Runner | None = None) -> BuildResult:
    """Build what is out of date; never raises for a failing job (see ``BuildResult``).

    ``jobs``: worker processes (default: all cores; 1 builds in this process).
    ``executor``: an existing pool to use (``watch`` keeps one warm).
    ``pdf_worker``: a warm ``PdfWorker`` for the booklet of a one-source build.
    ``rows``: a roster's rows (``pipeline.roster.RowPlan``): every output once per row.
    ``runner``: runs the jobs instead of this machine's processes (``pipeline.scale``).
    ``on_start(to_build, total)`` once the skips are known; ``on_result(result,
    done, total)`` after each job.  Raises ``InputError`` before building
    anything if a source is missing, and ``OutputError`` if the output folder
    cannot be used at all.
    """
    own_worker = None
    if (pdf_worker is None and executor is None and jobs != 1 and len(set(sources)) == 1
            and "pdf" in formats and not compile_ and rows is None and runner is None
            and pdf_worker_pays()):
        # Forked before the sources are hashed and the templates found (jinja2's import):
        # WeasyPrint's import in the worker is the longest path of a one-source build.
        pdf_worker = own_worker = PdfWorker()
    try:
        return _build_all(sources, formats, opts, compile_, force, jobs, executor, on_result,
                          on_start, pdf_worker, rows, runner)
    finally:
        if own_worker is not None:
            own_worker.close()


def _build_all(sources: list[str], formats: list[str], opts: BuildOptions, compile_: bool,
               force: bool, jobs: int | None, executor: Executor | None,
               on_result: OnResult | None, on_start: Callable[[int, int], None] | None,
               pdf_worker: PdfWorker | None, rows: list | None = None,
               runner: Runner | None = None) -> BuildResult:
    from pipeline.cache import BuildCache, build_lock, clean_parts, job_key

    digests = _source_digests(sources, opts)
    planned = plan_jobs(sources, formats, compile_)
    if rows is not None:
        planned = per_row(planned, rows)
    result = BuildResult()
    total = len(planned)
    with build_lock(opts.out_dir) as locked:
        result.cleaned = clean_parts(opts.out_dir, locked)
        cache = BuildCache(opts.out_dir)
        result.renamed = _output_stems(sources, digests, cache, formats, opts)
        seen: dict[tuple, str] = {}
        for job in planned:
            if job.fmt != "compile":
                job.stem = result.renamed.get(job.sources[0], "")
            job.key = job_key(job.fmt, [digests[s] for s in job.sources],
                              dataclasses.replace(job.opts or opts, output_stem=job.stem), seen)
        todo: list[Job] = []
        for job in planned:
            hit = None if force else cache.lookup(job.job_id, job.key)
            if hit is None:
                todo.append(job)
            else:
                result.results.append(JobResult(job, "skipped", hit))
        if on_start:
            on_start(len(todo), total)
        for i, res in enumerate(result.results, 1):
            if on_result:
                on_result(res, i, total)

        def finish(res: JobResult) -> None:
            if res.status == "built":
                _remove_replaced(cache, res)
                cache.record(res.job.job_id, res.job.key, res.outputs)
            else:
                cache.forget(res.job.job_id)
            result.results.append(res)
            if on_result:
                on_result(res, len(result.results), total)

        todo.sort(key=lambda j: (-_COST.get(j.fmt, 0), -_size(j)))
        try:
            if runner is not None and todo:
                runner(todo, opts, finish)
            else:
                _execute(todo, opts, jobs, executor, finish, pdf_worker)
            _same_title(result, cache)
        finally:
            try:
                cache.save()
            except StudykitError as err:  # outputs are fine; only the next build is slower
                print(_("studykit: warning: {message}").format(
                    message=_("build record not saved: {error}").format(error=err)),
                    file=sys.stderr)
    result.results.sort(key=lambda r: r.job.index)
    return result


def _output_stems(sources: list[str], digests: dict[str, str], cache, formats: list[str],
                  opts: BuildOptions) -> dict[str, str]:
    """A name of its own for each source whose title another source has too (see
    ``pipeline.names``); titles (corrected ones too) are remembered per content hash, so
    only new sources are read."""
    if len(set(sources)) < 2 or not set(formats) & {"docx", "pdf", "slides"}:
        return {}
    from pipeline.model import Meta
    from pipeline.names import Identity, distinct_stems
    from pipeline.writers import document_stem

    known = {}
    for source in dict.fromkeys(sources):
        digest = digests[source]
        if digest not in cache.titles:
            try:
                meta = load(source, opts).meta
            except Exception:  # noqa: BLE001 - the job reports it; it keeps the usual name
                continue
            cache.titles[digest] = [meta.title, meta.date or "", meta.source]
            cache.changed = True
        title, date, publisher = cache.titles[digest]
        stem = document_stem(Document(meta=Meta(title=title), source_file=source))
        known[source] = Identity(stem, title, date, publisher, Path(source).name)
    for digest in set(cache.titles) - set(digests.values()):  # only this build's sources
        del cache.titles[digest]
        cache.changed = True
    return distinct_stems(known)


def _same_title(result: BuildResult, cache) -> None:
    """Two sources whose outputs have the same path (same title) overwrite each other: an error."""
    from pipeline.errors import EXIT_OUTPUT

    owner: dict[Path, JobResult] = {}
    for res in sorted(result.results, key=lambda r: r.job.index):
        if res.status == "failed":
            continue
        for path in res.outputs:
            first = owner.setdefault(Path(path).resolve(), res)
            if first is res or first.job.sources == res.job.sources:
                continue
            folder = Path(path).parent
            res.status, res.exit_code = "failed", EXIT_OUTPUT
            res.error = _("{name} and {other} have the same title, so their outputs in {folder} "
                          "overwrite each other: build them with different -o folders, or change "
                          "one's title").format(name=res.job.name, other=first.job.name,
                                                folder=folder)
            cache.forget(res.job.job_id)
            cache.forget(first.job.job_id)
            break


def _size(job: Job) -> int:
    try:
        return sum(Path(s).stat().st_size for s in job.sources)
    except OSError:
        return 0


def _one_source_pdf(todo: list[Job]) -> tuple[Job, list[Job]] | None:
    """The booklet job and the others, when every job is of one source and one is a booklet."""
    pdf = [j for j in todo if j.fmt == "pdf"]
    if len(pdf) != 1 or len({j.sources for j in todo}) != 1 or len(pdf[0].sources) != 1:
        return None
    if any(j.fmt not in ("pdf", "docx", "slides") for j in todo):
        return None
    return pdf[0], [j for j in todo if j is not pdf[0]]


def _execute(todo: list[Job], opts: BuildOptions, jobs: int | None,
             executor: Executor | None, finish: Callable[[JobResult], None],
             pdf_worker: PdfWorker | None = None) -> None:
    if not todo:
        return
    split = _one_source_pdf(todo)
    if split and pdf_worker is not None and pdf_worker.alive() and not pdf_worker.busy:
        # Few jobs: a pool's start-up would cost more than it saves; see PdfWorker.
        _execute_split(*split, opts, pdf_worker, finish)
        return
    workers = min(jobs or os.cpu_count() or 1, len(todo))
    if executor is None and workers <= 1:
        for job in todo:
            finish(run_job(job, opts))
        return
    # No warming here: a worker imports a writer's libraries with its first job of that
    # kind (once), so the PDF worker does not first load python-pptx and docxtpl.
    pool = executor or make_pool(workers)
    futures: dict[Future, Job] = {}
    try:
        futures = {pool.submit(run_job, job, opts): job for job in todo}
        for fut in as_completed(futures):
            try:
                res = fut.result()
            except Exception as exc:  # a worker died (killed, out of memory, stuck in C code)
                res = JobResult(futures[fut], "failed", exit_code=EXIT_BUG,
                                error=_("internal error: a build process stopped ({reason})")
                                .format(reason=exc))
            finish(res)
    except BaseException:
        if executor is None and isinstance(pool, ProcessPoolExecutor):
            stop_pool(pool)
        else:
            for fut in futures:
                fut.cancel()
        raise
    if executor is None:
        pool.shutdown(wait=True)


def _execute_split(pdf_job: Job, others: list[Job], opts: BuildOptions, worker: PdfWorker,
                   finish: Callable[[JobResult], None]) -> None:
    """Read the source once here; the booklet in ``worker``, the other outputs here meanwhile.

    Each job gets its own copy of the document (unpickled), as if it had read it.
    """
    import pickle

    start = time.perf_counter()
    try:
        blob = pickle.dumps([prepare(load(s, opts), opts) for s in pdf_job.sources])
    except Exception as exc:  # the source cannot be read: every job fails alike
        for job in [pdf_job, *others]:
            finish(_failure(job, exc, start))
        return
    worker.submit(pdf_job, opts, blob)
    try:
        for job in others:
            finish(run_job(job, opts, pickle.loads(blob)))
        finish(worker.result(pdf_job))
    except BaseException:
        if worker.busy:  # interrupted: stop the booklet too
            worker.close()
        raise


def _remove_replaced(cache, res: JobResult) -> None:
    """Outputs this job made last time but not now (the title changed): remove them."""
    new = {Path(p).resolve() for p in res.outputs}
    out_root = Path(cache.out_dir).resolve()
    for old in cache.previous_outputs(res.job.job_id):
        old_r = old.resolve()
        if old_r in new or cache.owned_elsewhere(old, res.job.job_id):
            continue
        try:
            old_r.relative_to(out_root)
        except ValueError:
            continue  # never touch anything outside the output folder
        old_r.unlink(missing_ok=True)
        folder = old_r.parent
        if folder != out_root and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def run_build(sources: list[str], formats: list[str], opts: BuildOptions,
              compile_: bool = False, **kwargs) -> list[Path]:
    """Build and return every output path (built now or already up to date).

    Keyword arguments go to ``build_all`` (``force``, ``jobs``, ``executor``,
    ``on_result``, ``on_start``).  If a job failed, the others are still built
    and then ``BuildFailed`` is raised with the first failure's message and
    exit code; its ``result`` has the rest.
    """
    result = build_all(sources, formats, opts, compile_, **kwargs)
    failed = result.of("failed")
    if failed:
        first = failed[0]
        raise BuildFailed(first.error, first.exit_code or EXIT_INPUT, result)
    return result.outputs
