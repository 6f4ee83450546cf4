"""Exit 0 when the PostgreSQL server of $DATABASE_URL answers, 1 otherwise (used by scripts/test.sh)."""

import os
import sys

import dj_database_url
import psycopg


def main() -> int:
    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    if "postgresql" not in config["ENGINE"]:
        return 1
    try:
        # The test database is created by the test run: connect to the server's maintenance database.
        psycopg.connect(
            dbname="postgres",
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            connect_timeout=3,
        ).close()
    except psycopg.Error:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
