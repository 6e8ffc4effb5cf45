"""The content as loaded: frozen, channel-neutral objects holding the text as authored.

Channels render it (channels/sms/render.py: pages cut to a segment budget, accents GSM-7 lacks dropped,
menus written out); understanding/ reads its phrases, alarms and examples.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType

from ..alarms import Alarm

COMMANDS = ("menu", "more", "back", "help", "exit", "stop", "start")
STRINGS = (
    "welcome", "menu_prompt", "welcome_footer", "menu_footer", "page_header", "page_more", "page_last",
    "contacts_intro", "contact_call", "contact_text", "contact_call_or_text", "contact_web",
    "label_police", "label_immigration", "clarify", "clarify_footer", "unknown", "danger", "self_harm", "help_now", "help",
    "stopped", "started", "quick_exit", "error", "not_done", "limited", "no_more", "no_choice", "detected", "media",
    "greeted", "thanked", "noted", "rates", "place_found", "place_none", "place_statewide",
)
# The {placeholders} each fixed reply may use, with sample values; the others may use none.
PLACEHOLDERS = {"page_header": {"title": "T", "page": 1, "pages": 2}, "contact_call": {"phone": "1"},
                "contact_text": {"text": "1"}, "contact_call_or_text": {"phone": "1"}, "contact_web": {"web": "w"},
                "detected": {"code": "EN"}, "no_choice": {"number": 9}, "place_found": {"place": "P"},
                "place_none": {"place": "P"}}
# examples.yaml: whole texts for each alarm, near misses that are no alarm, texts about something else
EXAMPLES = (*(a.value for a in Alarm), "not_danger", "out_of_scope")
# keywords.yaml social: whole short texts that are manners, not questions (greetings are language.yaml's)
SOCIAL = ("thanks", "ok")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, where it is, and whether it stops the line from starting."""

    file: str
    line: int | None
    message: str
    error: bool = True

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{'ERROR' if self.error else 'warning'} {where}: {self.message}"


