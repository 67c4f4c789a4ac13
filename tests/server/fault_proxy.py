"""A small loopback TCP proxy that breaks connections on purpose (toxiproxy is not in Debian).

Each accepted connection gets a ``Fault`` from the plan, by its number (0 for the first):
cut the request stream after k bytes, cut the response stream after k bytes (the server has
committed what it answers), or hold the response past the client's read timeout and then drop
it. Bytes are counted over the whole connection, so with keep-alive the cut may fall in any
request of a sync.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
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
    """One proxied connection: the client's socket, the server's, and the fault that applies."""

    def __init__(self, client: socket.socket, server: socket.socket, fault: Fault, proxy: FaultProxy) -> None:
        self.proxy = proxy
        self.client = client
        self.server = server
        self.fault = fault
        self.closed = threading.Event()

    def close(self) -> None:
        self.closed.set()
        for sock in (self.client, self.server):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def pump(self, source: socket.socket, target: socket.socket, cut_kind: str) -> None:
        sent = 0
        try:
            while not self.closed.is_set():
                data = source.recv(_CHUNK)
                if not data:
                    with contextlib.suppress(OSError):
                        target.shutdown(socket.SHUT_WR)
                    return
                if self.fault.kind == STALL_RESPONSE and cut_kind == CUT_RESPONSE:
                    self.closed.wait(self.fault.stall_seconds)
                    self.close()
                    return
                if self.fault.kind == cut_kind and sent + len(data) >= self.fault.after:
                    target.sendall(data[: self.fault.after - sent])
                    self.close()
                    return
                target.sendall(data)
                sent += len(data)
                if cut_kind == CUT_REQUEST:
                    self.proxy.bytes_up += len(data)
        except OSError:
            self.close()


class FaultProxy:
    def __init__(self, upstream_port: int, plan: Callable[[int], Fault]) -> None:
        self.upstream_port = upstream_port
        self.plan = plan
        self.listener = loopback_socket()
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections = 0
        self.bytes_up = 0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

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
            fault = self.plan(self.connections)
            self.connections += 1
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            link = _Link(client, server, fault, self)
            threading.Thread(target=link.pump, args=(client, server, CUT_REQUEST), daemon=True).start()
            threading.Thread(target=link.pump, args=(server, client, CUT_RESPONSE), daemon=True).start()


def first_connection_only(fault: Fault) -> Callable[[int], Fault]:
    return lambda number: fault if number == 0 else Fault()
