"""The SQL floor: the queries a request runs, replayed raw through psycopg, with their plans.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/barometre_bench_100k \
        .venv/bin/python bench/sql_floor.py --label 100k

For each endpoint, renders it once in-process (Django test client) to capture its SQL, then replays
those statements through one plain psycopg connection for a few seconds: the time a request spends
in PostgreSQL alone, with no Django, no serialisation and no HTTP. Writes the captured statements'
EXPLAIN (ANALYZE, BUFFERS) to bench/results/<label>/explain_<endpoint>.txt and a summary line per
endpoint to bench/results/<label>/sql_floor.jsonl. With `--varied N`, the same for N of the varied
queries of the last `bench/run.sh` run, each captured from an empty cache and replayed once.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "barometre.settings")

ENDPOINTS = {
    "api_list_search": "/api/v1/tools/?q=budget&family=budget_participatif",
    "catalogue_search": "/outils/?q=budget&family=budget_participatif",
    "catalogue_all": "/outils/",
    "map_page": "/carte/",
    "geojson": "/api/v1/tools/?format=geojson",
    "tool_page": "/outils/{slug}/",
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _some_slug() -> str:
    """A published tool's slug, the same one on every run."""
    from django.db.models.functions import MD5

    from tools_registry.models import Tool

    return Tool.objects.published().order_by(MD5("slug")).values_list("slug", flat=True)[0]


def capture(path: str, *, strict: bool = True) -> tuple[list[str], float]:
    """The SQL statements one request to `path` runs, and the request's in-process time."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    _empty_cache()
    client = Client(HTTP_HOST="127.0.0.1")
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
        if hasattr(response, "streaming_content"):
            for _chunk in response.streaming_content:
                pass
    elapsed = time.perf_counter() - started
    if strict and response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return [query["sql"] for query in context.captured_queries], elapsed


def _empty_cache() -> None:
    """Empty the cache of every page, count and map source (a new registry version: each process's own
    copies of them are out of date too), as a run of bench/run.sh starts; but keep the facet index
    (`filters.facet_index`), which a job builds once after each registry change and which each worker
    keeps through the whole run: the one built for this same data, under the new version."""
    import dataclasses

    from django.core.cache import cache

    from tools_registry.cache import registry_version
    from tools_registry.filters import (
        FACET_INDEX_KEY,
        FACET_INDEX_SECONDS,
        FACET_INDEXES,
        refresh_facet_index,
    )

    kept = cache.get(FACET_INDEX_KEY)
    cache.clear()
    if kept is None or kept[2] is None:
        refresh_facet_index()
        return
    version = registry_version()
    entry = (version, kept[1], dataclasses.replace(kept[2], version=version))
    cache.set(FACET_INDEX_KEY, entry, timeout=FACET_INDEX_SECONDS * 2)
    FACET_INDEXES.put(FACET_INDEX_KEY, entry)


def _plain_select(sql: str) -> str:
    """The SELECT of a server-side cursor's `DECLARE … CURSOR … FOR SELECT …` (QuerySet.iterator())."""
    if sql.lstrip().upper().startswith("DECLARE"):
        return sql[sql.upper().index(" FOR SELECT ") + len(" FOR ") :]
    return sql


def _site_options() -> dict:
    """The site's own connection settings (no JIT, no parallel workers): the floor runs the statements
    as the site's connections do."""
    from django.conf import settings

    options = settings.DATABASES["default"].get("OPTIONS", {}).get("options")
    return {"options": options} if options else {}


def replay(database_url: str, statements: list[str], seconds: float) -> list[float]:
    """Run all `statements` in turn, again and again for `seconds`; the time of each round."""
    import psycopg

    rounds: list[float] = []
    with psycopg.connect(database_url, autocommit=True, **_site_options()) as conn:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline or len(rounds) < 3:
            started = time.perf_counter()
            for sql in statements:
                conn.execute(sql).fetchall()
            rounds.append(time.perf_counter() - started)
    return rounds


def explain(database_url: str, statements: list[str]) -> list[tuple[float, str]]:
    """EXPLAIN ANALYZE of each statement: (execution time in ms, plan text)."""
    import psycopg

    plans: list[tuple[float, str]] = []
    with psycopg.connect(database_url, autocommit=True, **_site_options()) as conn:
        for sql in statements:
            rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql).fetchall()
            text = "\n".join(row[0] for row in rows)
            execution = next(
                (
                    float(row[0].split(":")[1].split()[0])
                    for row in rows
                    if row[0].startswith("Execution Time")
                ),
                0.0,
            )
            plans.append((execution, f"-- {execution:.2f} ms\n{sql}\n\n{text}\n"))
    return plans


