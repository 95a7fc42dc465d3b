from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import override_settings

from webhooks.signing import verify

# The receivers these tests start listen on loopback, which webhooks may not reach unless allowed
# (webhooks.targets): the tests allow it explicitly; test_targets.py checks the refusals with it switched off.
LOOPBACK_ALLOWED = {"PULT_WEBHOOK_ALLOW_PRIVATE": False, "PULT_WEBHOOK_ALLOWED_NETWORKS": ["127.0.0.0/8"]}


@pytest.fixture(autouse=True)
def _loopback_receivers_allowed() -> Any:
    with override_settings(**LOOPBACK_ALLOWED):
        yield


class ReceivedRequest:
    def __init__(self, path: str, headers: dict[str, str], body: bytes) -> None:
        self.path, self.headers, self.body = path, headers, body

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    def signed_by(self, secret: str) -> bool:
        """What a receiver does: check the signature of the raw body with the hook's secret."""
        return verify(secret, self.headers.get("X-Pult-Timestamp"), self.body, self.headers.get("X-Pult-Signature"))


class WebhookReceiver:
    """A real HTTP server on 127.0.0.1 (port 0) that records every request and answers with the statuses
    queued in `answers` (200 once they run out), after `delay` seconds."""

    def __init__(self) -> None:
        self.requests: list[ReceivedRequest] = []
        self.answers: list[int] = []
        self.delay = 0.0
        self.answer_body: bytes | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append(ReceivedRequest(self.path, dict(self.headers.items()), body))
                if receiver.delay:
                    time.sleep(receiver.delay)
                status = receiver.answers.pop(0) if receiver.answers else 200
                answer = receiver.answer_body or (b"thanks" if status < 300 else f"nope {status}".encode())
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", f"http://127.0.0.1:{receiver.port}/elsewhere")
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                """The receiver does not print a line per request into the test output."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks/pult"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Any:
    server = WebhookReceiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL where nothing listens: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks/pult"
