"""What must behave the same on SQLite, the embedded default of `scripts/run.sh`, as on PostgreSQL.

The suite runs on PostgreSQL; the tests marked `both_databases` (search, name order) run again here
on SQLite, in a subprocess with its own settings.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_the_tests_marked_both_databases_pass_on_sqlite(tmp_path: Path) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("this run is on SQLite already: the marked tests run in it")
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests", "-m", "both_databases", "-p", "no:cacheprovider", "-q"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "failed" not in summary and "skipped" not in summary, summary
