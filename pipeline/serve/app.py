"""The web app: one page, a JSON API for it, and the downloads.

Routes
  GET  /                         the page (Chinese)
  POST /api/check                one file (+ its corrections) → the ``check`` tree, the
                                 fields and outline to correct (see ``serve.review``)
  POST /api/jobs                 files in order + choices + corrections → a queued build
                                 (202: its id, place in the queue, stages)
  GET  /api/jobs/{id}            that build now: queued (ahead), running (stage), done
                                 (result: the files and previews), failed (error), cancelled
  POST /api/jobs/{id}/cancel     stop it (waiting: never starts; running: stopped now)
  GET  /api/builds/{token}       a kept build's files again (the page after a reload)
  POST /api/build                the same form as /api/jobs, answered when done (scripts)
  GET|POST /login                LAN mode: the access code → a session cookie
  POST /api/corrections          started in a workspace: save one file's corrections into
                                 its studykit.toml ([articles."NAME"])
  GET  /files/{token}/{name}     one output of a build, looked up by name in that build
  GET  /zip/{token}              all of a build's outputs as one .zip
  GET  /preview/{token}/{n}.png  the booklet's first pages as images
  GET  /healthz                  {"ok": true, "warm": …}

In LAN mode (``Settings.access_code``) every route but /login, /static and /healthz needs
the session cookie or ``Authorization: Bearer CODE`` (see ``serve.access``), and a session
sees only its own builds.  Builds run as tasks of one queue (``serve.tasks``).

Errors are JSON ``{"error": "<one line>"}``: a StudykitError's message, exactly
as the command line prints it, so the page shows the same words.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import os
import threading
import time
import traceback
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import ClientDisconnect

from pipeline import __version__
from pipeline.errors import InputError, StudykitError
from pipeline.i18n import _, from_accept_language, normalize, use_language
from pipeline.limits import DEFAULT_TIMEOUT
from pipeline.serve.access import COOKIE, Access, access_log, session_of
from pipeline.serve.jobs import (
    AIDS,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_REQUEST_BYTES,
    OUTPUTS,
    Build,
    Builder,
    BuildSpec,
    Busy,
    Upload,
    check_report,
    clean_name,
    release_memory,
)
from pipeline.serve.tasks import SessionBusy, Task, Tasks

log = logging.getLogger("studykit.serve")

HERE = Path(__file__).resolve().parent
CSRF_HEADER = "x-studykit"  # the page's fetch() sends it; a plain cross-site form cannot
IDLE_SECONDS = 1.0  # after the last build, before memory is given back (gc takes ~0.1 s)
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]
def busy_message() -> str:
    return _("the server is busy with other builds; try again in a moment")
AID_LABELS = {"excerpts": "重点摘编", "glossary": "名词解释", "questions": "思考讨论题",
              "quiz": "学习测试", "notes": "学习笔记页"}
VARIANT_LABELS = {"official": "标准版", "large-print": "大字版", "plain": "简版（仅正文，无学习辅助）"}
# What each variant changes, shown under the choice (the CLI's --help says the same).
VARIANT_NOTES = {
    "official": "讲义按党政机关公文格式（GB/T 9704），阅读版正文五号字，幻灯片正常字号。",
    "large-print": "讲义字号放大1.25倍；阅读版和印刷版正文四号（14磅）以上，标题、页眉、页码随之放大，"
                   "封面标明“大字版”；幻灯片字更大、每页要点更少。",
    "plain": "各种材料都只有正文，不附重点摘编、名词解释、讨论题、测试和笔记页。",
}
PAPER_LABELS = {"A5": "A5（默认）", "B5": "B5", "A4": "A4"}
SHEET_LABELS = {"auto": "自动（原大：A5 用 A4，B5 用 B4，A4 用 A3）", "A4": "A4", "A3": "A3",
                "B4": "B4"}


@dataclass
class Settings:
    template_dirs: list[Path] = field(default_factory=list)
    workspace: Path | None = None  # shown on the page when the templates come from one
    # Builds running at once.  Python runs one thread at a time (and PDFs are laid out
    # one at a time anyway), so more threads than cores only add memory.
    workers: int = field(default_factory=lambda: max(2, min(4, os.cpu_count() or 2)))
    max_pending: int = 32  # builds running or waiting; more get "busy"
    keep_seconds: float = 3600
    warm_up: bool = True  # import the writers and build a tiny document at startup
    allowed_hosts: list[str] = field(default_factory=lambda: list(LOOPBACK_HOSTS))
    # Messages (API errors, the check report, warnings) for a request that does not say:
    # None is the server's own (studykit serve --lang, or the locale).
    language: str | None = None
    root: Path | None = None  # where uploads and outputs live (default: a new temp folder)
    # Each output is made in a worker process under these limits (pipeline.limits);
    # isolate=False builds in the server's threads, without the limits (tests).
    isolate: bool = True
    timeout: float = DEFAULT_TIMEOUT
    max_uploads: int = 4  # request bodies being received at once; more get "busy"
    body_seconds: float = 15.0  # a request body that stalls this long is refused (408)
    # LAN mode (studykit serve --lan): every request needs the access code (a login keeps a
    # session cookie; scripts send "Authorization: Bearer CODE"); each session sees only its
    # own builds, and may have at most ``session_builds`` running or waiting.
    access_code: str | None = None
    session_builds: int | None = None


class _TooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(413, _("request too large (the limit is {total} MiB for all files "
                                "together, {each} MiB each): send fewer or smaller files").format(
                                    total=MAX_REQUEST_BYTES // (1024 * 1024),
                                    each=MAX_FILE_BYTES // (1024 * 1024)))


class Language:
    """Each request's messages in its language: ``?lang=zh|en``, else the page's own
    (``X-Studykit-Lang``, the ``lang`` of the page that asks), else a ``lang`` cookie, else
    the browser's ``Accept-Language``, else the server's (``Settings.language``).
    Pure ASGI, so the choice (a context variable) holds for everything the request runs,
    the exception handlers and the build threads included (``State.run`` copies it)."""

    def __init__(self, app, default: str | None = None) -> None:
        self.app, self.default = app, default

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with use_language(request_language(scope, self.default)):
            await self.app(scope, receive, send)


def request_language(scope, default: str | None = None) -> str | None:
    """The language a request asks for (see ``Language``)."""
    from http.cookies import SimpleCookie
    from urllib.parse import parse_qs

    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    cookie = SimpleCookie()
    with contextlib.suppress(Exception):
        cookie.load(headers.get("cookie", ""))
    for value in (query.get("lang", [""])[0], headers.get("x-studykit-lang", ""),
                  cookie["lang"].value if "lang" in cookie else ""):
        if normalize(value):
            return normalize(value)
    return from_accept_language(headers.get("accept-language")) or default


class _Stalled(HTTPException):
    def __init__(self, seconds: float) -> None:
        super().__init__(408, _("the upload stalled (nothing received for {seconds} s)").format(
            seconds=f"{seconds:g}"))


class BodyLimit:
    """Request bodies: at most ``limit`` bytes (declared or streamed), at most
    ``uploads`` being received at once (more are "busy" before any of the body
    is read), and refused when a client stops sending for ``seconds``."""

    def __init__(self, app, limit: int, uploads: int = 4, seconds: float = 15.0) -> None:
        self.app, self.limit, self.seconds = app, limit, seconds
        self.uploads = asyncio.Semaphore(uploads)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await JSONResponse({"error": _TooLarge().detail}, 413)(scope, receive, send)
            return
        if self.uploads.locked():
            await JSONResponse({"error": busy_message()}, 503)(scope, receive, send)
            return
        seen = 0
        done = False

        async def limited():
            nonlocal seen, done
            if done:  # the body was read: what follows is the disconnect, whenever it comes
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.seconds)
            except TimeoutError:
                raise _Stalled(self.seconds) from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge()
                done = not message.get("more_body", False)
            return message

        async with self.uploads:
            await self.app(scope, limited, send)


class State:
    """What the routes share: the builder, its thread pool and the waiting count."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.builder = Builder(settings.root, settings.template_dirs,
                               keep_seconds=settings.keep_seconds, timeout=settings.timeout,
                               workers=settings.workers if settings.isolate else 0)
        self.pool = ThreadPoolExecutor(max_workers=settings.workers,
                                       thread_name_prefix="studykit-build")
        self.pending = 0
        self.lock = threading.Lock()
        self.warm = threading.Event()
        self.warm_seconds: float | None = None
        self.toml_lock = threading.Lock()  # one write of studykit.toml at a time
        self.tasks = Tasks(settings.keep_seconds, settings.session_builds)
        self.access = Access(settings.access_code) if settings.access_code else None

    def stored_corrections(self, name: str):
        """The workspace's corrections of a file (``[articles."NAME"]``), if any."""
        root = self.settings.workspace
        if root is None:
            return None
        from pipeline.config import load_config

        return load_config(root).articles.get(name)

    def take(self) -> None:
        """A place among the builds running or waiting; more than ``max_pending``: busy."""
        with self.lock:
            if self.pending >= self.settings.max_pending:
                raise Busy(busy_message())
            self.pending += 1

    def give(self, loop: asyncio.AbstractEventLoop) -> None:
        """The place back (from any thread); memory is handed back once all are idle."""
        with self.lock:
            self.pending -= 1
            idle = self.pending == 0
        if idle:
            with contextlib.suppress(RuntimeError):  # the loop is closed: shutting down
                loop.call_soon_threadsafe(loop.call_later, IDLE_SECONDS, self._release_if_idle,
                                          loop)

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """A place taken before the request body is read: when too many are waiting, the
        upload is refused before it is received."""
        self.take()
        loop = asyncio.get_running_loop()
        try:
            yield
        finally:
            self.give(loop)

    async def run(self, fn, *args):
        """Run ``fn`` in the build threads (inside a ``slot``), in the request's language."""
        call = functools.partial(contextvars.copy_context().run, fn, *args)
        return await asyncio.get_running_loop().run_in_executor(self.pool, call)

    def _release_if_idle(self, loop: asyncio.AbstractEventLoop) -> None:
        with self.lock:
            if self.pending:
                return
        with contextlib.suppress(RuntimeError):  # the pool is already shut down
            loop.run_in_executor(self.pool, release_memory)

    def warm_up(self) -> None:
        try:
            self.warm_seconds = self.builder.warm_up()
            log.info("writers loaded in %.1f s", self.warm_seconds)
        except Exception:  # never stop the server over it; the first build will say why
            log.warning("warm-up failed:\n%s", traceback.format_exc())
        finally:
            self.warm.set()


