"""Common words: for each word of the search vectors that many rows hold (`projet`, `budget`…), the keys
of those rows in the order a search for it lists them, built by a job for a version of the registry.

A search for such a word matches hundreds of thousands of tools at a million: PostgreSQL reads every one
of them to rank them (relevance is computed, no index gives it in order), then once more for the keys the
facet counts are taken from, half a second each. Ranked once by the job, the word's list serves every
search for it: a page is the list's first keys that the other filters keep (a `FacetIndex` tells which)
and the counts intersect its bitmap, milliseconds. A search of several words, or whose word is not
common, is made in SQL as before, and so is any search while the lists of the registry as it is now are
not built yet.

Each list is cached on its own (a word's keys, 4 bytes each, in the byte order of the machines sharing
the cache: 3.6 MB for a word every tool of a million holds) and read only by the request that needs it;
the directory of the words (`CommonWords`) is small and kept by each process.
"""

import hashlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from pyroaring import FrozenBitMap

from tools_registry.facets import LARGEST_KEY

# A word held by at least this many rows gets a list. Fewer cost PostgreSQL about 10 ms to rank; the
# broadest words of 100,000 tools (`projet`: 51,501) about 120 ms, of a million about a second.
COMMON_WORD_ROWS = 5_000


@dataclass(frozen=True)
class CommonWords:
    """The common words of the rows at registry `version`, with their number of rows; each one's keys, in
    the order of a search for it, are cached apart (`keys`)."""

    version: int
    rows: dict[str, int]

    def size(self) -> int:
        """Its bytes, about."""
        return sum(len(word) + 64 for word in self.rows)

    def keys(self, word: str) -> array | None:
        """The keys of `word`'s rows in the order of a search for it; None when the word is not common
        (or its list has left the cache)."""
        if word not in self.rows:
            return None
        stored = cache.get(_list_key(word))
        if stored is None or stored[0] != self.version:  # gone, or already rebuilt for a newer registry
            return None
        keys = array("I")
        keys.frombytes(stored[1])
        return keys


def _list_key(word: str) -> str:
    # One entry a word, whatever the version (each build replaces the lists of the one before: a million
    # tools' take ~100 MB), the version in the entry. Digested: a word is any text of a tool, a key is not.
    return f"common-word:{hashlib.sha256(word.encode()).hexdigest()[:32]}"


def build_common_words(
    queryset: QuerySet, version: int, searched: Callable[[QuerySet, str], QuerySet], seconds: int
) -> CommonWords | None:
    """Find the common words of `queryset`'s search vectors and cache each one's list for `seconds`:
    the keys `searched(queryset, word)` gives, in its order. None on a database without full-text
    search, or when a key is larger than a bitmap holds (LARGEST_KEY)."""
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk", "search_vector").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT word.lexeme, COUNT(*) FROM ({sql}) AS tool (key, vector), "  # noqa: S608
            "unnest(tool.vector) AS word GROUP BY word.lexeme HAVING COUNT(*) >= %s",
            [*params, COMMON_WORD_ROWS],
        )
        rows = dict(cursor.fetchall())
    for word in rows:
        keys = array("I")
        for key in searched(queryset, word).values_list("pk", flat=True).iterator(chunk_size=20_000):
            if key > LARGEST_KEY:
                return None
            keys.append(key)
        cache.set(_list_key(word), (version, keys.tobytes()), seconds * 2)
    return CommonWords(version=version, rows=rows)


def in_order(keys: array, kept: FrozenBitMap, start: int, stop: int) -> list[int]:
    """Among `keys`, in their order, those `kept` holds (a subset of them): the `start`-th to the
    `stop`-th."""
    if len(kept) == len(keys):  # every one of them
        return keys[start:stop].tolist()
    return list(islice((key for key in keys if key in kept), start, stop))
