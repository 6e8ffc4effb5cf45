"""Deciding: the rankers' scores -> answer a topic, ask which one, or admit the line did not understand.

Every threshold the line applies to free text is here. With the model, a topic's score is its semantic
score plus LEXICAL_SHARE of its lexical one, and a text the scope head finds outside the line's subject is
not answered as a topic, and the lexical score of a question of only weak words does not count. Without
the model (it could not load), the lexical scores decide alone, as they did before it. A question that is exactly one of a topic's phrases is answered with that topic either way.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..alarms import Alarm
from .lexical import Lexical, Ranked
from .semantic import Semantic

MAX_CHOICES = 3  # topics offered in a did-you-mean at most

# The lexical scores alone (BM25 shares of the question's weight)
CONFIDENT = 0.30  # a topic at least this good, clearly ahead of the next, is answered
MARGIN = 0.05  # how far ahead of the runner-up a confident topic must be
POSSIBLE = 0.20  # below this nothing fits: say so instead of guessing
MIN_EVIDENCE = 0.6  # a question whose known words weigh less (IDF) than this ("who is this") is not understood
NEAR = 0.15  # runners-up within this of the best are offered in a did-you-mean

# The fused scores: the topic classifier's probability plus LEXICAL_SHARE of the lexical score
LEXICAL_SHARE = 1.0
FUSED_CONFIDENT = 0.40
FUSED_MARGIN = 0.05
FUSED_POSSIBLE = 0.30
FUSED_NEAR = 0.15
IN_SCOPE = 0.03  # a text must be at least this much nearer to in-scope texts than to out-of-scope ones

# An alarm's examples must be at least this much nearer than the texts that are no alarm for the model to
# raise it (the phrases raise it too, on their own); of several, the one it leads most. Self-harm is raised
# a little sooner: its examples are few and varied, and its reply (988, then 911) harms no one who asked
# something else.
ALARM_AT = {Alarm.DANGER: 0.0, Alarm.SELF_HARM: -0.03, Alarm.HELP_NOW: 0.0}


@dataclass(frozen=True)
class Verdict:
    """What was concluded: 'topic' (ranked[0] is the answer), 'clarify' (ask among ranked), 'unknown'."""

    kind: str
    ranked: tuple[Ranked, ...]


def decide(lexical: Lexical, semantic: Semantic | None = None) -> Verdict:
    """Answer, ask or admit, for one question in one language."""
    if lexical.exact:  # the question is one of the topic's own phrases, give or take typos and stop words
        return Verdict("topic", tuple(r for r in lexical.ranked if r.topic == lexical.exact)[:1]
                       or (Ranked(lexical.exact, 1.0),))
    if semantic is None:
        return _choose(lexical.ranked, CONFIDENT, MARGIN, POSSIBLE, NEAR,
                       weak=lexical.evidence < MIN_EVIDENCE)
    # weak words ("no", "who is this") give every topic that uses them a high share: they do not count
    share = LEXICAL_SHARE if lexical.evidence >= MIN_EVIDENCE else 0.0
    lexical_scores = {r.topic: r.score for r in lexical.ranked}
    fused = sorted((Ranked(topic, score + share * lexical_scores.get(topic, 0.0))
                    for topic, score in semantic.topics), key=lambda r: (-r.score, r.topic))
    verdict = _choose(tuple(fused), FUSED_CONFIDENT, FUSED_MARGIN, FUSED_POSSIBLE, FUSED_NEAR,
                      weak=semantic.scope < IN_SCOPE)
    if verdict.kind == "topic" and lexical.words < 2:  # one word that is no topic's own phrase: ask
        return Verdict("clarify", tuple(fused[:MAX_CHOICES]))
    return verdict


def _choose(ranked: tuple[Ranked, ...], confident: float, margin: float, possible: float, near: float,
            weak: bool) -> Verdict:
    if not ranked or ranked[0].score < possible or weak:
        return Verdict("unknown", ranked[:MAX_CHOICES])
    top = ranked[0].score
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    if top >= confident and top - runner_up >= margin:
        return Verdict("topic", ranked[:1])
    close = tuple(r for r in ranked[:MAX_CHOICES] if top - r.score <= near)
    if len(close) == 1 and top >= confident:
        return Verdict("topic", close)
    return Verdict("clarify", close)


def model_alarm(semantic: Semantic | None) -> Alarm | None:
    """The alarm whose examples a text is nearest to, if it is near enough to raise it (None: none, or no
    model). The nearest, not the most urgent: a text of suicide is near the danger examples too."""
    if semantic is None:
        return None
    raised = [alarm for alarm in Alarm if semantic.alarms.get(alarm, -1.0) >= ALARM_AT[alarm]]
    return max(raised, key=lambda alarm: semantic.alarms[alarm] - ALARM_AT[alarm], default=None)
