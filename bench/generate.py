"""Fill a benchmark database with N fictitious tools over the real territories.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/barometre_bench_100k \
        .venv/bin/python bench/generate.py --tools 100000 --create-db

Creates the database when asked (`--create-db`), runs the migrations and `load_territories` when the
territory table is empty, then writes collectivities (real located communes, EPCI, départements and
régions), tools and their objectives with PostgreSQL COPY in batches (memory stays bounded whatever
N), refreshes what tools store (search vector, collectivity values, objectives) with the application's
own function, compacts the tool table and analyses the tables. Every tool is named "Outil fictif …" and
says so in its description. The tools are added to those the database already holds: drop it first
(`dropdb -h 127.0.0.1 -U postgres barometre_bench_100k`) for a registry of exactly N tools.

Refuses any database whose name does not start with `barometre_bench_` (the benchmark's own).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "barometre.settings")

BENCH_PREFIX = "barometre_bench_"

# Family, weight, words that its names and descriptions use.
FAMILIES: list[tuple[str, int, list[str]]] = [
    ("open_data", 18, ["Portail open data", "Données ouvertes", "Catalogue de données"]),
    ("budget_participatif", 20, ["Budget participatif", "Budget citoyen", "Budget des quartiers"]),
    ("forum", 9, ["Forum citoyen", "Espace de discussion", "Agora numérique"]),
    ("cartographie_participative", 15, ["Carte participative", "Carte des signalements", "Atlas citoyen"]),
    ("sondage", 16, ["Consultation en ligne", "Sondage citoyen", "Questionnaire en ligne"]),
    ("urbanisme_participatif", 12, ["Urbanisme participatif", "Projet urbain partagé", "Maquette 3D"]),
    ("autre", 10, ["Application citoyenne", "Plateforme de pétitions", "Conseil citoyen en ligne"]),
]
OTHER_FAMILIES = ["Pétitions", "Application mobile", "Conseil de jeunes", "Jury citoyen", "Réseau social"]
OBJECTIVES = [
    "informer",
    "idees",
    "eclairer_decision",
    "consulter",
    "coconstruire",
    "signaler",
    "mobiliser",
    "autre",
]
HYBRID_FORMATS = ["reunions_publiques", "barcamps", "formations", "conseils_quartier", "autre"]
# Software, weight, open source (None: unknown).
SOFTWARE: list[tuple[str, int, bool | None]] = [
    ("Decidim", 14, True),
    ("CONSUL", 6, True),
    ("OpenDataSoft", 10, False),
    ("data.gouv.fr", 4, True),
    ("CKAN", 3, True),
    ("Cap Collectif", 8, False),
    ("CitizenLab", 6, False),
    ("Fluicity", 5, False),
    ("ID City", 4, False),
    ("Stig", 3, False),
    ("Make.org", 3, False),
    ("LimeSurvey", 5, True),
    ("Framaforms", 3, True),
    ("uMap", 4, True),
    ("Lizmap", 2, True),
    ("WordPress", 4, True),
    ("Développement interne", 8, None),
    ("", 8, None),
]
STATUSES = [("published", 90), ("pending", 6), ("archived", 2), ("rejected", 2)]
SOURCES = [("survey", 50), ("submission", 35), ("staff", 15)]
SENTENCES = [
    "Les habitants y proposent des projets pour leur quartier et votent pour ceux qu'ils préfèrent.",
    "La collectivité y publie ses jeux de données : budget, subventions, équipements, délibérations.",
    "Un espace pour débattre des projets de la commune avec les élus et les services.",
    "Les usagers signalent sur une carte les problèmes de voirie, d'éclairage et de propreté.",
    "Des consultations sont ouvertes avant chaque décision importante du conseil.",
    "Le budget alloué aux projets citoyens est voté chaque année par le conseil.",
    "Les résultats des consultations sont publiés et expliqués aux participants.",
    "Des ateliers en présentiel complètent la participation en ligne.",
    "Les associations du territoire y présentent leurs initiatives.",
    "Le plan local d'urbanisme y est présenté et chacun peut déposer une contribution.",
    "Les jeunes du territoire sont invités à proposer des idées pour les mobilités.",
    "La transition écologique est au cœur des projets proposés.",
]
FICTITIOUS = "Outil fictif créé pour mesurer les performances du registre ; il n'existe pas."


def _weighted(rng: random.Random, table: list, weights: list[int]) -> object:
    return rng.choices(table, weights=weights, k=1)[0]


def check_database_name(url: str, force: bool) -> str:
    name = urlparse(url).path.lstrip("/")
    if not name.startswith(BENCH_PREFIX) and not force:
        raise SystemExit(f"Refusing to write to {name!r}: benchmark databases are named {BENCH_PREFIX}*.")
    return name


def create_database(url: str, name: str) -> None:
    import psycopg

    admin = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"database {name} created")


def prepare_schema() -> None:
    from django.core.management import call_command

    from tools_registry.models import Territory

    call_command("migrate", verbosity=0)
    if not Territory.objects.exists():
        call_command("load_territories")


def pick_collectivities(cursor, n_tools: int, rng: random.Random) -> list[tuple[int, int]]:
    """Create (or reuse) the collectivities of the located territories; return (id, weight) pairs.

    Every located région, département and EPCI, then the most populous located communes, about one
    collectivity for three tools (all of them at 1M tools). Larger collectivities get more tools.
    """
    wanted = max(200, n_tools // 3)
    cursor.execute(
        """
        SELECT t.id, t.kind, t.code, t.name, t.population, t.latitude, t.longitude,
               CASE WHEN t.kind = 'departement' THEN t.id ELSE t.departement_id END,
               CASE WHEN t.kind = 'region' THEN t.id ELSE t.region_id END
        FROM tools_registry_territory t
        WHERE t.latitude IS NOT NULL AND t.longitude IS NOT NULL
        ORDER BY (t.kind = 'commune'), t.population DESC NULLS LAST, t.id
        LIMIT %s
        """,
        [wanted],
    )
    territories = cursor.fetchall()
    cursor.execute("SELECT territory_id FROM tools_registry_collectivity WHERE territory_id IS NOT NULL")
    existing = {row[0] for row in cursor.fetchall()}
    kinds = {"commune": "commune", "epci": "intercommunalite", "departement": "departement"}
    kinds["region"] = "region"
    now = datetime.now(UTC)
    from django.utils.text import slugify

    with cursor.copy(
        "COPY tools_registry_collectivity (name, slug, kind, population, latitude, longitude, website,"
        " created_at, updated_at, departement_id, region_id, territory_id, siren) FROM STDIN"
    ) as copy:
        for tid, kind, code, name, population, lat, lon, dep_id, reg_id in territories:
            if tid in existing:
                continue
            collectivity_kind = kinds[kind]
            if kind == "epci" and name.lower().startswith("métropole"):
                collectivity_kind = "metropole"
            slug = f"{slugify(name)[:180]}-{kind}-{code}".lower()
            copy.write_row(
                (name, slug, collectivity_kind, population, lat, lon, "", now, now, dep_id, reg_id, tid, "")
            )
    cursor.execute(
        """
        SELECT c.id, coalesce(c.population, 1000)
        FROM tools_registry_collectivity c
        WHERE c.territory_id = ANY(%s)
        """,
        [[row[0] for row in territories]],
    )
    rows = cursor.fetchall()
    # Weight ~ population^0.4: Paris has more tools than a village, not 10,000 times more.
    return [(cid, max(1, int(pop**0.4))) for cid, pop in rows]


def tool_rows(
    first_id: int, count: int, collectivities: list[tuple[int, int]], rng: random.Random
) -> Iterator[tuple[tuple, list[tuple[int, str, int]]]]:
    """Yield (tool row, objective rows) for `count` tools with ids from `first_id`."""
    ids = [c[0] for c in collectivities]
    cum_weights: list[int] = []
    total = 0
    for _cid, weight in collectivities:
        total += weight
        cum_weights.append(total)
    fam_weights = [f[1] for f in FAMILIES]
    sw_weights = [s[1] for s in SOFTWARE]
    status_values, status_weights = zip(*STATUSES, strict=True)
    source_values, source_weights = zip(*SOURCES, strict=True)
    now = datetime.now(UTC)
    for tool_id in range(first_id, first_id + count):
        family, _weight, words = _weighted(rng, FAMILIES, fam_weights)
        software, _weight, open_source = _weighted(rng, SOFTWARE, sw_weights)
        status = rng.choices(status_values, weights=status_weights, k=1)[0]
        source = rng.choices(source_values, weights=source_weights, k=1)[0]
        collectivity_id = rng.choices(ids, cum_weights=cum_weights, k=1)[0]
        title = rng.choice(words)
        name = f"Outil fictif n° {tool_id} – {title}"
        description = " ".join([FICTITIOUS, *rng.sample(SENTENCES, k=rng.randint(1, 3))])
        family_other = rng.choice(OTHER_FAMILIES) if family == "autre" else ""
        if open_source is None and software:
            open_source = rng.choice([True, False, None])
        hybrid = rng.choices([True, False, None], weights=[45, 35, 20], k=1)[0]
        formats = rng.sample(HYBRID_FORMATS, k=rng.randint(1, 2)) if hybrid else []
        created = now - timedelta(seconds=rng.randint(0, 8 * 365 * 86400))
        moderated = created + timedelta(days=rng.randint(0, 20)) if status != "pending" else None
        reason = "Outil fictif refusé pour la mesure." if status == "rejected" else ""
        verified = date.today() - timedelta(days=rng.randint(0, 700)) if rng.random() < 0.5 else None
        n_objectives = rng.choices([1, 2, 3], weights=[30, 40, 30], k=1)[0]
        chosen = rng.sample(OBJECTIVES, n_objectives)
        row = (
            tool_id,
            name,
            f"outil-fictif-{tool_id}",
            description,
            f"https://outil-fictif-{tool_id}.example.org/",
            family,
            family_other,
            software,
            open_source,
            rng.randint(2005, 2026) if rng.random() < 0.85 else None,
            hybrid,
            json.dumps(formats),
            status,
            source,
            moderated,
            reason,
            verified,
            "",
            "",
            "fr",  # the language of the emails to a submitter it does not have
            created,
            created,
            collectivity_id,
            "active",
            "",
            f"outil-fictif-{tool_id}.example.org",
            *[""] * 4,  # what it stores of its collectivity: filled by refresh_stored_fields below
            *chosen,  # and of its objectives, by rank
            *[""] * (3 - n_objectives),
        )
        objectives = [(tool_id, code, rank) for rank, code in enumerate(chosen, 1)]
        yield row, objectives


TOOL_COLUMNS = (
    "id, name, slug, description, url, family, family_other, software, is_open_source, launch_year,"
    " hybrid, hybrid_formats, status, source, moderated_at, moderation_reason, last_verified,"
    " submitter_name, submitter_email, submitter_language, created_at, updated_at, collectivity_id,"
    " life_status, archived_url, url_key, collectivity_kind, population_band, region_code, departement_code,"
    " objective_1, objective_2, objective_3"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tools", type=int, required=True, help="how many tools to add")
    parser.add_argument("--batch", type=int, default=50_000, help="tools per COPY and transaction")
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--create-db", action="store_true", help="create the database if it is missing")
    parser.add_argument("--force", action="store_true", help="allow a database not named barometre_bench_*")
    args = parser.parse_args(argv)

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("DATABASE_URL must point at a PostgreSQL benchmark database.")
    name = check_database_name(url, args.force)
    started = time.perf_counter()
    if args.create_db:
        create_database(url, name)

    import django

    django.setup()
    from django.db import connection

    from tools_registry.cache import bump_registry_version
    from tools_registry.models import refresh_stored_fields

    prepare_schema()
    timings: dict[str, float] = {"schema": time.perf_counter() - started}
    if args.tools <= 0:
        print(f"{name}: schema and territories ready in {timings['schema']:.1f} s; no tool added")
        return 0
    rng = random.Random(args.seed)

    step = time.perf_counter()
    connection.ensure_connection()
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the psycopg 3 cursor, for COPY
        with connection.connection.transaction():
            collectivities = pick_collectivities(cursor, args.tools, rng)
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM tools_registry_tool")
        first_id = cursor.fetchone()[0]
    timings["collectivities"] = time.perf_counter() - step

    step = time.perf_counter()
    done = 0
    rows = tool_rows(first_id, args.tools, collectivities, rng)
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        while done < args.tools:
            size = min(args.batch, args.tools - done)
            objectives: list[tuple[int, str, int]] = []
            with connection.connection.transaction():
                with cursor.copy(f"COPY tools_registry_tool ({TOOL_COLUMNS}) FROM STDIN") as copy:
                    for _ in range(size):
                        row, tool_objectives = next(rows)
                        copy.write_row(row)
                        objectives.extend(tool_objectives)
                with cursor.copy(
                    "COPY tools_registry_toolobjective (tool_id, objective, rank) FROM STDIN"
                ) as copy:
                    for objective in objectives:
                        copy.write_row(objective)
            done += size
            print(f"  {done}/{args.tools} tools", flush=True)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('tools_registry_tool', 'id'),"
            " (SELECT max(id) FROM tools_registry_tool))"
        )
    timings["copy"] = time.perf_counter() - step

    step = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
    refresh_stored_fields()
    timings["stored_fields"] = time.perf_counter() - step

    step = time.perf_counter()
    with connection.cursor() as cursor:
        # The stored fields above rewrote every tool row, leaving the table half empty: compacted, as a
        # registry grown one tool at a time would be (a broad search reads the whole table: twice its
        # size cost ~100 ms more per facet statement at 100,000 tools).
        cursor.execute("VACUUM FULL tools_registry_tool")
        # Fresh statistics everywhere, as autovacuum would leave a production database (the
        # territories too: a template copied right after load_territories has none).
        cursor.execute("VACUUM ANALYZE")
    timings["vacuum_analyze"] = time.perf_counter() - step
    try:
        bump_registry_version()  # COPY sends no signal: cached GeoJSON must not outlive the change
    except Exception as error:
        print(f"cache not reached: {error}")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'published'),"
            " count(DISTINCT collectivity_id) FROM tools_registry_tool"
        )
        total, published, used = cursor.fetchone()
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    timings["total"] = time.perf_counter() - started
    print(f"{name}: {total} tools ({published} published) over {used} collectivities; database {size}")
    print("timings (s): " + ", ".join(f"{key} {value:.1f}" for key, value in timings.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
