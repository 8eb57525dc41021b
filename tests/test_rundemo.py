"""The demo command runs the portal with a real Celery worker and beat on the embedded broker."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
START_TIMEOUT = 240  # migrate + sync_calendar + seed_demo on a busy 2-core CI machine
HEARTBEAT_TIMEOUT = 60
STOP_TIMEOUT = 40


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def _heartbeats(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            return connection.execute("SELECT COUNT(*) FROM congress_workerheartbeat").fetchone()[0]
    except sqlite3.OperationalError:  # table not migrated yet, or the file is busy
        return 0


def _processes_with_env(name: str, value: str) -> list[int]:
    """Find every process, grandchildren included, whose environment carries name=value."""
    needle = f"{name}={value}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _wait_for(predicate, timeout: float, process: subprocess.Popen, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if process.poll() is not None:
            pytest.fail(f"rundemo exited ({process.returncode}) before {what}:\n{log.read_text()[-4000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}:\n{log.read_text()[-4000:]}")
        time.sleep(0.5)


@pytest.fixture
def rundemo(tmp_path):
    """Start `manage.py rundemo` in embedded mode on a free port with its own var directory."""
    port = _free_port()
    var_dir = tmp_path / "var"
    log = tmp_path / "rundemo.log"
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="congress.settings.dev",
        CONGRESS_VAR_DIR=str(var_dir),
        CELERY_HEARTBEAT_SECONDS="2",
        PYTHONUNBUFFERED="1",
    )
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "rundemo", "--addrport", f"127.0.0.1:{port}"],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process, port, var_dir, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for pid in _processes_with_env("CONGRESS_VAR_DIR", str(var_dir)):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc to find the children")
def test_rundemo_serves_the_portal_runs_beat_and_worker_and_stops_them_on_sigterm(rundemo):
    process, port, var_dir, log = rundemo

    _wait_for(
        lambda: _status(f"http://127.0.0.1:{port}/accounts/login/") == 200,
        START_TIMEOUT,
        process,
        "the login page to answer 200",
        log,
    )
    _wait_for(
        lambda: _heartbeats(var_dir / "db.sqlite3") > 0,
        HEARTBEAT_TIMEOUT,
        process,
        "beat -> filesystem broker -> worker to record a heartbeat",
        log,
    )
    assert (var_dir / "broker" / "queue").is_dir()
    children = {name: int(pid) for name, pid in re.findall(r"^\s+(worker|beat|web) pid (\d+)$", log.read_text(), re.M)}
    assert set(children) == {"worker", "beat", "web"}

    process.send_signal(signal.SIGTERM)
    process.wait(timeout=STOP_TIMEOUT)

    assert process.returncode == 0, log.read_text()[-4000:]
    assert "Stopped." in log.read_text()
    assert _processes_with_env("CONGRESS_VAR_DIR", str(var_dir)) == []
    assert _status(f"http://127.0.0.1:{port}/accounts/login/") is None
