"""uvicorn's h11 protocol with the limits a slow or hostile client needs.

uvicorn closes idle keep-alive connections, but a client that sends half a
request head and then nothing keeps its connection open for ever: a thousand
of them made the page unresponsive.  Here

- a request head must arrive complete within ``HEAD_SECONDS`` of the
  connection opening (or of the previous response), else the connection is
  closed;
- at most ``MAX_CONNECTIONS`` connections are open at once; one more gets a
  short 503 and is closed.

Request bodies are limited by the app (``BodyLimit``: size, uploads at once,
stalls).
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

HEAD_SECONDS = 10.0
MAX_CONNECTIONS = 64
_BUSY_BODY = b'{"error": "the server has too many connections; try again in a moment"}'
_BUSY = (b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n"
         b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(_BUSY_BODY), _BUSY_BODY))


class GuardedH11(H11Protocol):
    """H11Protocol plus a deadline for each request head and a cap on connections."""

    head_seconds = HEAD_SECONDS
    max_connections = MAX_CONNECTIONS

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            transport.write(_BUSY)
            transport.close()
            return
        self._arm_head_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        timer = getattr(self, "_head_timer", None)
        if timer is not None:
            timer.cancel()
        super().connection_lost(exc)

    def _arm_head_timer(self) -> None:
        timer = getattr(self, "_head_timer", None)
        if timer is not None:
            timer.cancel()
        self._head_timer = self.loop.call_later(self.head_seconds, self._head_expired,
                                                self.cycle)

    def _head_expired(self, cycle: object) -> None:
        """No new request since the timer was set, and none being received: close."""
        if self.transport.is_closing():
            return
        if self.cycle is cycle and self.conn.their_state is h11.IDLE:
            self.transport.close()
