"""The content rendered for SMS: every reply ready to send within a segment budget.

render() turns the channel-neutral content into a Rendition (channels/written.py does the shared work):
fixed replies with the accents GSM-7 lacks dropped where the language writes plain letters, and phone
numbers kept in order after Arabic words; each authored page of a topic cut to the budget; the carriers'
"Msg&data rates" sentence (the `rates` string) at the end of HELP. It reports, with file and line, what
cannot be sent well: characters that are not GSM-7 in a GSM-7 language, a menu or a welcome over the
budget, contacts that do not fit on one page, a topic that costs its reader too many segments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ... import content as content_module
from ...content import Content, ContentError, Problem
from ...conversation.reply import Count
from .. import rendition, written
from . import segments

WELCOME_SEGMENTS = 2
MAX_MESSAGES = 4  # a topic's messages, at most, for a reader to reach all its contacts
MAX_BEFORE_CONTACTS = 8  # segments a reader pays before the last page, which gives all the contacts


@dataclass(frozen=True)
class Rendition(rendition.Rendition):
    """The content as SMS sends it, each reply within budget segments."""

    channel: ClassVar[str] = "sms"
    budget: int = 3

    def fits(self, text: str) -> bool:
        """True when text can be sent as one reply (within the segment budget)."""
        return segments.fits(text, self.budget)

    def cost(self, text: str) -> int:
        """What sending text costs: its SMS segments."""
        return segments.segments(text)

    def charge(self, reply) -> tuple[str, ...]:
        """One SEGMENTS count per segment of the reply's text."""
        return (Count.SEGMENTS,) * segments.segments(reply.text) if reply.text else ()


class _Renderer(written.Renderer):
    """Renders one content to one segment budget."""

    def __init__(self, content: Content, budget: int):
        super().__init__(content)
        self.budget = budget

    def fits(self, text: str) -> bool:
        return segments.fits(text, self.budget)

    def sendable(self, lang, text: str) -> str:
        return super().sendable(lang, segments.plain_letters(text) if lang.plain_letters else text)

    def check_text(self, lang, file: str, path: tuple, text: str) -> None:
        """In a GSM-7 language, report the characters of text that force UCS-2."""
        if lang.alphabet == "gsm" and not segments.is_gsm(text):
            self.problem(file, path, f"characters that are not GSM-7 (each text would cost 2-3x more): {_shown(text)}")

    def strings(self, lang) -> dict[str, str]:
        strings = super().strings(lang)
        if "help" in strings and lang.strings.get("rates"):
            strings["help"] = f"{strings['help']} {self.sendable(lang, lang.strings['rates'])}"
        return strings

    def contacts(self) -> None:
        """Numbers and websites are sent as written in every language: they must be GSM-7."""
        file = "content/referrals.yaml"
        for i, contact in enumerate(self.content.contacts.values()):
            for key in ("phone", "text", "web"):
                value = getattr(contact, key)
                if value and not segments.is_gsm(value):
                    self.problem(file, ("contacts", i, key),
                                 f"contact {contact.id}'s {key} has characters that are not GSM-7: {_shown(value)}")

    def reach(self, file: str, messages: tuple[str, ...]) -> None:
        """Warn of a topic that makes its reader pay too much before all its contacts (more than
        MAX_MESSAGES messages, or more than MAX_BEFORE_CONTACTS segments before its last page), and of a
        page, not the last, that is under a third of what a message holds (join it with the next)."""
        before = sum(segments.segments(m) for m in messages[:-1])
        if len(messages) > MAX_MESSAGES or before > MAX_BEFORE_CONTACTS:
            self.problem(file, ("pages",), f"{len(messages)} messages, {before} segments before all its contacts "
                                           f"(aim for {MAX_MESSAGES} messages and {MAX_BEFORE_CONTACTS} segments at "
                                           "most: put what is asked most first, and say less)", error=False)
        for n, message in enumerate(messages[:-1], 1):
            enc = segments.encode(message)
            room = segments.MULTI[enc.name] * self.budget
            if enc.units * 3 < room:
                self.problem(file, ("pages",), f"message {n} holds {enc.units} of the {room} characters it could: "
                                               "join its page with the next", error=False)

    def check_menu(self, file: str, menu_id: str, text: str, again: str | None) -> None:
        if again is not None and not segments.fits(again, self.budget):
            self.problem(file, None, f"'started' and the welcome together take {segments.segments(again)} "
                                     f"segments, over the budget of {self.budget}")
        cost = segments.segments(text)
        if cost > self.budget:
            self.problem(file, None, f"menu {menu_id} takes {cost} segments, over the budget of {self.budget}")
        elif menu_id == "main" and cost > WELCOME_SEGMENTS:
            self.problem(file, None, f"the welcome takes {cost} segments (aim for {WELCOME_SEGMENTS})", error=False)


def _shown(text: str) -> str:
    """The characters of text that are not GSM-7, each quoted, for a problem's message."""
    return " ".join(repr(c) for c in segments.non_gsm_chars(text))


def render(content: Content, budget: int) -> tuple[Rendition | None, list[Problem]]:
    """content rendered for SMS within budget segments a reply, and what cannot be sent well (None
    instead of a rendition when any of that would break the line)."""
    renderer = _Renderer(content, budget)
    renderer.contacts()
    languages = renderer.render()
    if any(p.error for p in renderer.problems):
        return None, renderer.problems
    return Rendition(content, languages, budget), renderer.problems


def load(root: Path, budget: int = 3, today: dt.date | None = None) -> Rendition:
    """The content under root rendered for SMS; raises ContentError when it cannot be served."""
    rendition, problems = render(content_module.load(root, today), budget)
    if rendition is None:
        raise ContentError([p for p in problems if p.error])
    return rendition
