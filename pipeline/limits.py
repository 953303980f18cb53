"""Time and memory limits for making one output.

A user's template, or an input nobody foresaw, must not hold a build (or the
web page) for ever or take the machine's memory.  Each output is made under

- a time limit (``--timeout``, ``timeout`` in studykit.toml, default 120 s):
  SIGALRM raises ``LimitExceeded`` in the Python code running at that moment,
  so a template stuck in a loop fails with its own file and line; in a worker
  process, ``faulthandler`` also ends the process a little later if the time
  is spent inside C code that never returns to Python;
- a memory limit where the platform has one (``RLIMIT_AS`` on Linux and
  macOS): the address space may grow ``MEMORY_MIB`` beyond what the process
  had when the limit was set, then allocations fail with ``MemoryError``.

Both end as one line naming the output (and the template, when one was
running); see ``describe``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator

from pipeline.errors import EXIT_INPUT, StudykitError
from pipeline.i18n import _

DEFAULT_TIMEOUT = 120.0  # seconds per output
MEMORY_MIB = 4096  # address space an output may add to a process
GRACE = 10.0  # seconds after the time limit before a stuck worker process is ended


class LimitExceeded(StudykitError):
    """An output took longer than the time limit (or more memory than allowed)."""

    exit_code = EXIT_INPUT


def timeout_message(seconds: float) -> str:
    return _("took longer than {seconds} s (the time limit; raise it with --timeout)").format(
        seconds=f"{seconds:g}")


def memory_message() -> str:
    return _("needed more memory than the limit ({limit} MiB)").format(limit=MEMORY_MIB)


def _address_space() -> int:
    """Bytes of address space this process uses now (0 where it cannot be read)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def limit_memory(mib: int | None = None) -> int | None:
    """Let this process's address space grow at most ``mib`` MiB from now on.

    Returns the previous soft limit (for ``restore_memory``), or None where
    there is no such limit (Windows, or /proc missing).
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    mib = MEMORY_MIB if mib is None else mib
    used = _address_space()
    if not used or mib <= 0:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = used + mib * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft <= wanted:
        return None  # already limited at least as tightly
    try:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ValueError, OSError):  # pragma: no cover
        return None
    return soft


def restore_memory(previous: int | None) -> None:
    if previous is None:
        return
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (previous, hard))


@contextlib.contextmanager
def time_limit(seconds: float | None, *, hard: bool = False) -> Iterator[None]:
    """Raise ``LimitExceeded`` in this (main) thread after ``seconds``.

    ``hard``: also end the whole process ``GRACE`` seconds later if it is still
    stuck (only for worker processes, whose parent reports the stop).  No limit
    for ``seconds`` None or ≤ 0, outside the main thread, or without SIGALRM.
    """
    usable = (seconds and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expired(signum, frame) -> None:  # noqa: ARG001
        raise LimitExceeded(timeout_message(seconds))

    previous = signal.signal(signal.SIGALRM, expired)
    # Then again every second: code that catches every exception cannot swallow it.
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    if hard:
        import faulthandler

        faulthandler.dump_traceback_later(seconds + GRACE, exit=True, file=_devnull())
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if hard:
            import faulthandler

            faulthandler.cancel_dump_traceback_later()


_DEVNULL = None


def _devnull():
    global _DEVNULL
    if _DEVNULL is None:
        _DEVNULL = open(os.devnull, "w")  # noqa: SIM115 - kept open for faulthandler
    return _DEVNULL


@contextlib.contextmanager
def output_limits(seconds: float | None, *, worker: bool = False) -> Iterator[None]:
    """Both limits around making one output; see the module docstring.

    Only in a process's main thread: the memory limit is the whole process's,
    and signals reach only the main thread (the web page runs builds in worker
    processes for this reason).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = limit_memory()
    try:
        with time_limit(seconds, hard=worker):
            yield
    finally:
        restore_memory(previous)


def describe(exc: BaseException) -> str | None:
    """The one line for an exceeded limit, or None if ``exc`` is something else."""
    if isinstance(exc, LimitExceeded):
        return str(exc)
    if isinstance(exc, MemoryError):
        return memory_message()
    return None
