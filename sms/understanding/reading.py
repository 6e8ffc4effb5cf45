"""A text read once, at the door: folded, split into words, and recognised as a command, a language
switch or a menu number when it is one of those whole."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ..text import fold


@dataclass(frozen=True)
class Reading:
    """One incoming text as the rest of the line sees it.

    - command: the command the whole text is ('menu', 'more', 'back', 'help', 'exit', 'stop', 'start');
    - switch: the language code the whole text asks to switch to;
    - number: the small number the whole text is ("2", " 2. ");
    - language: the language of a command word only one language other than the default has (AYUDA,
      PARAR), whose reply comes in it;
    - script: the language whose own script most of its letters are in (Arabic), if any;
    - media: how many pictures or recordings came with it (never opened);
    - answered: the carrier's service already replied to this command (Twilio's Advanced Opt-Out), so the
      line records it and sends nothing;
    - social: (greeting, thanks or ok, the language) when the whole text is manners, not a question;
    - flow: the flow the whole text opens (CHECK: the self-check);
    - place: where it says the texter is (understanding.places); place_only: the text is only that, and
      place_languages: the languages whose words say the rest ("estoy en": es).
    free: none of command, switch, number or flow, and some words: the only kind of text the model reads.
    """

    raw: str
    folded: str
    words: tuple[str, ...]
    command: str | None
    switch: str | None
    number: int | None
    language: str | None = None
    script: str | None = None
    media: int = 0
    answered: bool = False
    social: tuple[str, str] | None = None
    flow: str | None = None
    place: object = None  # places.Place
    place_only: bool = False
    place_languages: tuple[str, ...] = ()

    @property
    def free(self) -> bool:
        """True for text in words that is not a command, a switch, a number or a flow's word."""
        return bool(self.words) and not (self.command or self.switch or self.number is not None or self.flow)


KEYCAP = ("\ufe0f", "\u20e3")  # "1️⃣" is 1, VARIATION SELECTOR-16, COMBINING ENCLOSING KEYCAP


def number(text: str) -> int | None:
    """The number a text is, when it is only a small number in any script's digits ("2", " 2. ", "٢",
    "۲", full-width "２", the keycap emoji "2️⃣")."""
    digits = text.strip().rstrip(".)").strip()
    for mark in KEYCAP:
        digits = digits.replace(mark, "")
    if not (digits.isdecimal() and len(digits) <= 2):
        return None
    return int("".join(str(unicodedata.decimal(d)) for d in digits))


@dataclass(frozen=True)
class Words:
    """What whole texts mean, each folded: commands (-> command name), language switches (-> code), the
    command words only one language has (-> that language), manners (-> (kind, language)) and the words
    that open a flow (-> flow id)."""

    commands: dict
    switches: dict
    command_languages: dict
    social: dict
    flows: dict = None  # folded whole text -> the flow it opens


def read(text: str, words: Words, script=lambda text: None, media: int = 0) -> Reading:
    """text read against the content's whole-text words (Words); script(text): the language whose script
    it is in; media: the pictures or recordings that came with it."""
    folded = fold(text)
    return Reading(text, folded, tuple(folded.split()), words.commands.get(folded), words.switches.get(folded),
                   number(text), words.command_languages.get(folded), script(text), media,
                   social=words.social.get(folded), flow=(words.flows or {}).get(folded))


def pressed(command: str | None = None, switch: str | None = None, number: int | None = None) -> Reading:
    """A key pressed on a call, as the line reads it: a command (menu, back, more, connect), a language
    chosen, or a menu number. Never free text, so never read by the model."""
    return Reading("", "", (), command, switch, number)
