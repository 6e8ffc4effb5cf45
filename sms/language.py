"""Which of the line's languages a free text is written in, offline (lingua-language-detector).

Only the languages the content ships are considered, and only texts long enough to tell: "ok", "si" or
"menu" never flip the language. A language lingua does not know (Tigrinya, for one) can still be chosen
with its switch words; it is just never detected.
"""

from __future__ import annotations

from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from .text import fold

MIN_WORDS = 3  # fewer words than this are too short to judge
MIN_LETTERS = 12
MIN_CONFIDENCE = 0.6  # lingua's confidence for the best language
MIN_LEAD = 0.3  # and its lead over the next


class Detector:
    """Detects a text's language among a fixed set of language codes (ISO 639-1)."""

    def __init__(self, codes: tuple[str, ...]):
        """codes: the content's languages; those lingua does not support are left out."""
        self._codes: dict[Language, str] = {}
        for code in codes:
            try:
                self._codes[Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))] = code
            except (AttributeError, ValueError):
                continue
        self._detector = (LanguageDetectorBuilder.from_languages(*self._codes).with_preloaded_language_models()
                          .build() if len(self._codes) > 1 else None)

    def detect(self, text: str) -> str | None:
        """The language code text is clearly written in, or None when it is short or unclear."""
        folded = fold(text)
        if self._detector is None or len(folded.split()) < MIN_WORDS or sum(c.isalpha() for c in folded) < MIN_LETTERS:
            return None
        values = self._detector.compute_language_confidence_values(text)
        if not values:
            return None
        best = values[0].value
        runner_up = values[1].value if len(values) > 1 else 0.0
        if best < MIN_CONFIDENCE or best - runner_up < MIN_LEAD:
            return None
        return self._codes.get(values[0].language)


@lru_cache(maxsize=4)
def detector_for(codes: tuple[str, ...]) -> Detector:
    """One shared Detector per set of languages (building one loads its models: about 0.5 s)."""
    return Detector(codes)
