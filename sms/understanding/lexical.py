"""The lexical ranker: free-text questions -> topics scored by the words they share, for one language.

A question is folded, texting shorthand is expanded, each word the topics never use is corrected to the
closest word they do use (rapidfuzz), synonyms are mapped to one word, stop words are dropped, and what
remains is stemmed (Snowball), with adjacent pairs kept as terms too. Topics are scored BM25-style: how
much of the question's weight (IDF over topics) the topic's phrases account for. Everything that can be
is computed once, when content loads. Ranking only: `decide` turns scores into an answer.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from rapidfuzz import fuzz, process

from ..text import words

UNKNOWN_WEIGHT = 1.0  # a word no topic uses still dilutes the question this much
SATURATION = 1.2  # BM25's k1: a word used by many of a topic's phrases counts more, up to a limit
PAIR_SHARE = 0.3  # two words side by side add this share of their IDF: a hint, not a verdict (a pair from
#                   one phrase is rare by construction, so its full IDF would outweigh every single word)
MIN_TYPO_LEN = 4  # shorter words are never corrected: too many near misses
TYPO_SCORE = 85  # rapidfuzz ratio for a correction: one letter added, dropped or swapped in, say, "pasport"


@dataclass(frozen=True)
class Ranked:
    """A topic id and how well the question matched it: 0 nothing shared, near 1 every word the topic's own."""

    topic: str
    score: float


@dataclass(frozen=True)
class Lexical:
    """What the lexical ranker saw in one question.

    ranked: every topic with a score above zero, best first. exact: the topic one of whose phrases the
    question is, give or take typos and stop words (None when none, or when the phrase is in two topics).
    evidence: the summed IDF of the question's known words; a question of only weak words ("who is
    this") has little. words: how many words the question has.
    """

    ranked: tuple[Ranked, ...]
    exact: str | None
    evidence: float
    words: int


@dataclass(frozen=True)
class Vocabulary:
    """How one language's people write: shorthand to expand, synonyms to merge, words to ignore, its stemmer."""

    shorthand: dict
    synonyms: dict
    stopwords: frozenset
    stemmer: str | None


class LexicalRanker:
    """Ranks the topics of one language for a question. Build once per language; rank() is pure."""

    def __init__(self, topics: dict[str, list[str]], vocabulary: Vocabulary):
        """topics maps a topic id to its phrases (its title among them)."""
        self.vocabulary = vocabulary
        stemmer = snowballstemmer.stemmer(vocabulary.stemmer) if vocabulary.stemmer else None
        self._stem = lru_cache(maxsize=20000)(stemmer.stemWord if stemmer else (lambda w: w))
        self._surface: set[str] = set(vocabulary.synonyms) | set(vocabulary.synonyms.values()) | vocabulary.stopwords
        counts: dict[str, Counter] = {}
        self._exact: dict[frozenset, str | None] = {}  # a phrase's terms -> its topic (None: in two topics)
        for topic, phrases in topics.items():
            counts[topic] = Counter()
            for phrase in phrases:
                expanded = self.expand(phrase)
                self._surface.update(expanded)
                terms = self._terms(expanded)
                counts[topic].update(terms)
                if terms:
                    self._exact[terms] = topic if self._exact.get(terms, topic) == topic else None
        self._surface_list = sorted(self._surface)
        n = len(counts)
        df = Counter(term for bag in counts.values() for term in bag)
        self._idf = {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}
        # how strongly each term speaks for each topic: IDF, saturated by how many phrases use it (BM25)
        self._weights: dict[str, list[tuple[str, float]]] = {}
        for topic, bag in counts.items():
            for term, tf in bag.items():
                share = PAIR_SHARE if " " in term else 1.0
                self._weights.setdefault(term, []).append((topic, share * self._idf[term] * tf / (tf + SATURATION)))

    def expand(self, text: str) -> list[str]:
        """Folded words of text with texting shorthand written out."""
        shorthand = self.vocabulary.shorthand
        return [w for word in words(text) for w in shorthand.get(word, word).split()]

    @property
    def surface(self) -> frozenset[str]:
        """The words this language's topics, synonyms and stop words use as written (folded)."""
        return frozenset(self._surface)

    def known(self, words: tuple[str, ...]) -> int:
        """How many of words (folded) this language's topics, synonyms or stop words use as written."""
        return sum(w in self._surface for w in words)

    def _terms(self, expanded: list[str]) -> frozenset:
        """Stemmed words, synonyms merged and stop words dropped, and their adjacent pairs."""
        v = self.vocabulary
        kept = [w for word in expanded for w in v.synonyms.get(word, word).split() if w not in v.stopwords]
        stems = [self._stem(w) for w in kept]
        pairs = [f"{a} {b}" for a, b in zip(stems, stems[1:])]
        return frozenset(stems + pairs)

    def _correct(self, word: str) -> str:
        """word, or the closest word the topics use when word is unknown and a likely typo of it."""
        if word in self._surface or len(word) < MIN_TYPO_LEN or word.isdigit():
            return word
        best = process.extractOne(word, self._surface_list, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE)
        return best[0] if best else word

    def rank(self, text: str) -> Lexical:
        """Every topic scored for text, the topic text is a phrase of, and how much evidence text holds.

        A score is the share of the question's weight that the topic's phrases account for: each of
        the question's words weighs its IDF (a word no topic uses weighs UNKNOWN_WEIGHT), and counts
        for a topic as far as the topic's phrases use it. Word pairs add to the score, not the weight.
        """
        expanded = self.expand(text)
        query = self._terms([self._correct(w) for w in expanded])
        single = [t for t in query if " " not in t]
        total = sum(self._idf.get(t, UNKNOWN_WEIGHT) for t in single)
        scores: Counter = Counter()
        for term in query:
            for topic, weight in self._weights.get(term, ()):
                scores[topic] += weight
        ranked = sorted((Ranked(topic, s / total) for topic, s in scores.items()), key=lambda r: (-r.score, r.topic))
        return Lexical(tuple(ranked) if total else (), self._exact.get(query),
                       sum(self._idf.get(t, 0.0) for t in single), len(expanded))
