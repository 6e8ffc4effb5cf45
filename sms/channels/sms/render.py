"""The content rendered for SMS: every reply ready to send within a segment budget.

render() turns the channel-neutral content into a Rendition, the one thing the engine reads: fixed
replies with the accents GSM-7 lacks dropped where the language writes plain letters, and phone numbers
kept in order after Arabic words; each topic's pages cut to the budget, with a header, a "Reply MORE"
footer, the first contact ending the first page and all of them the last; each menu written out.
It reports, with file and line, what cannot be sent well: characters that are not GSM-7 in a GSM-7
language, a menu or a welcome over the budget, contacts that do not fit on one page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ... import content as content_module
from ...content import Content, ContentError, Problem
from ...text import fold
from .. import paging
from ..written import contact_line, ltr_numbers
from . import segments

WELCOME_SEGMENTS = 2
MAX_MESSAGES = 4  # a topic's messages, at most, for a reader to reach all its contacts
MAX_BEFORE_CONTACTS = 8  # segments a reader pays before the last page, which gives all the contacts
PREVIEW = 40  # characters of a message a phone's lock screen or notification shows


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


@dataclass(frozen=True)
class Rendition:
    """The content as SMS sends it: what the engine reads (languages, the menu tree) and fits()."""

    content: Content
    budget: int
    languages: MappingProxyType  # code -> RenderedLanguage

    @property
    def default(self) -> str:
        """The default language's code."""
        return self.content.default

    @property
    def connect(self) -> MappingProxyType:
        """Alarm -> the contact a call raising it is connected to (not SMS's to do: it sends the reply)."""
        return self.content.connect

    @property
    def menus(self) -> MappingProxyType:
        """The menu tree: menu id -> tuple of Entry."""
        return self.content.menus

    def fits(self, text: str) -> bool:
        """True when text can be sent as one reply (within the segment budget)."""
        return segments.fits(text, self.budget)

    def cost(self, text: str) -> int:
        """What sending text costs: its SMS segments."""
        return segments.segments(text)


