"""Facets: the filters of a FilterSet that the filter panel shows with a count beside each value.

A filter becomes a facet by one declaration beside it in the FilterSet (`with_facet`); the panel's legend,
its values and their labels, and the counts all derive from the FilterSet, so nothing restates it.

A facet whose own filter is selected is counted without it (selecting a family leaves the other families
reachable, with their counts).

The counts come from a `FacetIndex` when there is one for the rows as they are now: a bitmap of the rows
of each facet value, built by a job, so that counting is intersecting bitmaps and counting them, a few
milliseconds whatever the number of rows matched (in SQL, each matched row is read and grouped: 100 to
200 ms for half of 100,000 tools). Only the filters the index cannot answer (a search, say) are matched in
SQL, by the FilterSet itself, in one statement that gives their rows' keys. Without an index the counts
come from one SQL statement: the rows matched by the page's filters are described once, with each facet's
values, and every facet is counted in one pass over that set; a selected facet gets a set of its own,
built by the FilterSet without its filter.
"""

import sys
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

import django_filters
from django import forms
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Expression, F, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import QueryDict
from pyroaring import FrozenBitMap

Options = Callable[[Iterable[str]], list[tuple[str, str]]]
# For filters that are no facet, by name: the rows of a `FacetIndex` that a filter keeps given its cleaned
# value, when something else than SQL can tell (a search for a common word: tools_registry.common_words),
# else None, and the FilterSet matches it in SQL.
Answered = dict[str, Callable[[object], FrozenBitMap | None]]


@dataclass(frozen=True)
class Facet:
    """How the panel shows a filter.

    - `value`: what each tool has for the filter, as text written like the filter's parameter: a path
      from the tool (`"family"`, `"collectivity__kind"`) or an expression; or, for a filter of which a
      tool may have several values, the fields that hold them, one value or "" each
      (`("objective_1", "objective_2", "objective_3")`): the tool counts once for each of its values.
    - `label`: the panel's legend, when it is not the filter's own label.
    - `options`: for a filter without choices (codes, free text), the label of each counted value, in the
      order to show them; by default the filter's choices, in their order.
    - `limit`: show only that many values, the most frequent.
    - `by_value`: the filter keeps exactly the rows whose value (as `value` writes it) is one of those
      selected, so that a `FacetIndex` can answer it; False for any other match (a case-insensitive
      one, say), which the FilterSet then makes in SQL.
    """

    value: str | Expression | tuple[str, ...]
    label: str | None = None
    options: Options | None = None
    limit: int | None = None
    by_value: bool = True


def with_facet(filter_: django_filters.Filter, facet: Facet) -> django_filters.Filter:
    """Declare `filter_` a facet of its FilterSet."""
    filter_.facet = facet
    return filter_


def facets_of(filterset_class: type[django_filters.FilterSet]) -> dict[str, Facet]:
    return {
        name: filter_.facet
        for name, filter_ in filterset_class.base_filters.items()
        if getattr(filter_, "facet", None) is not None
    }


def takes_several(field: forms.Field) -> bool:
    """Whether a filter's field reads every value of its parameter (a list of choices: the panel's
    checkboxes), rather than one (its select; given twice, it is refused)."""
    return getattr(field.widget, "allow_multiple_selected", False)


class FacetCounts(dict):
    """Each facet's counts by value; `total`: how many rows every filter matches (None: not counted,
    the filters matching nothing)."""

    total: int | None = None


# The largest key a `FacetIndex` holds: its bitmaps are of 32-bit integers, and a search's keys are sent
# as PostgreSQL's `integer` (`_keys`). A queryset with a larger key is counted in SQL.
LARGEST_KEY = 2**31 - 1
NO_ROWS = FrozenBitMap()


@dataclass(frozen=True)
class FacetIndex:
    """The rows of a queryset by facet value, at a version of the data: compressed bitmaps (roaring
    bitmaps, `pyroaring`) of their primary keys, a few bytes a row where a value has many rows and a few
    bytes a key where it has few (a département's tools among a million).

    - `everything`: every row; `values`: for each facet, each value's rows (a row with several values of a
      facet is in each one's).
    """

    version: int
    everything: FrozenBitMap
    values: dict[str, dict[str, FrozenBitMap]]

    def size(self) -> int:
        """Its bytes, about."""
        bitmaps = [self.everything, *(bits for values in self.values.values() for bits in values.values())]
        return sum(_bytes(bits) for bits in bitmaps)

    def rows(self, keys: Sequence[int]) -> FrozenBitMap:
        """The bitmap of the rows `keys` (keys outside the index are left out)."""
        return FrozenBitMap(keys) & self.everything


