import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_django(**env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "barometre.settings"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_refuses_to_start_with_debug_off_and_no_secret_key() -> None:
    result = start_django(DEBUG="false", ALLOWED_HOSTS="barometre.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_refuses_to_start_with_debug_off_and_no_allowed_hosts() -> None:
    result = start_django(DEBUG="false", SECRET_KEY="x" * 60, ALLOWED_HOSTS="")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DEBUG is off" in result.stderr


def test_it_starts_with_production_values() -> None:
    result = start_django(DEBUG="false", SECRET_KEY="x" * 60, ALLOWED_HOSTS="barometre.example.org")
    assert result.returncode == 0, result.stderr


def test_it_rejects_a_malformed_boolean() -> None:
    result = start_django(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_it_refuses_a_retention_period_under_one() -> None:
    result = start_django(SUBMITTER_DATA_RETENTION_MONTHS="0")
    assert result.returncode != 0
    assert "SUBMITTER_DATA_RETENTION_MONTHS" in result.stderr and "at least 1" in result.stderr


def test_it_refuses_a_retention_period_that_is_not_a_number() -> None:
    result = start_django(JOB_RESULT_RETENTION_DAYS="a month")
    assert result.returncode != 0
    assert "JOB_RESULT_RETENTION_DAYS must be an integer" in result.stderr


def test_the_wsgi_module_loads_every_view_before_a_worker_is_forked() -> None:
    """gunicorn loads the WSGI module once and forks its workers from it (`preload_app`): whatever it
    has loaded, a new or recycled worker need not load again while its first visitors wait (the views
    took ~1 s). It must not open a database connection that the forked workers would share."""
    check = (
        "import sys, barometre.wsgi; from django.db import connections; "
        "print('barometre.urls' in sys.modules, 'tools_registry.api.views' in sys.modules, "
        "any(connections[alias].connection is not None for alias in connections))"
    )
    environment = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", check],
        cwd=ROOT,
        env={
            **environment,
            "DEBUG": "false",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "barometre.example.org",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "False"]
