"""Commands, language switches and danger detection, in every language the content ships.

Command and switch words are whole texts ("menu.", "Más", "STOP"), compared after folding. Danger
phrases are searched inside a text: their words in order, a few other words allowed between, small
typos forgiven, and a trailing * matching any ending. Every language's words work in every language:
a Spanish speaker who writes STOP or an English speaker who writes AYUDA is understood.
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.process import extract

from .text import fold

MAX_GAP = 2  # other words allowed between two words of a danger phrase
TYPO_MIN_LEN = 5  # shorter words must match exactly
TYPO_SCORE = 80


def command(text: str, content) -> str | None:
    """The command a whole text is ('menu', 'more', 'back', 'help', 'exit', 'stop', 'start'), or None."""
    return content.commands.get(fold(text))


def language_switch(text: str, content) -> str | None:
    """The language code a whole text asks to switch to, or None."""
    return content.switches.get(fold(text))


class _DangerIndex:
    """One language's danger phrases, arranged so a text is checked with a few set look-ups and one
    rapidfuzz pass per word instead of comparing every word with every phrase."""

    def __init__(self, phrases: tuple[tuple[str, ...], ...]):
        self.phrases = [(phrase, frozenset(phrase)) for phrase in phrases]
        words = {w for phrase in phrases for w in phrase}
        self.prefixes = sorted(w[:-1] for w in words if w.endswith("*"))
        self.fuzzy = sorted(w for w in words if not w.endswith("*") and len(w) >= TYPO_MIN_LEN)

    def matches(self, words: set[str]) -> dict[str, set[str]]:
        """For each word of the text, the phrase words (with their * kept) it stands for."""
        found = {w: {w} for w in words}
        for prefix in self.prefixes:
            for w in words:
                if w.startswith(prefix):
                    found[w].add(prefix + "*")
        for w in words:
            if len(w) >= TYPO_MIN_LEN - 1:
                found[w].update(m[0] for m in extract(w, self.fuzzy, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE, limit=None))
        return found

    def find(self, words: list[str]) -> tuple[str, ...] | None:
        """The first phrase whose words appear in words in order, at most MAX_GAP other words apart."""
        found = self.matches(set(words))
        present = set().union(*found.values())
        for phrase, needed in self.phrases:
            if needed <= present and _contains([found[w] for w in words], phrase):
                return phrase
        return None


@lru_cache(maxsize=16)
def _index(phrases: tuple[tuple[str, ...], ...]) -> _DangerIndex:
    return _DangerIndex(phrases)


def _contains(words: list[set[str]], phrase: tuple[str, ...]) -> bool:
    """True when phrase's words appear in order among words (each the set of phrase words it stands for)."""
    for start, candidates in enumerate(words):
        if phrase[0] not in candidates:
            continue
        position = start
        for pattern in phrase[1:]:
            window = range(position + 1, min(len(words), position + 2 + MAX_GAP))
            position = next((i for i in window if pattern in words[i]), -1)
            if position < 0:
                break
        else:
            return True
    return False


def danger_languages(text: str, content) -> list[str]:
    """The codes of the languages whose danger phrases text contains (empty when it sounds safe)."""
    words = fold(text).split()
    if not words:
        return []
    return [code for code, language in content.languages.items() if _index(language.danger).find(words)]
