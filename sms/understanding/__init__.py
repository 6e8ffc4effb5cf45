"""Understanding: what a text means, in every language the content ships. Built once per content.

    reading.py   a text read once: folded, its words, a command, a language switch or a menu number
    danger.py    alarm phrases (danger now, self-harm, a plain cry for help), searched in every language
    lexical.py   the lexical ranker: topics scored by the words a question shares with their phrases
    semantic.py  the semantic ranker: a multilingual sentence encoder, and what the content's texts teach it
    decide.py    every threshold: answer, ask or admit; which alarm the model raises
    language.py  which language a text is in: its script, what it says ("en espanol"), lingua
    places.py    where a text says the texter is: a ZIP code, a town, a county, a reservation

Phrases and model are OR'd for alarms: the model may add one, never take one away. Commands, switches and
numbers never reach the model. Without the model (it could not load, or it is turned off) everything
still works on phrases and the lexical ranker alone; `problem` says why.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from ..alarms import Alarm, most_urgent
from ..text import fold
from . import danger, decide, places, reading, semantic
from .language import Hints, detector_for
from .lexical import LexicalRanker, Vocabulary

log = logging.getLogger("sms.understanding")
REMEMBERED = 256  # readings whose alarm and verdict are remembered: the line steps a free text twice

OUT_OF_SCOPE = "out_of_scope"
ASIDE_WORDS = 2  # words beside an asks_for phrase that still leave it a bare request ("spanish please")


class Understanding:
    """How the line reads texts for one content: commands, alarms, language, topics."""

    def __init__(self, content, semantic_ranker: semantic.SemanticRanker | None = None, problem: str | None = None):
        """problem: why there is no semantic ranker (None when there is one)."""
        self._words = reading.Words(content.commands, content.switches, command_languages(content), social(content),
                                    {w: f for lang in content.languages.values() for w, f in lang.flow_words.items()})
        self.semantic = semantic_ranker
        self.gazetteer = places.Gazetteer(content.places, {code: (lang.near, lang.beside)
                                                           for code, lang in content.languages.items()})
        self.problem = problem or (None if semantic_ranker else "built without the model")
        self.lexical = {
            code: LexicalRanker({t.id: [t.title, *t.phrases] for t in lang.topics.values()},
                                Vocabulary(dict(lang.shorthand), dict(lang.synonyms), lang.stopwords, lang.stemmer))
            for code, lang in content.languages.items()
        }
        self._alarms = {code: {alarm: danger.index(lang.alarms.get(alarm, ())) for alarm in Alarm}
                        for code, lang in content.languages.items()}
        self._calm = [danger.index(lang.calm) for lang in content.languages.values()]
        codes = tuple(content.languages)
        self.detector = detector_for(codes, tuple((c, lang.script) for c, lang in content.languages.items() if lang.script))
        self.hints = Hints({fold(g): code for code, lang in content.languages.items() for g in lang.greetings},
                           {tuple(fold(p).split()): code for code, lang in content.languages.items()
                            for p in lang.asks_for if fold(p)})

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every folded word the content's phrases, synonyms and stop words use, in any language: words
        that are not a name (privacy.scrub takes other words after "I am" for one)."""
        if not hasattr(self, "_vocabulary"):
            self._vocabulary = frozenset().union(*(ranker.surface for ranker in self.lexical.values()))
        return self._vocabulary

    def read(self, text: str, media: int = 0) -> reading.Reading:
        """text (and how many pictures or recordings came with it), read once for everything after,
        with the place it names when it is free text."""
        read = reading.read(text or "", self._words, self.detector.script, media)
        if not read.free:
            return read
        place, speakers = self.gazetteer.find(read.raw, read.words)
        return replace(read, place=place, place_only=speakers is not None, place_languages=speakers or ()) if place else read

    def _semantic(self, text: reading.Reading) -> semantic.Semantic | None:
        return self.semantic.read(text.raw) if self.semantic and text.free else None

    @lru_cache(maxsize=REMEMBERED)
    def alarm(self, text: reading.Reading, current: str) -> tuple[Alarm, str] | None:
        """The most urgent alarm the phrases and the model raise for text, and the language to answer it
        in; None when text sounds safe.

        Phrases are searched in every language, except in a text with a calm phrase ("years ago", "my old
        boss", "im safe now"): there only the model can raise an alarm. The model reads free text only.
        The language is the one whose phrases raised the alarm (the likeliest of several), or the text's
        own when the model did."""
        calm = any(index.find(text.words) for index in self._calm)
        found = {} if calm else {code: danger.raised(text.words, alarms) for code, alarms in self._alarms.items()}
        found = {code: alarms for code, alarms in found.items() if alarms}
        raised = decide.model_alarm(self._semantic(text))
        alarm = most_urgent([a for alarms in found.values() for a in alarms] + [raised] * bool(raised))
        if alarm is None:
            return None
        by_phrase = [code for code, alarms in found.items() if alarm in alarms]
        if len(by_phrase) == 1:
            return alarm, by_phrase[0]
        if text.script:
            return alarm, text.script
        likely = self.detector.confidences(text)
        if not by_phrase:  # the model's alarm: in the language that knows most of its words, then the likeliest
            known = self._known(text)
            return alarm, max(known, key=lambda code: (known[code], likely.get(code, 0.0), code == current))
        return alarm, max(by_phrase, key=lambda code: (likely.get(code, 0.0), code == current))

    def _known(self, text: reading.Reading) -> dict[str, int]:
        """For each language, how many of text's words its content uses."""
        return {code: ranker.known(text.words) for code, ranker in self.lexical.items()}

    def _languages(self, text: reading.Reading, current: str, known: dict[str, int]) -> list[str]:
        """The languages to try a question in: the detector's, then the language that knows most of its
        words (known) when the detector left it out (lingua misreads some short texts: "j ai besoin d aide")."""
        tried = self.detector.candidates(text, current)
        best = max(known, key=lambda code: (known[code], code == current))
        return tried + [best] if best not in tried and known[best] > known[tried[0]] else tried

    @lru_cache(maxsize=REMEMBERED)
    def question(self, text: reading.Reading, current: str) -> tuple[str, decide.Verdict]:
        """The language to answer a free-text question in and the verdict there: the first language tried
        that gives a topic, else the first tried. A text none of whose words any language's content uses
        ("xqzv blorf") is judged on its words alone: the model finds a nearest topic for anything."""
        known = self._known(text)
        meaning = self._semantic(text) if any(known.values()) else None
        first = None
        for code in self._languages(_without_place(text), current, known):
            verdict = decide.decide(self.lexical[code].rank(text.folded), meaning)
            if verdict.kind == "topic":
                return code, verdict
            first = first or (code, verdict)
        return first

    def asked_language(self, text: reading.Reading, first_text: bool) -> tuple[str, bool] | None:
        """The language text asks for ("no hablo ingles"), or, for the first text of a number that chose
        none, the language its greeting is in ("hola"); and whether text says nothing else (a few words
        besides, such as "please", do not count)."""
        asked = self.hints.asked(text.words)
        if asked:
            return asked[0], len(text.words) <= asked[1] + ASIDE_WORDS
        greeting = self.hints.greeting(text.folded) if first_text else None
        return (greeting, True) if greeting else None