def varied(database_url: str, name: str, paths: list[str]) -> dict:
    """The floor of the cold varied runs: each request's statements (captured in-process from an empty
    cache) replayed once through one psycopg connection, request after request."""
    import psycopg

    # Not strict: a drawn page past the last one is a 404, as it is in the run.
    captured = [capture(path, strict=False) for path in paths]
    sql_times = []
    by_kind: dict[str, float] = {}
    with psycopg.connect(database_url, autocommit=True, **_site_options()) as conn:
        for statements, _in_process in captured:
            selects = [_plain_select(sql) for sql in statements]
            request_started = time.perf_counter()
            for sql in selects:
                if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    started = time.perf_counter()
                    conn.execute(sql).fetchall()
                    kind = _kind(sql)
                    by_kind[kind] = by_kind.get(kind, 0.0) + time.perf_counter() - started
            sql_times.append(time.perf_counter() - request_started)
    in_process = [elapsed for _statements, elapsed in captured]
    return {
        "endpoint": f"{name}_varied",
        "requests": len(paths),
        "queries_per_request": statistics.median(len(statements) for statements, _ in captured),
        "in_process_p50_ms": round(statistics.median(in_process) * 1000, 2),
        "in_process_p95_ms": round(percentile(in_process, 0.95) * 1000, 2),
        "sql_p50_ms": round(statistics.median(sql_times) * 1000, 2),
        "sql_p95_ms": round(percentile(sql_times, 0.95) * 1000, 2),
        "sql_requests_per_s_one_connection": round(len(sql_times) / sum(sql_times), 1),
        "sql_total_ms_by_kind": {kind: round(total * 1000) for kind, total in sorted(by_kind.items())},
    }


def _kind(sql: str) -> str:
    """What a statement of a list is for: the facet counts (without the facet index, the one statement
    that starts with WITH; with it, the ids of the tools a search matches, `array_agg`), a page's ids in
    the list's order (with the list's length, for a search's API list), or anything else (counts, rows,
    names)."""
    if sql.lstrip().upper().startswith("WITH") or "SELECT array_agg(key)" in sql:
        return "facets"
    if (' AS "pk" FROM' in sql or ' AS "list_length" FROM' in sql) and "ORDER BY" in sql and "LIMIT" in sql:
        return "ranked_page"
    return "other"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--label", required=True, help="results go to bench/results/<label>/")
    parser.add_argument("--seconds", type=float, default=5.0, help="replay time per endpoint")
    parser.add_argument("--only", nargs="*", choices=sorted(ENDPOINTS), help="endpoints to measure")
    parser.add_argument(
        "--varied",
        type=int,
        default=0,
        help="also replay that many of the run's varied queries (bench/results/<label>/queries/)",
    )
    args = parser.parse_args(argv)
    database_url = os.environ["DATABASE_URL"]

    import django

    django.setup()
    out = ROOT / "bench" / "results" / args.label
    out.mkdir(parents=True, exist_ok=True)
    summary_path = out / "sql_floor.jsonl"
    with summary_path.open("w") as summary:
        for name in args.only or ENDPOINTS:
            path = ENDPOINTS[name].format(slug=_some_slug())
            capture(path)  # warm the process (imports, templates) once
            statements, in_process = capture(path)
            statements = [_plain_select(sql) for sql in statements]
            statements = [sql for sql in statements if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
            rounds = replay(database_url, statements, args.seconds)
            plans = explain(database_url, statements)
            plans_text = "\n\n".join(text for _ms, text in sorted(plans, reverse=True))
            (out / f"explain_{name}.txt").write_text(plans_text)
            result = {
                "endpoint": name,
                "path": path,
                "queries": len(statements),
                "in_process_ms": round(in_process * 1000, 2),
                "sql_p50_ms": round(statistics.median(rounds) * 1000, 2),
                "sql_p95_ms": round(percentile(rounds, 0.95) * 1000, 2),
                "sql_rounds_per_s_one_connection": round(len(rounds) / sum(rounds), 1),
                "slowest_query_ms": round(max(ms for ms, _text in plans), 2) if plans else 0.0,
            }
            summary.write(json.dumps(result) + "\n")
            print(json.dumps(result), flush=True)
        for name in ("catalogue", "api") if args.varied else ():
            paths = (out / "queries" / f"{name}.txt").read_text().split()[: args.varied]
            capture(paths[-1])  # warm the process
            result = varied(database_url, name, paths)
            summary.write(json.dumps(result) + "\n")
            print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
