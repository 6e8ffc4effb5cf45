"""Each language's own command words, in the conversation's language, and MORE through every topic.
"""

from __future__ import annotations

import pytest
from multilingual import HOTLINE, LANGS, NOW, SWITCH_WORDS, command_words, in_topic, run, variants

from helpers import text_step, topic_paths
from sms.conversation import State

# -- commands ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", LANGS)
def test_each_language_has_its_own_commands(assets, code):
    words = command_words(code)
    assert set(words) == {"menu", "more", "back", "help", "exit", "stop", "start"}
    for name, listed in words.items():
        assert listed, f"{code} has no word for {name}"
        for word in listed:
            for typed in variants(word):
                assert assets.understanding.read(typed).command == name, (code, typed)


@pytest.mark.parametrize("code", LANGS)
def test_commands_work_in_the_conversation_language(assets, content, code):
    lang = content.languages[code]
    state, topic_id, menu = in_topic(assets, code)
    pages = lang.topics[topic_id].pages
    for name, listed in command_words(code).items():
        for word in listed:
            for typed in variants(word):
                new, reply = text_step(state, typed, assets, NOW + 120)
                where = (code, name, typed)
                if name == "menu":
                    assert reply.text == lang.menus["main"] and new.menu == ("main",) and new.topic is None, where
                elif name == "more":
                    assert reply.text == pages[1] and new.page == 1, where
                elif name == "back":
                    assert reply.text == lang.menus[menu] and new.topic is None, where
                elif name == "help":
                    assert reply.text == lang.strings["help"] and (new.topic, new.page) == (topic_id, 0), where
                elif name == "exit":
                    assert reply.text == lang.strings["quick_exit"] and reply.forget and new == State(seen=new.seen), where
                elif name == "stop":
                    assert reply.text == lang.strings["stopped"] and new.opted_out and new.lang == code, where
                    _, silent = text_step(new, "hi", assets, NOW + 180)
                    assert silent.text is None, where
                elif name == "start":  # not opted out: the welcome
                    assert reply.text == lang.menus["main"] and new.lang == code, where
    opted_out = State(lang=code, opted_out=True, seen=NOW)
    for word in command_words(code)["start"]:
        for typed in variants(word):
            new, reply = text_step(opted_out, typed, assets, NOW + 60)
            assert reply.text == f"{lang.strings['started']}\n{lang.menus['main']}", typed
            assert not new.opted_out and new.lang == code


@pytest.mark.parametrize("code", LANGS)
def test_more_pages_through_every_topic_to_its_contacts(assets, content, code):
    lang = content.languages[code]
    more = command_words(code)["more"][0]
    for topic_id, (numbers, _) in topic_paths(content).items():
        pages = lang.topics[topic_id].pages
        state, replies = run(assets, [SWITCH_WORDS[code][0], *numbers, *[more] * len(pages)])
        got = [r.text for r in replies[len(numbers):]]
        assert got == [*pages, lang.strings["no_more"]], topic_id
        assert lang.strings["contacts_intro"] in pages[-1] and HOTLINE in pages[-1], topic_id
