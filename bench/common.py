"""Shared parts of the benchmarks: a database of their own, Django set up on it, and timed page requests.

Pages are timed in-process through Django's test Client against the real URL map, so the figures are
server-side time (middleware, view, SQL, template) without a network or a WSGI server in between.
A minimal view is served beside them (`MINIMAL_URL`) and timed in the same run as the baseline.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
MINIMAL_URL = "/__bench__/minimal/"
MINIMAL_LOGIN_URL = "/__bench__/minimal-login/"
EMPTY_STAFF_PAGE_URL = "/__bench__/empty-staff-page/"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/"


def database_url(name: str) -> str:
    """Return DATABASE_URL's server (or the local default) with the database `name`."""
    parts = urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_SERVER)
    if not parts.scheme.startswith("postgres"):
        sys.exit("the benchmarks need PostgreSQL: set DATABASE_URL=postgres://user@host:5432/anything")
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(url: str) -> None:
    """Drop and create the benchmark's own database, connecting to the server's maintenance database."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
        # JIT compilation costs more than it saves on these sub-second queries (≈0.9 s on the statistics'
        # aggregates): the deployment notes recommend jit = off for the portal's database too.
        connection.execute(f'ALTER DATABASE "{name}" SET jit = off')


def setup_django(url: str) -> None:
    """Point Django at `url` with the test settings (DEBUG off, fast hashing) and the benchmark URL map."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("CONGRESS_VAR_DIR", "/tmp/var-bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "congress.settings.test"
    # The test settings serve static files from the finders; nothing is collected for a benchmark.
    warnings.filterwarnings("ignore", message="No directory at")
    import django
    from django.conf import settings

    django.setup()
    # The real URL map plus the minimal baseline view (`urlpatterns` below).
    settings.ROOT_URLCONF = "bench.common"
    # As congress/wsgi.py does in every gunicorn worker once the project is loaded: the cyclic collector's full
    # passes then skip what lives as long as the process, and stop showing up as the slowest requests.
    gc.freeze()


class QueryCounter:
    """Count the SQL statements run, across the request-start signal that clears Django's query log."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __len__(self) -> int:
        return self.count

    def __enter__(self) -> QueryCounter:
        from django.db import connection

        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._wrapper.__exit__(*exc)


@dataclass
class Timing:
    name: str
    url: str
    status: int
    queries: int
    p50_ms: float
    p95_ms: float
    runs: int


@dataclass
class Case:
    """One thing timed: a page (`page_case`) or a Python call, by name."""

    name: str
    url: str
    call: Callable[[], object]


def page_case(client, name: str, url: str) -> Case:
    """A GET of `url` by `client`, its streamed body read to the end (an export's time is in its body)."""

    def get():
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        return response

    return Case(name, url, get)


def time_cases(cases: list[Case], *, runs: int, warmup: int = 2) -> list[Timing]:
    """Time every case `runs` times, one run of each in turn; return their medians and 95th percentiles.

    Interleaved rather than case after case: a shared machine has slow stretches of some seconds, and timed in a
    row they fell on whichever case was running then, so one case's ratio to the baselines could double from one
    run to the next. Taken in turn, every case (the baselines too) meets the same stretches.
    """
    statuses, queries = {}, {}
    for case in cases:
        for _ in range(warmup):
            case.call()
        with QueryCounter() as captured:
            result = case.call()
        statuses[case.name] = getattr(result, "status_code", 0)
        queries[case.name] = len(captured)
    samples: dict[str, list[float]] = {case.name: [] for case in cases}
    for run in range(runs):
        for case in cases:
            start = time.perf_counter()
            case.call()
            samples[case.name].append((time.perf_counter() - start) * 1000)
        print(f"  run {run + 1}/{runs}", end="\r", flush=True)
    print()
    timings = []
    for case in cases:
        taken = sorted(samples[case.name])
        p95 = taken[min(len(taken) - 1, round(0.95 * (len(taken) - 1)))]
        timings.append(
            Timing(case.name, case.url, statuses[case.name], queries[case.name], statistics.median(taken), p95, runs)
        )
    return timings


def print_table(timings: list[Timing], *, baseline: Timing, login_baseline: Timing | None = None) -> None:
    """Print each case's figures and its p95 as a multiple of the baselines' p95."""
    login = f" {'p95/login':>9}" if login_baseline else ""
    print(f"\n{'case':<44} {'status':>6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'p95/min':>8}{login}")
    for timing in timings:
        ratio = timing.p95_ms / baseline.p95_ms if baseline.p95_ms else 0
        status = timing.status or "-"
        times = f"{timing.p50_ms:>8.1f} {timing.p95_ms:>8.1f} {ratio:>7.1f}x"
        if login_baseline:
            times += f" {timing.p95_ms / login_baseline.p95_ms if login_baseline.p95_ms else 0:>8.1f}x"
        print(f"{timing.name:<44} {status:>6} {timing.queries:>7} {times}")


def minimal_view(request):
    """The baseline: the least a Django view can do, through the same middleware as the pages."""
    from django.http import HttpResponse

    return HttpResponse("ok")


def minimal_login_view(request):
    """The baseline of a page for a signed-in person: the same, after loading the session and the user.

    Every portal page needs at least this (the session row and the user with its roles), so it is the
    floor a logged-in page's time is compared with; the bare minimal view is printed beside it.
    """
    from django.http import HttpResponse

    return HttpResponse("ok" if request.user.is_authenticated else "anonymous")


def empty_staff_page_view(request):
    """The floor of a staff page: the staff layout (navigation, unread count, user menu) with nothing in it.

    Every staff page renders this layout around its content, so no staff page can be faster than this one.
    """
    from django.shortcuts import render

    return render(request, "layouts/staff.html", {})


def __getattr__(name: str):
    # The URL map is built on first use, after django.setup(), so importing this module needs no settings.
    if name == "urlpatterns":
        from django.urls import include, path

        return [
            path(MINIMAL_URL.strip("/") + "/", minimal_view),
            path(MINIMAL_LOGIN_URL.strip("/") + "/", minimal_login_view),
            path(EMPTY_STAFF_PAGE_URL.strip("/") + "/", empty_staff_page_view),
            path("", include("congress.urls")),
        ]
    raise AttributeError(name)
