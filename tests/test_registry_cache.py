"""Cached representations of the registry never outlive a change, even when the cache loses its counter."""

import re
import threading
import time

import pytest
from django.core.cache import cache
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tests.factories import ToolFactory
from tools_registry.cache import VERSION_KEY, LocalCopies, bump_registry_version, cached, rebuild
from tools_registry.services import set_objectives

pytestmark = pytest.mark.django_db
MAP_DATA = reverse("api:tool-list") + "?format=geojson"


def tool_ids(client) -> set[int]:
    return filtered_ids(client, "")


def filtered_ids(client, query: str) -> set[int]:
    """The ids of the tools on the map of the tools filtered by `query`."""
    collection = client.get(f"{MAP_DATA}&{query}").json()
    return {tool[0] for feature in collection["features"] for tool in feature["properties"]["t"]}


def test_a_new_tool_is_on_the_map_even_after_the_version_counter_was_evicted(client) -> None:
    first = ToolFactory()
    assert tool_ids(client) == {first.pk}
    # A full cache evicts some keys and keeps others: here the counter goes, the cached map data stays.
    cache.delete(VERSION_KEY)
    second = ToolFactory()
    assert tool_ids(client) == {first.pk, second.pk}


def test_objectives_given_to_a_tool_that_had_none_show_on_the_filtered_map_at_once(client) -> None:
    # Objectives are written in bulk (no signal for each row), and a tool without any has none to delete.
    tool = ToolFactory()
    assert filtered_ids(client, "objective=signaler") == set()
    set_objectives(tool=tool, objectives=["signaler"])
    assert filtered_ids(client, "objective=signaler") == {tool.pk}


def test_after_a_change_one_request_rebuilds_a_list_while_the_others_get_the_previous_one() -> None:
    cache.clear()
    assert cached("facets:example", lambda: "before", 60) == "before"
    bump_registry_version()
    answered_meanwhile = []

    def rebuild() -> str:
        # Another request for the same list arrives while this one rebuilds it.
        answered_meanwhile.append(cached("facets:example", lambda: "rebuilt twice", 60))
        return "after"

    assert cached("facets:example", rebuild, 60) == "after"
    assert answered_meanwhile == ["before"]
    assert cached("facets:example", lambda: "rebuilt twice", 60) == "after"


def test_a_list_past_its_time_is_rebuilt_by_one_request_while_the_others_get_it_as_it_was(
    monkeypatch,
) -> None:
    cache.clear()
    assert cached("page:example", lambda: "before", 60) == "before"
    ninety_seconds_later = time.time() + 90
    monkeypatch.setattr("tools_registry.cache.time.time", lambda: ninety_seconds_later)
    answered_meanwhile = []

    def rebuild() -> str:
        answered_meanwhile.append(cached("page:example", lambda: "rebuilt twice", 60))
        return "after"

    assert cached("page:example", rebuild, 60) == "after"
    assert answered_meanwhile == ["before"]


def test_with_nothing_cached_one_request_builds_and_the_others_wait_for_it() -> None:
    # A new (or restarted) cache holds nothing to answer with: the requests arriving while the first
    # one builds an answer wait for it instead of computing the same answer at once.
    cache.clear()
    builds, answers = [], []
    building = threading.Event()

    def slow_build() -> str:
        builds.append("first")
        building.set()
        time.sleep(0.3)
        return "built once"

    first = threading.Thread(target=lambda: answers.append(cached("facets:cold", slow_build, 60)))
    first.start()
    assert building.wait(5)
    assert cached("facets:cold", lambda: builds.append("second") or "built twice", 60) == "built once"
    first.join()
    assert answers == ["built once"]
    assert builds == ["first"]


def test_when_the_first_build_fails_the_waiting_request_builds_instead_of_waiting_it_out(
    monkeypatch,
) -> None:
    # The database failed under the first request: the one waiting for its answer does not wait the
    # whole rebuild delay for nothing, it builds (and answers, or fails at once, itself).
    monkeypatch.setattr("tools_registry.cache.REBUILD_SECONDS", 600)
    cache.clear()
    building = threading.Event()

    def failing_build() -> str:
        building.set()
        time.sleep(0.2)
        raise RuntimeError("database gone")

    def first_request() -> None:
        with pytest.raises(RuntimeError):
            cached("facets:failing", failing_build, 60)

    first = threading.Thread(target=first_request)
    first.start()
    assert building.wait(5)
    answers = []
    waiting = threading.Thread(
        target=lambda: answers.append(cached("facets:failing", lambda: "built by the next", 60))
    )
    waiting.start()
    first.join()
    waiting.join(timeout=30)  # far less than the 600 s it would otherwise wait
    assert not waiting.is_alive()
    assert answers == ["built by the next"]


