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
from pipeline.model import Document
from pipeline.options import BuildOptions

# Rough relative cost, so the longest jobs start first.
_COST = {"compile": 4, "pdf": 3, "slides": 2, "docx": 1}


def load(source: str) -> Document:
    from pipeline.readers import read

    return read(source)


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

    @property
    def name(self) -> str:
        """What progress and --verbose show: the source's file name."""
        if self.fmt == "compile":
            return f"{len(self.sources)} sources"
        return Path(self.sources[0]).name


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


def run_job(job: Job, opts: BuildOptions) -> JobResult:
    """Run one job here (in a worker or in-process); errors become the result, not exceptions."""
    from pipeline.writers import get_writer

    start = time.perf_counter()
    try:
        docs = [prepare(load(s), opts) for s in job.sources]
        if job.fmt == "compile":
            from pipeline.writers.booklet import write_compilation

            outputs = write_compilation(docs, opts)
        else:
            outputs = get_writer(job.fmt)(docs[0], opts)
        return JobResult(job, "built", [Path(p) for p in outputs],
                         seconds=time.perf_counter() - start)
    except StudykitError as err:
        return JobResult(job, "failed", error=str(err), exit_code=err.exit_code,
                         seconds=time.perf_counter() - start, traceback=traceback.format_exc())
    except Exception as exc:  # a bug in a writer: report it, build the rest
        return JobResult(job, "failed", error=f"internal error: {type(exc).__name__}: {exc}",
                         exit_code=EXIT_BUG, seconds=time.perf_counter() - start,
                         traceback=traceback.format_exc())


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


def _source_digests(sources: list[str]) -> dict[str, str]:
    """Hash every source up front; a missing or unreadable one stops the build before it starts."""
    from pipeline.cache import file_digest

    digests: dict[str, str] = {}
    for source in sources:
        if source == "-":
            raise InputError("build reads files, not standard input: save it to a file first")
        path = Path(source)
        if not path.exists():
            raise InputError(f"{source}: no such file")
        if path.is_dir():
            raise InputError(f"{source}: is a directory")
        try:
            digests[source] = file_digest(path)
        except OSError as exc:
            raise InputError(f"{source}: cannot read: {exc.strerror or exc}") from exc
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
            from pipeline.writers.weasy import load

            load()  # the booklet writer imports WeasyPrint lazily
        elif fmt == "slides":
            get_writer("slides")
            import pipeline.writers.pptx_render  # noqa: F401
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
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _on_sigterm(signum, frame) -> None:  # noqa: ARG001
    raise SystemExit(128 + signum)  # unwinds through atomic_path, which removes its .part


def _worker_init(parent: int, formats: tuple[str, ...]) -> None:
    from pipeline.cache import close_inherited_locks

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
    return ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1, mp_context=ctx,
                               initializer=_worker_init, initargs=(os.getpid(), formats))


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop now: cancel queued jobs and end running ones (their .part files are removed)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())  # no public API for this
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    for proc in procs:
        proc.join(timeout=5)


# --- the build ------------------------------------------------------------------------

OnResult = Callable[[JobResult, int, int], None]


def build_all(sources: list[str], formats: list[str], opts: BuildOptions,
              compile_: bool = False, *, force: bool = False, jobs: int | None = None,
              executor: Executor | None = None, on_result: OnResult | None = None,
              on_start: Callable[[int, int], None] | None = None) -> BuildResult:
    """Build what is out of date; never raises for a failing job (see ``BuildResult``).

    ``jobs``: worker processes (default: all cores; 1 builds in this process).
    ``executor``: an existing pool to use (``watch`` keeps one warm).
    ``on_start(to_build, total)`` once the skips are known; ``on_result(result,
    done, total)`` after each job.  Raises ``InputError`` before building
    anything if a source is missing, and ``OutputError`` if the output folder
    cannot be used at all.
    """
    from pipeline.cache import BuildCache, build_lock, clean_parts, job_key

    digests = _source_digests(sources)
    planned = plan_jobs(sources, formats, compile_)
    for job in planned:
        job.key = job_key(job.fmt, [digests[s] for s in job.sources], opts)
    result = BuildResult()
    total = len(planned)
    with build_lock(opts.out_dir) as locked:
        result.cleaned = clean_parts(opts.out_dir, locked)
        cache = BuildCache(opts.out_dir)
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
            _execute(todo, opts, jobs, executor, finish)
            _same_title(result, cache)
        finally:
            try:
                cache.save()
            except StudykitError as err:  # outputs are fine; only the next build is slower
                print(f"studykit: warning: build record not saved: {err}", file=sys.stderr)
    result.results.sort(key=lambda r: r.job.index)
    return result


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
            res.error = (f"{res.job.name} and {first.job.name} have the same title, so their "
                         f"outputs in {folder} overwrite each other: build them with different "
                         "-o folders, or change one's title")
            cache.forget(res.job.job_id)
            cache.forget(first.job.job_id)
            break


def _size(job: Job) -> int:
    try:
        return sum(Path(s).stat().st_size for s in job.sources)
    except OSError:
        return 0


def _execute(todo: list[Job], opts: BuildOptions, jobs: int | None,
             executor: Executor | None, finish: Callable[[JobResult], None]) -> None:
    if not todo:
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
            except Exception as exc:  # a worker died (killed, out of memory)
                res = JobResult(futures[fut], "failed", exit_code=EXIT_BUG,
                                error=f"internal error: a build process stopped ({exc})")
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
