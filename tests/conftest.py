import pytest
from django.db import connection


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL is not a PostgreSQL server)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def territories(django_db_setup, django_db_blocker):
    """The real territory reference, loaded once for the whole session (kept across tests)."""
    from tools_registry.territories import load_territories

    with django_db_blocker.unblock():
        return load_territories()
