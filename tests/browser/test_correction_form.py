"""Reporting an error on a tool's page, in the browser: the form explains a refusal and keeps the input."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import ToolFactory
from tools_registry.corrections import Correction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_a_new_address_from_the_tools_page(web) -> None:
    tool = ToolFactory(name="Budget participatif rennais", url="https://budget.rennes.example/")
    page = web.page
    web.goto(tool.get_absolute_url())
    page.get_by_role("link", name="Signaler une erreur / proposer une correction").click()
    page.wait_for_url("**/corriger/")
    page.get_by_label("L'adresse web").check()
    page.get_by_label("Votre correction").fill("https://budget.rennes.example/nouvelle")
    page.get_by_label("Votre adresse électronique (facultative)").fill("camille@example.org")
    page.get_by_role("button", name="Envoyer la correction").click()

    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "corrigez le champ signalé" in alert.inner_text()
    expect(page).to_have_title(re.compile("^Erreur : Signaler une erreur — Budget participatif rennais"))
    expect(alert).to_be_focused()
    expect(page.get_by_role("group", name="Qu'est-ce qui est inexact ?")).to_be_visible()
    expect(page.locator("#id_consent")).to_have_accessible_description(
        "Cochez cette case pour que nous puissions conserver votre adresse, ou laissez-la vide."
    )
    alert.get_by_role("link").click()
    expect(page.locator("#id_consent")).to_be_focused()
    assert "Cochez cette case" in page.locator("#field-consent").inner_text()
    assert page.get_by_label("L'adresse web").is_checked()
    assert page.get_by_label("Votre correction").input_value() == "https://budget.rennes.example/nouvelle"
    assert page.locator("#id_email").input_value() == "camille@example.org"
    assert not Correction.objects.exists()

    page.locator("#id_consent").check()
    page.get_by_role("button", name="Envoyer la correction").click()
    page.wait_for_url("**/corriger/merci/")
    assert "Votre correction a bien été reçue" in page.get_by_role("status").inner_text()
    correction = Correction.objects.get()
    assert (correction.kind, correction.email) == ("url", "camille@example.org")