def _error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _page_env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                              autoescape=True, undefined=jinja2.StrictUndefined)


def _build_json(build: Build) -> dict:
    base = f"/files/{build.token}/"
    return {
        "token": build.token,
        "seconds": round(build.seconds, 3),
        "cached": build.cached,
        "files": [{"name": f.name, "kind": f.kind, "label": f.label,
                   "size": f.path.stat().st_size, "url": base + quote(f.name)}
                  for f in build.files],
        "zip": f"/zip/{build.token}",
        "previews": [f"/preview/{build.token}/{i}.png" for i in range(1, len(build.previews) + 1)],
        "warnings": build.warnings,
    }


def _corrections(raw, name: str):
    """The page's corrections of one file (JSON, the keys of [articles."NAME"])."""
    import json

    from pipeline.corrections import from_mapping

    if raw is None or raw == "" or raw == "null":
        return None
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError as exc:
        raise InputError(_("{name}: corrections: not valid JSON ({msg})").format(
                             name=name, msg=exc.msg)) from exc
    if data is None:
        return None
    return from_mapping(data, f"{name}: corrections", "page")


def _correction_list(raw, names: list[str]) -> list:
    import json

    if raw is None or raw == "":
        return [None] * len(names)
    try:
        items = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(_("corrections: not valid JSON ({msg})").format(msg=exc.msg)) from exc
    if not isinstance(items, list) or len(items) != len(names):
        raise InputError(_("corrections: expected one entry per file, in the files' order"))
    return [_corrections(item, name) for item, name in zip(items, names, strict=True)]


