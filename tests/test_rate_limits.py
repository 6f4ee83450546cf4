"""Rate limits: one client address behind the reverse proxy, what they count, and the admin sign-in.

The proxy of these tests is 10.0.0.1 (TRUSTED_PROXIES); clients are documentation addresses.
"""

import re
import socket
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from tests.helpers import api_submission, page_text
from tests.test_submission import valid_data
from tools_registry.models import Tool
from tools_registry.ratelimit import client_ip, retry_message

pytestmark = pytest.mark.django_db

PROXY, CLIENT, OTHER_CLIENT = "10.0.0.1", "203.0.113.5", "198.51.100.7"
SUBMIT = reverse("tools_registry:tool_submit")
LOGIN = reverse("admin:login")


@pytest.fixture(autouse=True)
def behind_a_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def redis_cache(settings):
    """The production cache: Redis, under a key prefix of this test's own (nothing else is touched)."""
    if not _redis_answers():
        pytest.skip("needs Redis at 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }


def address(remote: str, forwarded: str | None = None) -> str:
    request = RequestFactory().get(
        "/", REMOTE_ADDR=remote, **({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})
    )
    return client_ip(request)


@pytest.mark.parametrize(
    ("language", "message"),
    [("fr", "Réessayez dans 44 minutes, à 06:00."), ("en", "Try again in 44 minutes (at 6 a.m.).")],
)
def test_the_time_to_retry_reads_as_one_sentence(language, message) -> None:
    with time_machine.travel(datetime(2026, 6, 1, 5, 16, tzinfo=ZoneInfo("Europe/Paris")), tick=False):
        with translation.override(language):
            assert retry_message() == message


def test_a_direct_client_is_its_own_address() -> None:
    assert address(CLIENT) == CLIENT


def test_the_trusted_proxy_forwards_the_clients_address() -> None:
    assert address(PROXY, CLIENT) == CLIENT


def test_a_header_written_by_an_untrusted_client_is_ignored() -> None:
    assert address(CLIENT, "192.0.2.99") == CLIENT


def test_what_a_client_writes_in_the_header_through_the_proxy_is_ignored() -> None:
    assert address(PROXY, f"192.0.2.99, {CLIENT}") == CLIENT


def test_proxies_may_be_given_as_networks(settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert address("10.2.3.4", f"{CLIENT}, 10.9.9.9") == CLIENT


def test_without_trusted_proxies_the_header_is_never_believed(settings) -> None:
    settings.TRUSTED_PROXIES = []
    assert address(PROXY, CLIENT) == PROXY


def submit(client, place, number: int, **meta):
    return client.post(
        SUBMIT, valid_data(place, name=f"Outil {number}", url=f"https://o{number}.example/"), **meta
    )


def test_clients_behind_the_proxy_each_have_their_allowance(client, saint_malo, settings) -> None:
    settings.SUBMISSION_RATE_LIMIT = 1
    via_proxy = {"REMOTE_ADDR": PROXY}
    assert submit(client, saint_malo, 1, HTTP_X_FORWARDED_FOR=CLIENT, **via_proxy).status_code == 302
    assert submit(client, saint_malo, 2, HTTP_X_FORWARDED_FOR=CLIENT, **via_proxy).status_code == 429
    assert submit(client, saint_malo, 3, HTTP_X_FORWARDED_FOR=OTHER_CLIENT, **via_proxy).status_code == 302
    assert Tool.objects.count() == 2


def test_a_client_cannot_escape_the_limit_by_rotating_a_forged_header(client, saint_malo, settings) -> None:
    settings.SUBMISSION_RATE_LIMIT = 1
    codes = [
        submit(client, saint_malo, n, REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(1, 4)
    ]
    assert codes == [302, 429, 429]


def test_a_submission_with_errors_does_not_use_up_the_allowance(client, saint_malo, settings) -> None:
    settings.SUBMISSION_RATE_LIMIT = 1
    for _typo in range(3):
        wrong = client.post(SUBMIT, valid_data(saint_malo, url="pas une adresse"))
        assert wrong.status_code == 400
    assert submit(client, saint_malo, 1).status_code == 302
    refused = submit(client, saint_malo, 2)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert re.search(r"Réessayez dans \d+ minutes?, à \d\d:\d\d\.", page_text(refused))


def test_an_api_submission_with_errors_does_not_use_up_the_allowance(saint_malo, settings) -> None:
    settings.SUBMISSION_RATE_LIMIT = 1
    api = APIClient()
    url = reverse("api:submission")
    for _typo in range(3):
        assert api.post(url, api_submission(url="pas une adresse"), format="json").status_code == 400
    assert api.post(url, api_submission(), format="json").status_code == 201
    refused = api.post(url, api_submission(name="Autre"), format="json")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600


def test_the_limit_holds_with_redis_as_the_cache(client, saint_malo, settings, redis_cache) -> None:
    settings.SUBMISSION_RATE_LIMIT = 2
    meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": CLIENT}
    codes = [submit(client, saint_malo, n, **meta).status_code for n in range(1, 4)]
    assert codes == [302, 302, 429]
    assert (
        submit(client, saint_malo, 4, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OTHER_CLIENT).status_code == 302
    )


def test_api_throttling_is_not_escaped_by_a_rotating_header(monkeypatch) -> None:
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    api = APIClient()
    url = reverse("api:families")
    codes = [
        api.get(url, REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(3)
    ]
    assert codes == [200, 200, 429]


def test_api_throttling_tells_clients_behind_the_proxy_apart(monkeypatch) -> None:
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "1/minute"})
    api = APIClient()
    url = reverse("api:families")
    assert api.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT).status_code == 200
    assert api.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT).status_code == 429
    assert api.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OTHER_CLIENT).status_code == 200


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser("equipe", "equipe@example.org", "le-bon-mot-de-passe")


def sign_in(password: str, forwarded: str, username: str = "equipe"):
    return Client().post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_wrong_passwords_lock_the_account_out_from_that_address_only(staff, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    codes = [sign_in(f"essai-{n}", CLIENT).status_code for n in range(4)]
    assert codes == [200, 200, 429, 429]
    locked = sign_in("le-bon-mot-de-passe", CLIENT)
    assert locked.status_code == 429
    assert "Réessayez dans 15 minutes" in page_text(locked)
    assert locked["Retry-After"] == "900"
    assert sign_in("le-bon-mot-de-passe", OTHER_CLIENT).status_code == 302


def test_wrong_passwords_for_one_account_never_lock_another(staff, django_user_model, settings) -> None:
    django_user_model.objects.create_superuser("collegue", "collegue@example.org", "un-autre-mot-de-passe")
    for n in range(settings.ADMIN_LOGIN_FAILURE_LIMIT + 1):
        sign_in(f"essai-{n}", CLIENT)
    assert sign_in("le-bon-mot-de-passe", CLIENT).status_code == 429
    assert sign_in("un-autre-mot-de-passe", CLIENT, username="collegue").status_code == 302


def test_a_forged_header_does_not_escape_the_admin_lockout(staff, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    for n in range(3):
        Client().post(
            LOGIN,
            {"username": "equipe", "password": f"essai-{n}"},
            REMOTE_ADDR=CLIENT,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    locked = Client().post(
        LOGIN,
        {"username": "equipe", "password": "le-bon-mot-de-passe"},
        REMOTE_ADDR=CLIENT,
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )
    assert locked.status_code == 429
