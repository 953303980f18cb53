"""The web app: one page, a JSON API for it, and the downloads.

Routes
  GET  /                         the page (Chinese)
  POST /api/check                one file (+ its corrections) → the ``check`` tree, the
                                 fields and outline to correct (see ``serve.review``)
  POST /api/build                files in order + choices + corrections → the build's files
                                 and previews
  POST /api/corrections          started in a workspace: save one file's corrections into
                                 its studykit.toml ([articles."NAME"])
  GET  /files/{token}/{name}     one output of a build, looked up by name in that build
  GET  /zip/{token}              all of a build's outputs as one .zip
  GET  /preview/{token}/{n}.png  the booklet's first pages as images
  GET  /healthz                  {"ok": true, "warm": …}

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
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
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

    def stored_corrections(self, name: str):
        """The workspace's corrections of a file (``[articles."NAME"]``), if any."""
        root = self.settings.workspace
        if root is None:
            return None
        from pipeline.config import load_config

        return load_config(root).articles.get(name)

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """A place among the builds running or waiting, taken before the request body is
        read: when too many are waiting, the upload is refused before it is received."""
        with self.lock:
            if self.pending >= self.settings.max_pending:
                raise Busy(busy_message())
            self.pending += 1
        loop = asyncio.get_running_loop()
        try:
            yield
        finally:
            with self.lock:
                self.pending -= 1
                idle = self.pending == 0
            if idle:  # hand freed memory back once nothing has been building for a moment
                loop.call_later(IDLE_SECONDS, self._release_if_idle, loop)

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
        if request.method == "POST" and request.headers.get(CSRF_HEADER) != "1":
            return _error(_("requests must come from the studykit page"), 403)
        response = await call_next(request)
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
        return _error(str(err), 503 if isinstance(err, Busy) else 400)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        messages = {404: _("not found (the build may have expired: build again)"),
                    405: _("method not allowed")}
        detail = exc.detail if exc.status_code == 413 else messages.get(exc.status_code, exc.detail)
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

    @app.post("/api/build")
    async def build(request: Request) -> JSONResponse:
        async with state.slot():
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
            started = time.perf_counter()
            result = await state.run(state.builder.build, uploads, spec, fixes)
        body = _build_json(result)
        body["request_seconds"] = round(time.perf_counter() - started, 3)
        return JSONResponse(body)

    @app.get("/files/{token}/{name:path}")
    async def download(token: str, name: str) -> FileResponse:
        found = state.builder.file(token, name)
        if found is None:
            raise HTTPException(404)
        return FileResponse(found.path, filename=found.name)

    @app.get("/zip/{token}")
    async def download_zip(token: str) -> FileResponse:
        if state.builder.get(token) is None:
            raise HTTPException(404)
        path = await asyncio.to_thread(state.builder.zip, token)
        if path is None:
            raise HTTPException(404)
        return FileResponse(path, filename="学习材料.zip", media_type="application/zip")

    @app.get("/preview/{token}/{number}.png")
    async def preview(token: str, number: int) -> FileResponse:
        path = state.builder.preview(token, number)
        if path is None:
            raise HTTPException(404)
        return FileResponse(path, media_type="image/png")

    return app
