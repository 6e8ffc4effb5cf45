"""The conversation: step(state, text, assets, now) -> (state, reply). Pure: no I/O, no clock, no web.

Checks run in the order of DESIGN.md: opt-out words, alarms (danger now, self-harm, a plain cry for
help), HELP, language switch, quick exit, MENU, BACK, MORE, a numbered choice, a text that asks for a
language, then free text (answer, ask, or admit). A session that has been silent longer than the session
timeout starts again at the welcome, in the language last chosen.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..alarms import Alarm
from ..channels.sms import segments

SESSION_MINUTES = 30


@dataclass(frozen=True)
class State:
    """What the line remembers about one number between texts.

    menu is the path of menus the texter went down (empty: no conversation yet); topic and page the
    page being read; choices the topics of an open did-you-mean question; seen the time of the last text.
    """

    lang: str | None = None
    menu: tuple[str, ...] = ()
    topic: str | None = None
    page: int = 0
    choices: tuple[str, ...] = ()
    seen: float | None = None
    opted_out: bool = False

    def to_dict(self) -> dict:
        """A JSON-ready copy."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: dict | None) -> "State":
        """A State from to_dict()'s output; unknown keys are ignored, missing ones take defaults."""
        data = data or {}
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        for key in ("menu", "choices"):
            if key in known:
                known[key] = tuple(known[key])
        return cls(**known)


@dataclass(frozen=True)
class Assets:
    """What the engine reads: the content (what to say) and the understanding built from it (how to read)."""

    content: object
    understanding: object


@dataclass(frozen=True)
class Reply:
    """What to send (text None: send nothing) and what happened, for counters and the match command.

    kind: welcome, menu, topic, clarify, unknown, danger, command or silent; alarm: which alarm a danger
    reply answers. forget: the store must delete everything it holds about the number (quick exit).
    events: names of counters to add one to.
    """

    text: str | None
    kind: str
    topic: str | None = None
    score: float | None = None
    forget: bool = False
    events: tuple[str, ...] = field(default=())
    alarm: Alarm | None = None


def step(state: State, text: str, assets: Assets, now: float, session_minutes: float = SESSION_MINUTES):
    """Answer one incoming text: the new state and the reply."""
    reading = assets.understanding.read(text)
    if state.seen is None or now - state.seen > session_minutes * 60:
        state = State(lang=state.lang, opted_out=state.opted_out)
    if reading.command:
        state = replace(state, lang=_command_language(state, reading.folded, assets.content))
    new, reply = _answer(state, reading, assets)
    return replace(new, seen=now), reply


def _command_language(state: State, word: str, content) -> str | None:
    """The language of a command word only one other language has (AYUDA, PARAR): its reply comes in that
    language, and the conversation goes on in it. Shared words (MENU) and the default language's words
    (STOP, START, HELP: the carriers' words, which everyone uses) keep the conversation's language."""
    owners = [code for code, language in content.languages.items() if word in language.command_words]
    return owners[0] if len(owners) == 1 and owners[0] != content.default else state.lang


def _language(state: State, content):
    return content.languages.get(state.lang) or content.languages[content.default]


def _answer(state: State, reading, assets: Assets) -> tuple[State, Reply]:
    content, understanding = assets.content, assets.understanding
    command = reading.command
    say = _language(state, content).strings
    if state.opted_out:
        if command == "start":
            return _welcome(replace(state, opted_out=False), content, "command", say["started"], ("optin",))
        if command == "exit":
            return State(opted_out=True), Reply(None, "silent", forget=True)
        return state, Reply(None, "silent")
    if command == "stop":
        return State(lang=state.lang, opted_out=True), Reply(say["stopped"], "command", events=("optout",))
    alarm = understanding.alarm(reading, state.lang or content.default)
    if alarm:  # answered in the language the alarm was raised in
        kind, lang = alarm
        return replace(state, lang=lang), Reply(content.languages[lang].strings[kind.value], "danger",
                                                events=("danger",), alarm=kind)
    if command == "help":
        return state, Reply(say["help"], "command")
    if reading.switch:
        return _welcome(State(lang=reading.switch), content, "command", events=(f"lang:{reading.switch}",))
    if command == "exit":
        return State(), Reply(say["quick_exit"], "command", forget=True)
    if command in ("menu", "start"):
        return _welcome(state, content, "command")
    if command == "back":
        return _back(state, content)
    if command == "more":
        return _more(state, content)
    if reading.number is not None:
        return _choose(state, reading.number, content)
    asked = understanding.asked_language(reading, first_text=state.lang is None and not state.menu)
    if asked and asked[0] != (state.lang or content.default):  # "no hablo ingles", "hola" first: go on in it
        return _asked_language(replace(state, lang=asked[0]), reading, assets, bare=asked[1])
    return _free_text(state, reading, assets)


