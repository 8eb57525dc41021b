"""Run the demo portal: database, calendar, demo county, a real Celery worker and beat, and the dev server."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from congress.demo.county import DEMO_LOGINS, DEMO_PASSWORD
from congress.models import User

STOP_TIMEOUT = 20.0
READY_TIMEOUT = 60.0
PR_SET_PDEATHSIG = 1


class Stop(Exception):
    """Raised by the SIGTERM handler so the supervisor loop unwinds and stops the children."""


def _die_with_parent() -> None:
    """Have Linux send SIGTERM to this child if rundemo dies without cleaning up (e.g. SIGKILL)."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _raise_stop(signum, frame) -> None:
    raise Stop


def _parse_addrport(addrport: str) -> tuple[str, int]:
    host, _, port = addrport.rpartition(":")
    if not port.isdigit():
        raise CommandError(f"--addrport must look like 127.0.0.1:8000, not {addrport!r}.")
    return (host.strip("[]") or "127.0.0.1"), int(port)


def _port_is_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


class Command(BaseCommand):
    help = (
        "Migrate, load the official calendar, seed the demo county, then run a Celery worker, Celery beat "
        "and the development server as child processes until Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="Where the dev server listens.")
        parser.add_argument("--seed", type=int, default=None, help="Random seed passed to seed_demo.")
        parser.add_argument("--no-seed", action="store_true", help="Do not run seed_demo.")

    def handle(self, *args, addrport: str, seed: int | None, no_seed: bool, **options):
        host, port = _parse_addrport(addrport)
        if not _port_is_free(host, port):
            raise CommandError(f"{host}:{port} is already in use; pass --addrport 127.0.0.1:<another port>.")
        self._prepare_folders()
        self._prepare_database(seed=seed, no_seed=no_seed)

        signal.signal(signal.SIGTERM, _raise_stop)
        children: dict[str, subprocess.Popen] = {}
        try:
            # Celery logs to files so the terminal shows the URL, the logins and the requests.
            children["worker"] = self._spawn(self._celery_command("worker"), log=self._log_path("worker"))
            children["beat"] = self._spawn(self._celery_command("beat"), log=self._log_path("beat"))
            children["web"] = self._spawn(
                [sys.executable, "-m", "django", "runserver", "--noreload", "--skip-checks", f"{host}:{port}"]
            )
            self._wait_until_ready(children, host, port)
            self._print_banner(children, host, port)
            self._supervise(children)
        except (KeyboardInterrupt, Stop):
            self.stdout.write("\nStopping the dev server, Celery beat and the Celery worker…")
        finally:
            self._stop(children)
        self.stdout.write("Stopped.")

    def _prepare_folders(self) -> None:
        """Create var/ and the filesystem broker's folders, which kombu expects to exist."""
        folders = [Path(settings.VAR_DIR), Path(settings.VAR_DIR) / "log", Path(settings.MEDIA_ROOT)]
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        if settings.CELERY_BROKER_URL.startswith("filesystem://"):
            folders += [Path(options[key]) for key in ("data_folder_in", "data_folder_out", "processed_folder")]
            folders.append(Path(options["control_folder"]))
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)

    def _prepare_database(self, *, seed: int | None, no_seed: bool) -> None:
        database = settings.DATABASES["default"]
        self.stdout.write(f"Database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}")
        self.stdout.write(f"Broker:   {self._broker_label()}")
        call_command("migrate", interactive=False, verbosity=1)
        call_command("sync_calendar")
        if not no_seed:
            call_command("seed_demo", **({"seed": seed} if seed is not None else {}))

    def _broker_label(self) -> str:
        if settings.CELERY_BROKER_URL.startswith("filesystem://"):
            return f"filesystem {settings.CELERY_BROKER_DIR}"
        return "Redis (REDIS_URL)"

    def _celery_command(self, program: str) -> list[str]:
        command = [sys.executable, "-m", "celery", "-A", "congress", program, "--loglevel", "INFO"]
        if program == "worker":
            command += ["--concurrency", "2", "--hostname", "demo@%h"]
            if settings.CELERY_BROKER_URL.startswith("filesystem://"):
                # Gossip, mingle and event heartbeats broadcast to every queue ever bound, and
                # files addressed to long-gone workers would pile up in the broker folder.
                command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        else:
            command += ["--schedule", str(settings.CELERY_BEAT_SCHEDULE_FILENAME)]
        return command

    def _log_path(self, name: str) -> Path:
        return Path(settings.VAR_DIR) / "log" / f"celery-{name}.log"

    def _spawn(self, command: list[str], *, log: Path | None = None) -> subprocess.Popen:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"], "PYTHONUNBUFFERED": "1"}
        output = log.open("ab") if log else None
        try:
            # A session of its own keeps Ctrl-C away from the children, so rundemo stops them in order.
            return subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT if output else None,
                start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
        finally:
            if output:
                output.close()

    def _wait_until_ready(self, children: dict[str, subprocess.Popen], host: str, port: int) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while not _answers(host, port):
            self._check_alive(children)
            if time.monotonic() > deadline:
                raise CommandError(f"The dev server did not answer on {host}:{port} within {READY_TIMEOUT:.0f}s.")
            time.sleep(0.3)

    def _supervise(self, children: dict[str, subprocess.Popen]) -> None:
        while True:
            self._check_alive(children)
            time.sleep(0.5)

    def _check_alive(self, children: dict[str, subprocess.Popen]) -> None:
        for name, child in children.items():
            if child.poll() is None:
                continue
            log = self._log_path(name)
            if log.exists():
                tail = log.read_text(errors="replace").splitlines()[-20:]
                self.stderr.write("\n".join([f"Last lines of {log}:", *tail]))
            raise CommandError(f"The {name} process stopped (exit code {child.returncode}); stopping the rest.")

    def _stop(self, children: dict[str, subprocess.Popen]) -> None:
        """Ask each child to stop (a warm shutdown for the worker), then kill what is left."""
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for name, child in children.items():
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"The {name} process did not stop in time; killing it.")
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()

    def _print_banner(self, children: dict[str, subprocess.Popen], host: str, port: int) -> None:
        shown_host = f"[{host}]" if ":" in host else host
        lines = ["", "=" * 72, f"  The demo portal is running at http://{shown_host}:{port}/"]
        lines += [f"  {name} pid {child.pid}" for name, child in children.items()]
        lines.append(f"  Celery logs: {self._log_path('worker')} and {self._log_path('beat')}")
        usernames = [login.username for login in DEMO_LOGINS]
        existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
        logins = [login for login in DEMO_LOGINS if login.username in existing]
        if logins:
            lines.append(f"  Demo logins (password for all: {DEMO_PASSWORD}):")
            lines += [f"    {login.username:<10} {', '.join(login.roles):<28} {login.title}" for login in logins]
            lines.append("  Deputies use the mobile pages at /m/.")
        lines += ["  Press Ctrl-C to stop.", "=" * 72, ""]
        self.stdout.write("\n".join(lines))
