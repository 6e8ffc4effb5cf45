"""The conversation: step(state, inbound, assets, now) -> (state, reply). Pure: no I/O, no clock, no web.

Checks run in the order of DESIGN.md: opt-out words, alarms (danger now, self-harm, a plain cry for
help), a call's key for a person (connect: only a call sends it), HELP, a picture without words,
language switch, quick exit, MENU, BACK, MORE, a numbered choice (inside a flow: its answer), a flow's
word, manners in a conversation ("hi", "thanks", "ok"), a place named alone ("59601"), a text that asks
for a language, then free text (answer, ask, or admit; a question for help naming a place gets that
place's help). A session silent longer than the session timeout starts again at the welcome, in the
language last chosen; only MORE reads on in the topic that was open. A command the carrier's service
already answered is recorded, not answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import MappingProxyType

from ..alarms import Alarm
from .limits import Limits, limit
from .reply import Count, Expect, Kind, Reply
from .state import State

SESSION_MINUTES = 30


@dataclass(frozen=True)
class Assets:
    """What the engine reads: one channel's rendition of the content (what to say: its languages' strings,
    menus and topic pages, the menu tree, and fits() and cost() for that channel's limits) and the
    understanding built from the content (how to read); channels holds every channel's rendition, so
    on(channel) gives the same understanding with that channel's words."""

    content: object
    understanding: object
    channels: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # name -> rendition

    def on(self, channel: str) -> Assets:
        """These assets with channel's rendition as their content (the content's own when channel has none
        here, or is the content's)."""
        rendition = self.channels.get(channel)
        return self if rendition is None or rendition is self.content else replace(self, content=rendition)


def step(state: State, reading, assets: Assets, now: float, session_minutes: float = SESSION_MINUTES,
         limits: Limits = Limits()):
    """Answer one incoming text, read once at the door (assets.understanding.read): the new state and the
    reply, as the per-number limits let it go out (limits.py)."""
    expired = state.seen is None or now - state.seen > session_minutes * 60
    if expired and not (reading.command == "more" and state.topic):  # MORE after a silence: read on
        state = State(lang=state.lang, opted_out=state.opted_out, quota=state.quota)
    if (reading.command or reading.flow) and reading.language:  # AYUDA, REVISAR: the reply, and the conversation, in it
        state = replace(state, lang=reading.language)
    new, reply = _answer(state, reading, assets)
    if reading.answered:  # the carrier's service has sent its own reply: never a second one
        reply = replace(reply, text=None)
    reply = replace(reply, lang=new.lang or assets.content.default)
    if reply.forget or new.opted_out != state.opted_out:  # an effect: never limited, and nothing kept after it
        return replace(new, seen=now), reply
    quota, reply = limit(state.quota, reply, now, limits, _language(new, assets.content).strings["limited"])
    return replace(new, seen=now, quota=quota), reply


def _language(state: State, content):
    return content.languages.get(state.lang) or content.languages[content.default]