def _asked_language(state: State, reading, assets: Assets, bare: bool):
    """A text that asks for the language of state: the welcome there, or, when it asks something more,
    its question answered there (the welcome when it is not understood)."""
    if not bare:
        chosen, verdict = assets.understanding.question(reading, state.lang)
        if chosen == state.lang and verdict.kind != "unknown":
            new, reply = _answer_question(state, verdict, assets.content)
            return new, replace(reply, events=reply.events + (f"lang:{state.lang}",))
    return _welcome(State(lang=state.lang), assets.content, "welcome", events=(f"lang:{state.lang}",))


def _welcome(state: State, content, kind: str, prefix: str | None = None, events=()):
    """The main menu, which is the welcome; prefix is a short notice put before the menu's own lines."""
    state = replace(state, menu=("main",), topic=None, page=0, choices=())
    text = _language(state, content).menus["main"]
    return state, Reply(f"{prefix}\n{text}" if prefix else text, kind, events=events)


def _show_menu(state: State, path: tuple[str, ...], content, kind: str = "menu"):
    if path[-1] == "main":
        return _welcome(state, content, kind)
    state = replace(state, menu=path, topic=None, page=0, choices=())
    return state, Reply(_language(state, content).menus[path[-1]], kind)


def _back(state: State, content):
    if state.topic or state.choices:
        return _show_menu(state, state.menu or ("main",), content, "command")
    return _show_menu(state, state.menu[:-1] or ("main",), content, "command")


def _more(state: State, content):
    lang = _language(state, content)
    topic = lang.topics.get(state.topic) if state.topic else None
    if topic is None:  # no topic open: show where the texter is (the welcome in a new conversation)
        return _show_menu(state, state.menu or ("main",), content, "command")
    if state.page + 1 >= len(topic.pages):
        return state, Reply(lang.strings["no_more"], "command")
    page = state.page + 1
    return replace(state, page=page), Reply(topic.pages[page], "topic", topic=topic.id)


def _choose(state: State, n: int, content):
    if state.choices:
        if 1 <= n <= len(state.choices):
            return _open_topic(state, state.choices[n - 1], content)
        return _not_there(n, *_clarify(state, state.choices, content), content)
    path = state.menu or ("main",)
    entries = content.menus[path[-1]]
    if not 1 <= n <= len(entries):
        new, reply = _show_menu(state, path, content, "unknown")
        return _not_there(n, new, replace(reply, events=("unmatched",)), content)
    entry = entries[n - 1]
    if entry.kind == "menu":
        return _show_menu(state, path + (entry.target,), content)
    return _open_topic(replace(state, menu=path), entry.target, content)


def _not_there(n: int, state: State, reply: Reply, content):
    """reply (the choices again) saying first that n is not among them, when that costs no extra segment."""
    said = f"{_language(state, content).strings['no_choice'].format(number=n)}\n{reply.text}"
    free = segments.segments(said) == segments.segments(reply.text)
    return state, replace(reply, text=said if free else reply.text)


def _open_topic(state: State, topic_id: str, content, score: float | None = None):
    topic = _language(state, content).topics[topic_id]
    state = replace(state, menu=state.menu or ("main",), topic=topic_id, page=0, choices=())
    return state, Reply(topic.pages[0], "topic", topic=topic_id, score=score, events=(f"topic:{topic_id}",))


def _clarify(state: State, choices: tuple[str, ...], content, score: float | None = None):
    say = _language(state, content).strings
    topics = _language(state, content).topics
    lines = [say["clarify"], *(f"{n} {topics[t].title}" for n, t in enumerate(choices, 1)), say["clarify_footer"]]
    state = replace(state, menu=state.menu or ("main",), topic=None, page=0, choices=choices)
    return state, Reply("\n".join(lines), "clarify", topic=choices[0], score=score)


def _free_text(state: State, reading, assets: Assets):
    """A question: answered in the first language to give a confident topic, or the first language tried.

    A text clearly in another of the line's languages switches to it for the rest of the conversation,
    and the reply says, in one line, how to switch back.
    """
    content = assets.content
    current = state.lang or content.default
    chosen, verdict = assets.understanding.question(reading, current)
    if chosen == current:
        return _answer_question(state, verdict, content)
    new, reply = _answer_question(replace(state, lang=chosen), verdict, content)
    with_note = f"{reply.text}\n{content.languages[chosen].strings['detected'].format(code=current.upper())}"
    return new, replace(reply, events=reply.events + (f"lang:{chosen}",),
                        text=with_note if segments.fits(with_note, content.budget) else reply.text)


def _answer_question(state: State, verdict, content):
    best = verdict.ranked[0] if verdict.ranked else None
    score = round(best.score, 3) if best else None
    if verdict.kind == "topic":
        return _open_topic(state, best.topic, content, score)
    if verdict.kind == "clarify":
        return _clarify(state, tuple(r.topic for r in verdict.ranked), content, score)
    if not state.menu:  # the first text of a conversation: greet rather than apologise
        new, reply = _welcome(state, content, "welcome")
        return new, replace(reply, score=score, events=("unmatched",))
    return state, Reply(_language(state, content).strings["unknown"], "unknown", score=score, events=("unmatched",))
