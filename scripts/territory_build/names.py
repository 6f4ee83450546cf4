"""Commune names as matching keys."""

from __future__ import annotations

import re

from tools_registry.text import normalize

# "lez" is an old spelling of "lès" (near); both become "les".
SYNONYMS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes", "lez": "les"}
ARTICLES = {"le", "la", "les", "l"}
LINK_WORDS = ARTICLES | {"en", "sur", "sous", "de", "du", "des", "d", "aux", "au", "et"}


def match_key(name: str) -> str:
    """The project's normalised form, abbreviations spelt out: "St-Lô" and "Saint-Lô" -> "saint lo".

    The synonyms are for matching only: the site's search keeps "st" as typed, as a prefix of
    "Strasbourg".
    """
    return " ".join(SYNONYMS.get(word, word) for word in normalize(name).split())


def without_article(key: str) -> str:
    words = key.split()
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


def name_parts(name: str) -> list[str]:
    """Halves of a merged commune's name: "Évry-Courcouronnes" -> both towns.

    Cuts before a capitalised word that does not follow Saint/Sainte or a
    linking word, and before the first linking word ("Carentan-les-Marais" ->
    "Carentan"). Halves starting with Saint/Sainte or shorter than four
    letters are too ambiguous to use.
    """
    words = re.split(r"([- ])", name)
    parts: list[str] = []
    linked = False
    for index in range(2, len(words), 2):
        word = words[index]
        if not linked and match_key(word) in LINK_WORDS and word[:1].islower():
            parts.append("".join(words[: index - 1]))
            linked = True
        if not word[:1].isupper() or match_key(words[index - 2]) in LINK_WORDS | {"saint", "sainte"}:
            continue
        parts += ["".join(words[: index - 1]), "".join(words[index:])]
    return [
        part
        for part in parts
        if len(match_key(part).replace(" ", "")) >= 4
        and match_key(part).split()[0] not in ("saint", "sainte")
    ]