def _without_place(text: reading.Reading) -> reading.Reading:
    """text without the words of the place it names, for telling its language ("billings" is no English)."""
    if not text.place:
        return text
    words = tuple(w for w in text.words if w not in text.place.words)
    return replace(text, raw=" ".join(words), folded=" ".join(words), words=words) if words else text


def command_languages(content) -> dict[str, str]:
    """The command and flow words only one language has, other than the default (AYUDA, PARAR, REVISAR)
    -> that language. Shared words (MENU) and the default language's words (STOP, START, HELP: the
    carriers' words, which everyone uses) keep the conversation's language."""
    owners: dict[str, list[str]] = {}
    for code, language in content.languages.items():
        for word in [*language.command_words, *language.flow_words]:
            owners.setdefault(word, []).append(code)
    return {word: codes[0] for word, codes in owners.items() if len(codes) == 1 and codes[0] != content.default}


def social(content) -> dict[str, tuple[str, str]]:
    """Whole texts that are manners, folded -> (kind, language): each language's greetings, thanks and
    ok's. A text two languages share keeps the first language's meaning."""
    found: dict[str, tuple[str, str]] = {}
    for code, language in content.languages.items():
        for kind, texts in (("greeting", language.greetings), *language.social.items()):
            for text in texts:
                found.setdefault(fold(text), (kind, code))
    return found


def examples(content) -> list[semantic.Example]:
    """Every text the heads learn from: each topic's title and phrases, and each language's examples."""
    found = []
    for lang in content.languages.values():
        for topic in lang.topics.values():
            found += [semantic.Example(text, topic.id, True, semantic.NONE) for text in (topic.title, *topic.phrases)]
        for key, texts in lang.examples.items():
            alarm = key if key in {a.value for a in Alarm} else semantic.NONE
            found += [semantic.Example(text, None, key != OUT_OF_SCOPE, alarm) for text in texts]
    return found


@lru_cache(maxsize=2)
def encoder(threads: int = 1) -> semantic.Encoder:
    """The process's one encoder (raises semantic.ModelUnavailable, saying why, when it cannot load)."""
    return semantic.Encoder(threads)


def build(content, cache_dir: Path, use_model: bool = True, threads: int = 1, max_new: int | None = None,
          prune: bool = False) -> Understanding:
    """The understanding of content: with the semantic ranker when the model loads and its embeddings are
    cached under cache_dir (at most max_new texts may be embedded now; prune: drop the cached texts the
    content no longer has), else on phrases alone, saying why."""
    if not use_model:
        return Understanding(content, problem="the model is turned off (SMS_MODEL=0)")
    try:
        model = encoder(threads)
        taught = examples(content)
        vectors = semantic.embeddings(model, [e.text for e in taught], cache_dir, max_new, prune)
    except (semantic.ModelUnavailable, semantic.CacheIncomplete) as exc:
        log.error("answering on phrases alone: %s", exc)
        return Understanding(content, problem=str(exc))
    return Understanding(content, semantic.SemanticRanker(model, taught, vectors, cache_dir))
