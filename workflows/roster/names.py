"""The search form of a name: how a typed name is matched to a stored one, case and accents ignored.

A leader types "zelenski", "Munoz" or "perez" on a phone; the roster says "Żeleński", "Muñoz",
"Pérez-Whitlock". Both sides are folded the same way: Unicode case folding (ß → ss), compatibility
decomposition with the combining marks dropped (é → e, ñ → n, ż → z), and the letters that do not
decompose spelled as their usual Latin fallbacks (ł → l, ø → o, đ → d, æ → ae, þ → th). Apostrophes
go, so "O'Brien" is found by "obrien" and "o'brien" alike. A typed word matches anywhere in the name.
"""

from __future__ import annotations

import unicodedata

# Letters NFKD leaves whole, after case folding, and what a person types for them.
_FALLBACKS = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ŧ": "t",
        "ı": "i",
        "ŀ": "l",
        "ĸ": "k",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ŋ": "n",
        "ə": "e",
        "'": None,
        "\u2019": None,  # ’
        "\u02bc": None,  # ʼ
        "`": None,
    }
)

SEARCH_NAME_LENGTH = 600


def fold(text: str) -> str:
    """`text` in the form names are searched by: folded, unaccented, single-spaced."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.translate(_FALLBACKS).split())


def search_form(given_name: str, family_name: str) -> str:
    """What `person.search_name` holds for a name."""
    return fold(f"{given_name} {family_name}")[:SEARCH_NAME_LENGTH]


def query_words(query: str) -> list[str]:
    """The typed words, folded like the stored names; each must appear somewhere in the name."""
    return fold(query).split()