def _answer(state: State, reading, assets: Assets) -> tuple[State, Reply]:
    content, understanding = assets.content, assets.understanding
    command = reading.command
    say = _language(state, content).strings
    if state.opted_out:
        if command == "start":
            return _welcome(replace(state, opted_out=False), content, Kind.COMMAND, say["started"], (Count.OPTIN,))
        if command == "exit":
            return State(opted_out=True), Reply(None, Kind.SILENT, forget=True)
        return state, Reply(None, Kind.SILENT)
    if command == "stop":
        return State(lang=state.lang, opted_out=True), Reply(say["stopped"], Kind.COMMAND, events=(Count.OPTOUT,))
    alarm = understanding.alarm(reading, state.lang or content.default)
    if alarm:  # answered in the language the alarm was raised in
        kind, lang = alarm
        return replace(state, lang=lang), Reply(content.languages[lang].strings[kind.value], Kind.DANGER,
                                                events=(Count.DANGER,), alarm=kind, transfer=content.connect.get(kind))
    if command == "connect":  # a call's key for a person: the hotline a plain cry for help is connected to
        return state, Reply(say["connecting"], Kind.COMMAND, transfer=content.connect.get(Alarm.HELP_NOW))
    if command == "help":
        return state, Reply(say["help"], Kind.COMMAND)
    if reading.media and not reading.words:  # a picture or a voice note alone: say so, keep the place
        return state, Reply(say["media"], Kind.MEDIA)
    if reading.switch:
        return _welcome(State(lang=reading.switch), content, Kind.COMMAND, events=(Count.LANGUAGE.of(reading.switch),))
    if command == "exit":
        return State(), Reply(say["quick_exit"], Kind.COMMAND, forget=True)
    if state.flow:  # "yes", "si" answer the question (YES is START's word too); "ok" or MORE ask it again
        answered = _flow_word(state, reading, content)
        if answered:
            return _answer_flow(state, answered, content)
        if command == "more" or reading.social:
            return _answer_flow(state, 0, content)
    if command in ("menu", "start"):
        return _welcome(state, content, Kind.COMMAND)
    if command == "back":
        return _back(state, content)
    if command == "more":
        return _more(state, content)
    if reading.number is not None:
        return _choose(state, reading.number, content)
    if reading.flow and reading.flow in content.flows:
        return _open_flow(state, reading.flow, content)
    if reading.social and state.menu:  # "hi", "thanks", "ok" in the middle of a conversation
        return _social(state, reading.social, content)
    if reading.place and reading.place_only:  # "help in billings", "59601", an answer to "where are you?"
        speakers = reading.place_languages
        if speakers and (state.lang or content.default) not in speakers:  # "estoy en missoula": in Spanish
            state = replace(state, lang=speakers[0])
        return _local_help(state, reading.place, content)
    asked = understanding.asked_language(reading, first_text=state.lang is None and not state.menu)
    if asked and asked[0] != (state.lang or content.default):  # "no hablo ingles", "hola" first: go on in it
        return _asked_language(replace(state, lang=asked[0]), reading, assets, bare=asked[1])
    return _free_text(state, reading, assets)


SOCIAL_REPLIES = {"greeting": "greeted", "thanks": "thanked", "ok": "noted"}


def _social(state: State, social: tuple[str, str], content):
    """A short friendly reply that says what to do next, the conversation kept; a greeting in another of
    the line's languages starts over in that language ("hola" in English), except an English one ("hi" in
    Spanish): as with STOP and HELP, the default language's words are everyone's."""
    kind, code = social
    if kind == "greeting" and code not in (state.lang or content.default, content.default):
        return _welcome(State(lang=code), content, Kind.WELCOME, events=(Count.LANGUAGE.of(code),))
    return state, Reply(_language(state, content).strings[SOCIAL_REPLIES[kind]], Kind.COMMAND)


def _asked_language(state: State, reading, assets: Assets, bare: bool):
    """A text that asks for the language of state: the welcome there, or, when it asks something more,
    its question answered there (the welcome when it is not understood)."""
    if not bare:
        chosen, verdict = assets.understanding.question(reading, state.lang)
        if chosen == state.lang and verdict.kind != "unknown":
            new, reply = _answer_question(state, verdict, assets.content)
            return new, replace(reply, events=reply.events + (Count.LANGUAGE.of(state.lang),))
    return _welcome(State(lang=state.lang), assets.content, Kind.WELCOME, events=(Count.LANGUAGE.of(state.lang),))


def _welcome(state: State, content, kind: Kind, prefix: str | None = None, events=()):
    """The main menu, which is the welcome; prefix is a short notice put before the menu's own lines."""
    state = replace(state, menu=("main",), topic=None, page=0, choices=(), flow=None, node=None)
    text = _language(state, content).menus["main"]
    return state, Reply(f"{prefix}\n{text}" if prefix else text, kind, events=events, expects=Expect.DIGIT)