def _bytes(bits: FrozenBitMap) -> int:
    statistics = bits.get_statistics()
    return sum(statistics[f"n_bytes_{kind}_containers"] for kind in ("array", "run", "bitset"))


def index_facets(
    filterset_class: type[django_filters.FilterSet], queryset: QuerySet, version: int
) -> FacetIndex | None:
    """The `FacetIndex` of `queryset` (whose primary keys are integers), read in one statement; None when
    a key is larger than a bitmap holds (LARGEST_KEY)."""
    facets = facets_of(filterset_class)
    # A facet of several fields has a column each: (its name, what the column holds).
    columns = [(name, value) for name, facet in facets.items() for _column, value in _columns(name, facet)]
    rows = queryset.order_by().values_list("pk", *(value for _name, value in columns))
    keys = array("I")
    by_value: dict[tuple[str, str], array] = {}
    for key, *values in rows.iterator(chunk_size=10_000):
        if key > LARGEST_KEY:
            return None
        keys.append(key)
        for (name, _expression), value in zip(columns, values, strict=True):
            if value not in (None, ""):
                by_value.setdefault((name, str(value)), array("I")).append(key)
    values: dict[str, dict[str, FrozenBitMap]] = {name: {} for name in facets}
    for (name, value), value_keys in by_value.items():
        values[name][value] = FrozenBitMap(value_keys)
    return FacetIndex(version=version, everything=FrozenBitMap(keys), values=values)


def count_facets(
    filterset_class: type[django_filters.FilterSet],
    data: QueryDict,
    queryset: QuerySet,
    index: FacetIndex | None = None,
    answered: Answered | None = None,
) -> FacetCounts:
    """For each facet, how many tools of `queryset` each value would give, the other filters staying as
    they are, and how many every filter matches (the list's count).

    `index`: the `FacetIndex` of `queryset` as it is now, if there is one; else in one statement.
    `answered`: with an index, the filters that are no facet and that something else than SQL may match
    (see `Answered`)."""
    if index is not None:
        return _count_from_index(filterset_class, data, queryset, index, answered or {})
    # Only SQL compiled by Django and the facets' names (identifiers) are written into the statement
    # (noqa: S608 below); every value from the request is a parameter.
    facets = facets_of(filterset_class)
    selected = {name for name in facets if any(data.getlist(name))}
    # The set matched by every filter serves each facet not selected; a selected one is counted over the
    # set matched by the others.
    bases = {None: [name for name in facets if name not in selected]} | {name: [name] for name in selected}
    tables, branches, params = [], [], []
    for number, (left_out, names) in enumerate(bases.items()):
        others = data.copy()
        others.pop(left_out, None)
        others.pop("sort", None)
        base = filterset_class(others, queryset=queryset).qs.order_by()
        columns = [(column, name, value) for name in names for column, value in _columns(name, facets[name])]
        try:
            described = base.values(tool_id=F("pk"), **{column: value for column, _, value in columns})
            sql, base_params = described.query.sql_with_params()
        except EmptyResultSet:  # filters that can match nothing (an invalid value): no counts
            continue
        # Each base set is read once: PostgreSQL runs it where it is read, without storing it.
        table = f"base_{number}"
        tables.append(f"{table} AS ({sql})")
        params.extend(base_params)
        named = {column: name for column, name, _ in columns}
        branches += _counts(table, named, with_total=left_out is None)
    counts: dict[str, dict[str, int]] = {name: {} for name in facets}
    total = None
    if branches:
        statement = f"WITH {', '.join(tables)} " + " UNION ALL ".join(branches)
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            for name, value, n in cursor.fetchall():
                if name is None:  # the row of the total
                    total = n
                elif value not in (None, ""):
                    # A facet of several fields has a row per field and value: a tool counts for each.
                    values = counts[name]
                    values[str(value)] = values.get(str(value), 0) + n
    result = FacetCounts(
        {name: _most_frequent(values, facets[name].limit) for name, values in counts.items()}
    )
    result.total = total
    return result


