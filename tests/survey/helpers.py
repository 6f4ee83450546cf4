"""Answering the questionnaire through the test client, page by page, as a respondent would."""

import re
from types import ModuleType

from django.urls import reverse

from survey.models import Contact, Edition, EditionStatus
from tests.helpers import page_text

PROFILE = {
    "collectivity_type": "commune",
    "population": "pop_10000_50000",
    "respondent_role": "agent",
    "respondent_service": "Solutions numériques",
    "has_tool": "oui",
    "has_open_data": "oui",
}
PERCEPTIONS = {
    "digital_strengthens_participation": "plutot_oui",
    "digital_time": "gain",
    "digital_cost": "investissement",
    "digital_communication": "levier",
}
TOOL = {
    "tool_name": "Budget participatif malouin",
    "tool_url": "https://budget.saint-malo.example/",
    "tool_description": "Les habitants proposent et votent des projets.",
    "tool_family": "budget_participatif",
    "tool_objectives": ["idees", "coconstruire"],
    "tool_objective_met": "oui",
    "tool_involvement": "plutot_insatisfait",
    "tool_involvement_why": "Il faut du temps pour mobiliser les relais de terrain.",
    "tool_hybrid": "oui",
    "tool_hybrid_formats": ["reunions_publiques", "formations"],
    "tool_reaches_absent_publics": "non",
    "tool_reach_comment": "Les usages sont maîtrisés par une fraction de la population.",
}
OPEN_DATA = {"opendata_where": ["portail_propre", "data_gouv"], "opendata_what": ["budget", "transports"]}


def step_url(contact: Contact, section: str, number: int | None = None) -> str:
    if number:
        return reverse(
            "survey:tool_step", kwargs={"token": contact.token, "section": section, "number": number}
        )
    return reverse("survey:step", kwargs={"token": contact.token, "section": section})


def close(edition: Edition) -> None:
    """Staff close the edition (while a respondent may be typing)."""
    edition.status = EditionStatus.CLOSED
    edition.save(update_fields=["status"])


def closing_before(monkeypatch, module: ModuleType, name: str, edition: Edition) -> None:
    """Have staff close `edition` just before `module.name` (a write) runs: after the request checked that
    the edition was open, before it writes."""
    write = getattr(module, name)

    def closed_just_before(**kwargs):
        close(edition)
        return write(**kwargs)

    monkeypatch.setattr(module, name, closed_just_before)


def welcome_url(contact: Contact) -> str:
    return reverse("survey:welcome", kwargs={"token": contact.token})


def review_url(contact: Contact) -> str:
    return reverse("survey:review", kwargs={"token": contact.token})


def shown_tool(client, url: str) -> str:
    """The tool a tool's page is shown for, as its form sends it back (hidden field `tool`)."""
    found = re.search(r'<input type="hidden" name="tool" value="(\d+)">', client.get(url).content.decode())
    assert found, f"no tool named on {url}"
    return found[1]


def post_page(client, url: str, data: dict, action: str = "next"):
    """Send a page as a browser would: a tool's page with the tool it was shown for."""
    if re.search(r"/partie/[^/]+/\d+/$", url) and "tool" not in data:
        data = {**data, "tool": shown_tool(client, url)}
    return client.post(url, {**data, "action": action})


def answer_everything(
    client, contact: Contact, *, tools: list[dict] | None = None, profile: dict | None = None
):
    """Start, answer every page and stop on the review page (nothing submitted)."""
    tools = [TOOL] if tools is None else tools
    client.post(welcome_url(contact))
    profile = {**PROFILE, **(profile or {})}
    post_page(client, step_url(contact, "profil"), profile)
    post_page(client, step_url(contact, "perceptions"), PERCEPTIONS)
    if profile["has_tool"] == "oui":
        for tool in tools:
            response = client.post(step_url(contact, "outil"), {"action": "add"})
            post_page(client, response.url, tool)
        client.post(step_url(contact, "outil"), {"action": "next"})
    if profile["has_open_data"] == "oui":
        post_page(client, step_url(contact, "donnees-ouvertes"), OPEN_DATA)


def open_url(edition) -> str:
    return reverse("survey:open_link", kwargs={"edition": edition.code})


def identity(**changes) -> dict:
    data = {
        "territory_query": "Dinard",
        "territory": "",
        "name": "Alex Martin",
        "role": "Chargé de mission",
        "email": "alex@dinard.example",
        "consent": "on",
    }
    data.update(changes)
    return data


def sign_up(client, edition, run_jobs, **changes):
    """Sign up through the open link, its email sent; the page the respondent lands on, after the redirect."""
    posted = client.post(open_url(edition), identity(**changes))
    run_jobs()
    assert posted.status_code == 302, page_text(posted)
    return posted, client.get(posted.url)
