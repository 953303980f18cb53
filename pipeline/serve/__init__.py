"""`studykit serve`: a local web page for building without a terminal.

The server binds 127.0.0.1 unless told otherwise, keeps the writers' heavy
libraries loaded between builds, and uses a workspace's ``templates/`` when
started inside one (a folder with ``studykit.toml``).  See ``app`` for the
routes and ``jobs`` for where uploads and outputs live.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import webbrowser
from pathlib import Path

from pipeline.errors import EnvironmentProblem
from pipeline.i18n import _

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def workspace_templates(cwd: Path | None = None) -> tuple[Path | None, list[Path]]:
    """The workspace here (studykit.toml in ``cwd``) and its template folders, if any."""
    here = Path(cwd) if cwd is not None else Path.cwd()
    if not (here / "studykit.toml").is_file():
        return None, []
    templates = here / "templates"
    try:  # the workspace may name another folder for its templates
        from pipeline.config import load_config

        templates = load_config(here).templates_dir
    except ImportError:
        pass
    return here, [templates] if templates.is_dir() else []


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, or one clear line saying why not (port taken, bad address)."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except socket.gaierror as exc:
        raise EnvironmentProblem(_("cannot listen on {host}: unknown address ({strerror})").format(
                                     host=host, strerror=exc.strerror)) from exc
    except OSError as exc:
        hint = _(" (is studykit serve already running? try --port {port})").format(
            port=port + 1) if port else ""
        raise EnvironmentProblem(_("cannot listen on {host}:{port}: {reason}{hint}").format(
                                     host=host, port=port, reason=exc.strerror or exc, hint=hint)) from exc
    sock.set_inheritable(True)
    return sock


def _workspace_timeout(workspace: Path | None) -> float:
    """The workspace's ``timeout`` setting, else the default."""
    from pipeline.limits import DEFAULT_TIMEOUT

    if workspace is None:
        return DEFAULT_TIMEOUT
    from pipeline.config import load_config

    return load_config(workspace).timeout


def _log_to_stderr() -> None:
    """The server's own warnings (a failed warm-up, an internal error) on standard error;
    libraries' logging stays quiet (``pipeline.diagnostics``), one line per message."""
    import logging

    own = logging.getLogger("studykit")
    if not own.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("studykit serve: %(message)s"))
        own.addHandler(handler)
        own.setLevel(logging.WARNING)


def _lan_name() -> str:
    """This computer's address on the network, as colleagues would type it."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # nothing is sent: only picks the outgoing address
            return probe.getsockname()[0]
    except OSError:
        return socket.gethostname()


def _can_open_browser() -> bool:
    """Only where a graphical browser can open: never a text browser in this terminal."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


SESSION_BUILDS = 2  # LAN mode: builds one session may have running or waiting


def _log_access() -> None:
    """LAN mode: who built what, one line each on standard output (see ``access``)."""
    import logging

    log = logging.getLogger("studykit.access")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(asctime)s studykit access: %(message)s",
                                               "%Y-%m-%d %H:%M:%S"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def run(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, open_browser: bool = True,
        workers: int | None = None, lan: bool = False, access_code: str | None = None) -> None:
    """Serve until Ctrl+C."""
    import click
    import uvicorn

    from pipeline.serve.app import LOOPBACK_HOSTS, Settings, create_app
    from pipeline.serve.jobs import remove_stale_roots
    from pipeline.serve.protocol import GuardedH11

    _log_to_stderr()
    stale = remove_stale_roots()
    workspace, template_dirs = workspace_templates()
    sock = bind(host, port)
    actual = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{actual}/"
    loopback = host in ("127.0.0.1", "localhost", "::1")
    allowed = list(LOOPBACK_HOSTS) if loopback else ["*"]
    from pipeline.i18n import current

    settings = Settings(template_dirs=template_dirs, workspace=workspace, allowed_hosts=allowed,
                        language=current(), timeout=_workspace_timeout(workspace))
    if workers:
        settings.workers = workers
    if lan:
        from pipeline.serve.access import new_code

        settings.access_code = access_code or new_code()
        settings.session_builds = SESSION_BUILDS
        _log_access()
    app = create_app(settings)
    # Slow and hostile clients: see pipeline.serve.protocol (request heads, connections)
    # and BodyLimit (bodies); keep-alive connections idle for 5 s are closed.
    config = uvicorn.Config(app, log_level="error", access_log=False, lifespan="on",
                            timeout_graceful_shutdown=5, http=GuardedH11,
                            timeout_keep_alive=5, limit_concurrency=GuardedH11.max_connections,
                            h11_max_incomplete_event_size=64 * 1024)
    server = uvicorn.Server(config)
    click.echo(_("studykit serve: {url}  (Ctrl+C to stop)").format(url=url))
    if stale:
        click.echo(_("studykit serve: removed {count} temporary folder(s) left by a server "
                     "that stopped without cleaning up").format(count=len(stale)))
    if workspace:
        click.echo(_("studykit serve: workspace {workspace}, templates from {templates}").format(
            workspace=workspace,
            templates=", ".join(map(str, template_dirs)) or _("the built-in ones")))
    if lan:
        click.echo(_("studykit serve: LAN mode: colleagues open http://{name}:{port}/ and enter "
                     "the access code {code}").format(name=_lan_name(), port=actual,
                                                     code=settings.access_code))
    elif not loopback:
        click.echo(_("studykit serve: warning: listening on {host}: anyone who can reach this "
                     "computer can use the page (it has no password)").format(host=host), err=True)
    if open_browser:
        if _can_open_browser():
            threading.Timer(1.0, webbrowser.open, args=(url,)).start()
        else:
            click.echo(_("studykit serve: no graphical browser here; open the address above"))
    server.run(sockets=[sock])