async def _uploads(files: list) -> list[Upload]:
    uploads = []
    for f in files:
        if not isinstance(f, UploadFile):
            continue
        data = await f.read(MAX_FILE_BYTES + 1)
        name = clean_name(f.filename)
        if len(data) > MAX_FILE_BYTES:
            size = (f.size or len(data)) // (1024 * 1024)
            raise InputError(_("{name}: file too large ({size} MiB; the limit is "
                               "{MAX_FILE_BYTES} MiB)").format(
                                 name=name, size=size, MAX_FILE_BYTES=MAX_FILE_BYTES // (1024 * 1024)))
        uploads.append(Upload(name, data))
    return uploads


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    state = State(settings)
    env = _page_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.warm_up:
            threading.Thread(target=state.warm_up, name="studykit-warm", daemon=True).start()
        else:
            state.warm.set()

        async def sweeper() -> None:
            while True:
                await asyncio.sleep(60)
                await asyncio.to_thread(state.builder.sweep)
                state.tasks.sweep()

        task = asyncio.create_task(sweeper())
        try:
            yield
        finally:
            task.cancel()
            state.pool.shutdown(wait=False, cancel_futures=True)
            state.builder.close()

    app = FastAPI(title="studykit", version=__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url=None)
    app.state.studykit = state
    app.add_middleware(BodyLimit, limit=MAX_REQUEST_BYTES, uploads=settings.max_uploads,
                       seconds=settings.body_seconds)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.middleware("http")
    async def guard(request: Request, call_next):
        login = request.url.path == "/login"
        if request.method == "POST" and not login and request.headers.get(CSRF_HEADER) != "1":
            return _error(_("requests must come from the studykit page"), 403)
        if state.access is not None and not login and not _open_path(request.url.path):
            address = request.client.host if request.client else "?"
            session = (state.access.session(request.cookies.get(COOKIE))
                       or state.access.bearer(request.headers.get("authorization"), address))
            if session is None:
                if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
                    return RedirectResponse("/login", 303)
                return _error(_("this page needs the access code (ask whoever started "
                                "studykit serve; scripts send it as \"Authorization: Bearer "
                                "CODE\")"), 401)
            request.state.session = session.id
            request.state.who = f"{session.label} {address}"
        response = await call_next(request)
        if response.headers.get("content-type", "").startswith("application/pdf"):
            return _secure(response, csp=False)  # the browser's PDF viewer must run
        return _secure(response)

    def _secure(response, csp: bool = True):
        if csp:
            response.headers["Content-Security-Policy"] = (
                "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
                "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                "form-action 'self'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.add_middleware(Language, default=settings.language)  # outermost: every message

    @app.exception_handler(StudykitError)
    async def studykit_error(request: Request, err: StudykitError) -> JSONResponse:
        status = 503 if isinstance(err, Busy) else 429 if isinstance(err, SessionBusy) else 400
        return _error(str(err), status)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        messages = {404: _("not found (the build may have expired: build again)"),
                    405: _("method not allowed")}
        detail = exc.detail if exc.status_code == 413 else messages.get(exc.status_code, exc.detail)
        if (exc.status_code == 404 and request.method == "GET"
                and request.url.path.startswith(("/files/", "/zip/", "/preview/"))
                and "text/html" in request.headers.get("accept", "")):
            # A link followed in the browser: a page that says so and offers to rebuild.
            html = env.get_template("expired.html").render(
                version=__version__, hours=f"{settings.keep_seconds / 3600:g}")
            return HTMLResponse(html, 404)
        response = _error(str(detail), exc.status_code)
        if exc.status_code in (408, 413):  # the rest of the body is not wanted: hang up
            response.headers["Connection"] = "close"
        return response

    @app.exception_handler(ClientDisconnect)
    async def client_gone(request: Request, exc: ClientDisconnect) -> JSONResponse:
        return _error("the upload was interrupted", 400)  # nobody is left to read it

    @app.exception_handler(MultiPartException)
    async def bad_form(request: Request, exc: MultiPartException) -> JSONResponse:
        return _error(f"not a valid upload ({exc.message})", 400)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        log.error("internal error:\n%s", "".join(traceback.format_exception(exc)))
        return _error(_("internal error: {error}").format(error=f"{type(exc).__name__}: {exc}"),
                      500)

    @app.get("/", response_class=HTMLResponse)
    async def page() -> HTMLResponse:
        html = env.get_template("index.html").render(
            version=__version__, outputs={k: v[2] for k, v in OUTPUTS.items()},
            aids={a: AID_LABELS[a] for a in AIDS}, variants=VARIANT_LABELS,
            variant_notes=VARIANT_NOTES, papers=PAPER_LABELS, sheets=SHEET_LABELS,
            max_mb=MAX_FILE_BYTES // (1024 * 1024), max_files=MAX_FILES,
            workspace=str(settings.workspace) if settings.workspace else "")
        return HTMLResponse(html)

    @app.get("/healthz")
    async def healthz() -> dict:
        return {"ok": True, "warm": state.warm.is_set(), "warm_seconds": state.warm_seconds,
                "building": state.pending, "pid": os.getpid()}

    @app.post("/api/check")
    async def check(request: Request) -> JSONResponse:
        async with state.slot():
            form = await request.form(max_files=1, max_fields=10)
            try:
                uploads = await _uploads(form.getlist("file"))
                raw = form.get("corrections")
            finally:
                await form.close()
            if not uploads:
                return _error(_("no file in the request: add a file first"))
            name = uploads[0].name
            corrections = _corrections(raw, name) if raw is not None else \
                await asyncio.to_thread(state.stored_corrections, name)
            report = await state.run(check_report, uploads[0], corrections)
        report["workspace"] = settings.workspace is not None
        return JSONResponse(report)

    @app.post("/api/corrections")
    async def save_corrections(request: Request) -> JSONResponse:
        """Started in a workspace: one file's corrections into studykit.toml."""
        if settings.workspace is None:
            return _error(_("not started in a workspace: corrections stay in this browser tab"))
        try:
            body = await request.json()
        except ValueError:
            return _error(_("expected JSON: {\"name\": …, \"corrections\": {…}}"))
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            return _error(_("expected JSON: {\"name\": …, \"corrections\": {…}}"))
        name = clean_name(body["name"])
        corrections = _corrections(body.get("corrections"), name)

        def save() -> str:
            from pipeline.workspace import save_corrections as write

            with state.toml_lock:
                return str(write(settings.workspace, name, corrections))

        path = await asyncio.to_thread(save)
        return JSONResponse({"saved": path, "name": name,
                             "corrections": corrections.to_dict() if corrections else {}})

    @app.get("/login", response_class=HTMLResponse)
    async def login_page(request: Request) -> HTMLResponse:
        if state.access is None:
            return RedirectResponse("/", 303)
        return _login(request)

    @app.post("/login")
    async def login(request: Request):
        if state.access is None:
            return RedirectResponse("/", 303)
        address = request.client.host if request.client else "?"
        if state.access.locked_out(address):
            return _login(request, "尝试次数太多，请一分钟后再试。", 429)
        form = await request.form(max_files=0, max_fields=2)
        code = str(form.get("code") or "")
        await form.close()
        if not state.access.matches(code, address):
            access_log.info("wrong access code from %s", address)
            return _login(request, "访问码不对。请核对后重新输入（不区分大小写，短横线可省略）。",
                          401)
        session = state.access.open(address)
        response = RedirectResponse("/", 303)
        response.set_cookie(COOKIE, session.id, httponly=True, samesite="strict",
                            max_age=12 * 3600, path="/")
        return response

    def _login(request: Request, error: str = "", status: int = 200) -> HTMLResponse:
        html = env.get_template("login.html").render(version=__version__, error=error)
        return HTMLResponse(html, status)

    def _start(request: Request, uploads: list[Upload], spec: BuildSpec, fixes: list) -> Task:
        """Queue a build (its place was taken with ``state.take``); the place is given
        back when it ends, however it ends."""
        loop = asyncio.get_running_loop()
        session = session_of(request)
        who = getattr(request.state, "who", "local")
        try:
            task = state.tasks.add(session, [u.name for u in uploads], ["parse", *spec.jobs()])
        except BaseException:
            state.give(loop)
            raise
        owner = session if state.access is not None else ""

        def work() -> dict:
            state.tasks.start(task)
            build = state.builder.build(uploads, spec, fixes, stage=task.enter, owner=owner,
                                        cancel=task.cancel)
            return _build_json(build)

        def finished(future) -> None:
            try:
                if future.cancelled():
                    state.tasks.end(task, error=_("the build was cancelled"), cancelled=True)
                elif future.exception() is not None:
                    err = future.exception()
                    if task.cancel.is_set():  # stopped between stages, or its writer was
                        state.tasks.end(task, error=_("the build was cancelled"), cancelled=True)
                    elif isinstance(err, StudykitError):
                        state.tasks.end(task, error=str(err))
                    else:
                        log.error("internal error:\n%s",
                                  "".join(traceback.format_exception(err)))
                        state.tasks.end(task, error=_("internal error: {error}").format(
                            error=f"{type(err).__name__}: {err}"))
                else:
                    state.tasks.end(task, result=future.result())
                if state.access is not None:
                    access_log.info("%s build %s files=%s outputs=%s: %s", who, task.id[:8],
                                    ",".join(task.names), ",".join(spec.outputs), task.state)
            finally:
                state.give(loop)

        call = functools.partial(contextvars.copy_context().run, work)
        task.future = state.pool.submit(call)
        # the ending's messages in the request's language too
        task.future.add_done_callback(functools.partial(contextvars.copy_context().run, finished))
        return task

    async def _read_build(request: Request) -> tuple[list[Upload], BuildSpec, list]:
        form = await request.form(max_files=MAX_FILES + 1, max_fields=50)
        try:
            uploads = await _uploads(form.getlist("files"))
            fixes = _correction_list(form.get("corrections"), [u.name for u in uploads])
            spec = BuildSpec(
                outputs=tuple(str(v) for v in form.getlist("outputs")),
                variant=str(form.get("variant") or "official"),
                org=str(form.get("org") or "").strip(),
                session_date=str(form.get("session_date") or "").strip() or None,
                aids=tuple(str(v) for v in form.getlist("aids")),
                compile_=str(form.get("compile") or "") in ("1", "true", "on"),
                title=str(form.get("title") or "").strip(),
                paper=str(form.get("paper") or "A5"),
                print_sheet=str(form.get("print_sheet") or "auto"))
        finally:
            await form.close()
        if not uploads:
            raise InputError(_("no source: paste some text or add a file first"))
        return uploads, spec, fixes

    async def _queued(request: Request) -> Task:
        state.take()
        try:
            uploads, spec, fixes = await _read_build(request)
        except BaseException:
            state.give(asyncio.get_running_loop())
            raise
        return _start(request, uploads, spec, fixes)

    @app.post("/api/jobs")
    async def submit(request: Request) -> JSONResponse:
        """Queue a build; the page follows it with GET /api/jobs/{id}."""
        task = await _queued(request)
        return JSONResponse(state.tasks.view(task), 202)

    def _unknown_task() -> JSONResponse:
        return _error(_("this build is no longer known (the server was restarted, or it "
                        "ended long ago): build again"), 404)

    @app.get("/api/jobs/{task_id}")
    async def job_state(request: Request, task_id: str) -> JSONResponse:
        task = state.tasks.get(task_id, session_of(request))
        if task is None:
            return _unknown_task()
        return JSONResponse(state.tasks.view(task))

    @app.post("/api/jobs/{task_id}/cancel")
    async def cancel(request: Request, task_id: str) -> JSONResponse:
        task = state.tasks.get(task_id, session_of(request))
        if task is None:
            return _unknown_task()
        state.tasks.cancel(task)
        await asyncio.to_thread(state.builder.interrupt, task.cancel)  # the writer running
        return JSONResponse(state.tasks.view(task))

    @app.post("/api/build")
    async def build(request: Request) -> JSONResponse:
        """Build and answer when done (for scripts; the page queues with /api/jobs)."""
        started = time.perf_counter()
        task = await _queued(request)
        await asyncio.wrap_future(task.future)  # its error is the answer's, as before
        body = dict(task.result or {})
        body["request_seconds"] = round(time.perf_counter() - started, 3)
        return JSONResponse(body)

    def _owner(request: Request) -> str | None:
        return session_of(request) if state.access is not None else None

    @app.get("/api/builds/{token}")
    async def build_state(request: Request, token: str) -> JSONResponse:
        """A kept build's files again (a reloaded page shows its last build)."""
        found = state.builder.get(token, _owner(request))
        if found is None:
            raise HTTPException(404)
        return JSONResponse(_build_json(found))

    @app.get("/files/{token}/{name:path}")
    async def download(request: Request, token: str, name: str) -> FileResponse:
        found = state.builder.file(token, name, _owner(request))
        if found is None:
            raise HTTPException(404)
        inline = request.query_params.get("inline") == "1" and found.name.endswith(".pdf")
        return FileResponse(found.path, filename=found.name,
                            content_disposition_type="inline" if inline else "attachment")

    @app.get("/zip/{token}")
    async def download_zip(request: Request, token: str) -> FileResponse:
        owner = _owner(request)
        if state.builder.get(token, owner) is None:
            raise HTTPException(404)
        path = await asyncio.to_thread(state.builder.zip, token, owner)
        if path is None:
            raise HTTPException(404)
        return FileResponse(path, filename="学习材料.zip", media_type="application/zip")

    @app.get("/preview/{token}/{number}.png")
    async def preview(request: Request, token: str, number: int) -> FileResponse:
        path = state.builder.preview(token, number, _owner(request))
        if path is None:
            raise HTTPException(404)
        return FileResponse(path, media_type="image/png")

    return app


def _open_path(path: str) -> bool:
    """What LAN mode serves without a session: the login page and its style sheet."""
    return path.startswith("/static/") or path == "/healthz"