def _show_menu(state: State, path: tuple[str, ...], content, kind: Kind = Kind.MENU):
    if path[-1] == "main":
        return _welcome(state, content, kind)
    state = replace(state, menu=path, topic=None, page=0, choices=(), flow=None, node=None)
    return state, Reply(_language(state, content).menus[path[-1]], kind, expects=Expect.DIGIT)


def _back(state: State, content):
    if state.topic or state.choices or state.flow:
        return _show_menu(state, state.menu or ("main",), content, Kind.COMMAND)
    return _show_menu(state, state.menu[:-1] or ("main",), content, Kind.COMMAND)


def _more(state: State, content):
    lang = _language(state, content)
    topic = lang.topics.get(state.topic) if state.topic else None
    if topic is None:  # no topic open: show where the texter is (the welcome in a new conversation)
        return _show_menu(state, state.menu or ("main",), content, Kind.COMMAND)
    if state.page + 1 >= len(topic.pages):
        return state, Reply(lang.strings["no_more"], Kind.COMMAND)
    page = state.page + 1
    return replace(state, page=page), Reply(topic.pages[page], Kind.TOPIC, topic=topic.id)


def _choose(state: State, n: int, content):
    if state.flow:
        return _answer_flow(state, n, content)
    if state.choices:
        if 1 <= n <= len(state.choices):
            return _open_topic(state, state.choices[n - 1], content)
        return _not_there(n, *_clarify(state, state.choices, content), content)
    path = state.menu or ("main",)
    entries = content.menus[path[-1]]
    if not 1 <= n <= len(entries):
        new, reply = _show_menu(state, path, content, Kind.UNKNOWN)
        return _not_there(n, new, replace(reply, events=(Count.UNMATCHED,)), content)
    entry = entries[n - 1]
    if entry.kind == "menu":
        return _show_menu(state, path + (entry.target,), content)
    if entry.kind == "flow":
        return _open_flow(replace(state, menu=path), entry.target, content)
    return _open_topic(replace(state, menu=path), entry.target, content)


def _open_flow(state: State, flow_id: str, content):
    """A flow's first question; the state holds only the flow and the node."""
    flow = content.flows[flow_id]
    state = replace(state, menu=state.menu or ("main",), topic=None, page=0, choices=(), flow=flow_id, node=flow.start)
    return state, Reply(_language(state, content).flows[flow_id][flow.start], Kind.FLOW, expects=Expect.DIGIT,
                        events=(Count.FLOW_STARTED.of(flow_id),))


def _flow_word(state: State, reading, content) -> int | None:
    """The number of the answer a whole text gives to the flow's question ("yes" -> 1), if it gives one:
    the conversation's language's words first, then any language's ("si" in English)."""
    node = content.flows[state.flow].nodes.get(state.node)
    languages = content.content.languages
    ordered = [languages[state.lang or content.default], *languages.values()]
    key = next((lang.flows[state.flow].words[reading.folded] for lang in ordered
                if reading.folded in lang.flows[state.flow].words), None)
    return next((n for n, (answer, _) in enumerate(node.answers, 1) if answer == key), None) if node and key else None


def _answer_flow(state: State, n: int, content):
    """The node answer n of the flow's question leads to: the next question, or a result (the flow ends,
    counted by result, never by answer); a number not offered gets the question again."""
    flow = content.flows[state.flow]
    node = flow.nodes.get(state.node)
    texts = _language(state, content).flows[state.flow]
    if node is None:  # content changed under the conversation: start the flow again
        return _open_flow(state, state.flow, content)
    if not 1 <= n <= len(node.answers):  # n 0: the question again, as it was
        again = Reply(texts[node.id], Kind.FLOW, expects=Expect.DIGIT)
        return (state, again) if n == 0 else _not_there(n, state, again, content)
    target = flow.nodes[node.answers[n - 1][1]]
    if target.answers:
        return replace(state, node=target.id), Reply(texts[target.id], Kind.FLOW, expects=Expect.DIGIT)
    events = (Count.FLOW_FINISHED.of(flow.id), Count.FLOW_RESULT.of(f"{flow.id}/{target.id}"))
    return replace(state, flow=None, node=None), Reply(texts[target.id], Kind.FLOW, events=events)


