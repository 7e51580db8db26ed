"""Stand-ins for the outside world of the notice tests: a real SMTP server process
(aiosmtpd, writing what it receives to a folder) and a local webhook receiver."""

from __future__ import annotations

import email
import socket
import subprocess
import sys
import threading
import time
from email import policy
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def start_smtp(folder: Path) -> tuple[subprocess.Popen, str]:
    """A real SMTP server process on a spare port writing to ``folder``; answers the process
    and its URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c",
         "tests.integration.smtp_sink.Sink", str(folder)], cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "the SMTP server did not come up"
            time.sleep(0.1)
    return process, f"smtp://127.0.0.1:{port}?from=notice@taolun.test"


@pytest.fixture(scope="module")
def smtp(tmp_path_factory):
    """A real SMTP server process on a spare port; answers (its URL, the folder it writes to)."""
    folder = tmp_path_factory.mktemp("smtp")
    process, url = start_smtp(folder)
    yield url, folder
    process.terminate()
    process.wait(timeout=10)


def arrived(folder: Path, to: str) -> list[email.message.EmailMessage]:
    messages = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(folder.glob("*.eml"))]
    return [m for m in messages if m["To"] == to]


class Receiver:
    """A local webhook receiver: records each request (and its path); answers 500 to the
    first ``failing``, then 200 with ``answer``."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict, bytes]] = []
        self.paths: list[str] = []
        self.failing = 0
        self.answer = b'{"errcode": 0, "errmsg": "ok"}'
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.failing:
                    receiver.failing -= 1
                    self.send_response(500)
                    self.end_headers()
                    return
                receiver.requests.append((dict(self.headers), body))
                receiver.paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(receiver.answer)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


