"""The content rendered for calls: every reply as a call says it, in each language's Twilio voice.

A call says the same menus and topics as a text, in the words of content/<lang>/voice.yaml (strings.yaml's
for any reply it does not give): each menu entry "For <title>, press <n>", a topic part by part with the
keys to go on, its contacts at the end, and every number of the directory read digit by digit
("1, 8 8 8, 3 7 3, 7 8 8 8"). A language is offered on calls when it has a voice.yaml whose voice Twilio
offers; a caller whose words land in another language hears the default one. Problems are reported with
file and line: a voice or a speech language Twilio does not have, a menu whose keys would clash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar

from ...alarms import Alarm
from ...content import Content, Problem
from ...content.referrals import dialable
from ...conversation.reply import Count
from .. import rendition
from ..written import contact_line

# The Amazon Polly voices Twilio offers for the line's languages, with the language each speaks
# (twilio.com/docs/voice/twiml/say/text-speech); add one here to use it.
TWILIO_VOICES = {
    "Polly.Joanna": "en-US", "Polly.Joanna-Neural": "en-US", "Polly.Matthew": "en-US", "Polly.Salli": "en-US",
    "Polly.Lupe": "es-US", "Polly.Lupe-Neural": "es-US", "Polly.Penelope": "es-US", "Polly.Mia": "es-MX",
    "Polly.Lea": "fr-FR", "Polly.Lea-Neural": "fr-FR", "Polly.Celine": "fr-FR", "Polly.Chantal": "fr-CA",
    "Polly.Zeina": "arb", "Polly.Hala-Neural": "ar-AE",
}
# Languages Twilio's <Gather> recognises speech in, of those the line may use (others: keys only).
SPEECH = frozenset({"en-US", "es-US", "es-MX", "fr-FR", "fr-CA", "ar-EG", "ar-SA", "ar-AE", "ar-JO", "ar-IQ"})


@dataclass(frozen=True)
class Voice:
    """How one language is said on a call: its Twilio voice and language, the language callers may
    speak in (None: keys only), and its line of the language choice ("Para español, oprima 2")."""

    voice: str
    language: str
    speech: str | None
    choose: str


@dataclass(frozen=True)
class Rendition(rendition.Rendition):
    """The content as a call says it: what the engine reads, the keys, each offered language's voice (in
    the order of the language choice) and the numbers a call is connected to."""

    channel: ClassVar[str] = "voice"
    received: ClassVar[tuple[str, ...]] = ()  # a key pressed is no text received: calls are counted apart
    keys: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # action -> key
    voices: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # offered code -> Voice

    def fits(self, text: str) -> bool:
        """Anything can be said."""
        return True

    def cost(self, text: str) -> int:
        """Nothing per reply: a call is paid by the minute."""
        return 0

    def charge(self, reply) -> tuple[str, ...]:
        """A TRANSFERS count when the reply connects the call to a person."""
        return (Count.TRANSFERS,) if reply.transfer else ()

    @property
    def connects(self) -> tuple[str, ...]:
        """Topics that on a call connect the caller to a person (content/voice.yaml `connect`)."""
        return self.content.call_topics

    def voice(self, code: str | None) -> Voice:
        """The voice of language code, or of the default language when calls do not offer it."""
        return self.voices.get(code) or self.voices[self.default]

    def dial(self, contact_id: str) -> str | None:
        """The number (E.164) a call is connected to for a contact."""
        contact = self.content.contacts.get(contact_id)
        return dialable(contact.phone) if contact else None

    @property
    def person(self) -> str:
        """The contact a caller who presses the person key is connected to."""
        return self.content.connect[Alarm.HELP_NOW]


def spoken_numbers(text: str, numbers) -> str:
    """text with each number of the directory (numbers: as written, longest first) read digit by digit,
    its groups apart: "1-888-373-7888" -> "1, 8 8 8, 3 7 3, 7 8 8 8"; "911" -> "9 1 1"."""
    def say(found):
        return ", ".join(" ".join(group) for group in re.split(r"[^0-9]+", found.group(0)) if group)
    return re.sub(r"(?<![\w-])(?:" + "|".join(map(re.escape, numbers)) + r")(?![\w-])", say, text) if numbers else text


def _sentences(text: str) -> str:
    """text's lines as one thing to say, each line ended as a sentence (a pause) before the next."""
    lines = [line.strip().replace(" / ", ", ") for line in text.splitlines() if line.strip()]  # no "slash"
    said = " ".join(line if line[-1] in ".!?:;,؟" else f"{line}." for line in lines)
    return re.sub(r"([?!؟])\.", r"\1", said)  # a title that asks ("Is this happening to me?") before ". Part 1"


