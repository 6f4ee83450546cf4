from tests.test_settings import start_django


def test_it_refuses_a_link_check_setting_that_would_never_queue_or_never_check() -> None:
    result = start_django(LINK_CHECK_FAILURES_BEFORE_REVIEW="0")
    assert result.returncode != 0
    assert "LINK_CHECK_FAILURES_BEFORE_REVIEW" in result.stderr
    result = start_django(LINK_CHECK_CONCURRENCY="0")
    assert result.returncode != 0


def test_private_addresses_for_tests_are_a_boolean() -> None:
    result = start_django(LINK_CHECK_ALLOW_PRIVATE="sometimes")
    assert result.returncode != 0
    assert "LINK_CHECK_ALLOW_PRIVATE must be a boolean" in result.stderr
