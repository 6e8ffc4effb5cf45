"""Cutting a text into as few pieces as a channel's room allows, between sentences where it can.

Channel-neutral: the caller says what fits (an SMS segment budget, a WhatsApp message length) with a
predicate, counting its own header and footer.
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+|\n+")


def split_sentences(text: str) -> list[str]:
    """Text cut after sentence punctuation or at line breaks; pieces keep their punctuation."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _split_words(text: str, room) -> list[str]:
    """Greedy word-boundary pieces of text, each accepted by room(piece)."""
    pieces, current = [], ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if current and not room(trial):
            pieces.append(current)
            current = word
        else:
            current = trial
    if current:
        pieces.append(current)
    return pieces


def pack(text: str, room) -> list[str]:
    """Cut text into as few pieces as possible, each accepted by room(piece).

    Cuts fall between sentences or lines; a sentence that fits nowhere on its own is cut between
    words. room is a predicate, so callers count their own header and footer into the budget.
    """
    pieces, current = [], ""
    for sentence in split_sentences(text):
        trial = f"{current} {sentence}" if current else sentence
        if room(trial):
            current = trial
            continue
        if current:
            pieces.append(current)
        if room(sentence):
            current = sentence
        else:
            *full, current = _split_words(sentence, room)
            pieces.extend(full)
    if current:
        pieces.append(current)
    return pieces