def test_a_worker_sends_the_map_source_from_its_own_copy_until_the_registry_changes(
    client, monkeypatch
) -> None:
    # The map source is large (14 MB at a million tools): a worker reads it from the shared cache once,
    # not once per request, and never sends its copy after a change.
    first = ToolFactory()
    read_from_the_shared_cache = []
    get_many = cache.get_many

    def recording_get_many(keys, *args, **kwargs):
        read_from_the_shared_cache.extend(key for key in keys if key.startswith("map-source:"))
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", recording_get_many)
    assert tool_ids(client) == {first.pk}
    assert tool_ids(client) == {first.pk}
    assert tool_ids(client) == {first.pk}
    assert len(read_from_the_shared_cache) == 1
    second = ToolFactory()
    assert tool_ids(client) == {first.pk, second.pk}
    second.delete()
    assert tool_ids(client) == {first.pk}


def test_a_local_copy_past_its_time_is_rebuilt_by_one_request_while_the_others_get_it_as_it_was(
    monkeypatch,
) -> None:
    cache.clear()
    copies = LocalCopies(max_bytes=1000)
    assert cached("geojson:example", lambda: b"before", 60, local=copies) == b"before"
    assert cached("geojson:example", lambda: b"not rebuilt", 60, local=copies) == b"before"
    ninety_seconds_later = time.time() + 90
    monkeypatch.setattr("tools_registry.cache.time.time", lambda: ninety_seconds_later)
    answered_meanwhile = []

    def rebuild() -> bytes:
        answered_meanwhile.append(cached("geojson:example", lambda: b"rebuilt twice", 60, local=copies))
        return b"after"

    assert cached("geojson:example", rebuild, 60, local=copies) == b"after"
    assert answered_meanwhile == [b"before"]
    assert cached("geojson:example", lambda: b"rebuilt twice", 60, local=copies) == b"after"


def answers_while_another_thread_builds(key: str, value: bytes, copies: LocalCopies) -> tuple[bytes, bytes]:
    """What a request gets for `key` while another thread of its worker builds `value` for it (which
    would be b"built twice" if it built it too), and what that thread gets."""
    building = threading.Event()
    answers = []

    def slow_build() -> bytes:
        building.set()
        time.sleep(0.3)
        return value

    builder = threading.Thread(target=lambda: answers.append(cached(key, slow_build, 60, local=copies)))
    builder.start()
    assert building.wait(5)
    meanwhile = cached(key, lambda: b"built twice", 60, local=copies)
    builder.join()
    return meanwhile, answers[0]


def test_while_one_thread_of_a_worker_rebuilds_a_copy_the_others_answer_with_it_as_it_was() -> None:
    cache.clear()
    copies = LocalCopies(max_bytes=1000)
    assert cached("geojson:threads", lambda: b"before", 60, local=copies) == b"before"
    bump_registry_version()
    assert answers_while_another_thread_builds("geojson:threads", b"after", copies) == (b"before", b"after")
    assert cached("geojson:threads", lambda: b"rebuilt twice", 60, local=copies) == b"after"


def test_with_no_copy_the_other_threads_of_a_worker_wait_for_the_one_building_it() -> None:
    cache.clear()
    copies = LocalCopies(max_bytes=1000)
    assert answers_while_another_thread_builds("geojson:cold", b"built once", copies) == (
        b"built once",
        b"built once",
    )


def test_a_worker_keeps_the_copies_it_used_last_within_their_budget() -> None:
    cache.clear()
    copies = LocalCopies(max_bytes=10)
    for key, value in [("a", b"1234"), ("b", b"5678"), ("a", b"1234"), ("c", b"9012"), ("big", b"x" * 11)]:
        assert cached(f"geojson:{key}", lambda value=value: value, 60, local=copies) == value
    version = cache.get(VERSION_KEY)
    # "b" was used least recently when "c" came; a value larger than the budget is never kept.
    kept = {key: copies.current(f"geojson:{key}", version, time.time()) for key in ["a", "b", "c", "big"]}
    assert kept == {"a": b"1234", "b": None, "c": b"9012", "big": None}


