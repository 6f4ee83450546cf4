"""Building editions and responses quickly for the barometer's tests."""

from django.utils import timezone

from survey.models import Answer, Edition, Question, Response, ResponseOrigin, ResponseStatus, ResponseTool


def bulk_responses(edition: Edition, count: int, *, start: int = 0) -> None:
    """`count` submitted responses answering every coded question, one tool each for half of them."""
    questions = {q.code: q for q in Question.objects.filter(edition=edition)}
    responses = Response.objects.bulk_create(
        Response(
            edition=edition,
            origin=ResponseOrigin.IMPORT,
            status=ResponseStatus.SUBMITTED,
            submitted_at=timezone.now(),
            import_id=f"B{start + number}",
            tool_count=(start + number) % 2,
        )
        for number in range(count)
    )
    ResponseTool.objects.bulk_create(
        ResponseTool(response=response, position=1) for response in responses if response.tool_count
    )
    rows = []
    for response in responses:
        number = int(response.import_id[1:])
        equipped = bool(response.tool_count)

        def add(
            code: str, choice: str, subject: int = 0, rank: int | None = None, response: Response = response
        ) -> None:
            rows.append(
                Answer(response=response, question=questions[code], subject=subject, choice=choice, rank=rank)
            )

        add("collectivity_type", ["commune", "intercommunalite", "region"][number % 3])
        add("population", ["pop_3500_10000", "pop_10000_50000"][number % 2])
        add("respondent_role", ["agent", "elu", "direction"][number % 3])
        add("has_tool", "oui" if equipped else "non")
        add("has_open_data", "oui" if number % 4 == 0 else "non")
        add("digital_strengthens_participation", ["plutot_oui", "tout_a_fait", "plutot_non"][number % 3])
        add("digital_time", ["gain", "perte"][number % 2])
        add("digital_cost", ["cout", "investissement"][number % 2])
        add("digital_communication", "levier")
        if number % 4 == 0:
            add("opendata_where", "data_gouv")
            add("opendata_what", "budget")
            add("opendata_what", "transports")
        if equipped:
            add("tool_family", ["open_data", "forum"][number % 4 // 2], 1)
            add("tool_objectives", "informer", 1, 1)
            add("tool_objectives", "idees", 1, 2)
            add("tool_objective_met", "oui", 1)
            add("tool_involvement", "neutre", 1)
            add("tool_hybrid", "oui", 1)
            add("tool_hybrid_formats", "reunions_publiques", 1)
            add("tool_reaches_absent_publics", "non", 1)
    Answer.objects.bulk_create(rows, batch_size=5000)
