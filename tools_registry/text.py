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

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F
from django.db.models.functions import Collate
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tools_registry.choices import CollectivityKind

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
# Byte order, as Python compares strings: PostgreSQL's own "C"; SQLite gets one of that name.
CODE_POINT_COLLATION = "C"


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


def from_place(name: str, *, kind: str = "") -> str:
    """« de » and the name of a place or of a collectivity (`kind`: a `CollectivityKind` value, if known), as
    French writes it; "from Le Havre" in another language (its translation of « de %(name)s »).

    - an article of the name contracts or stays: « du Havre », « des Mureaux », « de La Rochelle »,
      « de L'Haÿ-les-Roses »;
    - a name that begins with the word for a body takes that word's article: « de la Métropole de Lyon »,
      « de la CC du Pays de Fayence », « du Parc naturel régional du Vercors », « de l'Eurométropole de
      Strasbourg »; a name of one word is a place (the commune « Ville »: « de Ville »);
    - a région reads « de la Région Bretagne », « de la Région Réunion » (« Région » drops the article of
      « La Réunion »), a département « du Département du Nord », « du Département de l'Ain » (the
      collectivity, not the land); a collectivité unique filed as a région or a département reads as its
      own name (« de la Collectivité territoriale de Martinique », « de la Collectivité de Corse », « du
      Département de Mayotte »), and so does an overseas collectivity (« de la Nouvelle-Calédonie »);
    - otherwise « de » is elided before a vowel (« d'Orléans », « d'Yvetot », but « de Yutz »: a y before a
      vowel is a consonant) and before the h muet of a few names (« d'Hyères »); any other h is taken as
      aspiré (« de Haguenau »).
    """
    if (get_language() or settings.LANGUAGE_CODE).split("-")[0] != "fr":
        return _("de %(name)s") % {"name": name}
    name = " ".join(name.split())
    first, _space, rest = name.partition(" ")
    first = normalize(first)
    # « Pays de la Loire » is a région's name, not a body called « Pays ».
    if rest and first in _BODY_ARTICLES and not (kind == CollectivityKind.REGION and first == "pays"):
        return _joined(_BODY_ARTICLES[first], name)
    key = normalize(name)
    territorial = kind in (CollectivityKind.DEPARTEMENT, CollectivityKind.REGION)
    if territorial and key in _SINGLE_COLLECTIVITIES:
        return _SINGLE_COLLECTIVITIES[key]
    if territorial and key in _OVERSEAS_COLLECTIVITY_ARTICLES:
        return _joined(_OVERSEAS_COLLECTIVITY_ARTICLES[key], name)
    if kind == CollectivityKind.REGION:
        return f"de la Région {_LEADING_ARTICLE.sub('', name)}"
    if kind == CollectivityKind.DEPARTEMENT:
        return _joined(f"du Département {_DEPARTEMENT_ARTICLES.get(key, 'de')}", name)
    return _from_bare_place(name)


def _from_bare_place(name: str) -> str:
    lowered = name.lower()
    # « Le » and « Les » contract with « de »; « La » and « L' » stay, as written (« de La Rochelle »).
    if lowered.startswith("le "):
        return f"du {name[3:]}"
    if lowered.startswith("les "):
        return f"des {name[4:]}"
    if lowered.startswith(("la ", "l'", "l\u2019")):
        return f"de {name}"
    key = normalize(name)
    if _ELISION_BEFORE.match(key) or key.split(" ")[0] in _H_MUET:
        return f"d'{name}"
    return f"de {name}"


def _joined(preposition: str, name: str) -> str:
    return f"{preposition}{name}" if preposition.endswith("'") else f"{preposition} {name}"


