"""A real HTTP receiver on a loopback port, for webhook deliveries: it records every request
(headers and body) and answers as told: a status, after a delay."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int  # what the receiver answered


@dataclass
class Receiver:
    port: int
    status: int = 200
    delay: float = 0.0
    # While set to an unset Event, each request waits for it (and `arrived` counts them).
    gate: threading.Event | None = None
    arrived: int = 0
    _received: list[Received] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/consulta"

    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def record(self, request: Received) -> None:
        with self._lock:
            self._received.append(request)


@contextmanager
def webhook_receiver() -> Iterator[Receiver]:
    receiver: Receiver | None = None

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            assert receiver is not None
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            gate = receiver.gate
            if gate is not None:
                with receiver._lock:
                    receiver.arrived += 1
                gate.wait(timeout=60)
            if receiver.delay:
                time.sleep(receiver.delay)
            status = receiver.status
            receiver.record(Received(self.path, headers, body, status))
            self.send_response(status)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver = Receiver(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
