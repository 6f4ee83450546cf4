"""The checker against local servers: what it reports, what it reads, where it refuses to go."""

import ssl

import pytest

from tests.links.conftest import HUGE_BODY, PUBLIC_IP, make_checker
from tools_registry.links import addresses
from tools_registry.links.checker import MAX_BYTES, MAX_REDIRECTS, Checker, HostGate
from tools_registry.links.models import LinkOutcome


def test_a_working_address_is_reachable_and_the_request_names_the_site(checker, site, settings) -> None:
    result = checker.check(site.url("/ok"))
    assert (result.outcome, result.status_code, result.final_url) == ("ok", 200, site.url("/ok"))
    [seen] = site.seen
    # Sent to the address that was checked, under the site's own name.
    assert seen.host == f"site.test:{site.port}"
    assert seen.user_agent == f"BarometreLinkChecker/1.0 (+{settings.SITE_URL})"


def test_a_chain_of_redirects_is_followed_to_the_final_address(checker, site) -> None:
    result = checker.check(site.url("/chain/3"))
    assert (result.outcome, result.status_code) == ("ok", 200)
    assert result.final_url == site.url("/ok")
    assert site.paths() == ["/chain/3", "/chain/2", "/chain/1", "/chain/0", "/ok"]


def test_a_redirect_loop_is_stopped(checker, site) -> None:
    result = checker.check(site.url("/loop"))
    assert result.outcome == LinkOutcome.TOO_MANY_REDIRECTS
    assert site.paths() == ["/loop", "/loop-back"]


def test_too_long_a_chain_of_redirects_is_given_up(checker, site) -> None:
    result = checker.check(site.url(f"/chain/{MAX_REDIRECTS + 5}"))
    assert result.outcome == LinkOutcome.TOO_MANY_REDIRECTS
    assert len(site.seen) == MAX_REDIRECTS + 1


@pytest.mark.parametrize("status", [404, 410, 500])
def test_an_http_error_is_a_failure_with_its_status(checker, site, status: int) -> None:
    result = checker.check(site.url(f"/status/{status}"))
    assert (result.outcome, result.status_code) == (LinkOutcome.HTTP_ERROR, status)


def test_a_site_that_turns_robots_away_still_answers(checker, site) -> None:
    result = checker.check(site.url("/status/403"))
    assert (result.outcome, result.status_code) == (LinkOutcome.OK, 403)


def test_a_server_that_never_answers_times_out(checker, stalled_port) -> None:
    result = checker.check(f"http://stalled.test:{stalled_port}/")
    assert result.outcome == LinkOutcome.TIMEOUT


def test_a_closed_port_is_a_refused_connection(checker, closed_port) -> None:
    result = checker.check(f"http://closed.test:{closed_port}/")
    assert result.outcome == LinkOutcome.REFUSED


def test_only_the_first_few_kilobytes_of_a_huge_body_are_read(checker, site) -> None:
    result = checker.check(site.url("/huge"))
    assert result.outcome == LinkOutcome.OK
    assert 0 < result.bytes_read <= MAX_BYTES
    # The checker hung up: the server could not deliver the body.
    assert site.huge_done.wait(10)
    assert site.huge_sent < HUGE_BODY


def test_a_body_trickled_byte_by_byte_is_not_waited_for(checker, site) -> None:
    result = checker.check(site.url("/trickle"))
    assert result.outcome == LinkOutcome.OK
    assert 0 < result.bytes_read < MAX_BYTES


def test_an_unknown_host_is_a_dns_failure(checker, network) -> None:
    result = checker.check("https://outil-disparu.invalid/")
    assert result.outcome == LinkOutcome.DNS
    assert network.connections == []


@pytest.mark.parametrize("url", ["ftp://site.test/fichier", "javascript:alert(1)", "https:///chemin"])
def test_an_address_that_is_not_a_web_address_is_invalid(checker, network, url: str) -> None:
    assert checker.check(url).outcome == LinkOutcome.INVALID_ADDRESS
    assert network.connections == []


def test_an_untrusted_certificate_is_a_tls_failure(checker, secure_site) -> None:
    result = checker.check(secure_site.url("/ok", host="secure.test", scheme="https"))
    assert result.outcome == LinkOutcome.TLS
    assert "certificate" in result.detail
    assert secure_site.seen == []


