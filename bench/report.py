"""Markdown tables from the files bench/run.sh and bench/sql_floor.py wrote.

.venv/bin/python bench/report.py 10k 100k 1m
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
SCENARIOS = [
    ("catalogue_search", "`/outils/?q=budget&family=budget_participatif`"),
    ("catalogue_all", "`/outils/`"),
    ("tool_page", "`/outils/<slug>/` (500 tools in turn)"),
    ("api_list_search", "`/api/v1/tools/?q=budget&family=budget_participatif`"),
    ("api_list_all", "`/api/v1/tools/`"),
    ("geojson_cached", "`/api/v1/tools/?format=geojson` (from cache)"),
    ("map_page", "`/carte/`"),
    ("datasette_search", "Datasette `/db/tools.json?_search=budget&family=budget_participatif&_nosuggest=1`"),
    ("datasette_search_default", "Datasette, same without `_nosuggest` (default: suggests facets)"),
    ("datasette_search_ranked", "Datasette SQL: FTS5 match + family, `ORDER BY bm25`, 50 rows"),
    ("datasette_all", "Datasette `/db/tools.json?_nosuggest=1`"),
]


def load_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def read_int(path: Path) -> int | None:
    return int(path.read_text().strip()) if path.exists() else None


VARIED = [
    (
        "catalogue_varied",
        "datasette_html_facets_varied",
        "catalogue page (every facet) vs Datasette HTML table, 5 facets",
        1.5,
    ),
    ("api_list_varied", "datasette_json_varied", "API list (50 tools) vs Datasette JSON", 2.0),
]


def varied_table(label: str) -> str:
    """Cold varied queries: each round of the site and of Datasette, alternated, and their ratio."""
    rows = [row for row in load_lines(RESULTS / label / "results.jsonl") if row.get("cold")]
    if not rows:
        return ""
    lines = [
        "| comparison | round | site req/s | site p50 / p95 ms | Datasette req/s | Datasette p50 / p95 ms "
        "| ratio | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for site_key, peer_key, title, target in VARIED:
        site = {row["round"]: row for row in rows if row["scenario"] == site_key}
        peer = {row["round"]: row for row in rows if row["scenario"] == peer_key}
        for number in sorted(site.keys() & peer.keys()):
            a, b = site[number], peer[number]
            lines.append(
                f"| {title} | {number + 1} | {a['rps']:.1f} | {a['p50_ms']:.0f} / {a['p95_ms']:.0f} | "
                f"{b['rps']:.1f} | {b['p50_ms']:.0f} / {b['p95_ms']:.0f} | **{a['rps'] / b['rps']:.2f}×** "
                f"| ≥ {target}× |"
            )
        if site and peer:
            ratio = sum(row["rps"] for row in site.values()) / sum(row["rps"] for row in peer.values())
            lines.append(f"| {title} | all | | | | | **{ratio:.2f}×** | ≥ {target}× |")
    return "\n".join(lines)


def cpu_table(label: str) -> str:
    """Cold varied queries: the CPU time a request cost the server, PostgreSQL and Redis (mean of the
    rounds), where the run recorded it."""
    rows = [row for row in load_lines(RESULTS / label / "results.jsonl") if "server_cpu_ms" in row]
    if not rows:
        return ""
    lines = [
        "| cold varied queries | server CPU ms / request | PostgreSQL | Redis | all | cores busy (of 2) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for scenario in dict.fromkeys(row["scenario"] for row in rows):
        mine = [row for row in rows if row["scenario"] == scenario]

        def mean(field: str, mine: list[dict] = mine) -> float:
            return sum(row[field] for row in mine) / len(mine)

        total = mean("server_cpu_ms") + mean("postgres_cpu_ms") + mean("redis_cpu_ms")
        lines.append(
            f"| {scenario} | {mean('server_cpu_ms'):.2f} | {mean('postgres_cpu_ms'):.2f} "
            f"| {mean('redis_cpu_ms'):.2f} | {total:.2f} | {total * mean('rps') / 1000:.2f} |"
        )
    return "\n".join(lines)


def load_table(label: str) -> str:
    rows = {
        row["scenario"]: row for row in load_lines(RESULTS / label / "results.jsonl") if not row.get("cold")
    }
    sequential = any(row.get("mode") == "sequential" for row in rows.values())
    throughput = "req/s (1 client, 3 requests)" if sequential else "req/s"
    lines = [
        f"| scenario | {throughput} | p50 ms | p95 ms (max of 3) | p99 ms | errors |"
        if sequential
        else f"| scenario | {throughput} | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key, title in SCENARIOS:
        row = rows.get(key)
        if row is None:
            continue
        errors = row["non2xx"] + row["socket_errors"]
        lines.append(
            f"| {title} | {row['rps']:.2f} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} | "
            f"{row['p99_ms']:.0f} | {errors} |"
        )
    peer = rows.get("datasette_search")
    if peer:
        for key in ("api_list_search", "catalogue_search"):
            if key in rows:
                ratio = rows[key]["rps"] / peer["rps"]
                lines.append(f"\n{key} / datasette_search throughput, repeated query: **{ratio:.2f}×**")
    return "\n".join(lines)


def weights_table(label: str) -> str:
    path = RESULTS / label / "weights.json"
    if not path.exists():
        return ""
    weights = json.loads(path.read_text())

    def split(value: str) -> tuple[str, int, float]:
        status, size, seconds, *_first_byte = value.split()
        return status, int(size), float(seconds)

    def first_byte(value: str) -> str:
        parts = value.split()
        return f", first byte after {float(parts[3]):.2f} s" if len(parts) > 3 else ""

    uncached = sorted(split(value)[2] for value in weights["geojson_uncached"])
    size = split(weights["geojson_cached"])[1]
    _status, map_size, map_seconds = split(weights["map"])
    _status, filtered_size, filtered_seconds = split(weights["geojson_filtered_uncached"])
    _status, csv_size, csv_seconds = split(weights["csv_all"])
    rss = read_int(RESULTS / label / "gunicorn_rss_max_kb")
    ds_rss = read_int(RESULTS / label / "datasette_rss_max_kb")
    lines = [
        "| measure | value |",
        "|---|---:|",
        f"| `/carte/` HTML | {map_size:,} B ({weights['map_gzip_bytes']:,} B gzipped), {map_seconds:.2f} s |",
        f"| `/carte/` own scripts and CSS (gzip) | {weights['map_static_assets_gzip_bytes']:,} B |",
        f"| whole-registry GeoJSON | {size:,} B ({weights['geojson_gzip_bytes']:,} B gzipped) |",
        f"| whole-registry GeoJSON, uncached ({len(uncached)} tries, cache emptied) | "
        + ", ".join(f"{value:.2f} s" for value in uncached)
        + " |",
        f"| whole-registry GeoJSON, cached, one request | {split(weights['geojson_cached'])[2]:.3f} s |",
        f"| filtered GeoJSON (search), uncached | {filtered_size:,} B, {filtered_seconds:.2f} s |",
        f"| whole-registry CSV (streamed) | {csv_size:,} B, {csv_seconds:.2f} s"
        f"{first_byte(weights['csv_all'])} |",
    ]
    if "geojson_download" in weights:
        _status, download_size, download_seconds = split(weights["geojson_download"])
        lines.append(
            f"| whole-registry GeoJSON download (`/donnees/outils.geojson`, streamed) | {download_size:,} B, "
            f"{download_seconds:.2f} s{first_byte(weights['geojson_download'])} |"
        )
    if rss:
        lines.append(f"| gunicorn worker RSS, highest sampled during the run | {rss / 1024:.0f} MB |")
    if ds_rss:
        lines.append(f"| Datasette process RSS, highest sampled | {ds_rss / 1024:.0f} MB |")
    return "\n".join(lines)


def floor_table(label: str) -> str:
    rows = load_lines(RESULTS / label / "sql_floor.jsonl")
    if not rows:
        return ""
    lines = [
        "| endpoint | queries | in-process ms (1 request) | SQL alone p50 ms | SQL p95 ms "
        "| slowest query ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if "in_process_ms" not in row:
            continue
        lines.append(
            f"| {row['endpoint']} | {row['queries']} | {row['in_process_ms']:.0f} | "
            f"{row['sql_p50_ms']:.1f} | {row['sql_p95_ms']:.1f} | {row['slowest_query_ms']:.1f} |"
        )
    varied = [row for row in rows if "in_process_p50_ms" in row]
    if varied:
        lines += [
            "",
            "| cold varied queries | requests | queries each | in-process p50 / p95 ms "
            "| SQL alone p50 / p95 ms | SQL alone, one connection, req/s |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for row in varied:
            lines.append(
                f"| {row['endpoint']} | {row['requests']} | {row['queries_per_request']:.0f} | "
                f"{row['in_process_p50_ms']:.0f} / {row['in_process_p95_ms']:.0f} | "
                f"{row['sql_p50_ms']:.1f} / {row['sql_p95_ms']:.1f} | "
                f"{row['sql_requests_per_s_one_connection']} |"
            )
    return "\n".join(lines)


def main(labels: list[str]) -> int:
    for label in labels:
        print(f"### {label} tools\n")
        print(
            "Cold varied queries (each sent about once, cache emptied first; since run K, but for the "
            "registry's indexes):\n"
        )
        print(varied_table(label) + "\n")
        if cpu := cpu_table(label):
            print("CPU time per request (all processes of each, during the rounds above):\n")
            print(cpu + "\n")
        print("Repeated query (cached) and other scenarios:\n")
        print(load_table(label) + "\n")
        print(weights_table(label) + "\n")
        print(floor_table(label) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["10k", "100k"]))