def _not_there(n: int, state: State, reply: Reply, content):
    """reply (the choices again) saying first that n is not among them, when that costs no extra segment."""
    said = f"{_language(state, content).strings['no_choice'].format(number=n)}\n{reply.text}"
    free = content.cost(said) == content.cost(reply.text)
    return state, replace(reply, text=said if free else reply.text)


def _open_topic(state: State, topic_id: str, content, score: float | None = None):
    if topic_id in content.connects:  # on a call, "talk to a person" is a person
        return state, Reply(_language(state, content).strings["connecting"], Kind.COMMAND, topic=topic_id,
                            transfer=content.connect.get(Alarm.HELP_NOW), events=(Count.TOPIC.of(topic_id),))
    topic = _language(state, content).topics[topic_id]
    state = replace(state, menu=state.menu or ("main",), topic=topic_id, page=0, choices=(), flow=None, node=None)
    return state, Reply(topic.pages[0], Kind.TOPIC, topic=topic_id, score=score, events=(Count.TOPIC.of(topic_id),))


def _clarify(state: State, choices: tuple[str, ...], content, score: float | None = None):
    say = _language(state, content).strings
    topics = _language(state, content).topics
    choice = say.get("choice", "{number} {title}")  # a call says "For ..., press 1"
    lines = [say["clarify"], *(choice.format(number=n, title=topics[t].title) for n, t in enumerate(choices, 1)),
             say["clarify_footer"]]
    state = replace(state, menu=state.menu or ("main",), topic=None, page=0, choices=choices, flow=None, node=None)
    return state, Reply("\n".join(lines), Kind.CLARIFY, topic=choices[0], score=score, expects=Expect.DIGIT)


def _free_text(state: State, reading, assets: Assets):
    """A question: answered in the first language to give a confident topic, or the first language tried.

    A text clearly in another of the line's languages switches to it for the rest of the conversation,
    and the reply says, in one line, how to switch back.
    """
    content = assets.content
    current = state.lang or content.default
    chosen, verdict = assets.understanding.question(reading, current)
    if chosen == current:
        return _answer_question(state, verdict, content, reading.place)
    new, reply = _answer_question(replace(state, lang=chosen), verdict, content, reading.place)
    with_note = f"{reply.text}\n{content.languages[chosen].strings['detected'].format(code=current.upper())}"
    return new, replace(reply, events=reply.events + (Count.LANGUAGE.of(chosen),),
                        text=with_note if content.fits(with_note) else reply.text)


def _local_help(state: State, place, content):
    """The help near a place the texter named, kept in the state (deleted with it; never counted by place)."""
    text = _language(state, content).places[place.area].replace("{place}", place.name)
    state = replace(state, menu=state.menu or ("main",), topic=None, page=0, choices=(), flow=None, node=None,
                    place=place.name)
    stands_for = content.places.topic
    return state, Reply(text, Kind.PLACE, topic=stands_for,
                        events=(Count.PLACE, *((Count.TOPIC.of(stands_for),) if stands_for else ())))


def _answer_question(state: State, verdict, content, place=None):
    best = verdict.ranked[0] if verdict.ranked else None
    score = round(best.score, 3) if best else None
    if place and verdict.kind != "unknown" and best.topic in content.places.topics:  # "a shelter near missoula"
        return _local_help(state, place, content)
    if verdict.kind == "topic":
        return _open_topic(state, best.topic, content, score)
    if verdict.kind == "clarify":
        return _clarify(state, tuple(r.topic for r in verdict.ranked), content, score)
    if not state.menu:  # the first text of a conversation: greet rather than apologise
        new, reply = _welcome(state, content, Kind.WELCOME)
        return new, replace(reply, score=score, events=(Count.UNMATCHED,))
    return state, Reply(_language(state, content).strings["unknown"], Kind.UNKNOWN, score=score, events=(Count.UNMATCHED,))
