"""Commands, language switches and danger detection, in every language the content ships.

Command and switch words are whole texts ("menu.", "Más", "STOP"), compared after folding. Danger
phrases are searched inside a text: their words in order, a few other words allowed between, small
typos forgiven, and a trailing * matching any ending. Every language's words work in every language:
a Spanish speaker who writes STOP or an English speaker who writes AYUDA is understood.
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz

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


@lru_cache(maxsize=50000)
def _word_matches(word: str, pattern: str) -> bool:
    if pattern.endswith("*"):
        return word.startswith(pattern[:-1])
    if word == pattern:
        return True
    return len(pattern) >= TYPO_MIN_LEN and fuzz.ratio(word, pattern) >= TYPO_SCORE


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    """True when phrase's words appear in words in order, at most MAX_GAP other words apart."""
    for start, word in enumerate(words):
        if not _word_matches(word, phrase[0]):
            continue
        position = start
        for pattern in phrase[1:]:
            window = range(position + 1, min(len(words), position + 2 + MAX_GAP))
            position = next((i for i in window if _word_matches(words[i], pattern)), -1)
            if position < 0:
                break
        else:
            return True
    return False


def danger_phrase(text: str, content) -> tuple[str, ...] | None:
    """The first danger phrase, of any language, that text contains; None when it sounds safe."""
    words = fold(text).split()
    if not words:
        return None
    for language in content.languages.values():
        for phrase in language.danger:
            if _contains(words, phrase):
                return phrase
    return None
