"""What the engine answers: the Reply, its kinds, and the names of the counters it adds to.

Kinds and counter names are enumerations whose values are the strings stored and printed (`match
--json`, the store's counters), so they never change with the code around them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ..alarms import Alarm


class Kind(StrEnum):
    """What a reply is."""

    WELCOME = "welcome"  # the main menu, greeting a new conversation
    MENU = "menu"  # a menu chosen by number
    TOPIC = "topic"  # a page of a topic
    CLARIFY = "clarify"  # did you mean one of these topics?
    UNKNOWN = "unknown"  # not understood
    DANGER = "danger"  # an alarm's reply: emergency contacts first
    COMMAND = "command"  # the answer to a command word (HELP, MENU, STOP, ...)
    SILENT = "silent"  # nothing is sent (a number that opted out)
    MEDIA = "media"  # a picture or recording without words: the line cannot open it
    FLOW = "flow"  # a question of a flow, or its result
    PLACE = "place"  # the help near a place the texter named


class Count(StrEnum):
    """The daily counters: aggregate only, never a number or a text. TOPIC and LANGUAGE are counted per
    topic and language: Count.TOPIC.of("gethelp") is "topic:gethelp"."""

    TEXTS = "texts"  # texts answered
    DANGER = "danger"  # alarm replies
    UNMATCHED = "unmatched"  # texts not understood
    OPTOUT = "optout"
    OPTIN = "optin"
    TOPIC = "topic"  # a topic's first page sent
    LANGUAGE = "lang"  # a language chosen or detected
    LIMITED = "limited"  # a text not answered (or answered with the notice) because of the limits
    REPEATED = "repeated"  # a text not answered: the same reply again, to a number that keeps sending
    SEGMENTS = "segments"  # SMS segments sent (counted one by one)
    WHATSAPP = "whatsapp"  # WhatsApp messages sent
    CALLS = "calls"  # calls answered
    TRANSFERS = "transfers"  # calls connected to a person (the hotline)
    FLOW_STARTED = "flow_started"  # a flow's first question sent, per flow
    FLOW_FINISHED = "flow_finished"  # a flow's result reached, per flow
    FLOW_RESULT = "flow_result"  # per flow and result: "flow_result:self-check/signs"
    PLACE = "place"  # help near a place sent (never which place)

    def of(self, what: str) -> str:
        """The counter of this kind for one topic or language."""
        return f"{self.value}:{what}"

    @classmethod
    def read(cls, name: str) -> tuple[Count | None, str | None]:
        """A stored counter name as (its Count, the topic or language it is for): "topic:x" -> (TOPIC,
        "x"), "texts" -> (TEXTS, None); (None, None) for a name no Count has."""
        kind, _, what = name.partition(":")
        try:
            return cls(kind), what or None
        except ValueError:
            return None, None


class Expect(StrEnum):
    """What a channel should gather after a reply (a voice call: speech or keys)."""

    TEXT = "text"  # anything: words, a number, a command
    DIGIT = "digit"  # one key


@dataclass(frozen=True)
class Reply:
    """What to send (text None: send nothing) and what happened, for counters and the match command.

    alarm: which alarm a danger reply answers. forget: the store must delete everything it holds about
    the number (quick exit). events: names of counters to add one to. transfer: a contact id to connect a
    call to (channels that can); expects: what the channel should gather next; lang: the language of
    the conversation after it.
    """

    text: str | None
    kind: Kind
    topic: str | None = None
    score: float | None = None
    forget: bool = False
    events: tuple[str, ...] = field(default=())
    alarm: Alarm | None = None
    transfer: str | None = None
    expects: Expect = Expect.TEXT
    lang: str | None = None  # the language it is in (a call says it in that language's voice)