def test_an_entry_slow_to_build_is_rebuilt_by_a_job_while_every_request_gets_it_as_it_was(
    monkeypatch,
) -> None:
    cache.clear()
    monkeypatch.setattr("tools_registry.cache.SLOW_BUILD_SECONDS", 0)  # every build counts as slow
    jobs = []
    assert cached("geojson:slow", lambda: b"before", 60, refresh=lambda: jobs.append("job")) == b"before"
    assert jobs == []  # the first build is the request's: there was nothing to answer with
    bump_registry_version()
    for _ in range(3):
        assert cached(
            "geojson:slow", lambda: b"built in a request", 60, refresh=lambda: jobs.append("job")
        ) == (b"before")
    assert jobs == ["job"]  # one job for the change, however many requests saw it
    rebuild("geojson:slow", lambda: b"after", 60)
    rebuild("geojson:slow", lambda: b"built twice", 60)  # a second job finds it current
    assert cached("geojson:slow", lambda: b"built in a request", 60, refresh=lambda: jobs.append("job")) == (
        b"after"
    )


def test_only_an_entry_whose_last_build_was_slow_is_rebuilt_by_a_job(monkeypatch) -> None:
    cache.clear()
    monkeypatch.setattr("tools_registry.cache.SLOW_BUILD_SECONDS", 0.5)
    jobs = []

    def answer(build) -> bytes:
        return cached("geojson:timed", build, 60, refresh=lambda: jobs.append("job"))

    def slow_build() -> bytes:
        time.sleep(0.6)
        return b"built slowly"

    assert answer(lambda: b"before") == b"before"
    bump_registry_version()
    assert answer(slow_build) == b"built slowly"  # the last build was quick: the request rebuilds
    bump_registry_version()
    assert answer(lambda: b"built in a request") == b"built slowly"  # the last one was slow: a job
    assert jobs == ["job"]
    rebuild("geojson:timed", lambda: b"built quickly by the job", 60)
    bump_registry_version()
    assert answer(lambda: b"after") == b"after"  # quick again: the request rebuilds
    assert jobs == ["job"]


def test_after_a_change_a_slow_map_source_is_rebuilt_by_a_job_not_by_a_visitor(
    client, monkeypatch, run_jobs
) -> None:
    monkeypatch.setattr("tools_registry.cache.SLOW_BUILD_SECONDS", 0)
    first = ToolFactory(family="forum")
    assert tool_ids(client) == {first.pk}
    assert filtered_ids(client, "family=forum") == {first.pk}
    second = ToolFactory(family="forum")
    # The map shows the registry as it was, at once, until the job has rebuilt its source.
    assert tool_ids(client) == {first.pk}
    assert tool_ids(client) == {first.pk}
    assert filtered_ids(client, "family=forum") == {first.pk}
    assert sorted(refresh_jobs()) == [["map", ""], ["map", "family=forum"]]
    run_jobs()
    assert tool_ids(client) == {first.pk, second.pk}
    assert filtered_ids(client, "family=forum") == {first.pk, second.pk}


def test_the_map_source_of_typed_text_is_rebuilt_in_the_request_and_the_text_never_reaches_a_job(
    client, monkeypatch
) -> None:
    monkeypatch.setattr("tools_registry.cache.SLOW_BUILD_SECONDS", 0)
    first = ToolFactory(name="Budget participatif de Brest", family="budget_participatif", software="Decidim")
    for typed in ["q=budget", "software=decidim", "family=budget_participatif&q=budget"]:
        assert filtered_ids(client, typed) == {first.pk}
    second = ToolFactory(name="Budget des jeunes", family="budget_participatif", software="Decidim")
    for typed in ["q=budget", "software=decidim", "family=budget_participatif&q=budget"]:
        assert filtered_ids(client, typed) == {first.pk, second.pk}
    assert refresh_jobs() == []


