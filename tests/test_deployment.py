"""docker-compose.yml and the Dockerfile describe the production deployment the settings expect."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
APP_SERVICES = ("migrate", "web", "worker", "beat")
LONG_RUNNING = ("postgres", "redis", "web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return (REPO / "Dockerfile").read_text()


def _command(service: dict) -> list[str]:
    command = service["command"]
    return command.split() if isinstance(command, str) else command


def _healthcheck(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def test_compose_defines_the_database_broker_web_worker_beat_and_a_migration_step(compose):
    assert set(compose["services"]) == {"postgres", "redis", "migrate", "web", "worker", "beat"}


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_every_long_running_service_has_a_health_check(compose, name):
    check = compose["services"][name]["healthcheck"]

    assert check["test"][0] in {"CMD", "CMD-SHELL"}
    assert check["interval"] and check["retries"] >= 1


def test_health_checks_probe_what_each_service_does(compose):
    services = compose["services"]

    assert "pg_isready" in _healthcheck(services["postgres"])
    assert "redis-cli ping" in _healthcheck(services["redis"])
    assert "/healthz" in _healthcheck(services["web"])
    assert "inspect ping" in _healthcheck(services["worker"])
    assert "WorkerHeartbeat" in _healthcheck(services["beat"])


def test_python_in_the_health_checks_is_valid(compose):
    web = compose["services"]["web"]["healthcheck"]["test"]
    beat = compose["services"]["beat"]["healthcheck"]["test"]

    compile(web[web.index("-c") + 1], "web-healthcheck", "exec")
    compile(beat[beat.index("-c") + 1], "beat-healthcheck", "exec")


@pytest.mark.parametrize("name", APP_SERVICES)
def test_portal_services_use_the_production_settings_and_the_services(compose, name):
    environment = compose["services"][name]["environment"]

    assert environment["DJANGO_SETTINGS_MODULE"] == "congress.settings.production"
    assert environment["DATABASE_URL"].startswith("postgres://congress:${POSTGRES_PASSWORD")
    assert environment["DATABASE_URL"].endswith("@postgres:5432/congress")
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert compose["services"][name]["env_file"] == ".env"


def test_web_runs_gunicorn_on_the_wsgi_module_whose_default_is_production(compose):
    command = _command(compose["services"]["web"])

    assert command[0] == "gunicorn"
    assert command[1] == "congress.wsgi:application"
    wsgi = (REPO / "congress" / "wsgi.py").read_text()
    assert 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings.production")' in wsgi


def test_worker_and_beat_run_celery_on_the_congress_app(compose):
    assert _command(compose["services"]["worker"])[:4] == ["celery", "-A", "congress", "worker"]
    assert _command(compose["services"]["beat"])[:4] == ["celery", "-A", "congress", "beat"]


def test_the_schema_is_migrated_before_web_worker_and_beat_start(compose):
    assert "manage.py migrate" in " ".join(_command(compose["services"]["migrate"]))
    assert "sync_calendar" in " ".join(_command(compose["services"]["migrate"]))
    for name in ("web", "worker", "beat"):
        assert compose["services"][name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_database_and_uploads_live_on_named_volumes(compose):
    assert {"postgres-data", "media"} <= set(compose["volumes"])
    assert "postgres-data:/var/lib/postgresql/data" in compose["services"]["postgres"]["volumes"]
    for name in APP_SERVICES:
        assert "media:/app/var/media" in compose["services"][name]["volumes"]


def test_no_secret_is_written_in_the_compose_file(compose):
    text = (REPO / "docker-compose.yml").read_text()

    assert "SECRET_KEY" not in text
    assert compose["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")


def test_dockerfile_builds_a_non_root_gunicorn_image_with_collected_static_files(dockerfile):
    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, re.M)
    assert re.search(r"^RUN pip install \.", dockerfile, re.M)
    assert "manage.py collectstatic --noinput" in dockerfile
    assert re.search(r"^USER congress$", dockerfile, re.M)
    assert re.search(r'^CMD \["gunicorn", "congress\.wsgi:application"', dockerfile, re.M)
    assert "DJANGO_SETTINGS_MODULE=congress.settings.production" in dockerfile


def test_docker_build_context_leaves_out_local_state_and_secrets():
    ignored = (REPO / ".dockerignore").read_text().split()

    assert {".git", ".venv", ".env", "staticfiles"} <= set(ignored)
