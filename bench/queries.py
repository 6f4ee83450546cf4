"""Draw thousands of distinct searches from a benchmark database, as visitors would type them.

    .venv/bin/python bench/queries.py --database-url postgres://postgres@127.0.0.1:5432/barometre_bench_100k \
        --out bench/results/100k/queries --count 4000

A run sends each of them about once (wrk cycles through the list, which is longer than a run can
send), so that almost no answer can come from a cache. The mix:

- 35 %: the name of a collectivity that has tools (`q=Saint-Malo`);
- 20 %: a collectivity's name and a family (`q=…&family=…`);
- 25 %: a broad word of the vocabulary of names and descriptions (`q=budget`), at pages 1 to 8;
- 20 %: a combination of one to three filters (family, collectivity kind, population band, open source,
  hybrid, région, software), at pages 1 to 8 for one filter, 1 to 2 for more.

Four files of the same queries in the same order: `catalogue.txt` (`/outils/?…`), `api.txt`
(`/api/v1/tools/?…&page_size=50`), and for the Datasette peer `datasette_json.txt` (its JSON table) and
`datasette_html.txt` (its HTML table with five facets). Datasette only gets the filters its table
holds (search, family, kind, software, open source, hybrid) and always the first page: it pages by
key (`_next`), not by number.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from generate import FAMILIES, SENTENCES, SOFTWARE

KINDS = ["commune", "intercommunalite", "departement", "region", "metropole"]
BANDS = ["pop_lt_3500", "pop_3500_10000", "pop_10000_50000", "pop_50000_200000", "pop_gt_200000"]
DATASETTE_FACETS = ["family", "collectivity_kind", "software", "is_open_source", "hybrid"]
STOP = {"les", "des", "pour", "leur", "leurs", "avec", "sont", "dans", "chaque", "ceux", "qu'ils", "y"}


def vocabulary() -> list[str]:
    words = {word for _family, _weight, names in FAMILIES for name in names for word in name.split()}
    words |= {word.strip(".,:;").lower() for sentence in SENTENCES for word in sentence.split()}
    return sorted(word for word in words if len(word) > 3 and word.lower() not in STOP)


def draw(database_url: str, count: int, seed: int) -> list[list[tuple[str, str]]]:
    rng = random.Random(seed)
    with psycopg.connect(database_url) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT DISTINCT c.name FROM tools_registry_collectivity c"
                " JOIN tools_registry_tool t ON t.collectivity_id = c.id AND t.status = 'published'"
            )
        ]
        regions = [
            row[0] for row in conn.execute("SELECT code FROM tools_registry_territory WHERE kind = 'region'")
        ]
    words = vocabulary()
    families = [family for family, _weight, _names in FAMILIES]
    software = [name for name, _weight, _open in SOFTWARE if name]
    filters = {
        "family": lambda: rng.choice(families),
        "kind": lambda: rng.choice(KINDS),
        "population": lambda: rng.choice(BANDS),
        "open_source": lambda: rng.choice(["true", "false"]),
        "hybrid": lambda: rng.choice(["true", "false"]),
        "region": lambda: rng.choice(regions),
        "software": lambda: rng.choice(software),
    }
    seen: set[tuple] = set()
    queries: list[list[tuple[str, str]]] = []
    while len(queries) < count:
        roll = rng.random()
        if roll < 0.35:
            query = [("q", rng.choice(names))]
        elif roll < 0.55:
            query = [("q", rng.choice(names)), ("family", rng.choice(families))]
        elif roll < 0.80:
            query = [("q", rng.choice(words)), ("page", str(rng.randint(1, 8)))]
        else:
            chosen = rng.sample(sorted(filters), rng.randint(1, 3))
            # Deep pages where there are enough tools for them: one filter.
            last_page = 8 if len(chosen) == 1 else 2
            query = [(name, filters[name]()) for name in chosen] + [("page", str(rng.randint(1, last_page)))]
        key = tuple(sorted(query))
        if key not in seen:
            seen.add(key)
            queries.append(query)
    return queries


def datasette(query: list[tuple[str, str]]) -> list[tuple[str, str]]:
    renamed = {"q": "_search", "family": "family", "kind": "collectivity_kind", "software": "software"}
    params = [(renamed[key], value) for key, value in query if key in renamed]
    for key in ("open_source", "hybrid"):
        params += [
            (f"is_{key}" if key == "open_source" else key, "1" if value == "true" else "0")
            for name, value in query
            if name == key
        ]
    return params


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--out", type=Path, required=True, help="directory for the four path lists")
    parser.add_argument("--count", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    queries = draw(args.database_url, args.count, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    facets = [("_facet", facet) for facet in DATASETTE_FACETS]
    files = {
        "catalogue.txt": lambda query: "/outils/?" + urlencode(query),
        "api.txt": lambda query: "/api/v1/tools/?" + urlencode([*query, ("page_size", "50")]),
        "datasette_json.txt": lambda query: (
            "/db/tools.json?" + urlencode([*datasette(query), ("_nosuggest", "1")])
        ),
        "datasette_html.txt": lambda query: (
            "/db/tools?" + urlencode([*datasette(query), *facets, ("_nosuggest", "1")])
        ),
    }
    for name, path in files.items():
        (args.out / name).write_text("\n".join(path(query) for query in queries) + "\n")
    print(f"{len(queries)} distinct queries in {args.out}")


if __name__ == "__main__":
    main()
