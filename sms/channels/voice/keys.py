"""What a caller's key or spoken words mean, where they were asked (the language choice, a menu, a part
of a topic), with the keys of content/voice.yaml. Speech is read like a text (danger included), except
that the words that stop or erase a text conversation mean nothing on a call: a caller hangs up."""

from __future__ import annotations

from dataclasses import replace

from ...understanding.reading import Reading, number, pressed

ASKED = ("language", "menu", "page")  # where a key was asked for
NOT_ON_CALLS = ("stop", "start", "exit")  # a call has no opt-out and nothing to erase


def meaning(asked: str, digits: str | None, speech: str | None, rendition, understanding) -> Reading:
    """The reading of what a caller did where asked: digits (Twilio's Digits) or speech (SpeechResult);
    nothing at the language choice is the default language, and words there are read like any others
    ("español" chooses Spanish; "they lock me in" is danger)."""
    keys = {key: action for action, key in rendition.keys.items()}
    key = (digits or "").strip()[:1]
    if asked == "language" and not key and not (speech or "").strip():
        return pressed(switch=rendition.default)
    if key:
        action = keys.get(key)
        if action == "person":
            return pressed("connect")
        if action in ("menu", "back"):
            return pressed(action)
        if asked == "language":
            offered = list(rendition.voices)
            chosen = number(key)
            return pressed(switch=offered[chosen - 1] if chosen and chosen <= len(offered) else rendition.default)
        if action == "more" and asked == "page":
            return pressed("more")
        chosen = number(key)
        return pressed(number=chosen) if chosen is not None else pressed("menu")
    heard = understanding.read((speech or "")[:300])
    return replace(heard, command=None) if heard.command in NOT_ON_CALLS else heard
