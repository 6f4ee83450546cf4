"""Text normalisation shared by search and matching."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Unicode keeps these ligatures whole (no decomposition): spelt out, « Rœschwoog » matches « Roeschwoog ».
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def normalize(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form: « L'Haÿ-les-Roses » → « l hay les roses »."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NON_ALNUM.sub(" ", ascii_text.lower()).strip()
