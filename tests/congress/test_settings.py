"""Settings in both modes, read in fresh processes so the environment is exactly what each test sets."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SERVICE_URLS = {
    "DATABASE_URL": "postgres://congress:secret@db.example.internal:5432/congress",
    "REDIS_URL": "redis://redis.example.internal:6379/1",
}
PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "portal.example.gov.cn",
    **SERVICE_URLS,
}
# Everything the settings read, so the developer's or CI's own environment cannot leak in.
SETTINGS_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "CONGRESS_VAR_DIR",
    "DJANGO_SETTINGS_MODULE",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "CELERY_HEARTBEAT_SECONDS",
}

DUMP_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "db_engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "db_host": settings.DATABASES["default"].get("HOST", ""),
    "broker": settings.CELERY_BROKER_URL,
    "broker_options": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    "cache_backend": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION", ""),
    "cache_options": settings.CACHES["default"].get("OPTIONS", {}),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "var_dir": str(settings.VAR_DIR),
}))
"""


def _run(args: list[str], *, module: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    clean.update(env or {}, DJANGO_SETTINGS_MODULE=module)
    return subprocess.run(args, cwd=REPO, env=clean, capture_output=True, text=True, timeout=120)


def _settings(module: str, env: dict[str, str] | None = None) -> dict:
    script = "import django; django.setup()\n" + DUMP_SETTINGS
    result = _run([sys.executable, "-c", script], module=module, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _manage(*args: str, module: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return _run([sys.executable, "manage.py", *args], module=module, env=env)


def test_embedded_default_uses_sqlite_under_var_and_the_filesystem_broker(tmp_path):
    values = _settings("congress.settings.dev", {"CONGRESS_VAR_DIR": str(tmp_path)})

    assert values["db_engine"] == "django.db.backends.sqlite3"
    assert values["db_name"] == str(tmp_path / "db.sqlite3")
    assert values["broker"] == "filesystem://"
    folders = [values["broker_options"][key] for key in ("data_folder_in", "data_folder_out", "control_folder")]
    assert all(folder.startswith(str(tmp_path / "broker")) for folder in folders)
    assert values["cache_backend"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["eager"] is False


def test_embedded_default_migrates_into_a_data_folder_that_does_not_exist_yet(tmp_path):
    var_dir = tmp_path / "fresh" / "var"

    result = _manage("migrate", "-v0", module="congress.settings.dev", env={"CONGRESS_VAR_DIR": str(var_dir)})

    assert result.returncode == 0, result.stderr
    assert (var_dir / "db.sqlite3").exists()


def test_embedded_default_keeps_its_data_in_the_repository_var_folder():
    values = _settings("congress.settings.dev")

    assert values["var_dir"] == str(REPO / "var")
    assert values["db_name"] == str(REPO / "var" / "db.sqlite3")


def test_service_urls_switch_to_postgresql_redis_broker_and_redis_cache():
    values = _settings("congress.settings.dev", SERVICE_URLS)

    assert values["db_engine"] == "django.db.backends.postgresql"
    assert (values["db_host"], values["db_name"]) == ("db.example.internal", "congress")
    assert values["broker"] == SERVICE_URLS["REDIS_URL"]
    assert values["cache_backend"] == "django.core.cache.backends.redis.RedisCache"
    assert values["cache_location"] == SERVICE_URLS["REDIS_URL"]
    assert values["eager"] is False


def test_redis_has_short_socket_timeouts_so_requests_do_not_hang_when_it_is_down():
    values = _settings("congress.settings.production", PRODUCTION_ENV)

    assert 0 < values["cache_options"]["socket_connect_timeout"] <= 5
    assert 0 < values["cache_options"]["socket_timeout"] <= 5
    assert 0 < values["broker_options"]["socket_connect_timeout"] <= 5
    assert 0 < values["broker_options"]["socket_timeout"] <= 5


def test_production_uses_the_services_and_never_runs_tasks_eagerly():
    values = _settings("congress.settings.production", PRODUCTION_ENV)

    assert values["db_engine"] == "django.db.backends.postgresql"
    assert values["broker"].startswith("redis://")
    assert values["eager"] is False


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_without_a_required_variable(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}

    result = _manage("check", module="congress.settings.production", env=env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"environment variable {missing} must be set" in result.stderr


def test_production_refuses_a_wildcard_allowed_host():
    result = _manage("check", module="congress.settings.production", env={**PRODUCTION_ENV, "ALLOWED_HOSTS": "*"})

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must name the portal's hosts" in result.stderr


def test_production_passes_the_deployment_checks_with_no_warning():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", module="congress.settings.production", env=PRODUCTION_ENV
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_deployment_checks_catch_a_weak_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": "short"}

    result = _manage("check", "--deploy", "--fail-level", "WARNING", module="congress.settings.production", env=env)

    assert result.returncode != 0
    assert "security.W009" in result.stderr
