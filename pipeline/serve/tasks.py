"""The page's builds as tasks in one queue: where each waits, which stage it is in, a
cancel that stops it, and whose it is.

A build request becomes a ``Task`` at once (the page asks for its state while it
waits), runs in the server's build threads in the order asked for, and is kept
for ``keep_seconds`` after it ended, so a reloaded page finds its result again.
Each task belongs to a session (``"local"`` on loopback; one per access-code login
in LAN mode): a session sees, cancels and downloads only its own.
"""

from __future__ import annotations

import secrets
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field

from pipeline.errors import StudykitError
from pipeline.i18n import _

# A task's stages, as the builder reports them: reading the sources, then each writer.
STAGES = ("parse", "docx", "pdf", "compile", "slides")


class Cancelled(StudykitError):
    """The user cancelled the build: no further stage starts, the running one is stopped."""


class SessionBusy(StudykitError):
    """One session has as many builds running or waiting as it may."""


def cancelled_message() -> str:
    return _("the build was cancelled")


@dataclass
class Task:
    id: str
    session: str
    names: list[str]  # the sources' file names (for the access log; never their text)
    stages: list[str]
    created: float = field(default_factory=time.monotonic)
    state: str = "queued"  # queued, running, done, failed, cancelled
    stage: str = ""
    done: list[str] = field(default_factory=list)
    error: str = ""
    result: dict | None = None
    ended: float | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    future: Future | None = None
    started: float | None = None

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed", "cancelled")

    def enter(self, stage: str) -> None:
        """The builder starts ``stage``: the one before it is done."""
        if self.cancel.is_set():
            raise Cancelled(cancelled_message())
        if self.stage and self.stage not in self.done:
            self.done.append(self.stage)
        self.stage = stage


class Tasks:
    """The queue's bookkeeping (the build threads run the work)."""

    def __init__(self, keep_seconds: float = 3600, per_session: int | None = None) -> None:
        self.keep_seconds = keep_seconds
        self.per_session = per_session  # running or waiting builds a session may have
        self._tasks: dict[str, Task] = {}  # in the order asked for
        self._lock = threading.Lock()

    def add(self, session: str, names: list[str], stages: list[str]) -> Task:
        with self._lock:
            if self.per_session is not None:
                mine = sum(1 for t in self._tasks.values()
                           if t.session == session and not t.finished)
                if mine >= self.per_session:
                    raise SessionBusy(_("you already have {count} builds running or waiting: "
                                        "wait for one to finish, or cancel one, then try "
                                        "again").format(count=mine))
            task = Task(id=secrets.token_hex(16), session=session, names=names, stages=stages)
            self._tasks[task.id] = task
            return task

    def get(self, task_id: str, session: str) -> Task | None:
        """The session's task of that id; another session's is not found."""
        with self._lock:
            task = self._tasks.get(task_id)
        return task if task is not None and task.session == session else None

    def ahead(self, task: Task) -> int:
        """Builds asked for earlier that have not finished (running or waiting)."""
        with self._lock:
            count = 0
            for other in self._tasks.values():
                if other is task:
                    return count
                if not other.finished:
                    count += 1
        return count

    def waiting(self) -> int:
        with self._lock:
            return sum(1 for t in self._tasks.values() if not t.finished)

    def start(self, task: Task) -> None:
        """Called in the build thread as the work begins."""
        if task.cancel.is_set():
            raise Cancelled(cancelled_message())
        task.state = "running"
        task.started = time.monotonic()

    def end(self, task: Task, result: dict | None = None, error: str = "",
            cancelled: bool = False) -> None:
        if task.stage and task.stage not in task.done and result is not None:
            task.done.append(task.stage)
        task.result = result
        task.error = error
        task.state = "cancelled" if cancelled else ("done" if result is not None else "failed")
        task.ended = time.monotonic()

    def cancel(self, task: Task) -> None:
        """Stop a task: one still waiting never starts, a running one stops (see Builder)."""
        task.cancel.set()
        if task.future is not None and task.future.cancel():
            self.end(task, error=cancelled_message(), cancelled=True)

    def sweep(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            for key in [k for k, t in self._tasks.items()
                        if t.ended is not None and now - t.ended > self.keep_seconds]:
                del self._tasks[key]

    def view(self, task: Task) -> dict:
        """What the page shows: the state, the place in the queue, the stages."""
        body = {"id": task.id, "state": task.state, "stages": task.stages,
                "stage": task.stage, "done": list(task.done)}
        if task.state == "queued":
            body["ahead"] = self.ahead(task)
        if task.error:
            body["error"] = task.error
        if task.result is not None:
            body["result"] = task.result
        return body
