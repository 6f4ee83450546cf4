"""Export the published tools of a benchmark database to SQLite, with a full-text index, for Datasette.

    .venv/bin/python bench/export_sqlite.py \
        --database-url postgres://postgres@127.0.0.1:5432/barometre_bench_100k --output bench/out/100k/db.db

One table `tools` (what the API's list and GeoJSON show: name, description, family, collectivity,
location, software…), an index on `family`, and an FTS5 index on name, collectivity, software and
description (the fields of the application's search vector). Rows are read with a server-side cursor
and written in batches, so memory stays bounded.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import sqlite_utils

QUERY = """
SELECT t.id, t.slug, t.name, t.description, t.url, t.family, t.family_other, t.software,
       t.is_open_source, t.launch_year, t.hybrid, t.created_at::text, c.name, c.kind,
       c.latitude, c.longitude
FROM tools_registry_tool t LEFT JOIN tools_registry_collectivity c ON c.id = t.collectivity_id
WHERE t.status = 'published'
ORDER BY t.id
"""
COLUMNS = [
    "id",
    "slug",
    "name",
    "description",
    "url",
    "family",
    "family_other",
    "software",
    "is_open_source",
    "launch_year",
    "hybrid",
    "created_at",
    "collectivity",
    "collectivity_kind",
    "latitude",
    "longitude",
]


def rows(database_url: str) -> Iterator[dict]:
    with psycopg.connect(database_url) as conn, conn.cursor(name="export") as cursor:
        cursor.itersize = 10_000
        cursor.execute(QUERY)
        for row in cursor:
            yield dict(zip(COLUMNS, row, strict=True))


def export(database_url: str, output: Path) -> int:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.unlink(missing_ok=True)
    db = sqlite_utils.Database(output)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    tools = db["tools"]
    tools.insert_all(rows(database_url), pk="id", batch_size=5_000)
    tools.create_index(["family"])
    tools.enable_fts(["name", "collectivity", "software", "description"], tokenize="unicode61")
    db.execute("ANALYZE")
    db.vacuum()
    return tools.count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    count = export(args.database_url, args.output)
    elapsed = time.perf_counter() - started
    print(f"{count} tools exported to {args.output} in {elapsed:.1f} s ({args.output.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
