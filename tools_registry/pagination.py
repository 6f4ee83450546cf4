"""A paginator whose counts and pages are cached until the registry changes.

A broad ranked search over a large registry costs its count and its ranking once, not on every visit:
the cache key is the list's `key` (what the caller's filters and sort are, e.g. `filters.list_digest`),
or else the query's SQL, so every list that filters differently gets its own entries, and the registry
version (tools_registry.cache) retires them all as soon as anything public changes.

The items are read by blocks of whole pages, about BLOCK_ROWS items each: ranking a search reads every
item it matches whether it keeps fifty or five hundred, so the next pages of a list cost nothing more
once one of them is shown; and a first block that is not full tells how many items the list has,
without counting them (a search for a collectivity's name, the most common, is one statement).
A list ordered by relevance (`ranked`) reads every item it matches to rank them, so its blocks carry
its length too, from the same reading: such a list is never counted apart.
"""

import hashlib
from collections.abc import Callable
from functools import cached_property

from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import Count, QuerySet, Window

from tools_registry.cache import cached

CACHE_SECONDS = 300
BLOCK_ROWS = 500


class CachedPaginator(Paginator):
    def __init__(
        self,
        object_list,
        per_page: int,
        *,
        key: str | None = None,
        rows: Callable[[QuerySet, list[int]], list] | None = None,
        count: int | None = None,
        ranked: bool = False,
        ordered: Callable[[int, int], tuple[list[int], int] | None] | None = None,
        **kwargs,
    ) -> None:
        """`rows(object_list, ids)`: what a page shows of the items `ids`, in that order (by default the
        model instances); `count`: the number of items, when the caller has counted them already;
        `ranked`: the list is ordered by a value computed for each item (a search's relevance), which no
        index can give in order; `ordered(start, stop)`: the ids of the items `start` to `stop` and the
        list's length when they can be had without reading the list in SQL (a search for a common word:
        tools_registry.common_words), else None."""
        super().__init__(object_list, per_page, **kwargs)
        if key is not None:
            self._digest = key
        if count is not None:
            self.count = count
        self._rows = rows or _instances
        self._ranked = ranked
        self._ordered = ordered
        self._blocks: dict[int, list[int]] = {}

    @cached_property
    def _digest(self) -> str | None:
        # Compiling a search's SQL costs milliseconds: once per list, and only when no key is given.
        if not isinstance(self.object_list, QuerySet):
            return None
        try:
            sql = str(self.object_list.query)
        except Exception:  # an empty result, which has no SQL: nothing worth caching
            return None
        return hashlib.sha256(sql.encode()).hexdigest()[:32]

    def _key(self, part: str) -> str | None:
        return f"page:{self._digest}:{part}" if self._digest else None

    @cached_property
    def count(self) -> int:
        key = self._key("count")
        if key is None:
            return super().count
        return cached(key, lambda: self.object_list.count(), CACHE_SECONDS)

    @cached_property
    def _block_pages(self) -> int:
        return max(1, BLOCK_ROWS // self.per_page)

    @cached_property
    def _block_rows(self) -> int:
        return self._block_pages * self.per_page

    def _block(self, index: int) -> list[int]:
        """The ids of the items of block `index` (from 0), in the list's order."""
        if index not in self._blocks:
            start, stop = index * self._block_rows, (index + 1) * self._block_rows
            if self._ranked:
                ids, length = cached(
                    self._key(f"{start}:{stop}:counted"),
                    lambda: self._counted_block(start, stop),
                    CACHE_SECONDS,
                )
                if length is not None:
                    self.__dict__.setdefault("count", length)
            else:
                ids = cached(self._key(f"{start}:{stop}"), lambda: self._ids(start, stop), CACHE_SECONDS)
            self._blocks[index] = ids
        return self._blocks[index]

    def _ids(self, start: int, stop: int) -> list[int]:
        """The ids of items `start` to `stop`."""
        known = self._ordered(start, stop) if self._ordered else None
        if known is not None:
            return known[0]
        return list(self.object_list[start:stop].values_list("pk", flat=True))

    def _counted_block(self, start: int, stop: int) -> tuple[list[int], int | None]:
        """The ids of items `start` to `stop`, and the length of the whole list (None when the block is
        past its end), in one statement: ranking the list has read every item anyway."""
        known = self._ordered(start, stop) if self._ordered else None
        if known is not None:
            ids, length = known
            return ids, (length if ids else None)
        rows = list(
            self.object_list.annotate(list_length=Window(Count("*")))[start:stop].values_list(
                "pk", "list_length"
            )
        )
        return [pk for pk, _length in rows], rows[0][1] if rows else None

    def page(self, number) -> Page:
        if self._digest is None:
            return super().page(number)
        if "count" not in self.__dict__ and (self._ranked or 1 <= _integer(number) <= self._block_pages):
            # The first block tells the count: a ranked list's carries it, and one that is not full is
            # the whole list.
            first_block = self._block(0)
            if "count" not in self.__dict__ and len(first_block) < self._block_rows:
                self.count = len(first_block)
        number = self.validate_number(number)
        first = (number - 1) * self.per_page
        offset = first % self._block_rows
        ids = self._block(first // self._block_rows)[offset : offset + self.per_page]
        if not ids and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return self._get_page(self._rows(self.object_list, ids), number, self)


def _integer(number) -> int:
    try:
        return int(number)
    except (TypeError, ValueError, OverflowError):
        return 0


def _instances(queryset: QuerySet, ids: list[int]) -> list:
    by_pk = {item.pk: item for item in queryset.filter(pk__in=ids).order_by()}
    return [by_pk[pk] for pk in ids if pk in by_pk]
