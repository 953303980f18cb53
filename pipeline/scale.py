"""Builds on a Dask cluster (``--scheduler``), for rosters one machine is too slow for.

``--scheduler tcp://HOST:PORT`` (or ``STUDYKIT_SCHEDULER``) sends the build's
jobs — one per (source, roster row, output) — to a running Dask scheduler
(``dask scheduler``, ``dask worker``); ``--scheduler local:N`` starts a
``LocalCluster`` of N worker processes on this machine.  The build itself is
unchanged: the same plan, cache, skips and reports (``pipeline.build``); only
where the jobs run differs.

A job is a pure function of what it is sent: the job and its options, the
bytes of its sources, and the bytes of every template file, glossary and
slides template it reads (``Inputs``).  So a worker needs studykit (the same
version: checked) and fonts, but no shared disk: it lays the inputs out in a
temporary folder, runs the job there, and sends the outputs back as bytes,
which this process writes into the output folder atomically.  The inputs
travel inside each task (tens of kilobytes, against hundreds coming back), so
a task holds everything it needs: a worker that dies takes nothing with it
that another worker would need to run the job again.

A job whose task fails or whose worker dies is submitted once more; a second
failure is reported for that job and the others go on.  Ctrl-C cancels every
job not yet done.  Dask is imported only here, only when ``--scheduler`` is
given; without it the error names the extra to install.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import EXIT_BUG, EXIT_ENVIRONMENT, EnvironmentProblem, InputError
from pipeline.i18n import _

if TYPE_CHECKING:
    from pipeline.build import Job, JobResult
    from pipeline.options import BuildOptions

ENV_VAR = "STUDYKIT_SCHEDULER"
CONNECT_TIMEOUT = 20  # seconds to reach a scheduler
RETRIES = 1  # a failed task is submitted once more
_LOCAL = re.compile(r"local:(\d+)")
_KINDS = {"docx": ("handout",), "pdf": ("booklet",), "compile": ("booklet",),
          "slides": ("slides",)}


def parse_address(value: str) -> str:
    """``local:N`` or a scheduler address (``tcp://`` is assumed without a scheme)."""
    value = value.strip()
    m = _LOCAL.fullmatch(value)
    if m:
        if not 1 <= int(m.group(1)) <= 512:
            raise InputError(_("--scheduler {address}: the number of local workers must be "
                               "from 1 to 512").format(address=value))
        return value
    if value.startswith("local"):
        raise InputError(_("--scheduler {address}: expected local:N, e.g. local:4").format(
            address=value))
    if "://" not in value:
        value = "tcp://" + value
    if not re.fullmatch(r"[a-z0-9+]+://[^\s/]+(:\d+)?/?", value):
        raise InputError(_("--scheduler {address}: expected tcp://HOST:PORT or local:N").format(
            address=value))
    return value


def require_dask() -> None:
    """A one-line error naming the extra when Dask's ``distributed`` is not installed."""
    from pipeline.extras import install_hint, missing

    absent = missing("dask")
    if absent:
        raise EnvironmentProblem(_("--scheduler needs Dask ({parts}), which is not installed: "
                                   "{command}").format(parts=", ".join(absent),
                                                       command=install_hint("dask")))


# --- what travels ----------------------------------------------------------------------

@dataclass
class Inputs:
    """The bytes a build's jobs read, by the name the build gives them."""

    sources: dict[str, bytes] = field(default_factory=dict)  # source → bytes
    templates: dict[str, dict[str, bytes]] = field(default_factory=dict)  # kind → rel → bytes
    files: dict[str, bytes] = field(default_factory=dict)  # glossary, slides template → bytes

    def for_job(self, job: Job, o: BuildOptions) -> tuple[dict, dict, dict]:
        """(sources, templates, files) of one job: only what it reads."""
        templates = {f"{kind}/{rel}": data for kind in _KINDS[job.fmt]
                     for rel, data in self.templates[_where(kind, o)].items()}
        return ({s: self.sources[s] for s in job.sources}, templates,
                {str(p): self.files[str(p)] for p in _files_of(o)})


def _where(kind: str, o: BuildOptions) -> str:
    """A template kind as found through a job's template folders (rows may differ)."""
    return kind + "\0" + "\0".join(str(d) for d in o.template_dirs)


@dataclass
class Shipped:
    """A job's result as it comes back: its status and its outputs' bytes."""

    status: str
    files: dict[str, bytes] = field(default_factory=dict)  # path under -o → bytes
    error: str = ""
    exit_code: int = 0
    seconds: float = 0.0
    traceback: str = ""


def gather_inputs(todo: list[Job], opts: BuildOptions) -> Inputs:
    """Read every file the jobs need, here, where the paths mean something."""
    from pipeline.cache import template_files
    from pipeline.readers import read_bytes

    inputs = Inputs()
    kinds: set[str] = set()
    for job in todo:
        o = job.opts or opts
        kinds.update(_KINDS[job.fmt])
        for source in job.sources:
            if source not in inputs.sources:
                inputs.sources[source] = read_bytes(source)[0]
        for path in _files_of(o):
            if str(path) not in inputs.files:
                inputs.files[str(path)] = _read(path)
        for kind in _KINDS[job.fmt]:
            if _where(kind, o) not in inputs.templates:
                inputs.templates[_where(kind, o)] = {
                    rel: _read(path) for rel, path in template_files(kind, o.template_dirs).items()}
    return inputs


def _files_of(o: BuildOptions) -> list[Path]:
    files = [Path(p) for p in o.aids.glossary_files]
    if o.slides_template:
        files.append(Path(o.slides_template))
    return files


def _read(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(_("{file}: cannot read: {reason}").format(
            file=path, reason=exc.strerror or exc)) from exc


# --- on the worker -----------------------------------------------------------------------

# One job at a time in a worker process, whatever its thread count: the booklet writer
# patches WeasyPrint's line layout for the length of a layout (cjk_justify).
_ONE_AT_A_TIME = threading.Lock()


def run_shipped(job: Job, opts: BuildOptions, fingerprint: str, sources: dict[str, bytes],
                templates: dict[str, bytes], files: dict[str, bytes],
                language: str | None = None) -> Shipped:
    """Run one job in a temporary folder made of its inputs; its outputs back as bytes.

    Runs on a Dask worker, its messages in ``language`` (the build's).  Errors of the job
    are its result; an exception out of here (a full disk) is the task failing, which
    the client retries once.
    """
    from pipeline.i18n import use_language

    with use_language(language):
        return _run_shipped(job, opts, fingerprint, sources, templates, files)


def _run_shipped(job: Job, opts: BuildOptions, fingerprint: str, sources: dict[str, bytes],
                 templates: dict[str, bytes], files: dict[str, bytes]) -> Shipped:
    import socket

    from pipeline.build import run_job
    from pipeline.cache import code_fingerprint

    if fingerprint != code_fingerprint():
        from pipeline import __version__

        return Shipped("failed", exit_code=EXIT_ENVIRONMENT,
                       error=_("the Dask worker on {host} runs another studykit ({version}, "
                               "other code): install the same one on every worker").format(
                                   host=socket.gethostname(), version=__version__))
    with _ONE_AT_A_TIME, tempfile.TemporaryDirectory(prefix="studykit-job-") as tmp:
        root = Path(tmp)
        names: dict[str, str] = {}  # path here → the name the user knows

        def place(folder: str, i: int, name: str, data: bytes) -> Path:
            path = root / folder / str(i) / Path(name).name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            names[str(path)] = name
            return path

        src = {s: str(place("src", i, s, data)) for i, (s, data) in enumerate(sources.items())}
        local = {f: place("files", i, f, data) for i, (f, data) in enumerate(files.items())}
        for rel, data in templates.items():
            path = root / "templates" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        out = root / "out"
        here = dataclasses.replace(
            opts, out_dir=out, template_dirs=[root / "templates"],
            aids=dataclasses.replace(opts.aids, glossary_files=[
                local[str(Path(p))] for p in opts.aids.glossary_files]),
            slides_template=local[str(Path(opts.slides_template))] if opts.slides_template
            else None,
            corrections={src.get(k, k): v for k, v in opts.corrections.items()})
        res = run_job(dataclasses.replace(job, sources=tuple(src[s] for s in job.sources),
                                          opts=None), here)
        shipped = Shipped(res.status, error=_named(res.error, names), exit_code=res.exit_code,
                          seconds=res.seconds, traceback=res.traceback)
        if res.status == "built":
            shipped.files = {Path(p).relative_to(out).as_posix(): Path(p).read_bytes()
                             for p in res.outputs}
        return shipped


def _named(text: str, names: dict[str, str]) -> str:
    """A message with the worker's temporary paths as the names the user gave."""
    for path, name in sorted(names.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(path, name)
    return text


# --- on the client -------------------------------------------------------------------------

@contextlib.contextmanager
def connect(address: str, quiet_logs: bool = True) -> Iterator[Any]:
    """A Dask ``Client``: of a ``LocalCluster`` for ``local:N``, else of the scheduler there."""
    require_dask()
    if quiet_logs:
        for name in ("distributed", "tornado"):  # failures are reported per job, in one line
            logging.getLogger(name).setLevel(logging.CRITICAL)
    import dask
    from distributed import Client, LocalCluster

    m = _LOCAL.fullmatch(address)
    with contextlib.ExitStack() as stack:
        if m:
            # A task whose worker dies fails at once: run_on submits it once more itself.
            stack.enter_context(dask.config.set({"distributed.scheduler.allowed-failures": 0}))
            try:
                with _deaf_children():
                    cluster = stack.enter_context(LocalCluster(
                        n_workers=int(m.group(1)), threads_per_worker=1, processes=True,
                        host="127.0.0.1", dashboard_address=None,
                        silence_logs=logging.CRITICAL if quiet_logs else logging.WARNING))
            except Exception as exc:  # noqa: BLE001 - no ports, no processes
                raise EnvironmentProblem(_("--scheduler {address}: cannot start the local Dask "
                                           "workers ({reason})").format(
                    address=address, reason=f"{type(exc).__name__}: {exc}")) from exc
            client = stack.enter_context(Client(cluster))
        else:
            try:
                client = stack.enter_context(Client(address, timeout=CONNECT_TIMEOUT))
            except (OSError, TimeoutError) as exc:
                raise EnvironmentProblem(_("--scheduler {address}: cannot reach the Dask "
                                           "scheduler ({reason})").format(
                    address=address, reason=exc)) from exc
        yield client


@contextlib.contextmanager
def _deaf_children() -> Iterator[None]:
    """Start processes that ignore Ctrl-C (an ignored signal stays ignored in a child): the
    terminal sends it to every process of the build, and it is this one's to handle — it
    cancels the jobs and closes the cluster."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class DaskRunner:
    """``pipeline.build``'s runner: the jobs on a Dask cluster, connected when a build first
    has something to build (an up-to-date build starts no cluster)."""

    def __init__(self, address: str, quiet_logs: bool = True) -> None:
        self.address = parse_address(address)
        require_dask()
        self.quiet_logs = quiet_logs

    def __call__(self, todo: list[Job], opts: BuildOptions,
                 finish: Callable[[JobResult], None]) -> None:
        inputs = gather_inputs(todo, opts)
        with connect(self.address, self.quiet_logs) as client:
            run_on(client, todo, opts, inputs, finish)


def _threads(client: Any) -> int:
    try:
        return max(1, sum(client.nthreads().values()))
    except Exception:  # noqa: BLE001 - the scheduler is busy: keep going with a guess
        return 1


def run_on(client: Any, todo: list[Job], opts: BuildOptions, inputs: Inputs,
           finish: Callable[[JobResult], None], task: Callable[..., Shipped] = run_shipped) -> None:
    """Run ``todo`` on the cluster, a few jobs ahead of the workers (so the scheduler never
    holds 30,000 tasks and Ctrl-C has little to cancel); ``finish`` each as it comes back.

    ``task``: the function the workers run (``run_shipped``; tests wrap it).
    """
    from distributed import as_completed

    from pipeline.build import JobResult
    from pipeline.cache import code_fingerprint
    from pipeline.i18n import current

    fingerprint, language = code_fingerprint(), current()
    pending = list(reversed(todo))  # popped from the end: the plan's order (longest first)
    tries: dict[int, int] = {}
    running: dict[Any, Job] = {}
    done = as_completed()
    window = 4 * _threads(client) + 2

    def submit(job: Job) -> None:
        o = job.opts or opts
        fut = client.submit(task, dataclasses.replace(job, opts=None), o, fingerprint,
                            *inputs.for_job(job, o), language,
                            key=f"studykit-{job.fmt}-{uuid.uuid4().hex}", pure=False)
        running[fut] = job
        done.add(fut)

    try:
        while pending and len(running) < window:
            submit(pending.pop())
        for count, fut in enumerate(done, 1):
            job = running.pop(fut)
            try:
                shipped = fut.result()
            except Exception as exc:  # noqa: BLE001 - the task raised, or its worker died
                fut.release()
                if tries.get(job.index, 0) < RETRIES:
                    tries[job.index] = tries.get(job.index, 0) + 1
                    submit(job)
                    continue
                res = JobResult(job, "failed", exit_code=EXIT_BUG, error=_lost(exc))
            else:
                fut.release()
                res = _written(job, job.opts or opts, shipped)
            finish(res)
            if count % 64 == 0:  # workers may have joined or left
                window = 4 * _threads(client) + 2
            while pending and len(running) < window:
                submit(pending.pop())
    except BaseException:
        client.cancel(list(running))
        raise


def _lost(exc: BaseException) -> str:
    """The one line for a job that failed on the cluster ``RETRIES + 1`` times."""
    if type(exc).__name__ == "KilledWorker":
        return _("internal error: the Dask worker running it died, {n} times (killed, out of "
                 "memory or crashed: see the workers' logs)").format(n=RETRIES + 1)
    first = (str(exc).strip().splitlines() or [""])[0][:200]
    return _("internal error: the Dask job failed {n} times ({reason})").format(
        n=RETRIES + 1, reason=f"{type(exc).__name__}: {first}")


def _written(job: Job, o: BuildOptions, shipped: Shipped) -> JobResult:
    """Write a job's outputs where a local build would have: each atomically."""
    from pipeline.build import JobResult
    from pipeline.errors import StudykitError
    from pipeline.outputs import write_atomic

    start = time.perf_counter()
    if shipped.status != "built":
        return JobResult(job, shipped.status, error=shipped.error, exit_code=shipped.exit_code,
                         seconds=shipped.seconds, traceback=shipped.traceback)
    out = Path(o.out_dir)
    try:
        paths = [write_atomic(out / rel, data) for rel, data in shipped.files.items()]
    except StudykitError as err:
        return JobResult(job, "failed", error=str(err), exit_code=err.exit_code,
                         seconds=shipped.seconds)
    return JobResult(job, "built", paths, seconds=shipped.seconds + time.perf_counter() - start)
