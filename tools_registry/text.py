"""Text normalisation shared by search, matching and sorting, the same on PostgreSQL and SQLite; the one
rule telling two spellings of a tool's address apart; how a percentage and « de » before a place's name
read in each language.

Names sort « naturally » and without regard to accents or case (« n° 2 » before « n° 10 »,
« Île-de-France » among the I): on PostgreSQL by the ICU collation `natural_fr` (migration 0009), on
SQLite by a collation of the same name given to each connection, as is the `normalize` SQL function
that search uses there (SQLite has no `unaccent`).
"""

import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F
from django.db.models.functions import Collate
from django.utils.formats import number_format
from django.utils.translation import gettext as _

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Unicode keeps these ligatures whole (no decomposition): spelt out, « Rœschwoog » matches « Roeschwoog ».
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
_NUMBERS = re.compile(r"(\d+)")

# Query parameters that say where a visitor came from, never which page: ignored when comparing addresses.
TRACKING_PARAMETERS = {
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "at_medium",
    "at_campaign",
    "xtor",
}
DEFAULT_PORTS = {"http": 80, "https": 443}

NORMALIZE_FUNCTION = "barometre_normalize"
NATURAL_COLLATION = "natural_fr"


def normalize(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form: « L'Haÿ-les-Roses » → « l hay les roses »."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NON_ALNUM.sub(" ", ascii_text.lower()).strip()


def url_key(url: str) -> str:
    """The form in which two spellings of the same address compare equal (the one rule used by the
    duplicate check, the stored `Tool.url_key` and the importer's matching).

    Ignored: the scheme, a leading `www.`, the host's case, a default port, trailing slashes, the
    fragment and tracking parameters (`utm_*`, `fbclid`, `gclid`…); the other parameters are sorted.
    « HTTPS://www.Ville.fr/budget/?utm_source=x » → « ville.fr/budget ». The path keeps its case: servers
    may tell « /Budget » from « /budget ».
    """
    text = url.strip()
    if not text:
        return ""
    if "://" not in text:
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:  # an unreadable port or host: compared as typed, lower-cased
        return text.lower()
    host = (parts.hostname or "").removeprefix("www.")
    if port is not None and port != DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not name.lower().startswith("utm_") and name.lower() not in TRACKING_PARAMETERS
    )
    path = parts.path.rstrip("/")
    return f"{host}{path}?{urlencode(query)}" if query else f"{host}{path}"


def natural_key(text: str) -> list[str | int]:
    """Sort key of a name: accents and case ignored, numbers by value (« n° 2 » before « n° 10 »)."""
    return [int(part) if part.isdigit() else part for part in _NUMBERS.split(normalize(text))]


def percent_text(value: float | None) -> str:
    """« 79,9 % » in French (a no-break space, as Django's French thousands), "79.9%" in English."""
    return "—" if value is None else _("%(number)s\u00a0%%") % {"number": number_format(value, 1)}


def from_place(name: str) -> str:
    """« de » and a place's name, elided before a vowel or an h as French writes it (« d'Agen »,
    « d'Hyères », « de Lyon »); "from Agen" in English. An h aspiré cannot be told from the spelling:
    « Honfleur » is elided like « Hyères »."""
    if normalize(name)[:1] in set("aeiouyh"):
        return _("d'%(name)s") % {"name": name}
    return _("de %(name)s") % {"name": name}


# Under this base a share reads as a count ("3 sur 7"): a percentage of a handful would look like a finding.
PERCENT_MIN_BASE = 20


def percent_of(count: int, base: int) -> float | None:
    return round(100.0 * count / base, 1) if base else None


def share_text(count: int, base: int) -> str:
    """A share with its base: « 42,9 % (9 sur 21) », or only « 3 sur 7 » when the base is small."""
    if not base:
        return "—"
    counts = _("%(count)s sur %(base)s") % {"count": number_format(count), "base": number_format(base)}
    if base < PERCENT_MIN_BASE:
        return counts
    return _("%(percent)s (%(counts)s)") % {
        "percent": percent_text(percent_of(count, base)),
        "counts": counts,
    }


def short_share(count: int, base: int) -> str:
    """The number at the end of a bar: a percentage, or the count over its base when the base is small."""
    if not base:
        return "—"
    if base < PERCENT_MIN_BASE:
        return _("%(count)s sur %(base)s") % {"count": number_format(count), "base": number_format(base)}
    return percent_text(percent_of(count, base))


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
