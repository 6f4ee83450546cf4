"""Personal links as secrets: malformed ones, links after the edition closed, tokens kept out of logs."""

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client

from barometre.logs import Redact, redact_tokens
from survey.models import Contact
from tests.helpers import page_text
from tests.survey.helpers import answer_everything, close, review_url, step_url, welcome_url

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize(
    "path",
    [
        "/enquete/%00/",
        "/enquete/%00/relecture/",
        "/enquete/%00/partie/profil/",
        "/enquete/%00/partie/outil/1/",
        "/enquete/a%00b/",
        "/enquete/%00/ouvert/",
        "/enquete/2016%00/ouvert/",
    ],
)
def test_a_nul_character_in_a_survey_address_is_not_found(client, edition, path) -> None:
    assert client.get(path).status_code == 404
    assert client.post(path, {"action": "next"}).status_code == 404


def test_after_closing_the_sender_sees_its_answers_read_only(client, contact) -> None:
    answer_everything(client, contact)
    client.post(review_url(contact))
    close(contact.edition)
    for url in (welcome_url(contact), step_url(contact, "profil"), review_url(contact)):
        text = page_text(client.get(url))
        assert "ont été envoyées le" in text and "Solutions numériques" in text
        assert "Modifier cette partie" not in text


def test_after_closing_a_colleague_sees_nothing_of_the_answers(client, contact, colleague) -> None:
    answer_everything(client, contact)
    client.post(review_url(contact))
    close(contact.edition)
    text = page_text(Client().get(welcome_url(colleague)))
    assert "La période de réponse est terminée" in text
    assert "Solutions numériques" not in text and "a déjà envoyé" not in text


def test_after_closing_an_unsent_draft_is_neither_shown_nor_changed(client, contact) -> None:
    answer_everything(client, contact)
    close(contact.edition)
    page = client.post(step_url(contact, "profil"), {"respondent_service": "Autre", "action": "next"})
    assert "La période de réponse est terminée" in page_text(page)
    assert "Solutions numériques" not in page_text(page)
    assert contact.edition.responses.get().answers.filter(text="Solutions numériques").exists()


def test_survey_tokens_are_taken_out_of_log_lines() -> None:
    token = "Zk3_x-9" * 6
    line = f'"GET /enquete/{token}/partie/outil/2/ HTTP/1.1" 200 "https://site.example/enquete/{token}/"'
    assert token not in redact_tokens(line)
    assert redact_tokens(line).count("/enquete/[jeton]/") == 2
    assert redact_tokens("GET /enquete/2016/ouvert/ HTTP/1.1") == "GET /enquete/2016/ouvert/ HTTP/1.1"
    record = logging.LogRecord(
        "django.request", logging.WARNING, "", 0, "Not Found: %s", (f"/enquete/{token}/",), None
    )
    Redact().filter(record)
    assert record.getMessage() == "Not Found: /enquete/[jeton]/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorns_access_log_never_holds_a_token(tmp_path) -> None:
    token = Contact().token
    port = _free_port()
    environment = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "barometre.wsgi"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/enquete/{token}/partie/profil/",
            headers={"Referer": f"http://127.0.0.1:{port}/enquete/{token}/"},
        )
        for _attempt in range(100):
            try:
                urllib.request.urlopen(request, timeout=5)  # noqa: S310 (an http:// address of ours)
            except urllib.error.HTTPError:
                break  # an answer (404, 503): the request went through the server
            except OSError:
                time.sleep(0.1)  # not listening yet
            else:
                break
    finally:
        server.terminate()
        access_log, error_log = server.communicate(timeout=30)
    assert "/enquete/[jeton]/partie/profil/" in access_log
    assert token not in access_log and token not in error_log
