"""SMS encoding and segments: GSM-7 or UCS-2, segment counts as carriers bill them.

A message is GSM-7 when every character is in the GSM 03.38 basic set or its extension table (the
extension characters cost two septets). One non-GSM character (a curly quote, an emoji, most accented
letters) switches the whole message to UCS-2, counted in UTF-16 code units, so an emoji costs two.
A single-part message holds 160 septets or 70 units; a multi-part one 153 or 67 per part, and carriers
never split an extension character or a surrogate pair across parts.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = set("^{}\\[~]|€\f")

SINGLE = {"GSM-7": 160, "UCS-2": 70}
MULTI = {"GSM-7": 153, "UCS-2": 67}


@dataclass(frozen=True)
class Encoding:
    """How a text travels: its encoding, its length in that encoding's units, and its segment count."""

    name: str
    units: int
    segments: int


def is_gsm(text: str) -> bool:
    """True when every character of text can be sent in GSM-7."""
    return all(c in GSM_BASIC or c in GSM_EXTENSION for c in text)


def non_gsm_chars(text: str) -> list[str]:
    """The distinct characters of text that would force UCS-2, in order of appearance."""
    seen: list[str] = []
    for c in text:
        if c not in GSM_BASIC and c not in GSM_EXTENSION and c not in seen:
            seen.append(c)
    return seen


def plain_letters(text: str) -> str:
    """text with each non-GSM accented letter written without its accent when that makes it GSM-7.

    á í ó ú ê ç -> a i o u e c; letters GSM-7 already has (é ñ ü à è ù ì ò) and other scripts are kept.
    """
    out = []
    for c in text:
        if c in GSM_BASIC or c in GSM_EXTENSION:
            out.append(c)
        else:
            base = unicodedata.normalize("NFD", c)[0]
            out.append(base if base in GSM_BASIC else c)
    return "".join(out)


def _char_costs(text: str, gsm: bool) -> list[int]:
    if gsm:
        return [2 if c in GSM_EXTENSION else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


@lru_cache(maxsize=4096)
def encode(text: str) -> Encoding:
    """The encoding, unit count and segment count of text as a carrier bills it (remembered: replies
    repeat, and each one sent is counted)."""
    gsm = is_gsm(text)
    name = "GSM-7" if gsm else "UCS-2"
    costs = _char_costs(text, gsm)
    units = sum(costs)
    if units <= SINGLE[name]:
        return Encoding(name, units, 1 if units else 0)
    per_part, parts, used = MULTI[name], 1, 0
    for cost in costs:  # a two-unit character never straddles two parts
        if used + cost > per_part:
            parts, used = parts + 1, 0
        used += cost
    return Encoding(name, units, parts)


def segments(text: str) -> int:
    """How many SMS segments text costs."""
    return encode(text).segments


def fits(text: str, budget: int) -> bool:
    """True when text costs at most budget segments."""
    return segments(text) <= budget
