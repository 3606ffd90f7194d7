"""A small fault-injecting HTTP proxy on loopback, owned by the test suite (and bench/).

Each client connection carries one request: the proxy reads it, then, by the fault chosen for
it, forwards it and relays the answer (``pass``), forwards it and drops the answer after the
server committed (``drop``), resets the connection before forwarding (``reset``), holds the
connection past the client's timeout (``stall``), or answers ``500`` / ``429`` itself.
Bounded: it only ever talks to the one upstream on 127.0.0.1 it was given.
"""

from __future__ import annotations

import random
import socket
import threading
from collections import Counter
from collections.abc import Callable

FAULTS = ("pass", "drop", "reset", "stall", "500", "429")


def _read_http(sock: socket.socket, limit: int = 64 * 1024 * 1024) -> bytes:
    """One HTTP/1.1 message with a Content-Length body (what uvicorn and requests send)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length and len(data) < limit:
        chunk = sock.recv(min(65536, length - len(body)))
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def _with_close(message: bytes) -> bytes:
    head, _, body = message.partition(b"\r\n\r\n")
    lines = [ln for ln in head.split(b"\r\n") if not ln.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body


def _canned(status: str, extra: str = "") -> bytes:
    body = b'{"error": "injected", "detail": "fault injected by the test proxy"}'
    return (f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{extra}"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body


class FaultProxy:
    def __init__(self, upstream_port: int, *, choose: Callable[[bytes], str] | None = None,
                 stall_s: float = 3.0) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.choose = choose or (lambda _req: "pass")
        self.stall_s = stall_s
        self.counts: Counter[str] = Counter()
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="fault-proxy", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self._server.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        with client:
            client.settimeout(30)
            try:
                request = _read_http(client)
            except OSError:
                return
            if not request:
                return
            fault = self.choose(request)
            self.counts[fault] += 1
            try:
                if fault == "reset":
                    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    return
                if fault == "stall":
                    self._stop.wait(self.stall_s)
                    return
                if fault == "500":
                    client.sendall(_canned("500 Internal Server Error"))
                    return
                if fault == "429":
                    client.sendall(_canned("429 Too Many Requests", "Retry-After: 0\r\n"))
                    return
                with socket.create_connection(self.upstream, timeout=30) as up:
                    up.sendall(_with_close(request))
                    response = _read_http(up)
                if fault == "drop":
                    return  # the server has committed; the kiosk never hears of it
                client.sendall(_with_close(response))
            except OSError:
                return


def random_faults(rng: random.Random, weights: dict[str, float]) -> Callable[[bytes], str]:
    names, w = zip(*weights.items(), strict=True)
    lock = threading.Lock()

    def choose(_request: bytes) -> str:
        with lock:
            return rng.choices(names, w)[0]

    return choose