def test_after_a_change_slow_facet_counts_are_rebuilt_by_a_job_not_by_a_visitor(
    client, monkeypatch, run_jobs
) -> None:
    monkeypatch.setattr("tools_registry.cache.SLOW_BUILD_SECONDS", 0)
    catalogue = reverse("tools_registry:tool_list")

    def results_count(query: str) -> str:
        page = client.get(f"{catalogue}?{query}").content.decode()
        return re.search(r'class="results-count"[^>]*>([^<]*)<', page).group(1).strip()

    ToolFactory(name="Forum des quartiers", family="forum")
    assert results_count("") == "1 outil"
    assert results_count("family=forum") == "1 outil"
    assert results_count("q=quartiers") == "1 outil"
    ToolFactory(name="Forum des quartiers nord", family="forum")
    # The counts as they were until the job has rebuilt them; a search's, rebuilt by its request.
    assert results_count("") == "1 outil"
    assert results_count("family=forum") == "1 outil"
    assert results_count("q=quartiers") == "2 outils"
    # (and the facet index, which the catalogue's requests never build: tests/test_facet_index.py)
    assert sorted(job for job in refresh_jobs() if job[0] == "facets") == [
        ["facets", ""],
        ["facets", "family=forum"],
    ]
    run_jobs()
    assert results_count("") == "2 outils"
    assert results_count("family=forum") == "2 outils"


def test_after_a_change_the_maps_slow_count_of_unplaced_tools_is_rebuilt_by_a_job(
    client, monkeypatch, run_jobs
) -> None:
    monkeypatch.setattr("tools_registry.cache.SLOW_BUILD_SECONDS", 0)
    map_page = reverse("tools_registry:tool_map")
    ToolFactory(collectivity=None)
    assert "1 outil sans position" in client.get(map_page).content.decode()
    ToolFactory(collectivity=None)
    assert "1 outil sans position" in client.get(map_page).content.decode()
    assert ["located", ""] in refresh_jobs()
    run_jobs()
    assert "2 outils sans position" in client.get(map_page).content.decode()


def refresh_jobs() -> list[list[str]]:
    """The arguments of the jobs enqueued to rebuild a cached view."""
    jobs = DBTaskResult.objects.filter(task_path="tools_registry.tasks.refresh_cached")
    return [job.args_kwargs["args"] for job in jobs]


def test_cached_pages_are_told_apart_by_their_filters_and_their_sort(client) -> None:
    # The cache keys of a list's count and pages say its filters and its sort (not its SQL): a list
    # sorted otherwise, or filtered otherwise, never gets the page another list left in the cache.
    older = ToolFactory(name="Atelier citoyen", family="forum")
    newer = ToolFactory(name="Zeste participatif", family="sondage")
    tools = reverse("api:tool-list")

    def slugs(query: str) -> list[str]:
        return [tool["slug"] for tool in client.get(f"{tools}?{query}").json()["results"]]

    assert slugs("sort=nom") == [older.slug, newer.slug]
    assert slugs("sort=recent") == [newer.slug, older.slug]
    assert slugs("sort=recent&page_size=1&page=2") == [older.slug]
    assert slugs("family=forum") == [older.slug]
    assert slugs("family=sondage") == [newer.slug]
    catalogue = reverse("tools_registry:tool_list")
    by_name = client.get(f"{catalogue}?sort=nom").content.decode()
    newest_first = client.get(f"{catalogue}?sort=recent").content.decode()
    assert by_name.index("Atelier citoyen") < by_name.index("Zeste participatif")
    assert newest_first.index("Zeste participatif") < newest_first.index("Atelier citoyen")


def test_lists_of_other_things_never_get_a_cached_page_of_tools(client, staff_api) -> None:
    # Every API list pages through the same paginator and cache: the collectivities' list, and the
    # staff's list of every tool, never get the page the public list of tools left (nor the reverse).
    published = ToolFactory(name="Publié")
    pending = ToolFactory(name="En attente", status="pending")
    assert [tool["slug"] for tool in client.get(reverse("api:tool-list")).json()["results"]] == [
        published.slug
    ]
    collectivities = client.get(reverse("api:collectivity-list")).json()["results"]
    assert [collectivity["slug"] for collectivity in collectivities] == [published.collectivity.slug]
    staff_list = staff_api.get(reverse("api:staff-tool-list")).json()["results"]
    assert {tool["slug"] for tool in staff_list} == {published.slug, pending.slug}
    assert [tool["slug"] for tool in client.get(reverse("api:tool-list")).json()["results"]] == [
        published.slug
    ]