class _Renderer:
    """Renders one content to one budget, gathering problems."""

    def __init__(self, content: Content, budget: int):
        self.content, self.budget = content, budget
        self.problems: list[Problem] = []

    def problem(self, file: str, path: tuple | None, message: str, error: bool = True) -> None:
        src = self.content.sources.get(file)
        line = src.line(*path) if src is not None and path is not None else None
        self.problems.append(Problem(file, line, message, error))

    def gsm(self, file: str, path: tuple, text: str) -> None:
        """Report the characters of text that force UCS-2."""
        if not segments.is_gsm(text):
            self.problem(file, path, f"characters that are not GSM-7 (each text would cost 2-3x more): {_shown(text)}")

    def contacts(self) -> None:
        """Numbers and websites are sent as written in every language: they must be GSM-7."""
        file = "content/referrals.yaml"
        for i, contact in enumerate(self.content.contacts.values()):
            for key in ("phone", "text", "web"):
                value = getattr(contact, key)
                if value and not segments.is_gsm(value):
                    self.problem(file, ("contacts", i, key),
                                 f"contact {contact.id}'s {key} has characters that are not GSM-7: {_shown(value)}")

    def language(self, lang) -> RenderedLanguage:
        def sendable(text: str) -> str:
            return ltr_numbers(segments.plain_letters(text) if lang.plain_letters else text)

        gsm_only = lang.alphabet == "gsm"
        where = f"content/{lang.code}/strings.yaml"
        strings = {key: sendable(text) for key, text in lang.strings.items()}
        if gsm_only:
            for key, text in strings.items():
                self.gsm(where, ("menus", key[5:]) if key.startswith("menu:") else (key,), text)
            for cid, label in lang.labels.items():
                self.gsm(f"content/{lang.code}/contacts.yaml", (cid,), sendable(label))
        topics = {}
        for topic in lang.topics.values():
            file = f"content/{lang.code}/topics/{topic.id}.yaml"
            title, pages = sendable(topic.title), [sendable(p) for p in topic.pages]
            if gsm_only:
                for i, text in enumerate([title, *pages]):
                    self.gsm(file, ("pages", i - 1) if i else ("title",), text)
            lines = [sendable(contact_line(self.content.contacts[cid], sendable(lang.labels[cid]), strings))
                     for cid in topic.contacts]
            topics[topic.id] = RenderedTopic(topic.id, title, self.pages(file, title, pages, lines, strings))
        menus = self.menus(lang.code, strings, topics)
        self.discreet(lang, strings, menus, topics)
        return RenderedLanguage(lang.code, lang.name, MappingProxyType(strings), MappingProxyType(menus),
                                MappingProxyType(topics))

    def discreet(self, lang, strings: dict, menus: dict, topics: dict) -> None:
        """Warn of each reply whose first words (what a lock screen shows) say what the line is about."""
        def said(text: str) -> str | None:
            first = fold(text[:PREVIEW]).split()
            return next((w for w in first for word in lang.discreet
                         if w == word or word.endswith("*") and w.startswith(word[:-1])), None)

        where = f"content/{lang.code}/strings.yaml"
        replies = [(where, (key,), text) for key, text in strings.items() if not key.startswith("menu:")]
        replies += [(where, ("menus", menu_id), text) for menu_id, text in menus.items()]
        replies += [(f"content/{lang.code}/topics/{t.id}.yaml", ("title",), page) for t in topics.values()
                    for page in t.pages]
        for file, path, text in replies:
            word = said(text)
            if word:
                shown = text[:PREVIEW].replace("\n", " / ")
                self.problem(file, path, f"the first words of a reply say {word!r}, and a lock screen shows them "
                                         f"to whoever holds the phone: \"{shown}\"", error=False)

    def pages(self, file, title, pages, contact_lines, strings) -> tuple[str, ...]:
        """The topic's messages: authored pages cut to the budget, the first contact (the one to call first)
        ending the first page, all the contacts ending the last one: whoever stops reading early has a number.
        The first page keeps room for the `detected` line (see conversation.engine._free_text)."""
        widest = strings["page_header"].format(title=title, page=99, pages=99)
        contacts = "\n".join([strings["contacts_intro"], *contact_lines])
        first = contact_lines[0] if contact_lines else ""

        def room_first(body):  # leaves room too for the line a reply in a newly detected language gets
            note = strings["detected"].format(code="XX")
            return segments.fits(f"{widest}{body}\n{first}\n{strings['page_more']}\n{note}", self.budget)

        def room_more(body):
            return segments.fits(f"{widest}{body}\n{strings['page_more']}", self.budget)

        def room_last(body):
            return segments.fits(f"{widest}{body}\n{contacts}\n{strings['page_last']}", self.budget)

        bodies = paging.pack(pages[0], room_first) + [piece for page in pages[1:] for piece in
                                                       paging.pack(page, room_more)]
        if room_last(bodies[-1]):
            bodies[-1] = f"{bodies[-1]}\n{contacts}"
        else:
            bodies.append(contacts)
            if not segments.fits(f"{widest}{contacts}\n{strings['page_last']}", self.budget):
                self.problem(file, ("contacts",), "the contacts do not fit on one page: give fewer")
        if len(bodies) > 1 and first:
            bodies[0] = f"{bodies[0]}\n{first}"
        if len(bodies) > len(pages) + 2:  # beyond a page for the contacts and one for the first page's number
            self.problem(file, ("pages",), f"pages were cut to fit {self.budget} segments: {len(bodies)} messages",
                         error=False)
        total = len(bodies)
        messages = tuple(
            strings["page_header"].format(title=title, page=i, pages=total) + body + "\n"
            + (strings["page_last"] if i == total else strings["page_more"])
            for i, body in enumerate(bodies, 1)
        )
        self.reach(file, messages)
        return messages

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

    def menus(self, code: str, strings: dict, topics: dict) -> dict[str, str]:
        """The text that shows each menu; main is the welcome."""
        file = f"content/{code}/strings.yaml"
        rendered = {}
        for menu_id, entries in self.content.menus.items():
            labels = [strings.get("menu_prompt", "")]
            for n, e in enumerate(entries, 1):
                topic = topics.get(e.target)
                label = strings.get(f"menu:{e.target}") if e.kind == "menu" else topic and topic.title
                labels.append(f"{n} {label or e.target}")
            if menu_id == "main":
                parts = [strings.get("welcome", ""), *labels, strings.get("welcome_footer", "")]
                again = f"{strings.get('started', '')}\n" + "\n".join(parts)
                if not segments.fits(again, self.budget):
                    self.problem(file, None, f"'started' and the welcome together take {segments.segments(again)} "
                                             f"segments, over the budget of {self.budget}")
            else:
                parts = [strings.get(f"menu:{menu_id}", menu_id), *labels, strings.get("menu_footer", "")]
            text = "\n".join(parts)
            cost = segments.segments(text)
            if cost > self.budget:
                self.problem(file, None, f"menu {menu_id} takes {cost} segments, over the budget of {self.budget}")
            elif menu_id == "main" and cost > WELCOME_SEGMENTS:
                self.problem(file, None, f"the welcome takes {cost} segments (aim for {WELCOME_SEGMENTS})", error=False)
            rendered[menu_id] = text
        return rendered


def _shown(text: str) -> str:
    """The characters of text that are not GSM-7, each quoted, for a problem's message."""
    return " ".join(repr(c) for c in segments.non_gsm_chars(text))


def render(content: Content, budget: int) -> tuple[Rendition | None, list[Problem]]:
    """content rendered for SMS within budget segments a reply, and what cannot be sent well (None
    instead of a rendition when any of that would break the line)."""
    renderer = _Renderer(content, budget)
    renderer.contacts()
    languages = {code: renderer.language(lang) for code, lang in content.languages.items()}
    if any(p.error for p in renderer.problems):
        return None, renderer.problems
    return Rendition(content, budget, MappingProxyType(languages)), renderer.problems


def check(root: Path, budget: int = 3, today: dt.date | None = None) -> list[Problem]:
    """Every problem with the content under root and with sending it by SMS, warnings included."""
    content, problems = content_module.collect(root, today)
    return problems + render(content, budget)[1] if content else problems


def load(root: Path, budget: int = 3, today: dt.date | None = None) -> Rendition:
    """The content under root rendered for SMS; raises ContentError when it cannot be served."""
    rendition, problems = render(content_module.load(root, today), budget)
    if rendition is None:
        raise ContentError([p for p in problems if p.error])
    return rendition
