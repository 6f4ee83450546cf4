"""Text normalisation shared by search, matching and sorting, the same on PostgreSQL and SQLite; how a
percentage reads in each language.

Names sort « naturally » and without regard to accents or case (« n° 2 » before « n° 10 »,
« Île-de-France » among the I): on PostgreSQL by the ICU collation `natural_fr` (migration 0009), on
SQLite by a collation of the same name given to each connection, as is the `normalize` SQL function
that search uses there (SQLite has no `unaccent`).
"""

import re
import unicodedata

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F
from django.db.models.functions import Collate
from django.utils.formats import number_format
from django.utils.translation import gettext as _

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Unicode keeps these ligatures whole (no decomposition): spelt out, « Rœschwoog » matches « Roeschwoog ».
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
_NUMBERS = re.compile(r"(\d+)")

NORMALIZE_FUNCTION = "barometre_normalize"
NATURAL_COLLATION = "natural_fr"


def normalize(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form: « L'Haÿ-les-Roses » → « l hay les roses »."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NON_ALNUM.sub(" ", ascii_text.lower()).strip()


def natural_key(text: str) -> list[str | int]:
    """Sort key of a name: accents and case ignored, numbers by value (« n° 2 » before « n° 10 »)."""
    return [int(part) if part.isdigit() else part for part in _NUMBERS.split(normalize(text))]


def percent_text(value: float | None) -> str:
    """« 79,9 % » in French (a no-break space, as Django's French thousands), "79.9%" in English."""
    return "—" if value is None else _("%(number)s\u00a0%%") % {"number": number_format(value, 1)}


def natural(field: str) -> Collate:
    """`field` in natural order, for `order_by`."""
    return Collate(F(field), NATURAL_COLLATION)


def register_sqlite_functions(sender: type, connection: BaseDatabaseWrapper, **kwargs) -> None:
    """On each new SQLite connection: the SQL function and the collation PostgreSQL has its own way."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(NORMALIZE_FUNCTION, 1, _normalize_or_null, deterministic=True)
    connection.connection.create_collation(NATURAL_COLLATION, _compare_naturally)


def _normalize_or_null(value: str | None) -> str | None:
    return None if value is None else normalize(value)


def _compare_naturally(first: str, second: str) -> int:
    first_key, second_key = natural_key(first), natural_key(second)
    return (first_key > second_key) - (first_key < second_key)
