"""Alarm phrases: the words that mean danger now, thoughts of suicide, or a plain cry for help.

Phrases are searched inside a text: their words in order, a few other words allowed between, small typos
forgiven in words of Latin letters (in Arabic script one letter often changes the meaning: ضربني "he hit
me", هربني "he smuggled me"), and a trailing * matching any ending. Every language's phrases are searched in every text: a
Spanish speaker who writes in English is still heard. The model (semantic.py) may add an alarm to what
the phrases find, never take one away.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.process import extract

from ..alarms import Alarm
from ..content import Problem
from ..text import fold

MAX_GAP = 2  # other words allowed between two words of a phrase
HELP_NOW_WORDS = 8  # a longer text has detail: a help_now phrase in it ("can someone help me get my
#                     papers back") is a question, not a plain cry for help
TYPO_MIN_LEN = 5  # shorter words must match exactly
TYPO_SCORE = 80


class PhraseIndex:
    """One list of phrases, arranged so a text is checked with a few set look-ups and one rapidfuzz pass
    per word instead of comparing every word with every phrase."""

    def __init__(self, phrases: tuple[tuple[str, ...], ...]):
        self.phrases = [(phrase, frozenset(phrase)) for phrase in phrases]
        words = {w for phrase in phrases for w in phrase}
        self.prefixes = sorted(w[:-1] for w in words if w.endswith("*"))
        self.fuzzy = sorted(w for w in words if not w.endswith("*") and len(w) >= TYPO_MIN_LEN and w.isascii())

    def _matches(self, words: set[str]) -> dict[str, set[str]]:
        """For each word of the text, the phrase words (with their * kept) it stands for."""
        found = {w: {w} for w in words}
        for prefix in self.prefixes:
            for w in words:
                if w.startswith(prefix):
                    found[w].add(prefix + "*")
        for w in words:
            if len(w) >= TYPO_MIN_LEN - 1 and w.isascii():
                found[w].update(m[0] for m in extract(w, self.fuzzy, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE, limit=None))
        return found

    def find(self, words: tuple[str, ...]) -> tuple[str, ...] | None:
        """The first phrase whose words appear in words in order, at most MAX_GAP other words apart."""
        if not words or not self.phrases:
            return None
        found = self._matches(set(words))
        present = set().union(*found.values())
        for phrase, needed in self.phrases:
            if needed <= present and _contains([found[w] for w in words], phrase):
                return phrase
        return None


@lru_cache(maxsize=64)
def index(phrases: tuple[tuple[str, ...], ...]) -> PhraseIndex:
    """The (shared) index of one phrase list."""
    return PhraseIndex(phrases)


def raised(words: tuple[str, ...], indexes: dict) -> set[Alarm]:
    """The alarms whose phrases (indexes: Alarm -> PhraseIndex) words contain; help_now in short texts only."""
    return {alarm for alarm, phrases in indexes.items()
            if (alarm is not Alarm.HELP_NOW or len(words) <= HELP_NOW_WORDS) and phrases.find(words)}


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


def broad_phrases(content, root: Path) -> list[Problem]:
    """A warning for each alarm phrase that also matches texts of its language that are no alarm: the
    not_danger and out_of_scope examples and the topic phrases, but for those with a calm phrase (a
    phrase that fires on questions sends the emergency reply to people who asked something else).
    root: the folder content was loaded from."""
    found = []
    calming = [index(lang.calm) for lang in content.languages.values()]
    for code, lang in content.languages.items():
        quiet = [*lang.examples.get("not_danger", ()), *lang.examples.get("out_of_scope", ()),
                 *(p for t in lang.topics.values() for p in t.phrases)]
        calm_words = [(text, words) for text in quiet for words in [tuple(fold(text).split())]
                      if not any(c.find(words) for c in calming)]  # a calm phrase silences the others
        src = f"content/{code}/keywords.yaml"
        lines = _folded_lines(Path(root) / src)
        for alarm, phrases in lang.alarms.items():
            for phrase in phrases:
                single = {alarm: PhraseIndex((phrase,))}
                hits = [text for text, words in calm_words if raised(words, single)]
                if hits:
                    written = " ".join(phrase)
                    line = next((n for n, folded in lines if folded == fold(written)), None)
                    found.append(Problem(src, line, f"{alarm.value} phrase {written!r} also matches {len(hits)} text(s) "
                                                    f"that are no alarm, e.g. {hits[0]!r}: make it more specific",
                                         error=False))
    return found


def _folded_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, the line's list item folded) for each line of a YAML list."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    return [(n, fold(line.split(" #")[0].strip().lstrip("-"))) for n, line in enumerate(text.splitlines(), 1)
            if line.strip().startswith("-")]
