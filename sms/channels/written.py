"""What the written channels (SMS, WhatsApp) share: how a contact reads in a message, phone numbers kept
in their order after right-to-left words, and the renderer that turns the channel-neutral content into
every reply ready to send, which each channel's render.py tunes (what fits in one reply, what to check).

The renderer makes a channel's Rendition (rendition.py): fixed replies, each menu written out, each
topic's pages with a header, a "Reply MORE" footer, the first contact ending the first page and all of
them the last.
"""

from __future__ import annotations

import unicodedata
from types import MappingProxyType

from ..content import Content, Problem
from ..content.model import Contact
from ..content.referrals import PHONE_LIKE
from ..text import fold
from . import paging
from .rendition import RenderedLanguage, RenderedTopic, local_help

LRM = "\u200e"  # LEFT-TO-RIGHT MARK: invisible, one UCS-2 unit
PREVIEW = 40  # characters of a message a phone's lock screen or notification shows


def ltr_numbers(text: str) -> str:
    """text with a left-to-right mark before each phone number written with separators (1-888-373-7888)
    that follows Arabic (or other right-to-left) words on its line.

    Phones lay out text with the Unicode bidi algorithm: after a right-to-left letter the digit groups
    of "1-888-373-7888" become Arabic numbers and the hyphens between them neutral, so the groups are
    shown in reverse order ("7888-373-888-1"). An LRM (invisible) in front keeps the number as written;
    the text's own characters and order are unchanged. Numbers at the start of a line, after Latin
    words, or without separators (911, 233733) are already shown as written and are left alone.
    """
    def mark(found):
        number = found.group(0)
        if number.isdigit():
            return number
        before = text[:found.start()].rsplit("\n", 1)[-1]
        strong = next((kind for kind in map(unicodedata.bidirectional, reversed(before)) if kind in ("L", "R", "AL")), None)
        return LRM + number if strong in ("R", "AL") else number

    return PHONE_LIKE.sub(mark, text)


def contact_line(contact: Contact, label: str, strings) -> str:
    """How a contact reads in a text: its short name, police or ICE labels, then how to reach it."""
    tag = strings["label_immigration"] if contact.immigration else strings["label_police"] if contact.law_enforcement else None
    name = f"{label} ({tag})" if tag else label
    if contact.phone and contact.phone == contact.text:
        how = strings["contact_call_or_text"].format(phone=contact.phone)
    else:
        how = ", ".join(
            [strings["contact_call"].format(phone=contact.phone)] * bool(contact.phone)
            + [strings["contact_text"].format(text=contact.text)] * bool(contact.text)
        )
    if contact.web and not how:
        how = strings["contact_web"].format(web=contact.web)
    return f"{name}: {how}"


