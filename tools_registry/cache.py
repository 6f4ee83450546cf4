"""A version number of the public registry, bumped on every change, and the cache of what is computed
from the registry (pages, counts, map data), which the version retires."""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

VERSION_KEY = "registry:version"
# Longer than any rebuild: past it, a rebuild that never finished (a worker killed) lets another start.
REBUILD_SECONDS = 30
# How often a request waiting for another's build looks for its result.
WAIT_STEP = 0.05
# An entry that takes this long to build is rebuilt by a job, where the caller says how (`cached`).
SLOW_BUILD_SECONDS = 0.5

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


class LocalCopies(Generic[T]):
    """A process's own copies of a few large cached values, the last it read or built, up to `max_bytes`
    in all (the least recently used go first; `size` tells a value's bytes, `len` by default).

    A large value read from the shared cache is copied into each request that reads it: the whole
    registry's map source (4 MB at 100,000 tools, 14 MB at a million) read by four threads at once took
    a worker from 115 to 257 MB, and the allocator kept the memory. From a local copy, every request
    sends the same bytes. A copy is answered with while the shared entry it was read from would be: of
    the current registry version, and fresh. Otherwise one thread of the process reads the shared cache
    again (or rebuilds), and its other threads are answered with the copy as it was meanwhile, as
    `cached` answers while another request rebuilds; with no copy at all, they wait for that thread.
    """

    LOCKS = 64

    def __init__(self, max_bytes: int, size: Callable[[T], int] = len) -> None:
        self.max_bytes = max_bytes
        self.size = size
        self._entries: OrderedDict[str, tuple[int, float, T]] = OrderedDict()
        self._lock = threading.Lock()
        # One lock for reading a key from the shared cache, shared by the keys of the same stripe: a
        # filtered map source has a key of its own, and locks are not kept for each.
        self._reading = [threading.Lock() for _ in range(self.LOCKS)]

    def current(self, key: str, version: int, now: float) -> T | None:
        """The copy of `key`, if it is of `version` and still fresh at `now`."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != version or now >= entry[1]:
                return None
            self._entries.move_to_end(key)
            return entry[2]

    def last(self, key: str) -> T | None:
        """The copy of `key` as it was, whatever its version and time."""
        with self._lock:
            entry = self._entries.get(key)
            return None if entry is None else entry[2]

    def reading(self, key: str) -> threading.Lock:
        return self._reading[hash(key) % self.LOCKS]

    def put(self, key: str, entry: tuple[int, float, T]) -> None:
        if self.size(entry[2]) > self.max_bytes:
            return
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while sum(self.size(entry[2]) for entry in self._entries.values()) > self.max_bytes:
                self._entries.popitem(last=False)


def cached(
    key: str,
    build: Callable[[], T],
    seconds: int,
    *,
    local: LocalCopies[T] | None = None,
    refresh: Callable[[], None] | None = None,
) -> T:
    """What `build` gives for the registry as it is now, cached under `key` for `seconds`.

    No stampede: when the registry has changed, or the entry's time is up, the first request rebuilds it,
    and the requests arriving meanwhile are answered from the entry as it was instead of all rebuilding
    it at once (a popular search would otherwise be computed by every worker together). An entry is
    kept twice its time, so that there is something to answer with while it is rebuilt. When there is no
    entry at all (a new cache, or one restarted), the first request builds it and the others wait for it.

    `local`: where this process keeps a copy of what it last read or built (see LocalCopies).

    `refresh`: how to have a job rebuild the entry (it calls `rebuild` with the same key and build). An
    entry whose last build took SLOW_BUILD_SECONDS or more is then never rebuilt in a request once it
    exists: after a change or past its time, the request that would have rebuilt it has the job do it,
    and every request gets the entry as it was until the job has stored the new one. Should no job run,
    the entry leaves the cache at twice its time and the next request builds it.
    """
    now = time.time()
    if local is None:
        return _cached_entry(key, build, seconds, now, refresh)[2]
    value = local.current(key, registry_version(), now)
    if value is not None:
        return value
    reading = local.reading(key)
    if not reading.acquire(blocking=False):
        # Another thread of this process is reading or rebuilding it.
        previous = local.last(key)
        if previous is not None:
            return previous
        with reading:  # nothing to answer with: wait for that thread, then look again
            pass
        return cached(key, build, seconds, local=local, refresh=refresh)
    try:
        entry = _cached_entry(key, build, seconds, now, refresh)
        local.put(key, entry)
        return entry[2]
    finally:
        reading.release()


def built_by_job(key: str, *, local: LocalCopies[T], refresh: Callable[[], None]) -> T | None:
    """What a job built under `key` (with `rebuild`) for the registry as it is now, or None.

    Unlike `cached`: never built in a request, and never answered as it was before a change (a value that
    must be exact, such as an index of the registry, has no use at another version). When the shared cache
    holds none of the current version, `refresh` has a job build it, once per version, and the caller does
    without meanwhile. Each process keeps a copy in `local`; while one thread reads the shared cache, the
    others do without rather than wait.
    """
    version = registry_version()
    now = time.time()
    value = local.current(key, version, now)
    if value is not None:
        return value
    reading = local.reading(key)
    if not reading.acquire(blocking=False):
        return None
    try:
        entry = cache.get(key)
        if entry is not None and entry[0] == version and now < entry[1]:
            if entry[2] is not None:
                local.put(key, entry)
            return entry[2]
        if cache.add(f"{key}:asked:{version}", True, timeout=REBUILD_SECONDS):
            refresh()
        return None
    finally:
        reading.release()


def _cached_entry(
    key: str, build: Callable[[], T], seconds: int, now: float, refresh: Callable[[], None] | None
) -> tuple[int, float, T]:
    """`cached`, giving the entry answered with: (its version, until when it is fresh, its value)."""
    # The version and the entry in one round trip to the cache.
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY) or registry_version()
    entry = found.get(key)
    if entry is not None:
        entry_version, fresh_until, _value = entry
        if entry_version == version and now < fresh_until:
            return entry
        if not cache.add(f"{key}:rebuild:{version}:{fresh_until}", True, timeout=REBUILD_SECONDS):
            return entry  # being rebuilt by another request
        if refresh is not None and cache.get(f"{key}:slow"):
            refresh()  # a job rebuilds it; should it still be waiting after REBUILD_SECONDS, another
            return entry  # request asks again (`rebuild` does nothing when the entry is current)
    elif not cache.add(building := f"{key}:build:{version}", True, timeout=REBUILD_SECONDS):
        # Being built by another request, with nothing to answer meanwhile: wait for it rather than
        # compute the same answer at once (the whole registry's facets take seconds at a million tools).
        built = _wait_for(key, version, building)
        if built is not None:
            return built
    try:
        entry = _build(key, build, seconds, version, now, timed=refresh is not None)
    finally:
        if found.get(key) is None:
            cache.delete(building)  # built, or failed: nobody waits for this build any more
    return entry


def rebuild(key: str, build: Callable[[], T], seconds: int) -> None:
    """The job's part of `cached(key, build, seconds, refresh=…)`: build the entry for the registry as it
    is now, unless it is current and fresh already (another job did it)."""
    now = time.time()
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY) or registry_version()
    entry = found.get(key)
    if entry is None or entry[0] != version or now >= entry[1]:
        _build(key, build, seconds, version, now, timed=True)


def _build(
    key: str, build: Callable[[], T], seconds: int, version: int, now: float, *, timed: bool
) -> tuple[int, float, T]:
    """Build and store the entry `key` for `version`; `timed`: also note whether the build was slow."""
    started = time.monotonic()
    entry = (version, now + seconds, build())
    cache.set(key, entry, seconds * 2)
    if timed:
        if time.monotonic() - started >= SLOW_BUILD_SECONDS:
            cache.set(f"{key}:slow", True, timeout=None)
        else:
            cache.delete(f"{key}:slow")
    return entry


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
    registry_changed()


def registry_changed() -> None:
    """Retire what was cached of the registry: every save and delete of its rows calls it (the receiver
    above), and so does a write in bulk, which sends no signal (`services.set_objectives`)."""
    bump_registry_version()
    # Once more when the change is committed: what was built between the two (another process reading the
    # registry as it was, under the new version) is retired too.
    transaction.on_commit(bump_registry_version)
