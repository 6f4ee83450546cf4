"""`create_edition`: a new edition reuses a questionnaire, never the title or dates of another edition."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from survey.models import Edition, EditionStatus
from tests.factories import ContactFactory
from tests.helpers import page_text
from tests.survey.helpers import welcome_url

pytestmark = pytest.mark.django_db
TITLE = "Baromètre de la démocratie locale numérique 2026"


class Terminal(io.StringIO):
    """Standard input as when staff type the command in a terminal."""

    def isatty(self) -> bool:
        return True


def create(*options: str) -> str:
    output = io.StringIO()
    call_command("create_edition", "2026", "--questionnaire", "2016", *options, stdout=output, stderr=output)
    return output.getvalue()


def test_the_new_edition_has_the_title_and_dates_given(client, collectivity) -> None:
    create("--title", TITLE, "--title-en", "Digital local democracy barometer 2026",
           "--starts-on", "2026-03-02", "--ends-on", "2026-05-29")  # fmt: skip
    edition = Edition.objects.get(code="2026")
    assert (edition.title, edition.title_en) == (TITLE, "Digital local democracy barometer 2026")
    assert (edition.starts_on, edition.ends_on) == (datetime.date(2026, 3, 2), datetime.date(2026, 5, 29))
    edition.status = EditionStatus.OPEN
    edition.save()
    contact = ContactFactory(edition=edition, collectivity=collectivity, email="a@example.org")
    text = page_text(client.get(welcome_url(contact)))
    assert TITLE in text
    assert "2016" not in text


def test_the_contract_s_command_alone_creates_the_edition_with_a_default_title() -> None:
    # `create_edition <code> --questionnaire <name-or-file> [--publish]`, nothing asked (no terminal).
    output = create("--publish")
    edition = Edition.objects.get(code="2026")
    assert edition.title == "Baromètre de la démocratie locale numérique 2026"
    assert edition.title_en == "Digital local democracy barometer 2026"
    assert edition.status == EditionStatus.PUBLISHED
    assert "Titre par défaut : « Baromètre de la démocratie locale numérique 2026 »" in output


def test_the_questionnaire_may_be_a_file(tmp_path) -> None:
    definition = tmp_path / "questionnaire.json"
    definition.write_text(
        '{"sections": [{"code": "s", "title": "Partie", "questions": '
        '[{"code": "q", "type": "text", "label": "Question"}]}]}',
        encoding="utf-8",
    )
    output = io.StringIO()
    call_command("create_edition", "2030", "--questionnaire", str(definition), stdout=output)
    edition = Edition.objects.get(code="2030")
    assert edition.title == "Baromètre de la démocratie locale numérique 2030"
    assert list(edition.questions.values_list("code", flat=True)) == ["q"]
    assert edition.status == EditionStatus.DRAFT


def test_a_title_given_is_kept_and_the_english_one_is_not_invented() -> None:
    output = create("--title", TITLE)
    edition = Edition.objects.get(code="2026")
    assert (edition.title, edition.title_en) == (TITLE, "")
    assert "Titre par défaut" not in output


def test_dates_are_optional_and_the_command_says_they_are_to_be_set() -> None:
    output = create("--title", TITLE)
    edition = Edition.objects.get(code="2026")
    assert (edition.starts_on, edition.ends_on) == (None, None)
    assert "Dates de terrain à compléter" in output


def test_a_malformed_date_or_an_end_before_the_start_is_refused_in_words() -> None:
    with pytest.raises(CommandError, match="date attendue au format AAAA-MM-JJ : 02/03/2026"):
        create("--title", TITLE, "--starts-on", "02/03/2026")
    with pytest.raises(CommandError, match="La fin du terrain ne peut pas précéder son début"):
        create("--title", TITLE, "--starts-on", "2026-05-29", "--ends-on", "2026-03-02")
    assert not Edition.objects.exists()


def test_in_a_terminal_it_asks_for_what_the_options_do_not_give(monkeypatch) -> None:
    # The English title may stay empty; a malformed date is asked again.
    monkeypatch.setattr("sys.stdin", Terminal(f"{TITLE}\n\n2026-03-02\n29 mai\n2026-05-29\n"))
    output = create()
    edition = Edition.objects.get(code="2026")
    assert (edition.title, edition.title_en) == (TITLE, "")
    assert (edition.starts_on, edition.ends_on) == (datetime.date(2026, 3, 2), datetime.date(2026, 5, 29))
    assert "Date attendue au format AAAA-MM-JJ : 29 mai" in output


def test_in_a_terminal_enter_takes_the_default_titles_shown(monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", Terminal("\n\n\n\n"))
    create()
    prompts = capsys.readouterr().out
    edition = Edition.objects.get(code="2026")
    assert edition.title == "Baromètre de la démocratie locale numérique 2026"
    assert edition.title_en == "Digital local democracy barometer 2026"
    assert (
        "Titre de l'édition 2026 (Entrée : « Baromètre de la démocratie locale numérique 2026 »)" in prompts
    )


def test_no_input_never_asks_even_in_a_terminal(monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", Terminal(f"{TITLE}\n"))
    create("--no-input")
    assert Edition.objects.get(code="2026").title == "Baromètre de la démocratie locale numérique 2026"


def test_an_existing_code_is_refused_and_the_edition_left_as_it_was() -> None:
    create("--title", TITLE)
    with pytest.raises(CommandError, match="L'édition 2026 existe déjà"):
        create()
    assert Edition.objects.get(code="2026").title == TITLE
