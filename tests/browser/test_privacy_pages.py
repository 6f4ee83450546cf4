"""The privacy notice, as a visitor reaches it: from the footer, from the submission form, and in English."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_footer_leads_to_the_privacy_notice_and_the_legal_notice(web) -> None:
    page = web.page
    web.goto("/outils/")
    page.get_by_role("contentinfo").get_by_role("link", name="Données personnelles").click()
    page.wait_for_url("**/donnees-personnelles/")
    assert page.get_by_role("heading", level=1).inner_text() == "Données personnelles"
    assert page.get_by_role("table").get_by_role("rowheader").count() == 6
    page.get_by_role("contentinfo").get_by_role("link", name="Mentions légales").click()
    page.wait_for_url("**/mentions-legales/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mentions légales"


def test_the_submission_form_links_to_the_notice_beside_its_consent_box(web) -> None:
    page = web.page
    web.goto("/outils/proposer/")
    page.locator("form.submission-form").get_by_role("link", name="Données personnelles").click()
    page.wait_for_url("**/donnees-personnelles/")
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer").click()
    page.get_by_role("heading", level=1, name="Personal data").wait_for()
    assert "lodge a complaint" in page.locator("main").inner_text()


def test_the_notice_reads_on_a_phone(phone) -> None:
    page = phone.page
    phone.goto("/donnees-personnelles/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, "the page scrolls sideways on a phone"
