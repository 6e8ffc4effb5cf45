"""Choosing a language: switch words, a language that sticks, short texts that never flip it, a first
question in another language, and a command word only one language has.
"""

from __future__ import annotations

import pytest
from multilingual import LANGS, NOW, QUESTIONS, SHORT, SWITCH_WORDS, places, run, switch_words, variants

from helpers import one_message, text_step, topic_paths, twilio_form
from sms.channels.sms import segments
from sms.conversation import State
from sms.text import fold

# -- choosing a language -------------------------------------------------------------------------------


def test_each_welcome_offers_the_other_languages_or_english(content):
    for code, lang in content.languages.items():
        offered = {content.content.switches.get(fold(word)) for word in lang.menus["main"].split()}
        wanted = set(content.languages) - {code} if code == content.default else {content.default}
        assert wanted <= offered, (code, lang.menus["main"])


@pytest.mark.parametrize("code", LANGS)
def test_switch_words_switch_from_anywhere(assets, content, code):
    lang = content.languages[code]
    words = list(dict.fromkeys(SWITCH_WORDS[code] + [v for w in switch_words(code) for v in variants(w)]))
    for word in words:
        assert assets.understanding.read(word).switch == code, word
    for origin in ("en", *(c for c in LANGS if c != code)):
        for where, state in places(assets, origin).items():
            for word in words:
                new, reply = text_step(state, word, assets, NOW + 60)
                assert reply.text == lang.menus["main"], (origin, where, word)
                assert new.lang == code and new.menu == ("main",) and new.topic is None, (origin, where, word)
                assert f"lang:{code}" in reply.events


@pytest.mark.parametrize("code", LANGS)
def test_a_chosen_language_sticks_for_the_session_and_the_next(assets, content, code):
    lang = content.languages[code]
    numbers, menu = topic_paths(content)["rights"]
    state, replies = run(assets, ["hi", SWITCH_WORDS[code][1], *numbers, "hi"])
    assert replies[1].text == lang.menus["main"]
    assert [r.text for r in replies[-3:]] == [lang.menus[menu], lang.topics["rights"].pages[0], lang.strings["greeted"]]
    assert state.lang == code
    for minutes in (31, 60 * 24 * 3):  # the session expired: the welcome, in the chosen language
        new, reply = text_step(state, "hi", assets, NOW + 600 + minutes * 60)
        assert reply.text == lang.menus["main"], minutes
        assert new.lang == code
    new, reply = text_step(state, "1", assets, NOW + 600 + 31 * 60)  # a number after expiry: main menu's entry
    assert reply.text == lang.menus[content.menus["main"][0].target]


@pytest.mark.parametrize("code", [None, "en", *LANGS])
@pytest.mark.parametrize("text", SHORT)
def test_short_ambiguous_texts_never_flip_the_language(assets, content, code, text):
    lang = content.languages[code or content.default]
    for state in (State(lang=code), State(lang=code, menu=("main",), seen=NOW)):
        new, reply = text_step(state, text, assets, NOW + 60)
        assert new.lang == code, (code, text)
        assert not any(e.startswith("lang:") for e in reply.events)
        assert reply.kind != "topic", (code, text, reply.topic)  # no confident answer to a bare word
        if assets.understanding.read(text).command == "menu":
            assert reply.text == lang.menus["main"]


@pytest.mark.parametrize("code", LANGS)
def test_a_first_question_in_another_language_is_answered_in_it(assets, content, code):
    lang = content.languages[code]
    for question, topic_id in QUESTIONS[code].items():
        new, reply = text_step(State(), question, assets, NOW)
        assert (reply.kind, reply.topic) == ("topic", topic_id), question
        assert reply.text == f"{lang.topics[topic_id].pages[0]}\n{lang.strings['detected'].format(code='EN')}", question
        assert segments.fits(reply.text, content.budget)
        assert new.lang == code and f"lang:{code}" in reply.events
        # the conversation goes on in that language
        _, again = text_step(new, "hi", assets, NOW + 31 * 60)
        assert again.text == lang.menus["main"]


def test_a_first_question_in_the_webhook_is_answered_in_its_language(client, content):
    for i, code in enumerate(LANGS):
        lang = content.languages[code]
        number = f"+1406555019{i}"
        question, topic_id = next(iter(QUESTIONS[code].items()))
        text = one_message(client.post("/sms", data=twilio_form(question, number=number)))
        assert text == f"{lang.topics[topic_id].pages[0]}\n{lang.strings['detected'].format(code='EN')}"
        assert one_message(client.post("/sms", data=twilio_form("0", number=number))) == lang.menus["main"]


def test_a_command_word_of_one_other_language_answers_in_it(assets, content):
    es = content.languages["es"]
    en = content.languages["en"]
    state, _ = text_step(State(), "hi", assets, NOW)
    state, reply = text_step(state, "AYUDA", assets, NOW + 1)
    assert reply.text == es.strings["help"] and state.lang == "es"
    state, reply = text_step(state, "MENU", assets, NOW + 2)  # shared by several languages: stays
    assert reply.text == es.menus["main"]
    state, reply = text_step(state, "STOP", assets, NOW + 3)  # the carriers' words never switch away
    assert reply.text == es.strings["stopped"] and state.lang == "es"
    state, reply = text_step(state, "START", assets, NOW + 4)
    assert reply.text.startswith(es.strings["started"]) and state.lang == "es"
    assert en.strings["help"] != es.strings["help"]
