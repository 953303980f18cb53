"""LAN mode's door: an access code, the sessions it opens, and the access log.

``studykit serve --lan`` listens on every interface, so anyone on the network can
reach it.  The page asks once for the access code (printed at start, or given with
``--access-code``); a right code opens a session, kept in a cookie (HttpOnly,
SameSite=Strict) that names it by a random id.  Scripts send the code as
``Authorization: Bearer CODE`` instead (one session per client address).  Wrong
codes are slowed down: after ``MAX_FAILURES`` from one address, that address waits
``LOCKOUT_SECONDS``.  On loopback there is no code and one session, ``"local"``.

The access log (logger ``studykit.access``) says who built what: the session, the
address, the file names and the outputs, the outcome — never the articles' text.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time
from dataclasses import dataclass, field

COOKIE = "studykit_session"
LOCAL = "local"  # the one session on loopback
MAX_FAILURES = 10
LOCKOUT_SECONDS = 60.0
MAX_SESSIONS = 1000  # the oldest go first
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or off a screen

access_log = logging.getLogger("studykit.access")


def new_code() -> str:
    """An access code like ``K7QM-3XPA``: 8 characters, 40 bits, easy to read out."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def _norm(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


@dataclass
class Session:
    id: str
    address: str
    opened: float = field(default_factory=time.time)

    @property
    def label(self) -> str:
        """How the log names it: a short id, not the secret cookie."""
        return self.id if self.id.startswith("script-") else self.id[:8]


class Access:
    def __init__(self, code: str) -> None:
        self.code = code
        self._sessions: dict[str, Session] = {}
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def locked_out(self, address: str) -> bool:
        with self._lock:
            count, since = self._failures.get(address, (0, 0.0))
            if count >= MAX_FAILURES and time.monotonic() - since < LOCKOUT_SECONDS:
                return True
            if count >= MAX_FAILURES:
                del self._failures[address]
            return False

    def matches(self, code: str, address: str) -> bool:
        ok = hmac.compare_digest(_norm(code).encode(), _norm(self.code).encode())
        with self._lock:
            if ok:
                self._failures.pop(address, None)
            else:
                count, _since = self._failures.get(address, (0, 0.0))
                self._failures[address] = (count + 1, time.monotonic())
        return ok

    def open(self, address: str) -> Session:
        session = Session(secrets.token_hex(24), address)
        with self._lock:
            self._sessions[session.id] = session
            while len(self._sessions) > MAX_SESSIONS:
                del self._sessions[next(iter(self._sessions))]
        access_log.info("session %s opened from %s", session.label, address)
        return session

    def session(self, cookie: str | None) -> Session | None:
        if not cookie:
            return None
        with self._lock:
            return self._sessions.get(cookie)

    def bearer(self, header: str | None, address: str) -> Session | None:
        """A script's session: the code as a Bearer token, one session per address."""
        scheme, _sp, code = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not code or self.locked_out(address):
            return None
        if not self.matches(code, address):
            return None
        sid = "script-" + address
        with self._lock:
            return self._sessions.setdefault(sid, Session(sid, address))


def session_of(request) -> str:
    """The session a request belongs to (set by the app's access check)."""
    return getattr(request.state, "session", LOCAL)
