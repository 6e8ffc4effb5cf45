"""What every channel's rendition of the content is: the one thing the engine reads, in the channel's
own words (SMS pages, WhatsApp messages, spoken prompts), with fits(), cost() and charge() for its limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar

from ..content import Content
from ..conversation.reply import Count


@dataclass(frozen=True)
class RenderedTopic:
    """One topic in one language as sent: its title and its pages, each one message."""

    id: str
    title: str
    pages: tuple[str, ...]


@dataclass(frozen=True)
class RenderedLanguage:
    """What the line sends in one language."""

    code: str
    name: str
    strings: MappingProxyType  # fixed reply -> its text as sent
    menus: MappingProxyType  # menu id -> the text that shows it (main: the welcome)
    topics: MappingProxyType  # topic id -> RenderedTopic
    flows: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # flow id -> {node id: text}
    places: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # area -> help there ({place})


@dataclass(frozen=True)
class Rendition:
    """The content as one channel sends it: what the engine reads (languages, the menu tree, the
    contacts a call is connected to) and the channel's fits() and cost(); charge() names the counters
    a reply sent adds to (SMS segments, WhatsApp messages)."""

    channel: ClassVar[str] = "written"
    received: ClassVar[tuple[str, ...]] = (Count.TEXTS,)  # the counters each message received adds one to
    content: Content
    languages: MappingProxyType  # code -> RenderedLanguage

    @property
    def default(self) -> str:
        """The default language's code."""
        return self.content.default

    @property
    def connect(self) -> MappingProxyType:
        """Alarm -> the contact a call raising it is connected to (a written channel sends the reply)."""
        return self.content.connect

    @property
    def menus(self) -> MappingProxyType:
        """The menu tree: menu id -> tuple of Entry."""
        return self.content.menus

    @property
    def connects(self) -> tuple[str, ...]:
        """Topics that connect to a person instead of being sent: none on a written channel."""
        return ()

    @property
    def places(self):
        """Montana's places, and the topics a place answers better."""
        return self.content.places

    @property
    def flows(self) -> MappingProxyType:
        """The flows' structures: flow id -> Flow."""
        return self.content.flows

    def fits(self, text: str) -> bool:
        """True when text can be sent as one reply."""
        raise NotImplementedError

    def cost(self, text: str) -> int:
        """What sending text costs, in the channel's units (SMS segments, messages)."""
        raise NotImplementedError

    def charge(self, reply) -> tuple[str, ...]:
        """The counters a reply sent adds one to, one name per unit it costs."""
        raise NotImplementedError


def local_help(content, area: str, strings, line) -> str:
    """The help for an area ("{place}" stands for the place's name): its own contacts first, then the
    statewide ones, or, with none of its own, a plain "no local contact checked" and the statewide ones;
    line(contact id) is how the channel gives a contact. The hotline among them is the way forward."""
    local, statewide = content.places.serving(area, content.contacts)
    if local:
        return "\n".join([strings["place_found"], *map(line, local), strings["place_statewide"], *map(line, statewide)])
    return "\n".join([strings["place_none"], *map(line, statewide)])
