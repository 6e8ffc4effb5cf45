"""Danger in each language gets 911 and the hotline in that language; ordinary questions do not; a speaker
of each language goes end to end through the webhook.
"""

from __future__ import annotations

import pytest
from multilingual import DANGER, HOTLINE, LANGS, NOW, ORDINARY, QUESTIONS, SWITCH_WORDS, command_words, places

from helpers import messages, one_message, text_step, topic_paths, twilio_form
from sms import line as line_module
from sms.alarms import Alarm
from sms.conversation import State

# -- danger -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", LANGS)
def test_danger_in_each_language_gets_911_and_the_hotline_in_that_language(assets, content, code):
    lang = content.languages[code]
    assert len(DANGER[code]) >= 5
    assert "911" in lang.strings["danger"] and HOTLINE in lang.strings["danger"]
    for text in DANGER[code]:
        assert assets.understanding.alarm(assets.understanding.read(text), "en") == (Alarm.DANGER, code), text
        for where, state in places(assets, code).items():
            new, reply = text_step(state, text, assets, NOW + 60)
            assert reply.kind == "danger", (text, where)
            assert reply.text == lang.strings["danger"], (text, where)
            assert new.lang == code and "danger" in reply.events


@pytest.mark.parametrize("code", LANGS)
def test_ordinary_questions_in_each_language_are_not_danger(assets, content, code):
    for text in [*QUESTIONS[code], *ORDINARY[code]]:
        assert assets.understanding.alarm(assets.understanding.read(text), code) is None, text
        for state in (State(), State(lang=code, menu=("main",), seen=NOW)):
            _, reply = text_step(state, text, assets, NOW + 60)
            assert reply.kind != "danger", text


def test_danger_through_the_webhook_in_each_language(client, content):
    for i, code in enumerate(LANGS):
        number = f"+1406555018{i}"
        one_message(client.post("/sms", data=twilio_form(SWITCH_WORDS[code][0], number=number)))
        one_message(client.post("/sms", data=twilio_form("1", number=number)))
        text = one_message(client.post("/sms", data=twilio_form(DANGER[code][0], number=number)))
        assert text == content.languages[code].strings["danger"]
        assert "911" in text and HOTLINE in text


# -- end to end, through the webhook ------------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """The line's clock, moved by hand: clock[0] is the time the next text arrives."""
    now = [NOW]
    monkeypatch.setattr(line_module, "time", type("Clock", (), {"time": staticmethod(lambda: now[0])}))
    return now


@pytest.mark.parametrize("code", LANGS)
def test_a_speaker_goes_end_to_end_in_their_language(client, content, clock, code):
    lang, en = content.languages[code], content.languages[content.default]
    words = command_words(code)
    numbers, menu = topic_paths(content)["report"]
    pages = lang.topics["report"].pages
    question, topic_id = list(QUESTIONS[code].items())[-1]

    def send(text):
        clock[0] += 20
        return messages(client.post("/sms", data=twilio_form(text)))

    assert send("hi") == [en.menus["main"]]  # the welcome, offering the language
    assert send(SWITCH_WORDS[code][0]) == [lang.menus["main"]]
    assert send(numbers[0]) == [lang.menus[menu]]
    assert send(numbers[1]) == [pages[0]]
    for page in pages[1:]:
        assert send(words["more"][-1]) == [page]
    assert lang.strings["contacts_intro"] in pages[-1] and HOTLINE in pages[-1]
    assert send(words["back"][0]) == [lang.menus[menu]]
    assert send(question) == [lang.topics[topic_id].pages[0]]  # no "detected" line: already in the language
    assert send(words["help"][0]) == [lang.strings["help"]]
    clock[0] += 31 * 60  # the session expires; the language stays
    assert send("hi") == [lang.menus["main"]]
    assert send(words["stop"][0]) == [lang.strings["stopped"]]
    for later in ("hi", words["menu"][0], question, DANGER[code][0]):
        assert send(later) == [], later
    assert send(words["start"][0]) == [f"{lang.strings['started']}\n{lang.menus['main']}"]
