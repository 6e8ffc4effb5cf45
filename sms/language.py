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
CLEAR = 0.75  # lingua's confidence that makes a language the clear one ...
CLEAR_LEAD = 0.5  # ... when this far ahead of the next
POSSIBLE = 0.3  # a language this likely is worth trying when the clear choice is not there


class Detector:
    """Estimates which of a fixed set of languages (ISO 639-1 codes) a text is written in."""

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

    def confidences(self, text: str) -> dict[str, float]:
        """Each language's likelihood for text, best first; empty when text is too short to tell."""
        folded = fold(text)
        if self._detector is None or len(folded.split()) < MIN_WORDS or sum(c.isalpha() for c in folded) < MIN_LETTERS:
            return {}
        return {self._codes[v.language]: v.value for v in self._detector.compute_language_confidence_values(text)}

    def candidates(self, text: str, current: str) -> list[str]:
        """The languages to try text in, in order: a clearly different language alone; else the current
        language, then any other that is possible (for a short or mixed text the matcher decides)."""
        values = self.confidences(text)
        ranked = list(values)
        if ranked and ranked[0] != current:
            lead = values[ranked[0]] - (values[ranked[1]] if len(ranked) > 1 else 0.0)
            if values[ranked[0]] >= CLEAR and lead >= CLEAR_LEAD:
                return [ranked[0]]
        return [current] + [code for code in ranked if code != current and values[code] >= POSSIBLE]


@lru_cache(maxsize=4)
def detector_for(codes: tuple[str, ...]) -> Detector:
    """One shared Detector per set of languages (building one loads its models: about 0.5 s)."""
    return Detector(codes)
