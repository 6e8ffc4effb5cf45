"""One step of a call, without Flask or TwiML: what a key or words where asked lead to (what is said,
in which voice, where the next key is asked, or the number the call is connected to). The webhook turns
it into TwiML; `python -m sms chat --voice` and the simulator's call show it."""

from __future__ import annotations

from dataclasses import dataclass

from ...conversation.reply import Kind, Reply
from . import keys


@dataclass(frozen=True)
class Step:
    """What a call does next: say text in lang (its voice: rendition.voice(lang)), then ask for a key
    where `asked` says (menu, page), or connect to `dial` (E.164); text None with no dial: goodbye."""

    reply: Reply
    lang: str
    text: str | None
    asked: str | None
    dial: str | None


def step(line, call_sid: str, asked: str, digits: str | None, speech: str | None) -> Step:
    """The line's answer to what a caller did where asked (keys.ASKED), in the call's state."""
    assets = line.assets.on("voice")
    rendition = assets.content
    reading = keys.meaning(asked, digits, speech, rendition, assets.understanding)
    reply = line.call(call_sid, reading, first=asked == "language")
    lang = reply.lang if reply.lang in rendition.languages else rendition.default
    dial = rendition.dial(reply.transfer) if reply.transfer else None
    where = None if dial or reply.text is None else "page" if reply.kind is Kind.TOPIC else "menu"
    return Step(reply, lang, reply.text, where, dial)


KEYS = "0123456789*#"


def typed(text: str) -> tuple[str | None, str | None]:
    """What a line typed in a simulated call is: (a key, None) for one of 0-9, * or #; else (None, the
    words said, or None for nothing at all)."""
    said = (text or "").strip()
    return (said, None) if len(said) == 1 and said in KEYS else (None, said or None)


def greeting(rendition) -> str:
    """What a call hears first: the greeting, then each language's line (each in its own voice)."""
    return "\n".join([rendition.languages[rendition.default].strings["greeting"],
                      *(voice.choose for voice in rendition.voices.values())])
