"""The content rendered for WhatsApp: whole answers, one message each where they fit, accents kept.

A WhatsApp message through Twilio holds up to MAX_CHARACTERS characters and costs the same whatever its
alphabet, so a topic's pages are joined (a paragraph each) and cut only where a message is full, the
header in bold; letters keep their accents (even in languages whose SMS drops them), and HELP has no
carriers' "Msg&data rates" sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ...content import Content, Problem
from ...conversation.reply import Count
from .. import rendition, written

MAX_CHARACTERS = 1600  # Twilio's limit for one WhatsApp message body


@dataclass(frozen=True)
class Rendition(rendition.Rendition):
    """The content as WhatsApp sends it: each reply one message of at most MAX_CHARACTERS."""

    channel: ClassVar[str] = "whatsapp"

    def fits(self, text: str) -> bool:
        """True when text is one WhatsApp message."""
        return len(text) <= MAX_CHARACTERS

    def cost(self, text: str) -> int:
        """One message, whatever its length."""
        return 1

    def charge(self, reply) -> tuple[str, ...]:
        """One WHATSAPP count for a message sent."""
        return (Count.WHATSAPP,) if reply.text else ()


class _Renderer(written.Renderer):
    def fits(self, text: str) -> bool:
        return len(text) <= MAX_CHARACTERS

    def authored(self, pages: list[str]) -> list[str]:
        """All of a topic's pages in one, a paragraph each, cut only where a message is full."""
        return ["\n\n".join(pages)]

    def pack(self, text: str, room) -> list[str]:
        """text whole, its paragraphs kept, when it fits; else cut between sentences."""
        return [text] if room(text) else super().pack(text, room)

    def header(self, strings, title: str, page: int, pages: int) -> str:
        """page_header in bold (WhatsApp's *...*)."""
        return f"*{super().header(strings, title, page, pages).strip()}*\n"


def render(content: Content) -> tuple[Rendition | None, list[Problem]]:
    """content rendered for WhatsApp, and what cannot be sent (None instead of a rendition when any of
    that would break the line)."""
    renderer = _Renderer(content)
    languages = renderer.render()
    if any(p.error for p in renderer.problems):
        return None, renderer.problems
    return Rendition(content, languages), renderer.problems