def _count_from_index(
    filterset_class: type[django_filters.FilterSet],
    data: QueryDict,
    queryset: QuerySet,
    index: FacetIndex,
    answered: Answered,
) -> FacetCounts:
    """`count_facets` from `index`: each facet's values intersected with the rows the other filters keep
    (`_selections`)."""
    facets = facets_of(filterset_class)
    selections, matched = _selections(filterset_class, data, queryset, index, answered)
    counts = FacetCounts()
    for name, facet in facets.items():
        within = reduce(and_, (bits for other, bits in selections.items() if other != name), matched)
        counted = (
            (value, within.intersection_cardinality(bits)) for value, bits in index.values[name].items()
        )
        found = {value: n for value, n in counted if n}
        counts[name] = _most_frequent(found, facet.limit)
    counts.total = len(reduce(and_, selections.values(), matched))
    return counts


def matched_rows(
    filterset_class: type[django_filters.FilterSet],
    data: QueryDict,
    queryset: QuerySet,
    index: FacetIndex,
    answered: Answered,
) -> FrozenBitMap:
    """The rows of `index` that every filter of `data` keeps: those of the list (`count_facets`' total)."""
    selections, matched = _selections(filterset_class, data, queryset, index, answered)
    return reduce(and_, selections.values(), matched)


def _selections(
    filterset_class: type[django_filters.FilterSet],
    data: QueryDict,
    queryset: QuerySet,
    index: FacetIndex,
    answered: Answered,
) -> tuple[dict[str, FrozenBitMap], FrozenBitMap]:
    """The rows each selected facet keeps, and those the filters that are no facet keep together.

    A selected facet answered by value is the union of its values' bitmaps; one that is not (a
    case-insensitive match) is matched alone by the FilterSet in SQL. The filters that are no facet are
    answered by `answered` where it can, the others matched in SQL together (a search…): their rows' keys
    make a bitmap, one statement each, none when no such filter is set."""
    facets = facets_of(filterset_class)
    filterset = filterset_class(data, queryset=queryset)
    filterset.form.is_valid()  # a value a filter does not know is left out, as the FilterSet leaves it out
    cleaned = filterset.form.cleaned_data
    selections: dict[str, FrozenBitMap] = {}
    not_facets = data.copy()
    not_facets.pop("sort", None)
    for name, facet in facets.items():
        own = not_facets.pop(name, None)
        if facet.by_value:
            chosen = _chosen(cleaned.get(name))
            if chosen:
                selections[name] = reduce(
                    or_, (index.values[name].get(value, NO_ROWS) for value in chosen), NO_ROWS
                )
        elif own and cleaned.get(name) not in (None, "", []):
            alone = QueryDict(mutable=True)
            alone.setlist(name, data.getlist(name))
            selections[name] = _matched(filterset_class, alone, queryset, index)
    matched = index.everything
    for name, rows_of in answered.items():
        rows = rows_of(cleaned[name]) if cleaned.get(name) and name in not_facets else None
        if rows is not None:
            not_facets.pop(name)
            matched &= rows
    if any(any(not_facets.getlist(name)) for name in not_facets if name in filterset_class.base_filters):
        matched &= _matched(filterset_class, not_facets, queryset, index)
    return selections, matched


def _matched(
    filterset_class: type[django_filters.FilterSet], data: QueryDict, queryset: QuerySet, index: FacetIndex
) -> FrozenBitMap:
    """The bitmap of the rows of `index` that the FilterSet matches with `data`, in one statement."""
    try:
        return index.rows(_keys(filterset_class(data, queryset=queryset).qs))
    except EmptyResultSet:  # filters that can match nothing
        return NO_ROWS


def _chosen(value: object) -> set[str]:
    """The values a filter's cleaned value selects, written as the facet writes them."""
    values = value if isinstance(value, list | tuple | set) else [value]
    return {
        ("true" if one else "false") if isinstance(one, bool) else str(one)
        for one in values
        if one is not None and one != ""
    }