class _Renderer:
    def __init__(self, content: Content):
        self.content = content
        self.problems: list[Problem] = []
        self.numbers = sorted({n for c in content.contacts.values() for n in (c.phone, c.text) if n}, key=len,
                              reverse=True)

    def problem(self, file: str, path: tuple, message: str, error: bool = True) -> None:
        src = self.content.sources.get(file)
        self.problems.append(Problem(file, src.line(*path) if src else None, message, error))

    def say(self, text: str) -> str:
        return spoken_numbers(_sentences(text), self.numbers)

    def voice(self, lang, key: str) -> Voice | None:
        """lang's Voice, or None (reported) when Twilio cannot say it."""
        spoken, file = lang.spoken, f"content/{lang.code}/voice.yaml"
        if spoken is None:
            return None
        if TWILIO_VOICES.get(spoken.voice) != spoken.language:
            known = ", ".join(v for v, speaks in TWILIO_VOICES.items() if speaks.split("-")[0] == lang.code) or "none"
            self.problem(file, ("voice",), f"Twilio has no voice {spoken.voice} speaking {spoken.language} "
                                           f"(known here for {lang.code}: {known}): calls do not offer {lang.code}",
                         error=False)
            return None
        speech = spoken.speech
        if speech and speech not in SPEECH:
            self.problem(file, ("speech",), f"Twilio cannot recognise speech in {speech}: callers press keys only",
                         error=False)
            speech = None
        return Voice(spoken.voice, spoken.language, speech, self.say(spoken.strings["choose"].format(key=key)))

    def unused(self, lang) -> None:
        """Warn of each `instead` sentence no written topic of lang has any more."""
        pages = " ".join(p for topic in lang.topics.values() for p in topic.pages)
        for written in (lang.spoken.instead if lang.spoken else {}):
            if written not in pages:
                self.problem(f"content/{lang.code}/voice.yaml", ("instead", written),
                             f"no topic says {written!r} any more: change or drop it", error=False)

    def language(self, lang, spoken) -> rendition.RenderedLanguage:
        """What a call says in lang, in the words of spoken (lang's own, or the default language's)."""
        hotline = self.content.contacts[self.content.connect[Alarm.HELP_NOW]]
        strings = {**lang.strings, **spoken.strings, "detected": ""}  # a call never asks to text a code back
        strings["goodbye"] = strings["goodbye"].format(phone=hotline.phone)
        strings["dial_failed"] = strings["dial_failed"].format(phone=hotline.phone, text=hotline.text or hotline.phone)
        topics = {}
        for topic in lang.topics.values():
            contacts = [contact_line(self.content.contacts[cid], spoken.labels.get(cid, cid), strings)
                        for cid in topic.contacts]
            total = len(topic.pages)
            pages = []
            for n, page in enumerate(topic.pages, 1):
                for written, said in spoken.instead.items():  # "Reply CHECK ...": a caller cannot reply
                    page = page.replace(written, said)
                last = n == total
                parts = [strings["page_header"].format(title=topic.title, page=n, pages=total), page,
                         *([strings["contacts_intro"], *contacts] if last else []),
                         strings["page_last" if last else "page_more"]]
                pages.append(self.say("\n".join(parts)))
            topics[topic.id] = rendition.RenderedTopic(topic.id, topic.title, tuple(pages))
        flows = {flow_id: self.flow(lang, flow_id, strings, spoken) for flow_id in self.content.flows}
        places = {area: self.say(rendition.local_help(self.content, area, strings, lambda cid: contact_line(
            self.content.contacts[cid], spoken.labels.get(cid, cid), strings))) for area in self.content.places.areas()}
        menus = {}
        for menu_id, entries in self.content.menus.items():
            titles = {"menu": lambda e: strings.get(f"menu:{e.target}"), "topic": lambda e: topics[e.target].title,
                      "flow": lambda e: lang.flows[e.target].title}
            choices = [strings["choice"].format(title=titles[e.kind](e), number=n) for n, e in enumerate(entries, 1)]
            first, last = (("welcome", "welcome_footer") if menu_id == "main" else (f"menu:{menu_id}", "menu_footer"))
            menus[menu_id] = self.say("\n".join([strings.get(first, menu_id), *choices, strings[last]]))
        said = {key: self.say(text) for key, text in strings.items()}
        return rendition.RenderedLanguage(lang.code, lang.name, MappingProxyType(said), MappingProxyType(menus),
                                          MappingProxyType(topics), MappingProxyType(flows), MappingProxyType(places))

    def flow(self, lang, flow_id: str, strings: dict, spoken) -> MappingProxyType:
        """Each node of a flow as a call says it: a question with a key for each answer, or a result with
        its contacts."""
        flow, words = self.content.flows[flow_id], lang.flows[flow_id]
        said = {}
        for node in flow.nodes.values():
            if node.answers:
                opening = [words.title, words.intro] if node.id == flow.start else []
                lines = [*opening, words.nodes[node.id],
                         *(strings["choice"].format(title=words.answers[a], number=n)
                           for n, (a, _) in enumerate(node.answers, 1)), strings["clarify_footer"]]
            else:
                lines = [words.nodes[node.id], strings["contacts_intro"],
                         *(contact_line(self.content.contacts[c], spoken.labels.get(c, c), strings) for c in node.contacts),
                         strings["page_last"]]
            said[node.id] = self.say("\n".join(lines))
        return MappingProxyType(said)


def render(content: Content) -> tuple[Rendition | None, list[Problem]]:
    """content rendered for calls, and what cannot be said well (None instead of a rendition when the
    default language cannot be said at all)."""
    renderer = _Renderer(content)
    voices = {}
    for n, (code, lang) in enumerate(content.languages.items(), 1):
        renderer.unused(lang)
        voice = renderer.voice(lang, str(n))
        if voice:
            voices[code] = voice
    if content.default not in voices:
        renderer.problem(f"content/{content.default}/voice.yaml", ("voice",),
                         "the default language has no voice Twilio offers: calls cannot be answered")
        return None, renderer.problems
    fallback = content.languages[content.default].spoken
    languages = {code: renderer.language(lang, lang.spoken if code in voices else fallback)
                 for code, lang in content.languages.items()}
    return Rendition(content, MappingProxyType(languages), content.keys, MappingProxyType(voices)), renderer.problems
