"""Staff accepting an open-link answer at the moment the invited contact sends theirs, for the same
collectivity (PostgreSQL, one connection each): one answer counted, the invited one, never a server error."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from survey import services
from survey.models import Response
from tests.helpers import at_once
from tests.survey.helpers import answer_everything
from tests.survey.test_open_link import submit_through_the_open_link

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_accepting_while_the_invited_answer_is_sent_counts_the_invited_one(
    edition, contact, admin_user, run_jobs
) -> None:
    open_link = submit_through_the_open_link(edition, run_jobs, territory_query="35288")
    answer_everything(Client(), contact)
    invited = Response.objects.get(edition=edition, origin=Response.Origin.INVITATION)

    def decide(_client: Client, number: int) -> str:
        try:
            if number == 0:
                services.accept_response(response=open_link, by=admin_user)
            else:
                services.submit_response(response=invited, contact=contact)
        except ValidationError as error:
            return error.messages[0]
        return "ok"

    results = at_once(decide, count=2)
    assert results[1] == "ok"
    assert results[0] == "ok" or "a déjà une réponse comptée" in results[0]
    assert Response.objects.counted().filter(edition=edition).get().origin == Response.Origin.INVITATION
    open_link.refresh_from_db()
    assert open_link.review == Response.Review.PENDING