def test_tls_is_verified_on_the_name_while_connecting_to_the_checked_address(secure_site, test_ca) -> None:
    context = ssl.create_default_context()
    test_ca.configure_trust(context)
    checker = make_checker(ssl_context=context)
    good = checker.check(secure_site.url("/ok", host="secure.test", scheme="https"))
    assert (good.outcome, good.status_code) == (LinkOutcome.OK, 200)
    # Same server, same address, another name: the certificate does not match it.
    wrong_name = checker.check(secure_site.url("/ok", host="other.test", scheme="https"))
    assert wrong_name.outcome == LinkOutcome.TLS
    assert [seen.host for seen in secure_site.seen] == [f"secure.test:{secure_site.port}"]


# --- addresses the checker must never fetch (LINK_CHECK_ALLOW_PRIVATE off) ---


@pytest.mark.parametrize("host", ["127.0.0.1", "[::ffff:127.0.0.1]"])
def test_a_loopback_address_is_refused(checker, site, host: str) -> None:
    result = checker.check(f"http://{host}:{site.port}/ok")
    assert result.outcome == LinkOutcome.BLOCKED_ADDRESS
    assert site.seen == []


@pytest.mark.parametrize(
    "target",
    ["http://127.0.0.1:{port}/ok", "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/"],
)
def test_a_redirect_to_a_private_or_metadata_address_is_refused(checker, site, network, target: str) -> None:
    result = checker.check(site.url(f"/redirect?to={target.format(port=site.port)}"))
    assert result.outcome == LinkOutcome.BLOCKED_ADDRESS
    assert result.final_url == target.format(port=site.port)
    assert len(site.seen) == 1
    assert network.connections == [PUBLIC_IP]


@pytest.mark.parametrize("resolved", [["127.0.0.1"], [PUBLIC_IP, "127.0.0.1"], ["::1"]])
def test_a_public_name_resolving_to_a_private_address_is_refused(checker, site, network, resolved) -> None:
    network.names["intranet.test"] = resolved
    result = checker.check(site.url("/ok", host="intranet.test"))
    assert result.outcome == LinkOutcome.BLOCKED_ADDRESS
    assert network.connections == []


def test_the_connection_goes_to_the_address_that_was_checked(checker, site, network, monkeypatch) -> None:
    answers = iter([[PUBLIC_IP], ["127.0.0.1"], ["127.0.0.1"]])
    resolve = addresses.resolve

    def rebinding(host: str, port: int) -> list:
        if host == "rebind.test":
            network.names["rebind.test"] = next(answers)
        return resolve(host, port)

    monkeypatch.setattr(addresses, "resolve", rebinding)
    assert checker.check(site.url("/ok", host="rebind.test")).outcome == LinkOutcome.OK
    # A second resolution would have said 127.0.0.1: there was none, the checked address was used.
    assert network.connections == [PUBLIC_IP]


def test_private_addresses_are_allowed_for_tests_only_when_asked(site) -> None:
    url = f"http://127.0.0.1:{site.port}/ok"
    assert make_checker(allow_private=True).check(url).outcome == LinkOutcome.OK
    metadata = make_checker(allow_private=True).check("http://169.254.169.254/latest/meta-data/")
    assert metadata.outcome == LinkOutcome.BLOCKED_ADDRESS


def test_the_setting_allows_private_addresses(settings, site) -> None:
    settings.LINK_CHECK_ALLOW_PRIVATE = True
    settings.LINK_CHECK_READ_TIMEOUT = 1
    assert Checker.from_settings().check(f"http://127.0.0.1:{site.port}/ok").outcome == LinkOutcome.OK


# --- politeness ---


def test_requests_to_one_host_wait_for_each_other() -> None:
    now, slept = [100.0], []
    gate = HostGate(2, clock=lambda: now[0], sleep=slept.append)
    with gate.turn("mairie.example"):
        pass
    with gate.turn("autre.example"):
        pass
    now[0] += 0.5
    with gate.turn("mairie.example"):
        pass
    assert slept == [1.5]
