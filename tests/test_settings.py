import json
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


def run_with_django(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "barometre.settings"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_sqlite_waits_for_the_write_lock_and_lets_readers_read_during_a_write(tmp_path: Path) -> None:
    code = (
        "import json; from django.conf import settings; from django.db import connection\n"
        "options = settings.DATABASES['default']['OPTIONS']\n"
        "cursor = connection.cursor(); cursor.execute('PRAGMA journal_mode')\n"
        "print(json.dumps([options, cursor.fetchone()[0]]))"
    )
    result = run_with_django(code, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 0, result.stderr
    options, journal_mode = json.loads(result.stdout)
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert journal_mode == "wal"


def test_postgresql_gets_none_of_the_sqlite_options() -> None:
    code = (
        "import json; from django.conf import settings\n"
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    )
    result = run_with_django(code, DATABASE_URL="postgres://postgres@127.0.0.1:5432/barometre")
    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout)
    assert not {"transaction_mode", "timeout", "init_command"} & options.keys()


# Two transactions that each read then write, as the development server and the job worker do. Each
# waits (at most a few seconds) for the other to have read before it writes: with SQLite's default
# deferred transactions both then hold a read lock and the second writer fails at once with "database is
# locked"; with the settings' immediate transactions the second waits for the first to commit.
CONCURRENT_WRITES = """
import threading
from django.db import connection, transaction
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE visit (who TEXT)")
read = {"a": threading.Event(), "b": threading.Event()}
errors = []

def write(me, other):
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM visit")
            read[me].set()
            read[other].wait(timeout=3)
            cursor.execute("INSERT INTO visit VALUES (%s)", [me])
    except Exception as error:
        errors.append(str(error))
    finally:
        read[me].set()
        connection.close()

threads = [threading.Thread(target=write, args=pair) for pair in (("a", "b"), ("b", "a"))]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT who FROM visit ORDER BY who")
    print(errors, [row[0] for row in cursor.fetchall()])
"""


def test_two_connections_writing_to_sqlite_at_once_both_succeed(tmp_path: Path) -> None:
    result = run_with_django(CONCURRENT_WRITES, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] ['a', 'b']"


def check_deploy(**env: str) -> str:
    """What `manage.py check --deploy` tells a hosting team, with production values."""
    environment = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG"}}
    environment.update(DEBUG="false", SECRET_KEY="x" * 60, ALLOWED_HOSTS="barometre.example.org", **env)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "barometre.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout + result.stderr


def test_the_deployment_check_warns_until_the_email_addresses_are_real_ones() -> None:
    defaults = check_deploy(
        DEFAULT_FROM_EMAIL="", SURVEY_REPLY_TO="", MODERATOR_EMAILS="", PRIVACY_CONTACT_EMAIL=""
    )
    assert "(barometre.W001) DEFAULT_FROM_EMAIL is 'Baromètre <noreply@localhost>'" in defaults
    assert "(barometre.W002) SURVEY_REPLY_TO is ''" in defaults
    assert "(barometre.W004) MODERATOR_EMAILS holds 'moderation@localhost'" in defaults
    assert "(barometre.W005) PRIVACY_CONTACT_EMAIL is 'donnees-personnelles@localhost'" in defaults
    placeholders = check_deploy(
        DEFAULT_FROM_EMAIL="noreply@barometre.example.org",
        SURVEY_REPLY_TO="equipe@localhost",
        MODERATOR_EMAILS="moderation@deciderensemble.com, moderation@barometre.test",
        PRIVACY_CONTACT_EMAIL="dpo@example.com",
    )
    assert "DEFAULT_FROM_EMAIL is 'noreply@barometre.example.org'" in placeholders
    assert "SURVEY_REPLY_TO is 'equipe@localhost'" in placeholders
    assert "MODERATOR_EMAILS holds 'moderation@barometre.test'" in placeholders
    assert "moderation@deciderensemble.com" not in placeholders
    assert "PRIVACY_CONTACT_EMAIL is 'dpo@example.com'" in placeholders
    assert "(barometre.W003) MODERATOR_EMAILS is empty" in check_deploy(MODERATOR_EMAILS=",")
    real = check_deploy(
        DEFAULT_FROM_EMAIL="Baromètre <noreply@deciderensemble.com>",
        SURVEY_REPLY_TO="barometre@deciderensemble.com",
        MODERATOR_EMAILS="moderation@deciderensemble.com,barometre@deciderensemble.com",
        PRIVACY_CONTACT_EMAIL="donnees-personnelles@deciderensemble.com",
    )
    assert "barometre.W0" not in real
