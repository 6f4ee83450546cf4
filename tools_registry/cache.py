"""A version number of the public registry, bumped on every change, and the cache of what is computed
from the registry (pages, counts, map data), which the version retires."""

import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

VERSION_KEY = "registry:version"
# Longer than any rebuild: past it, a rebuild that never finished (a worker killed) lets another start.
REBUILD_SECONDS = 30
# How often a request waiting for another's build looks for its result.
WAIT_STEP = 0.05

T = TypeVar("T")


def _fresh_version() -> int:
    # When the counter is lost (evicted, or the cache restarted without the entries keyed by it), a new
    # one must never meet an old version again: it starts from the clock, in microseconds, past any
    # version counted before.
    return time.time_ns() // 1000


def registry_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        version = cache.get(VERSION_KEY) or _fresh_version()
    return version


def bump_registry_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)


def cached(key: str, build: Callable[[], T], seconds: int) -> T:
    """What `build` gives for the registry as it is now, cached under `key` for `seconds`.

    No stampede: when the registry has changed, or the entry's time is up, the first request rebuilds it,
    and the requests arriving meanwhile are answered from the entry as it was instead of all rebuilding
    it at once (a popular search would otherwise be computed by every worker together). An entry is
    kept twice its time, so that there is something to answer with while it is rebuilt. When there is no
    entry at all (a new cache, or one restarted), the first request builds it and the others wait for it.
    """
    now = time.time()
    # The version and the entry in one round trip to the cache.
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY) or registry_version()
    entry = found.get(key)
    if entry is not None:
        entry_version, fresh_until, value = entry
        if entry_version == version and now < fresh_until:
            return value
        if not cache.add(f"{key}:rebuild:{version}:{fresh_until}", True, timeout=REBUILD_SECONDS):
            return value  # being rebuilt by another request
    elif not cache.add(building := f"{key}:build:{version}", True, timeout=REBUILD_SECONDS):
        # Being built by another request, with nothing to answer meanwhile: wait for it rather than
        # compute the same answer at once (the whole registry's facets take seconds at a million tools).
        built = _wait_for(key, version, building)
        if built is not None:
            return built[2]
    try:
        value = build()
        cache.set(key, (version, now + seconds, value), seconds * 2)
    finally:
        if entry is None:
            cache.delete(building)  # built, or failed: nobody waits for this build any more
    return value


def _wait_for(key: str, version: int, building: str) -> tuple | None:
    """The entry another request is building under `key` for `version`, once it is there; None if that
    request stopped without it (it failed: this one builds it) or did not finish within REBUILD_SECONDS."""
    deadline = time.monotonic() + REBUILD_SECONDS
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP)
        found = cache.get_many([key, building])
        entry = found.get(key)
        if entry is not None and entry[0] == version:
            return entry
        if building not in found:
            return None
    return None


@receiver([post_save, post_delete], sender="tools_registry.Tool")
@receiver([post_save, post_delete], sender="tools_registry.ToolObjective")
@receiver([post_save, post_delete], sender="tools_registry.Collectivity")
def _registry_changed(**kwargs) -> None:
    bump_registry_version()
