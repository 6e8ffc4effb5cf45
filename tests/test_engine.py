"""The conversation engine, driven directly with the real content: expected texts come from the content."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from types import MappingProxyType

import pytest

from helpers import UNLIMITED, text_step, topic_paths
from sms import conversation
from sms.alarms import Alarm
from sms.channels.sms import segments
from sms.conversation import State
from sms.understanding import Understanding

NOW = 1_800_000_000.0
HOTLINE = "1-888-373-7888"
OPT_OUT = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"]
OPT_IN = ["START", "UNSTOP", "YES"]
DANGER = [
    "they wont let me leve the ranch",
    "im traped, boss took my phone",
    "my boss locked us in the trailer",
    "he has a gun and says hes gonna kill me",
    "plese send help",
    "help me now pls",
    "the man beats me when I ask for pay",
    "they are takin us somewhere, i dont know where we are",
    "they are holdin me agianst my will",
    "Im scared for my life",
]
QUESTIONS = {  # clear questions and the topic that answers them
    "how do I report trafficking": "report",
    "what are the signs of trafficking": "red-flags",
    "my boss took my pasport": "am-i-trafficked",
    "what are my rights": "rights",
}


def run(assets, texts, state=None, now=NOW, gap=10.0, **kwargs):
    """Send texts one after another (gap seconds apart); the final state and every reply."""
    state = state or State()
    replies = []
    for i, text in enumerate(texts):
        state, reply = text_step(state, text, assets, now + i * gap, **kwargs)
        replies.append(reply)
    return state, replies


@pytest.fixture
def in_topic(assets, content, en):
    """A state on page 1 of a topic with several pages."""
    topic_id = max(en.topics, key=lambda t: len(en.topics[t].pages))
    if len(en.topics[topic_id].pages) < 3:
        pytest.skip("no topic has 3 pages")
    numbers, menu = topic_paths(content)[topic_id]
    state, replies = run(assets, ["hi", *numbers])
    assert replies[-1].topic == topic_id
    return state, topic_id, menu


def clarify_state(assets):
    """A state with an open did-you-mean question, and its reply."""
    for text in ("my boss", "papers", "montana", "workers", "farm work", "police", "laws"):
        state, (_, reply) = run(assets, ["hi", text])
        if reply.kind == "clarify":
            return state, reply
    pytest.fail("none of the candidate texts gets a did-you-mean question: matching changed, update the list")


# -- welcome and menus --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["hi", "Hello", "hey there", "", "  ", "?"])
def test_first_text_gets_the_welcome(assets, content, en, text):
    state, reply = text_step(State(), text, assets, NOW)
    assert reply.text == en.menus["main"]
    assert "911" in reply.text and HOTLINE in reply.text
    assert state.menu == ("main",)
    assert state.seen == NOW


def test_numbers_open_every_menu_entry(assets, content, en):
    opened = set()
    paths = [[]]  # numbers texted after the welcome to reach each menu
    while paths:
        path = paths.pop()
        assert len(path) <= 4, f"menus nest too deep, or in a circle: {path}"
        state, replies = run(assets, ["hi", *path])
        menu = _entry(content, path).target if path else "main"
        assert replies[-1].text == en.menus[menu]
        for n, entry in enumerate(content.menus[menu], 1):
            new, reply = text_step(state, f"{n}", assets, NOW + 999)
            if entry.kind == "menu":
                assert reply.text == en.menus[entry.target]
                assert reply.kind == "menu"
                assert new.menu[-1] == entry.target
                paths.append(path + [str(n)])
            elif entry.kind == "flow":
                assert (reply.kind, new.flow) == ("flow", entry.target)
                assert reply.text == en.flows[entry.target][content.flows[entry.target].start]
            else:
                assert reply.kind == "topic"
                assert reply.topic == entry.target
                assert reply.text == en.topics[entry.target].pages[0]
                assert new.topic == entry.target and new.page == 0
                opened.add(entry.target)
    assert opened == set(en.topics)  # every topic can be reached by numbers


def _entry(content, path):
    menu = "main"
    for number in path:
        entry = content.menus[menu][int(number) - 1]
        menu = entry.target
    return entry


@pytest.mark.parametrize("text", ["2.", " 2 ", "2)", "٢", "۲", "２", "2️⃣", "2\u20e3", "२"])
def test_number_with_noise_is_a_choice(assets, content, en, text):
    _, (_, reply) = run(assets, ["hi", text])
    entry = content.menus["main"][1]
    expected = en.menus[entry.target] if entry.kind == "menu" else en.topics[entry.target].pages[0]
    assert reply.text == expected


def test_number_outside_the_menu_shows_the_menu_again(assets, content, en):
    too_big = str(len(content.menus["main"]) + 1)
    state, (_, reply) = run(assets, ["hi", too_big])
    assert reply.kind == "unknown"
    said = f"{en.strings['no_choice'].format(number=too_big)}\n{en.menus['main']}"
    free = segments.segments(said) == segments.segments(en.menus["main"])  # said only when it costs nothing
    assert reply.text == (said if free else en.menus["main"])
    assert state.menu == ("main",)


def test_more_pages_through_every_topic_to_its_contacts_then_no_more(assets, content, en):
    paths = topic_paths(content)
    for topic_id, topic in en.topics.items():
        state, replies = run(assets, ["hi", *paths[topic_id][0]])
        reply = replies[-1]
        assert reply.text == topic.pages[0]
        pages = [reply.text]
        for _ in range(len(topic.pages) - 1):
            state, reply = text_step(state, "MORE", assets, NOW + 100)
            assert reply.kind == "topic" and reply.topic == topic_id
            pages.append(reply.text)
        assert pages == list(topic.pages)
        assert en.strings["contacts_intro"] in pages[-1]
        assert all(en.strings["contacts_intro"] not in p for p in pages[:-1])
        state, reply = text_step(state, "MORE", assets, NOW + 100)
        assert reply.text == en.strings["no_more"]
        state, reply = text_step(state, "more", assets, NOW + 100)
        assert reply.text == en.strings["no_more"]


def test_more_through_a_topic_reached_by_numbers(assets, content, en, in_topic):
    state, topic_id, _ = in_topic
    pages = en.topics[topic_id].pages
    _, replies = run(assets, ["MORE", "more.", " Next ", "CONTINUE", "More!"][:len(pages) - 1], state=state)
    assert [r.text for r in replies] == list(pages[1:])


def test_more_outside_a_topic_shows_the_menu_the_texter_is_in(assets, content, en):
    _, (_, at_main, _, in_sub) = run(assets, ["hi", "MORE", "1", "MORE"])
    assert at_main.text == en.menus["main"]
    first = content.menus["main"][0]
    assert in_sub.text == en.menus[first.target]


def test_back_goes_up_one_level(assets, content, en, in_topic):
    state, _, menu = in_topic
    path = state.menu
    assert path[-1] == menu and len(path) >= 2
    state, replies = run(assets, ["BACK", "back", "Back.", "BACK", "BACK"], state=state, limits=UNLIMITED)
    upward = [en.menus[m] for m in reversed(path)]  # the topic's menu, each menu above it, then main again
    assert [r.text for r in replies] == (upward + [en.menus["main"]] * 5)[:5]
    assert state.menu == ("main",) and state.topic is None


@pytest.mark.parametrize("text", ["MENU", "menu.", " Menu ", "MENU!", "Menú", "mEnU", "0", "main menu"])
def test_menu_commands_go_to_the_top_from_anywhere(assets, content, en, in_topic, text):
    state, _, _ = in_topic
    new, reply = text_step(state, text, assets, NOW + 60)
    assert reply.text == en.menus["main"]
    assert new.menu == ("main",) and new.topic is None
    # and from a sub-menu
    _, (_, _, reply) = run(assets, ["hi", "1", text])
    assert reply.text == en.menus["main"]


# -- danger -----------------------------------------------------------------------------------------------


def _states(assets):
    """Somewhere in every part of a conversation."""
    numbers, _ = next(iter(topic_paths(assets.content).values()))
    yield "new", State()
    yield "welcome", run(assets, ["hi"])[0]
    yield "sub-menu", run(assets, ["hi", "1"])[0]
    yield "topic", run(assets, ["hi", *numbers])[0]
    yield "topic page 2", run(assets, ["hi", *numbers, "MORE"])[0]
    yield "did-you-mean", clarify_state(assets)[0]
    yield "expired", dataclasses.replace(run(assets, ["hi", "1"])[0], seen=NOW - 86400)


@pytest.mark.parametrize("text", DANGER)
def test_danger_gets_911_and_the_hotline_wherever_the_texter_is(assets, content, en, text):
    for where, state in _states(assets):
        _, reply = text_step(state, text, assets, NOW + 60)
        assert reply.kind == "danger", where
        assert reply.text == en.strings["danger"]
        assert "911" in reply.text and HOTLINE in reply.text and "233733" in reply.text
        assert reply.text.index("911") < reply.text.index(HOTLINE)  # 911 first
        assert "danger" in reply.events


@pytest.mark.parametrize("text", ["what are the signs of trafficking", "how can I help as a community member",
                                  "which industries", "how do I report trafficking", "what are my rights"])
def test_ordinary_questions_are_not_danger(assets, content, text):
    _, (_, reply) = run(assets, ["hi", text])
    assert reply.kind != "danger"


def _with_danger(content, *phrases):
    """The real content, with command words added to the English danger phrases, read on phrases alone."""
    authored = content.content
    en = authored.languages["en"]
    danger = en.alarms[Alarm.DANGER] + tuple(tuple(p.split()) for p in phrases)
    lang = dataclasses.replace(en, alarms=MappingProxyType({**en.alarms, Alarm.DANGER: danger}))
    edited = dataclasses.replace(authored, languages=MappingProxyType({**authored.languages, "en": lang}))
    return conversation.Assets(content, Understanding(edited))


def test_danger_is_checked_before_help_and_menu_but_after_opt_out(content, en):
    risky = _with_danger(content, "help", "menu", "more", "stop", "clear")
    for word in ("HELP", "MENU", "MORE", "CLEAR"):
        _, (_, reply) = run(risky, ["hi", word])
        assert reply.kind == "danger", word
    state, (_, reply) = run(risky, ["hi", "STOP"])
    assert reply.kind == "command" and reply.text == en.strings["stopped"]
    assert state.opted_out


def test_opted_out_number_gets_nothing_even_for_danger(assets, content):
    state, replies = run(assets, ["hi", "STOP", DANGER[0]])
    assert replies[-1].text is None
    assert state.opted_out


# -- HELP, opt-out, opt-in, quick exit --------------------------------------------------------------------


@pytest.mark.parametrize("text", ["HELP", "help", "Help!", "INFO", "info."])
def test_help_says_who_we_are_rates_and_how_to_stop(assets, content, en, text):
    state, (_, _, reply) = run(assets, ["hi", "1", text])
    assert reply.text == en.strings["help"]
    assert "Msg&data rates may apply" in reply.text
    assert "STOP" in reply.text
    assert HOTLINE in reply.text
    assert not state.opted_out


@pytest.mark.parametrize("word", OPT_OUT)
def test_every_opt_out_word_in_any_case_stops_the_line(assets, content, en, word):
    for variant in (word, word.lower(), word.title(), f" {word.lower()}. "):
        for prefix in ([], ["hi"], ["hi", "1"]):
            state, replies = run(assets, [*prefix, variant])
            assert state.opted_out, variant
            assert replies[-1].text == en.strings["stopped"]
            assert "optout" in replies[-1].events
            after, silent = run(assets, ["hi", "1", "MORE", "HELP", "MENU", "ENGLISH", word, "hola"], state=state,
                                now=NOW + 100)
            assert [r.text for r in silent] == [None] * len(silent), variant
            assert after.opted_out


@pytest.mark.parametrize("word", OPT_IN)
def test_opt_in_words_start_the_line_again(assets, content, en, word):
    for variant in (word, word.lower(), f"{word.title()}!"):
        state, _ = run(assets, ["hi", "STOP", "hi"])
        state, reply = text_step(state, variant, assets, NOW + 100)
        assert not state.opted_out
        assert reply.text is not None
        assert en.strings["started"] in reply.text
        assert en.menus["main"] in reply.text
        _, reply = text_step(state, "1", assets, NOW + 110)
        assert reply.text is not None


def test_opt_out_survives_session_expiry(assets, content):
    state, _ = run(assets, ["hi", "STOP"])
    state, reply = text_step(state, "hi", assets, NOW + 7 * 86400)
    assert reply.text is None and state.opted_out


@pytest.mark.parametrize("text", ["CLEAR", "clear", "Clear.", " CLEAR! "])
def test_quick_exit_forgets_everything_with_one_word(assets, content, en, in_topic, text):
    state, _, _ = in_topic
    new, reply = text_step(state, text, assets, NOW + 60)
    assert reply.forget
    assert reply.text == en.strings["quick_exit"]
    assert len(reply.text.split()) == 1
    assert dataclasses.replace(new, seen=None) == State()
    _, reply = text_step(new, "hi", assets, NOW + 70)  # and the line starts over
    assert reply.text == en.menus["main"]


# -- sessions -------------------------------------------------------------------------------------------


def test_session_continues_within_session_minutes(assets, content, en, in_topic):
    state, topic_id, _ = in_topic
    _, reply = text_step(state, "MORE", assets, state.seen + 5 * 60 - 1, session_minutes=5)
    assert reply.text == en.topics[topic_id].pages[1]


def test_session_expires_after_session_minutes(assets, content, en, in_topic):
    state, topic_id, _ = in_topic
    later = state.seen + 5 * 60 + 1
    new, reply = text_step(state, "hello", assets, later, session_minutes=5)
    assert reply.text == en.menus["main"]
    assert new.topic is None and new.menu == ("main",)
    _, reply = text_step(state, "1", assets, later, session_minutes=5)  # a number: the main menu's entry
    assert reply.text == en.menus[content.menus["main"][0].target]


@pytest.mark.parametrize("code, more", [("en", "MORE"), ("es", "MAS"), ("fr", "PLUS"), ("ar", "المزيد")])
def test_more_after_a_long_silence_reads_on_where_the_texter_was(assets, content, code, more):
    """A texter who had to hide the phone for hours sends MORE: the next page of the topic they were
    reading (its header says which topic, and which page), in their language."""
    topic = next(t for t in content.languages[code].topics.values() if len(t.pages) >= 3)
    state = State(lang=code, menu=("main", "gethelp"), topic=topic.id, page=0, seen=NOW)
    for hours in (1, 24 * 6):
        new, reply = text_step(state, more, assets, NOW + hours * 3600)
        assert reply.text == topic.pages[1] and (new.topic, new.page, new.lang) == (topic.id, 1, code)
    _, reply = text_step(replace(state, page=len(topic.pages) - 1), more, assets, NOW + 3600)
    assert reply.text == content.languages[code].strings["no_more"]
    _, reply = text_step(State(lang=code, seen=NOW), more, assets, NOW + 3600)  # nothing was open: the welcome
    assert reply.text == content.languages[code].menus["main"]


def test_default_session_is_30_minutes(assets, content, en, in_topic):
    state, topic_id, _ = in_topic
    _, reply = text_step(state, "MORE", assets, state.seen + 29 * 60)
    assert reply.text == en.topics[topic_id].pages[1]
    _, reply = text_step(state, "hello", assets, state.seen + 31 * 60)
    assert reply.text == en.menus["main"]


def test_expiry_keeps_the_chosen_language(assets, content):
    others = [code for code in content.languages if code != content.default]
    code = others[0] if others else content.default  # another language when the content has one
    word = next(w for w, c in content.content.switches.items() if c == code)
    welcome = content.languages[code].menus["main"]
    state, (reply,) = run(assets, [word.upper()])
    assert state.lang == code
    assert reply.text.startswith(welcome)
    state, _ = run(assets, ["1"], state=state, now=NOW + 10)
    new, reply = text_step(state, "ok", assets, NOW + 3 * 3600)
    assert new.lang == code
    assert reply.text == welcome


# -- did you mean, free text ----------------------------------------------------------------------------


def test_did_you_mean_lists_choices_and_numbers_pick_among_them(assets, content, en):
    state, reply = clarify_state(assets)
    assert 2 <= len(state.choices) <= 9
    lines = reply.text.split("\n")
    assert lines[0] == en.strings["clarify"]
    assert lines[1:1 + len(state.choices)] == [f"{n} {en.topics[t].title}" for n, t in enumerate(state.choices, 1)]
    for n, topic_id in enumerate(state.choices, 1):
        new, picked = text_step(state, str(n), assets, NOW + 60)
        assert picked.topic == topic_id
        assert picked.text == en.topics[topic_id].pages[0]
        assert new.choices == ()
    missing = len(state.choices) + 1
    new, again = text_step(state, str(missing), assets, NOW + 60)
    assert again.kind == "clarify" and again.text in (reply.text, f"{en.strings['no_choice'].format(number=missing)}\n{reply.text}")
    assert new.choices == state.choices


def test_back_from_did_you_mean_shows_the_menu(assets, content, en):
    state, _ = clarify_state(assets)
    new, reply = text_step(state, "BACK", assets, NOW + 60)
    assert reply.text == en.menus[state.menu[-1]]
    assert new.choices == ()


@pytest.mark.parametrize("text, topic_id", QUESTIONS.items())
def test_clear_question_reaches_its_topic(assets, content, en, text, topic_id):
    for prefix in ([], ["hi"], ["hi", "1"]):
        state, replies = run(assets, [*prefix, text])
        assert replies[-1].kind == "topic", (prefix, replies[-1])
        assert replies[-1].topic == topic_id
        assert replies[-1].text == en.topics[topic_id].pages[0]
        assert replies[-1].score > 0
        assert f"topic:{topic_id}" in replies[-1].events
        _, more = text_step(state, "MORE", assets, NOW + 100)
        if len(en.topics[topic_id].pages) > 1:
            assert more.text == en.topics[topic_id].pages[1]


@pytest.mark.parametrize("text", ["xqzv blorf", "asdfgh qwerty", "kq", "???", "\U0001F600\U0001F600"])
def test_gibberish_is_admitted_with_a_way_forward(assets, content, en, text):
    _, (welcome, reply) = run(assets, ["hi", text])
    assert reply.kind == "unknown"
    assert reply.text == en.strings["unknown"]
    assert "MENU" in reply.text or HOTLINE in reply.text
    assert "unmatched" in reply.events
    first, = run(assets, [text])[1]
    assert first.text == en.menus["main"]  # a first text is greeted, not apologised to


def test_state_round_trips_through_a_dict(content, in_topic):
    state, _, _ = in_topic
    assert State.from_dict(state.to_dict()) == state
    assert State.from_dict({**state.to_dict(), "added_later": 1}) == state
    assert State.from_dict(None) == State()


def test_a_number_not_on_the_menu_says_so_when_that_costs_nothing_extra(assets, content, en):
    first = content.menus["main"][0]
    _, (_, _, in_sub) = run(assets, ["hi", "1", str(len(content.menus[first.target]) + 1)])
    note = en.strings["no_choice"].format(number=len(content.menus[first.target]) + 1)
    assert in_sub.text == f"{note}\n{en.menus[first.target]}" and in_sub.kind == "unknown"
    _, (_, at_main) = run(assets, ["hi", "9"])
    with_note = f"{en.strings['no_choice'].format(number=9)}\n{en.menus['main']}"
    expected = with_note if segments.segments(with_note) == segments.segments(en.menus["main"]) else en.menus["main"]
    assert at_main.text == expected


def test_an_alarm_reply_names_the_person_a_call_is_connected_to(assets, content):
    """content/referrals.yaml `connect`: every alarm to the hotline; never 911 or 988, which Twilio cannot
    dial and a caller is told to dial themselves."""
    connect = content.content.connect
    assert connect[Alarm.DANGER] == connect[Alarm.HELP_NOW] == connect[Alarm.SELF_HARM] == "nhth"
    for text, alarm in ((DANGER[0], Alarm.DANGER), ("i want to kill myself", Alarm.SELF_HARM)):
        _, reply = text_step(State(), text, assets, NOW)
        assert (reply.kind, reply.alarm, reply.transfer) == ("danger", alarm, connect[alarm])
        assert content.content.contacts[reply.transfer].phone in reply.text


def test_menus_and_questions_back_expect_a_digit_and_pages_any_text(assets):
    state, welcome = text_step(State(), "hi", assets, NOW)
    state, menu = text_step(state, "1", assets, NOW + 1)
    state, page = text_step(state, "1", assets, NOW + 2)
    _, asked = text_step(State(), "papers", assets, NOW)
    assert (welcome.expects, menu.expects, asked.expects) == ("digit",) * 3 and asked.kind == "clarify"
    assert page.expects == "text" and page.transfer is None


@pytest.mark.parametrize("code, text", [("en", "stop texting me"), ("en", "Dont text me!"), ("en", "pls dont text back"),
                                        ("es", "no me escriban"), ("fr", "Ne m'écrivez plus"), ("ar", "لا تراسلني")])
def test_a_plain_request_to_stop_is_a_stop(assets, content, code, text):
    state, reply = text_step(State(), "hi", assets, NOW)
    state, reply = text_step(state, text, assets, NOW + 10)
    assert state.opted_out and reply.events == ("optout",)
    assert reply.text == content.languages[code].strings["stopped"]


@pytest.mark.parametrize("code, text", [("en", "EXIT"), ("en", "clear pls"), ("en", "Delete this."), ("es", "borra todo"),
                                        ("es", "SALIR"), ("fr", "efface tout"), ("ar", "احذف المحادثة")])
def test_quick_exit_words_and_phrases_forget_the_number(assets, content, code, text):
    state, _ = text_step(State(), "hi", assets, NOW)
    new, reply = text_step(state, text, assets, NOW + 10)
    assert reply.forget and new == State(seen=NOW + 10)
    assert reply.text == content.languages[code].strings["quick_exit"]


@pytest.mark.parametrize("code, texts", [("en", ["hi", "thanks!", "ok", "no"]), ("es", ["hola", "gracias", "ok", "vale"]),
                                         ("fr", ["bonjour", "merci", "d'accord", "ok"]), ("ar", ["مرحبا", "شكرا", "تمام", "ok"])])
def test_manners_in_the_middle_of_a_conversation_get_a_short_reply_and_keep_the_place(assets, content, code, texts):
    lang = content.languages[code]
    topic = next(t for t in lang.topics.values() if len(t.pages) >= 3)
    state = State(lang=code, menu=("main", "gethelp"), topic=topic.id, page=0, seen=NOW)
    for text, key in zip(texts, ("greeted", "thanked", "noted", "noted"), strict=True):
        new, reply = text_step(state, text, assets, NOW + 60)
        assert (reply.text, reply.kind) == (lang.strings[key], "command"), text
        assert new.topic == topic.id and new.lang == code
        assert "MENU" in reply.text or "قائمة" in reply.text
    new, reply = text_step(new, lang_more(code), assets, NOW + 120)
    assert reply.text == topic.pages[1]  # still where they were


def lang_more(code):
    return {"en": "MORE", "es": "MAS", "fr": "PLUS", "ar": "المزيد"}[code]


def test_a_greeting_in_another_language_starts_over_in_it(assets, content):
    state, _ = text_step(State(), "hi", assets, NOW)
    state, _ = text_step(state, "1", assets, NOW + 10)
    new, reply = text_step(state, "hola", assets, NOW + 20)
    assert reply.text == content.languages["es"].menus["main"] and new.lang == "es"
    new, reply = text_step(new, "bonjour", assets, NOW + 30)
    assert reply.text == content.languages["fr"].menus["main"] and new.lang == "fr"
    new, reply = text_step(new, "hello", assets, NOW + 40)  # English greetings are everyone's: French stays
    assert reply.text == content.languages["fr"].strings["greeted"] and new.lang == "fr"
    _, first = text_step(State(), "thanks", assets, NOW)  # manners as a first text: the welcome
    assert first.text == content.languages["en"].menus["main"]
