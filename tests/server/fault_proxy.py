"""A small loopback TCP proxy that breaks a connection on purpose (toxiproxy is not in Debian).

The fault strikes once, where the proxied traffic as a whole reaches it: cut the request stream
after k bytes (counted over every connection, so with keep-alive and parallel connections the
cut may fall in any request of a sync), cut the response stream after k bytes (the server has
committed what it answers), or hold the first response past the client's read timeout and then
drop it. Connections opened afterwards (the client's retries) pass untouched.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass

from tests.server.harness import loopback_socket

CLEAN = "clean"
CUT_REQUEST = "cut_request"
CUT_RESPONSE = "cut_response"
STALL_RESPONSE = "stall_response"
_CHUNK = 16 * 1024


@dataclass(frozen=True)
class Fault:
    kind: str = CLEAN
    after: int = 0
    stall_seconds: float = 0.0


class _Link:
    """One proxied connection: the client's socket and the server's."""

    def __init__(self, client: socket.socket, server: socket.socket, proxy: FaultProxy) -> None:
        self.proxy = proxy
        self.client = client
        self.server = server
        self.closed = threading.Event()

    def close(self) -> None:
        self.closed.set()
        for sock in (self.client, self.server):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def pump(self, source: socket.socket, target: socket.socket, direction: str) -> None:
        try:
            while not self.closed.is_set():
                data = source.recv(_CHUNK)
                if not data:
                    with contextlib.suppress(OSError):
                        target.shutdown(socket.SHUT_WR)
                    return
                action, keep = self.proxy.account(direction, len(data))
                if action == STALL_RESPONSE:
                    self.closed.wait(self.proxy.fault.stall_seconds)
                    self.close()
                    return
                target.sendall(data[:keep])
                if action is not None:
                    self.close()
                    return
        except OSError:
            self.close()


class FaultProxy:
    def __init__(self, upstream_port: int, fault: Fault | None = None) -> None:
        self.upstream_port = upstream_port
        self.fault = fault or Fault()
        self.listener = loopback_socket()
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.bytes_up = 0
        self.bytes_down = 0
        self.struck = False
        """Whether the fault broke a connection (a cut drawn past the end of the traffic never does)."""
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def account(self, direction: str, size: int) -> tuple[str | None, int]:
        """Count ``size`` bytes going ``direction``; returns the fault to act out now (if any) and
        how many of the bytes to pass on before it."""
        with self._lock:
            before = self.bytes_up if direction == CUT_REQUEST else self.bytes_down
            if direction == CUT_REQUEST:
                self.bytes_up += size
            else:
                self.bytes_down += size
            if self.struck:
                return None, size
            kind = self.fault.kind
            if kind == STALL_RESPONSE and direction == CUT_RESPONSE:
                self.struck = True
                return STALL_RESPONSE, 0
            if kind == direction and before + size >= self.fault.after:
                self.struck = True
                return kind, self.fault.after - before
        return None, size

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        with contextlib.suppress(OSError):
            # wake the accept() up
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        self._thread.join(5)
        self.listener.close()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self._stopping.is_set():
                client.close()
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            link = _Link(client, server, self)
            threading.Thread(target=link.pump, args=(client, server, CUT_REQUEST), daemon=True).start()
            threading.Thread(target=link.pump, args=(server, client, CUT_RESPONSE), daemon=True).start()