class ContentError(Exception):
    """The content cannot be served; problems lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Contact:
    """A referral contact as checked: how to reach it and what it is."""

    id: str
    name: str
    phone: str | None
    text: str | None
    web: str | None
    law_enforcement: bool
    immigration: bool
    checked: dt.date | None
    areas: tuple[str, ...] = ()  # the counties it serves; none: all of Montana (or further)


@dataclass(frozen=True)
class Topic:
    """One topic in one language, as authored: its title, the phrases that find it, its pages and the
    ids of the contacts it gives (the first is the one to call first)."""

    id: str
    title: str
    phrases: tuple[str, ...]
    pages: tuple[str, ...]
    contacts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reservation:
    """A reservation (or a tribe's lands): its name, the counties it lies in, and how texters name it."""

    id: str
    name: str
    counties: tuple[str, ...]
    names: tuple[str, ...]


@dataclass(frozen=True)
class Places:
    """Montana's places (content/places.yaml): counties, town -> county, ZIP -> county, reservations,
    the contacts a reservation gets first (native) and those every place gets (statewide)."""

    counties: tuple[str, ...] = ()
    towns: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    zips: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    reservations: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    native: tuple[str, ...] = ()
    statewide: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()  # topics a question naming a place is answered with that place's help instead
    topic: str | None = None  # the topic a place's help stands for (stats, match)
    aliases: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # another writing -> town

    def serving(self, area: str, contacts) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The contacts for an area, then the statewide ones not already given: a county's own contacts
        (areas: in referrals.yaml), or for a reservation ("reservation:<id>") the native ones."""
        if area.startswith("reservation:"):
            local = self.native
        else:
            local = tuple(c.id for c in contacts.values() if area in c.areas)
        return local, tuple(c for c in self.statewide if c not in local)

    def areas(self) -> list[str]:
        """Every area a place can be in: each county, then each reservation."""
        return [*self.counties, *(f"reservation:{r}" for r in self.reservations)]


@dataclass(frozen=True)
class Node:
    """One node of a flow: a question (answers: (answer key, next node id), in the order offered) or a
    result (no answers; contacts, the first to reach first)."""

    id: str
    answers: tuple[tuple[str, str], ...] = ()
    contacts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Flow:
    """A flow's structure (flows/<id>.yaml): where it starts, its nodes, and where its questions come from."""

    id: str
    start: str
    nodes: MappingProxyType  # node id -> Node, in the file's order
    source: str = ""


@dataclass(frozen=True)
class FlowText:
    """A flow's words in one language: its title, what is said before the first question, each
    answer's label, and each node's question or result."""

    title: str
    intro: str
    answers: MappingProxyType  # answer key -> label
    nodes: MappingProxyType  # node id -> text
    words: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # folded whole text -> answer key


@dataclass(frozen=True)
class Entry:
    """One numbered menu entry: kind is 'menu', 'topic' or 'flow', target its id."""

    kind: str
    target: str


@dataclass(frozen=True)
class Spoken:
    """How one language sounds on a call: the Twilio voice and language that read it, the language
    callers may speak (None: keys only), what a call says (strings.yaml's text for any other reply), the
    contacts' spoken names, and the sentences of the written topics it says otherwise."""

    voice: str
    language: str
    speech: str | None
    strings: MappingProxyType
    labels: MappingProxyType
    instead: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # written sentence -> said


@dataclass(frozen=True)
class Language:
    """Everything the line says and understands in one language."""

    code: str
    name: str
    reviewed: bool
    strings: MappingProxyType  # fixed reply -> its text; "menu:<id>" -> a sub-menu's title
    topics: MappingProxyType
    labels: MappingProxyType  # contact id -> its short name in this language
    alarms: MappingProxyType  # Alarm -> its phrases, each a tuple of folded words (a trailing * kept)
    calm: tuple  # phrases that place a story in the past or the texter in safety, like the alarm phrases
    command_words: frozenset  # this language's own command words, folded
    shorthand: MappingProxyType  # folded texting shorthand -> what it stands for
    synonyms: MappingProxyType  # folded word -> the word it is matched as
    stopwords: frozenset
    stemmer: str | None
    examples: MappingProxyType = field(repr=False)  # examples.yaml key -> its texts
    greetings: tuple[str, ...] = ()  # whole first texts that are in this language
    asks_for: tuple[str, ...] = ()  # phrases that ask for this language
    social: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # SOCIAL kind -> whole texts
    script: str | None = None  # the Unicode script only this language is written in (ARABIC), if any
    alphabet: str = "gsm"  # gsm: every text must fit GSM-7 (cheap); ucs2: the script needs UCS-2
    plain_letters: bool = False  # accented letters GSM-7 lacks are sent without their accent
    discreet: tuple[str, ...] = ()  # words a reply's first words must not have (a lock screen shows them; * any ending)
    spoken: Spoken | None = None  # on calls (voice.yaml); None: calls do not offer this language
    flows: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # flow id -> FlowText
    flow_words: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # folded word -> flow id
    near: frozenset = frozenset()  # folded words that stand before a place ("in", "near")
    beside: frozenset = frozenset()  # other folded words a text about a place may have ("im", "help")


@dataclass(frozen=True)
class Content:
    """All languages, the menu tree, the referral directory and the command words, validated.

    sources: each file read (its path under the root -> Source), so that a channel that finds a problem
    in rendering a text can say on which line it stands."""

    default: str
    languages: MappingProxyType
    menus: MappingProxyType  # menu id -> tuple of Entry
    contacts: MappingProxyType
    commands: MappingProxyType  # folded word -> command name
    switches: MappingProxyType  # folded word -> language code
    connect: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # Alarm -> contact id to call
    sources: MappingProxyType = field(default_factory=lambda: MappingProxyType({}), repr=False, compare=False)
    keys: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # on a call: action -> key
    flows: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # flow id -> Flow
    places: Places = field(default_factory=Places)
    call_topics: tuple[str, ...] = ()  # topics that on a call connect to a person (content/voice.yaml connect)