class Renderer:
    """Renders one content for one written channel, gathering problems with file and line. A channel's
    subclass says what fits in one reply (fits), how a text is written for it (sendable), what else to
    check of a text, a topic's messages or a menu, and how authored pages are grouped into messages."""

    def __init__(self, content: Content):
        self.content = content
        self.problems: list[Problem] = []

    def problem(self, file: str, path: tuple | None, message: str, error: bool = True) -> None:
        """Report a problem at path (the YAML keys) of file."""
        src = self.content.sources.get(file)
        line = src.line(*path) if src is not None and path is not None else None
        self.problems.append(Problem(file, line, message, error))

    def fits(self, text: str) -> bool:
        """True when text is one reply of the channel."""
        raise NotImplementedError

    def sendable(self, lang, text: str) -> str:
        """text as the channel sends it in lang: phone numbers kept in order after Arabic words."""
        return ltr_numbers(text)

    def check_text(self, lang, file: str, path: tuple, text: str) -> None:
        """Report what is wrong with sending text (as sendable made it) on the channel: nothing by default."""

    def strings(self, lang) -> dict[str, str]:
        """lang's fixed replies as the channel sends them."""
        return {key: self.sendable(lang, text) for key, text in lang.strings.items() if key != "rates"}

    def authored(self, pages: list[str]) -> list[str]:
        """The authored pages grouped as the channel starts its messages: each page its own by default."""
        return pages

    def pack(self, text: str, room) -> list[str]:
        """text cut into the fewest pieces room(piece) accepts (paging.pack: between sentences)."""
        return paging.pack(text, room)

    def header(self, strings, title: str, page: int, pages: int) -> str:
        """What starts page of pages of a topic: page_header."""
        return strings["page_header"].format(title=title, page=page, pages=pages)

    def reach(self, file: str, messages: tuple[str, ...]) -> None:
        """Report what a topic's messages cost its reader too much of: nothing by default."""

    def check_menu(self, file: str, menu_id: str, text: str, again: str | None) -> None:
        """Report a menu (again: the welcome after 'started') that does not fit one reply."""
        for shown in (text, again):
            if shown is not None and not self.fits(shown):
                self.problem(file, None, f"menu {menu_id} does not fit one message ({len(shown)} characters)")

    def language(self, lang) -> RenderedLanguage:
        """Everything the line sends in lang, checked."""
        where = f"content/{lang.code}/strings.yaml"
        strings = self.strings(lang)
        for key, text in strings.items():
            self.check_text(lang, where, ("menus", key[5:]) if key.startswith("menu:") else (key,), text)
        for cid, label in lang.labels.items():
            self.check_text(lang, f"content/{lang.code}/contacts.yaml", (cid,), self.sendable(lang, label))
        topics = {}
        for topic in lang.topics.values():
            file = f"content/{lang.code}/topics/{topic.id}.yaml"
            title, pages = self.sendable(lang, topic.title), [self.sendable(lang, p) for p in topic.pages]
            for i, text in enumerate([title, *pages]):
                self.check_text(lang, file, ("pages", i - 1) if i else ("title",), text)
            lines = [self.sendable(lang, contact_line(self.content.contacts[cid], self.sendable(lang, lang.labels[cid]),
                                                      strings)) for cid in topic.contacts]
            topics[topic.id] = RenderedTopic(topic.id, title, self.pages(file, title, pages, lines, strings))
        flows = {flow_id: self.flow(lang, flow_id, strings) for flow_id in self.content.flows}
        places = {area: self.local_help(lang, area, strings) for area in self.content.places.areas()}
        menus = self.menus(lang.code, strings, topics, {f: self.sendable(lang, lang.flows[f].title) for f in flows})
        self.discreet(lang, strings, menus, topics, flows)
        return RenderedLanguage(lang.code, lang.name, MappingProxyType(strings), MappingProxyType(menus),
                                MappingProxyType(topics), MappingProxyType(flows), MappingProxyType(places))

    @property
    def longest_place(self) -> str:
        """The longest name a place may be given in a reply."""
        places = self.content.places
        return max([*places.towns, *(f"{c} County" for c in places.counties),
                    *(r.name for r in places.reservations.values()), "59601"], key=len)

    def local_help(self, lang, area: str, strings: dict) -> str:
        """The help for an area as sent, which must fit one reply with the longest place name."""
        def line(cid):
            return self.sendable(lang, contact_line(self.content.contacts[cid], self.sendable(lang, lang.labels[cid]), strings))

        text = self.sendable(lang, local_help(self.content, area, strings, line))
        if not self.fits(text.replace("{place}", self.longest_place)):
            self.problem("content/places.yaml", (), f"the help for {area} in {lang.code} does not fit one reply: give "
                                                    "fewer statewide contacts")
        return text

    def flow(self, lang, flow_id: str, strings: dict) -> MappingProxyType:
        """Each node of a flow as sent: a question with its numbered answers (the first with the flow's
        title and intro), or a result with its contacts; each must fit one reply."""
        flow, words, file = self.content.flows[flow_id], lang.flows[flow_id], f"content/{lang.code}/flows/{flow_id}.yaml"
        said = {}
        for node in flow.nodes.values():
            text = self.sendable(lang, words.nodes[node.id])
            if node.answers:
                opening = [words.title, words.intro] if node.id == flow.start else []
                lines = [*opening, text, *(f"{n} {words.answers[a]}" for n, (a, _) in enumerate(node.answers, 1)),
                         strings["clarify_footer"]]
            else:
                lines = [text, strings["contacts_intro"],
                         *(contact_line(self.content.contacts[c], self.sendable(lang, lang.labels[c]), strings)
                           for c in node.contacts), strings["page_last"]]
            said[node.id] = self.sendable(lang, "\n".join(lines))
            self.check_text(lang, file, ("nodes", node.id), said[node.id])
            if not self.fits(said[node.id]):
                self.problem(file, ("nodes", node.id), f"node {node.id} does not fit one reply: say less")
        return MappingProxyType(said)

    def discreet(self, lang, strings: dict, menus: dict, topics: dict, flows: dict) -> None:
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
        replies += [(f"content/{lang.code}/flows/{f}.yaml", ("nodes", node), text) for f, nodes in flows.items()
                    for node, text in nodes.items()]
        for file, path, text in replies:
            word = said(text)
            if word:
                shown = text[:PREVIEW].replace("\n", " / ")
                self.problem(file, path, f"the first words of a reply say {word!r}, and a lock screen shows them "
                                         f"to whoever holds the phone: \"{shown}\"", error=False)

    def pages(self, file, title, pages, contact_lines, strings) -> tuple[str, ...]:
        """The topic's messages: authored pages cut to what fits, the first contact (the one to call first)
        ending the first page, all the contacts ending the last one: whoever stops reading early has a number.
        The first page keeps room for the `detected` line (see conversation.engine._free_text)."""
        widest = strings["page_header"].format(title=title, page=99, pages=99)
        contacts = "\n".join([strings["contacts_intro"], *contact_lines])
        first = contact_lines[0] if contact_lines else ""

        def room_first(body):  # leaves room too for the line a reply in a newly detected language gets
            note = strings["detected"].format(code="XX")
            return self.fits(f"{widest}{body}\n{first}\n{strings['page_more']}\n{note}")

        def room_more(body):
            return self.fits(f"{widest}{body}\n{strings['page_more']}")

        def room_last(body):
            return self.fits(f"{widest}{body}\n{contacts}\n{strings['page_last']}")

        grouped = self.authored(pages)
        bodies = self.pack(grouped[0], room_first) + [piece for page in grouped[1:] for piece in
                                                       self.pack(page, room_more)]
        if room_last(bodies[-1]):
            bodies[-1] = f"{bodies[-1]}\n{contacts}"
        else:
            bodies.append(contacts)
            if not self.fits(f"{widest}{contacts}\n{strings['page_last']}"):
                self.problem(file, ("contacts",), "the contacts do not fit on one page: give fewer")
        if len(bodies) > 1 and first:
            bodies[0] = f"{bodies[0]}\n{first}"
        if len(bodies) > len(grouped) + 2:  # beyond a page for the contacts and one for the first page's number
            self.problem(file, ("pages",), f"pages were cut to fit one message each: {len(bodies)} messages",
                         error=False)
        total = len(bodies)
        messages = tuple(
            self.header(strings, title, i, total) + body + "\n"
            + (strings["page_last"] if i == total else strings["page_more"])
            for i, body in enumerate(bodies, 1)
        )
        self.reach(file, messages)
        return messages

    def menus(self, code: str, strings: dict, topics: dict, flows: dict) -> dict[str, str]:
        """The text that shows each menu (flows: each flow's title); main is the welcome."""
        file = f"content/{code}/strings.yaml"
        rendered = {}
        for menu_id, entries in self.content.menus.items():
            labels = [strings.get("menu_prompt", "")]
            for n, e in enumerate(entries, 1):
                topic = topics.get(e.target)
                label = (strings.get(f"menu:{e.target}") if e.kind == "menu" else flows.get(e.target) if e.kind == "flow"
                         else topic and topic.title)
                labels.append(f"{n} {label or e.target}")
            again = None
            if menu_id == "main":
                parts = [strings.get("welcome", ""), *labels, strings.get("welcome_footer", "")]
                again = f"{strings.get('started', '')}\n" + "\n".join(parts)
            else:
                parts = [strings.get(f"menu:{menu_id}", menu_id), *labels, strings.get("menu_footer", "")]
            text = "\n".join(parts)
            self.check_menu(file, menu_id, text, again)
            rendered[menu_id] = text
        return rendered

    def render(self) -> MappingProxyType:
        """Every language rendered, code -> RenderedLanguage (problems gathered in self.problems)."""
        return MappingProxyType({code: self.language(lang) for code, lang in self.content.languages.items()})
