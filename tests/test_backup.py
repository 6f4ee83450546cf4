"""The backup and restore scripts, run for real against a scratch PostgreSQL database."""

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.factories import ToolFactory
from tools_registry.models import Tool

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def url_for(database: str) -> str:
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    return f"postgresql://{user}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{database}"


def test_a_backup_restores_into_an_empty_database(tmp_path) -> None:
    ToolFactory(name="Outil sauvegardé")
    dump = tmp_path / "backup.dump"
    source = url_for(connection.settings_dict["NAME"])
    env = {**os.environ, "DATABASE_URL": source}
    subprocess.run([ROOT / "scripts" / "backup.sh", dump], env=env, check=True, capture_output=True)
    scratch = f"{connection.settings_dict['NAME']}_restore"
    with psycopg.connect(url_for("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        subprocess.run(
            [ROOT / "scripts" / "restore.sh", dump],
            env={**env, "DATABASE_URL": url_for(scratch)},
            check=True,
            capture_output=True,
        )
        with psycopg.connect(url_for(scratch)) as restored:
            names = [row[0] for row in restored.execute(f"SELECT name FROM {Tool._meta.db_table}")]
        assert names == ["Outil sauvegardé"]
    finally:
        with psycopg.connect(url_for("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
