"""Which of the line's languages a free text is written in, offline.

Three signals, strongest first, all but the last written in content (`language.yaml`):
- the script: a text written in a language's own script (`script: arabic`) is in that language, however short;
- what the text says about language: an `asks_for` phrase anywhere in it ("no hablo ingles", "francais svp")
  asks for that language; a first text that is only a `greetings` word ("hola", "bonjour") is in it;
- lingua-language-detector, for texts long enough to tell (its low-accuracy mode: 18 MB instead of 150 MB,
  and as good on whole texts). "ok", "si" or "menu" never flip the language.
A language lingua does not know (Tigrinya, for one) can still be chosen with its switch words.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from .reading import Reading

MIN_WORDS = 3  # fewer words than this are too short to judge
MIN_LETTERS = 12
CLEAR = 0.75  # lingua's confidence that makes a language the clear one ...
CLEAR_LEAD = 0.5  # ... when this far ahead of the next
POSSIBLE = 0.3  # a language this likely is worth trying when the clear choice is not there
SCRIPT_SHARE = 0.5  # a text with at least this share of its letters in a language's script is in it


class Detector:
    """Estimates which of a fixed set of languages (ISO 639-1 codes) a text is written in."""

    def __init__(self, codes: tuple[str, ...], scripts: tuple[tuple[str, str], ...] = ()):
        """codes: the content's languages (those lingua does not support are left out of its guesses);
        scripts: (code, Unicode script name such as ARABIC) for languages with a script of their own."""
        self._codes: dict[Language, str] = {}
        for code in codes:
            try:
                self._codes[Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))] = code
            except (AttributeError, ValueError):
                continue
        self._scripts = tuple((code, script.upper()) for code, script in scripts)
        self._detector = (LanguageDetectorBuilder.from_languages(*self._codes).with_low_accuracy_mode()
                          .with_preloaded_language_models().build() if len(self._codes) > 1 else None)

    def script(self, text: str) -> str | None:
        """The language whose own script most of text's letters are written in, if any."""
        letters = [c for c in text if c.isalpha()]
        for code, script in self._scripts:
            if letters and sum(unicodedata.name(c, "").startswith(script) for c in letters) >= SCRIPT_SHARE * len(letters):
                return code
        return None

    def confidences(self, text: Reading) -> dict[str, float]:
        """Each language's likelihood for text, best first; empty when text is too short to tell."""
        if self._detector is None or len(text.words) < MIN_WORDS or sum(c.isalpha() for c in text.folded) < MIN_LETTERS:
            return {}
        return {self._codes[v.language]: v.value for v in self._detector.compute_language_confidence_values(text.raw)}

    def candidates(self, text: Reading, current: str) -> list[str]:
        """The languages to try text in, in order: a language's own script, or a clearly different
        language, alone; else the current language, then any other that is possible (for a short or mixed
        text the rankers decide)."""
        if text.script:
            return [text.script]
        values = self.confidences(text)
        ranked = list(values)
        if ranked and ranked[0] != current:
            lead = values[ranked[0]] - (values[ranked[1]] if len(ranked) > 1 else 0.0)
            if values[ranked[0]] >= CLEAR and lead >= CLEAR_LEAD:
                return [ranked[0]]
        return [current] + [code for code in ranked if code != current and values[code] >= POSSIBLE]


class Hints:
    """What a text says about its language: greetings (a whole first text) and asks_for phrases (anywhere)."""

    def __init__(self, greetings: dict[str, str], asks_for: dict[tuple[str, ...], str]):
        """greetings: folded text -> code; asks_for: folded words of a phrase -> code."""
        self._greetings = greetings
        self._asks_for = sorted(asks_for.items(), key=lambda item: -len(item[0]))

    def asked(self, words: tuple[str, ...]) -> tuple[str, int] | None:
        """The language an asks_for phrase among words asks for, and how many words the phrase has (the
        longest phrase found wins)."""
        for phrase, code in self._asks_for:
            n = len(phrase)
            if any(words[i:i + n] == phrase for i in range(len(words) - n + 1)):
                return code, n
        return None

    def greeting(self, folded: str) -> str | None:
        """The language whose greeting the whole text is."""
        return self._greetings.get(folded)


@lru_cache(maxsize=4)
def detector_for(codes: tuple[str, ...], scripts: tuple[tuple[str, str], ...] = ()) -> Detector:
    """One shared Detector per set of languages (building one loads its models)."""
    return Detector(codes, scripts)
