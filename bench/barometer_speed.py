"""How long computing every indicator of a 20,000-response edition takes (target: under 0.5 s).

    DATABASE_URL=postgres://… .venv/bin/python bench/barometer_speed.py [--responses 20000] [--drop]

Builds, once, an unpublished edition `bench-<n>` of synthetic responses (bulk inserts: about a
quarter of the collectivities equipped with one to three tools, an eighth opening their data), then
times `barometre.results.figures.compute` without the cache, and reports the number of queries.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "barometre.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from barometre.results import figures  # noqa: E402
from survey.models import (  # noqa: E402
    Answer,
    Edition,
    Question,
    Response,
    ResponseOrigin,
    ResponseStatus,
    ResponseTool,
)
from survey.questionnaire import create_edition, load_definition  # noqa: E402

SINGLE_R = ["collectivity_type", "population", "respondent_role"]
PERCEPTIONS = ["digital_strengthens_participation", "digital_time", "digital_cost", "digital_communication"]
SINGLE_T = [
    "tool_family",
    "tool_objective_met",
    "tool_involvement",
    "tool_hybrid",
    "tool_reaches_absent_publics",
]


@transaction.atomic
def build(code: str, size: int) -> Edition:
    rng = random.Random(size)
    edition = create_edition(code=code, definition=load_definition("2016"), title=f"Mesure {code}")
    questions = {q.code: q for q in Question.objects.filter(edition=edition).prefetch_related("choices")}
    choices = {code: [c.code for c in q.choices.all()] for code, q in questions.items()}
    tools = [rng.choice([1, 1, 1, 2, 3]) if rng.random() < 0.25 else 0 for _ in range(size)]
    rows = Response.objects.bulk_create(
        (
            Response(
                edition=edition,
                origin=ResponseOrigin.IMPORT,
                status=ResponseStatus.SUBMITTED,
                submitted_at=timezone.now(),
                import_id=f"S{number:06d}",
                tool_count=tools[number],
            )
            for number in range(size)
        ),
        batch_size=5000,
    )
    ResponseTool.objects.bulk_create(
        (ResponseTool(response=row, position=p) for row in rows for p in range(1, row.tool_count + 1)),
        batch_size=5000,
    )
    answers = []

    def add(row: Response, code: str, choice: str, subject: int = 0, rank: int | None = None) -> None:
        answers.append(
            Answer(response=row, question=questions[code], subject=subject, choice=choice, rank=rank)
        )

    for row in rows:
        opens = rng.random() < 0.13
        for code in SINGLE_R:
            add(row, code, rng.choice(choices[code]))
        add(row, "has_tool", "oui" if row.tool_count else "non")
        add(row, "has_open_data", "oui" if opens else "non")
        for code in PERCEPTIONS:
            if rng.random() < 0.97:  # some non-response
                add(row, code, rng.choice(choices[code]))
        if opens:
            for code in ("opendata_where", "opendata_what"):
                for choice in rng.sample(choices[code], rng.randint(1, 3)):
                    add(row, code, choice)
        for subject in range(1, row.tool_count + 1):
            for code in SINGLE_T:
                add(row, code, rng.choice(choices[code]), subject)
            for rank, choice in enumerate(rng.sample(choices["tool_objectives"], rng.randint(1, 3)), 1):
                add(row, "tool_objectives", choice, subject, rank)
            for choice in rng.sample(choices["tool_hybrid_formats"], rng.randint(0, 2)):
                add(row, "tool_hybrid_formats", choice, subject)
    Answer.objects.bulk_create(answers, batch_size=10000)
    return edition


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--drop", action="store_true", help="delete the synthetic edition afterwards")
    options = parser.parse_args()
    code = f"bench-{options.responses}"
    edition = Edition.objects.filter(code=code).first()
    if edition is None:
        started = time.perf_counter()
        edition = build(code, options.responses)
        print(f"built {code} in {time.perf_counter() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    answers = Answer.objects.filter(response__edition=edition).count()
    print(f"{connection.vendor}: {options.responses} responses, {answers} answer rows")
    timings = []
    for _ in range(options.runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            computed = figures.compute(edition)
            timings.append(time.perf_counter() - started)
    print(f"{len(computed)} indicators, {len(queries.captured_queries)} queries")
    print(f"compute: best {min(timings):.3f} s, median {statistics.median(timings):.3f} s (target < 0.5 s)")
    if options.drop:
        with transaction.atomic():
            Response.objects.filter(edition=edition).delete()
            edition.delete()
        print(f"dropped {code}")


if __name__ == "__main__":
    main()