_LEADING_ARTICLE = re.compile(r"^(?:la |le |les |l'|l\u2019)", re.IGNORECASE)
# A vowel, or a y before a consonant (« Yvetot », « Yssingeaux »).
_ELISION_BEFORE = re.compile(r"[aeiou]|y[^aeiou]")
# The h of a place's name is muet or aspiré by usage, not by spelling; most names in H take « de »
# (« de Haguenau », « de Houilles », « de Hem »), so « de » is the default and these names, whose own
# councils write « d' », are the exceptions (first word of the normalised name).
_H_MUET = {
    "hagetmau",
    "hagondange",
    "halluin",
    "harfleur",
    "hasparren",
    "haubourdin",
    "hayange",
    "hazebrouck",
    "hendaye",
    "henin",
    "hennebont",
    "herblay",
    "hericourt",
    "herouville",
    "hesdin",
    "hirson",
    "honfleur",
    "huningue",
    "hyeres",
}
# The first word of a body's name (normalised) and « de » with that word's article.
_BODY_ARTICLES = {
    "agglo": "de l'",
    "agglomeration": "de l'",
    "ca": "de la",
    "cc": "de la",
    "cu": "de la",
    "collectivite": "de la",
    "communaute": "de la",
    "commune": "de la",
    "conseil": "du",
    "departement": "du",
    "ept": "de l'",
    "etablissement": "de l'",
    "eurometropole": "de l'",
    "intercommunalite": "de l'",
    "mairie": "de la",
    "metropole": "de la",
    "parc": "du",
    "pays": "du",
    "petr": "du",
    "pnr": "du",
    "pole": "du",
    "region": "de la",
    "syndicat": "du",
    "territoire": "du",
    "ville": "de la",
}
# « Département » and the article of its name; the names without one (Paris) or that hold it (La Réunion)
# are not listed.
_DEPARTEMENT_ARTICLES = {
    normalize(name): article
    for article, names in {
        "du": "Calvados Cantal Cher Doubs Finistère Gard Gers Jura Loir-et-Cher Loiret Lot Lot-et-Garonne "
        "Maine-et-Loire Morbihan Nord Pas-de-Calais Puy-de-Dôme Bas-Rhin Haut-Rhin Rhône Tarn "
        "Tarn-et-Garonne Var Vaucluse Val-de-Marne Val-d'Oise",
        "de la": "Charente Charente-Maritime Corrèze Côte-d'Or Creuse Dordogne Drôme Corse-du-Sud "
        "Haute-Corse Haute-Garonne Gironde Loire Haute-Loire Loire-Atlantique Lozère Manche Marne "
        "Haute-Marne Mayenne Meurthe-et-Moselle Meuse Moselle Nièvre Haute-Saône Saône-et-Loire Sarthe "
        "Savoie Haute-Savoie Seine-Maritime Seine-et-Marne Somme Vendée Vienne Haute-Vienne "
        "Seine-Saint-Denis Guadeloupe",
        "de l'": "Ain Aisne Allier Ardèche Ariège Aube Aude Aveyron Eure Eure-et-Loir Hérault "
        "Ille-et-Vilaine Indre Indre-et-Loire Isère Oise Orne Yonne Essonne",
        "des": "Alpes-de-Haute-Provence Hautes-Alpes Alpes-Maritimes Ardennes Bouches-du-Rhône Côtes-d'Armor "
        "Landes Pyrénées-Atlantiques Hautes-Pyrénées Pyrénées-Orientales Yvelines Deux-Sèvres Vosges "
        "Hauts-de-Seine",
    }.items()
    for name in names.split()
}
# The collectivités uniques, each in one the région and the département(s) of its land: « de » and the
# collectivity's own name (Guadeloupe and La Réunion keep a Région and a Département each).
_SINGLE_COLLECTIVITIES = {
    normalize("Martinique"): "de la Collectivité territoriale de Martinique",
    normalize("Guyane"): "de la Collectivité territoriale de Guyane",
    normalize("Mayotte"): "du Département de Mayotte",
    normalize("Corse"): "de la Collectivité de Corse",
}
# The overseas collectivities of the reference, filed among its départements and régions, are neither.
_OVERSEAS_COLLECTIVITY_ARTICLES = {
    normalize("Saint-Pierre-et-Miquelon"): "de",
    normalize("Saint-Barthélemy"): "de",
    normalize("Saint-Martin"): "de",
    normalize("Terres australes et antarctiques françaises"): "des",
    normalize("Wallis et Futuna"): "de",
    normalize("Polynésie française"): "de la",
    normalize("Nouvelle-Calédonie"): "de la",
    normalize("Île de Clipperton"): "de l'",
}


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
    """On each new SQLite connection: the SQL function and the collations PostgreSQL has its own way."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(NORMALIZE_FUNCTION, 1, _normalize_or_null, deterministic=True)
    connection.connection.create_collation(NATURAL_COLLATION, _compare_naturally)
    connection.connection.create_collation(CODE_POINT_COLLATION, _compare_code_points)


def _normalize_or_null(value: str | None) -> str | None:
    return None if value is None else normalize(value)


def _compare_code_points(first: str, second: str) -> int:
    return (first > second) - (first < second)


def _compare_naturally(first: str, second: str) -> int:
    first_key, second_key = natural_key(first), natural_key(second)
    return (first_key > second_key) - (first_key < second_key)