def _keys(queryset: QuerySet) -> Sequence[int]:
    """The primary keys of `queryset` up to LARGEST_KEY (those an index holds). On PostgreSQL, read as one
    value, far quicker than a row each: the keys as 4-byte integers end to end, held in an array (a broad
    search at a million tools matches half a million: 2 MB, where as many Python ints take 19 MB)."""
    keys = queryset.order_by().values_list("pk", flat=True)
    if connection.vendor != "postgresql":
        return array("I", (key for key in keys if key <= LARGEST_KEY))
    sql, params = keys.query.sql_with_params()
    with connection.cursor() as cursor:
        matched = (
            f"SELECT string_agg(int4send(key::integer), '') FROM ({sql}) AS matched (key) "  # noqa: S608
            f"WHERE key <= {LARGEST_KEY}"
        )
        cursor.execute(matched, params)
        sent = cursor.fetchone()[0]
    found = array("I", sent or b"")  # positive keys: the bytes of PostgreSQL's signed integers
    if sys.byteorder == "little":
        found.byteswap()  # PostgreSQL sends integers big-endian
    return found


def _columns(name: str, facet: Facet) -> list[tuple[str, Expression]]:
    """The base set's columns of a facet: one, or one per field of a facet of several fields."""
    if isinstance(facet.value, tuple):
        return [(f"facet_{name}_{number}", _expression(path)) for number, path in enumerate(facet.value, 1)]
    return [(f"facet_{name}", _expression(facet.value))]


def _counts(table: str, named: dict[str, str], *, with_total: bool) -> list[str]:
    """Rows (facet, value, count) of each column of `table` in `named` (column: facet name), and with
    `with_total` a row (NULL, NULL, count) of every row of `table`.

    On PostgreSQL one pass over the set counts them all (GROUPING SETS: 2.5× faster than one GROUP BY
    per facet for a broad search at 100,000 tools; the empty set `()` is the total); the grouped column
    of a row is its one non-null facet column (a null value is not shown anyway). SQLite has no
    GROUPING SETS: one GROUP BY each.
    """
    total = [f"SELECT NULL, NULL, COUNT(*) FROM {table}"] if with_total else []  # noqa: S608
    if not named:
        return total
    if connection.vendor != "postgresql":
        by_column = "SELECT '{name}', {column}, COUNT(*) FROM {table} GROUP BY 2"
        return [
            *(by_column.format(name=name, column=column, table=table) for column, name in named.items()),
            *total,
        ]
    which = " ".join(f"WHEN GROUPING({column}) = 0 THEN '{name}'" for column, name in named.items())
    sets = ", ".join([*(f"({column})" for column in named), *(["()"] if with_total else [])])
    return [
        f"SELECT CASE {which} END, COALESCE({', '.join(named)}), COUNT(*) FROM {table} "  # noqa: S608
        f"GROUP BY GROUPING SETS ({sets})"
    ]


def _most_frequent(values: dict[str, int], limit: int | None) -> dict[str, int]:
    ordered = sorted(values.items(), key=lambda item: (-item[1], item[0]))
    return dict(ordered[:limit] if limit else ordered)


def _expression(value: str | Expression) -> Expression:
    # As text, so that every facet's values fit one column of the statement, and read like a parameter.
    return Cast(value, output_field=TextField()) if isinstance(value, str) else value


def facet_panel(filterset: django_filters.FilterSet, counts: dict[str, dict[str, int]]) -> list[dict]:
    """The filter panel: each facet's legend and values with their counts, the selected ones kept visible."""
    data = filterset.data if filterset.is_bound and hasattr(filterset.data, "getlist") else QueryDict()
    groups = []
    for name, facet in facets_of(type(filterset)).items():
        filter_ = filterset.base_filters[name]
        counted = counts.get(name, {})
        # A filter given a value it does not know is left out of the list: none of its values shows selected.
        selected = set() if name in filterset.errors else set(data.getlist(name))
        if facet.options:
            choices = facet.options(list(counted))
        else:
            choices = [(str(value), text) for value, text in filter_.extra["choices"]]
        options = [
            {"value": value, "label": text, "count": counted.get(value, 0), "selected": value in selected}
            for value, text in choices
            if counted.get(value) or value in selected
        ]
        multiple = takes_several(filter_.field)
        groups.append(
            {"param": name, "label": facet.label or filter_.label, "multiple": multiple, "options": options}
        )
    return groups


def selected_count(facets: list[dict]) -> int:
    """How many values the filter panel has selected: its folded summary says so."""
    return sum(option["selected"] for group in facets for option in group["options"])
