"""Real processes for the engine's reliability tests: a private redis-server, Celery workers, an SMS gateway stub."""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from tests.celery_broker import STOP_TIMEOUT, stop

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], bool], *, timeout: float, message: Callable[[], str]) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(message())
        time.sleep(0.1)


class PrivateRedis:
    """A redis-server of the test's own on a free port, which the test may stop and start again.

    The machine's shared Redis (6379) is never touched.
    """

    def __init__(self, directory: Path) -> None:
        if shutil.which("redis-server") is None:
            pytest.skip("needs redis-server on PATH")
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self.directory)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self._answers, timeout=10, message=lambda: f"redis-server did not start on {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=STOP_TIMEOUT)
            self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def worker_database_url() -> str:
    """Point DATABASE_URL at the database pytest-django created, not the one it was derived from."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + settings.DATABASES["default"]["NAME"]))


class Workers:
    """Start and stop `celery worker` processes on a broker and the pytest test database."""

    def __init__(self, tmp_path: Path, broker_url: str, env: dict[str, str]) -> None:
        self.tmp_path, self.broker_url, self.extra_env = tmp_path, broker_url, env
        self.running: list[tuple[subprocess.Popen, Path]] = []

    def start(self) -> subprocess.Popen:
        name = uuid.uuid4().hex[:8]
        log = self.tmp_path / f"worker-{name}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "congress.settings.dev",
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": self.broker_url,
            "CONGRESS_VAR_DIR": str(self.tmp_path / f"var-{name}"),
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }
        command = [sys.executable, "-m", "celery", "-A", "congress", "worker", "--pool", "solo", "--loglevel", "INFO"]
        command += ["--hostname", f"reminders-{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        with log.open("wb") as output:
            worker = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)
        self.running.append((worker, log))
        wait_for(
            lambda: b"ready." in log.read_bytes() or worker.poll() is not None,
            timeout=60,
            message=lambda: f"worker not ready:\n{log.read_text()[-3000:]}",
        )
        if worker.poll() is not None:
            pytest.fail(f"worker exited ({worker.returncode}):\n{log.read_text()[-3000:]}")
        return worker

    def logs(self) -> str:
        return "\n".join(log.read_text()[-3000:] for _worker, log in self.running)

    def stop_all(self) -> None:
        for worker, _log in self.running:
            stop(worker)


class GatewayStub:
    """An SMS gateway on loopback: answers 200, 500 or nothing in time, by the phone number it is sent to."""

    def __init__(self, *, failing: set[str], slow: set[str], delay: float) -> None:
        self.failing, self.slow, self.delay = failing, slow, delay
        self.requests: dict[str, list[tuple[float, str]]] = defaultdict(list)
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server interface
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                phone = payload["mobile"]
                stub.requests[phone].append((time.monotonic(), payload["client_msgid"]))
                if phone in stub.slow:
                    time.sleep(stub.delay)
                status = 500 if phone in stub.failing else 200
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                with contextlib.suppress(OSError):  # the client may have given up waiting
                    self.wfile.write(b'{"ok": %s}' % (b"true" if status == 200 else b"false"))

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/send"

    def __enter__(self) -> GatewayStub:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
