"""Text normalisation shared by commands, danger detection and matching.

fold() makes texts comparable whatever their case, accents, apostrophes and punctuation:
"MÁS!" -> "mas", "can't leave." -> "cant leave". It keeps letters of every script.
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc`\u00b4]")
_NOT_WORD = re.compile(r"[^\w]+|_")


def strip_accents(text: str) -> str:
    """text without combining marks (á -> a, ñ -> n, ü -> u)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower-case words of text without accents, apostrophes or punctuation, single-spaced."""
    text = strip_accents(text).lower()
    text = _APOSTROPHES.sub("", text)
    return " ".join(_NOT_WORD.sub(" ", text).split())


def words(text: str) -> list[str]:
    """The folded words of text."""
    return fold(text).split()
