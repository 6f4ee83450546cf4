"""Full-text search over tools: PostgreSQL text search with French stemming and no accents, from a
stored vector; elsewhere (SQLite, the embedded default) a word-by-word match on the normalised text.

SQLite has no `unaccent`: each connection is given `normalize` as an SQL function (see
`tools_registry.text`), so the stored text is compared in the same form as the query, accents and
case ignored. A function rather than a stored column: nothing to keep up to date when a tool or its
collectivity is renamed, and nothing extra stored on PostgreSQL.
"""

import re
from collections.abc import Iterable

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, FloatField, Func, QuerySet, TextField, Value, When
from django.db.models.functions import Concat
from django.utils import translation

from tools_registry.choices import ToolFamily
from tools_registry.text import NORMALIZE_FUNCTION, normalize

SEARCH_CONFIG = "french_unaccent"

# Name weighs most, then the collectivity and the software, then the description, then the words of
# the family's name in French and English ("budget" finds the participatory budgets whatever they are
# called). `{family_words}` is a CASE over the family, its words as parameters (`_family_words`).
_REFRESH_SQL = """
UPDATE tools_registry_tool AS tool SET search_vector =
    setweight(to_tsvector('french_unaccent', coalesce(tool.name, '')), 'A')
    || setweight(to_tsvector('french_unaccent', coalesce(source.collectivity_name, '') || ' '
                             || coalesce(tool.software, '')), 'B')
    || setweight(to_tsvector('french_unaccent', coalesce(tool.description, '') || ' '
                             || coalesce(tool.family_other, '')), 'C')
    || setweight(to_tsvector('french_unaccent', {family_words}), 'D')
FROM (
    SELECT inner_tool.id, collectivity.name AS collectivity_name
    FROM tools_registry_tool AS inner_tool
    LEFT JOIN tools_registry_collectivity AS collectivity ON collectivity.id = inner_tool.collectivity_id
) AS source
WHERE source.id = tool.id
"""


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def family_words() -> dict[str, str]:
    """The words a family's tools are found by besides their own: its name in each of the site's
    languages. « Autres » has none (the submitter's precision, `family_other`, is searched instead)."""
    words = {}
    for family in ToolFamily:
        if family != ToolFamily.AUTRE:
            names = []
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    names.append(str(family.label))
            words[family.value] = " ".join(dict.fromkeys(names))
    return words


def _family_words(column: str) -> tuple[str, list[str]]:
    """`family_words()` as an SQL CASE over `column`, and its parameters."""
    words = family_words()
    cases = " ".join("WHEN %s THEN %s" for _family in words)
    params = [value for pair in words.items() for value in pair]
    return f"CASE {column} {cases} ELSE '' END", params


def refresh_search_vectors(
    *, tool_ids: Iterable[int] | None = None, collectivity_id: int | None = None
) -> None:
    """Recompute the stored search vectors of some tools (all of them when no argument is given)."""
    if not uses_full_text():
        return
    case, params = _family_words("tool.family")
    sql = _REFRESH_SQL.format(family_words=case)
    if tool_ids is not None:
        sql += " AND tool.id = ANY(%s)"
        params.append(list(tool_ids))
    if collectivity_id is not None:
        sql += " AND tool.collectivity_id = %s"
        params.append(collectivity_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def search_tools(queryset: QuerySet, text: str) -> QuerySet:
    """Tools matching `text`, annotated with a `rank` (higher is more relevant)."""
    if uses_full_text():
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        return queryset.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
    # The same fields as the PostgreSQL vector, in the form `normalize` gives the query.
    space = Value(" ")
    searched = Concat(
        "name",
        space,
        "collectivity__name",
        space,
        "software",
        space,
        "description",
        space,
        "family_other",
        space,
        Case(
            *(When(family=family, then=Value(words)) for family, words in family_words().items()),
            default=Value(""),
        ),
        output_field=TextField(),
    )
    queryset = queryset.alias(
        search_text=Func(searched, function=NORMALIZE_FUNCTION, output_field=TextField())
    )
    for word in normalize(text).split():
        queryset = queryset.filter(search_text__contains=word)
    return queryset.annotate(rank=Value(0.0, output_field=FloatField()))


class LexemeQuery(SearchQuery):
    """The query of one lexeme, as the stored vectors hold it (`search_word`, `unnest(search_vector)`),
    taken as it is: neither parsed nor stemmed again (to_tsquery would split « saint-malo »)."""

    template = "%(expressions)s::tsquery"

    def __init__(self, lexeme: str) -> None:
        # tsquery's input: a quoted lexeme, its quotes doubled and its backslashes escaped.
        quoted = lexeme.replace("\\", "\\\\").replace("'", "''")
        super().__init__(f"'{quoted}'", search_type="raw")


def search_word(queryset: QuerySet, lexeme: str) -> QuerySet:
    """Tools whose vector holds `lexeme`, annotated with the `rank` that a search whose query is that
    lexeme alone gives them (`search_tools`, for a text `search_lexemes` reads as `[lexeme]`)."""
    query = LexemeQuery(lexeme)
    return queryset.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))


# A lexeme in a query as PostgreSQL writes it: quoted, quotes doubled; one with a backslash (written
# doubled) is left to `search_tools`. A query that every one of several lexemes must match joins them
# with " & ".
_LEXEME = r"'((?:[^'\\]|'')+)'"
_ALL_OF = re.compile(rf"{_LEXEME}(?: & {_LEXEME})*")
# A text of more words than this is not sent to the database for its lexemes.
LEXEMES_READ = 4


def search_lexemes(text: str) -> list[str] | None:
    """The lexemes `search_tools` requires every one of when given `text` (« Projets » → `projet`,
    « budget participatif » → `budget`, `particip`), in one statement; None when its query is another
    (a phrase, an alternative, an exclusion, nothing), of more than LEXEMES_READ words, or on SQLite."""
    if not uses_full_text() or not 1 <= len(text.split()) <= LEXEMES_READ:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery(%s, %s)::text", [SEARCH_CONFIG, text])
        written = cursor.fetchone()[0]
    if not _ALL_OF.fullmatch(written):
        return None
    return [lexeme.replace("''", "'") for lexeme in re.findall(_LEXEME, written)]
