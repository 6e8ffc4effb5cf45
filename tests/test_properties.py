"""Property tests of the engine and the webhook: random texts and random command sequences never raise,
every reply stays within 1,600 characters and its segment budget, and the session's invariants hold."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import text_step
from sms import conversation
from sms.channels.sms import segments

COMMAND_WORDS = ["MENU", "menu.", "0", "BACK", "MORE", "más", "HELP", "INFO", "CLEAR", "STOP", "START", "YES",
                 "ES", "ENGLISH", "1", "2", "3", "4", "5", "6", "9", "12", " 2. ", ""]
QUESTIONS = ["my boss took my passport", "how do i report", "who is at risk", "is it common on farms",
             "they locked me in", "el patron no me paga", "que hago", "hey", "🙏", "\x00\x07", "a" * 1700]
texts = st.one_of(st.sampled_from(COMMAND_WORDS), st.sampled_from(QUESTIONS), st.text(max_size=300))


def check_invariants(state: conversation.State, reply: conversation.Reply, content) -> None:
    """What must hold after every step."""
    assert state.lang is None or state.lang in content.languages
    for menu_id in state.menu:
        assert menu_id in content.menus
    language = content.languages[state.lang or content.default]
    if state.topic is not None:
        assert state.topic in language.topics
        assert 0 <= state.page < len(language.topics[state.topic].pages)
    for topic in state.choices:
        assert topic in language.topics
    if reply.text is not None:
        assert reply.text.strip()
        assert len(reply.text) <= 1600
        assert segments.segments(reply.text) <= content.budget, reply.text
    else:
        assert reply.kind == "silent"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(texts, st.integers(min_value=0, max_value=4000)), min_size=1, max_size=25))
def test_random_conversations_keep_invariants(assets, content, steps):
    state, now = conversation.State(), 1_000_000.0
    for text, gap in steps:
        now += gap
        state, reply = text_step(state, text, assets, now)
        check_invariants(state, reply, content)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=2000))
def test_any_first_text_gets_a_reply_with_a_way_forward(assets, content, text):
    state, reply = text_step(conversation.State(), text, assets, 0.0)
    check_invariants(state, reply, content)
    assert reply.text is not None  # nobody opted out yet: every text is answered


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(st.text(max_size=1700), st.binary(max_size=400).map(lambda b: b.decode("latin-1"))),
       number=st.sampled_from(["+14065550100", "+14065550101", "", "not a number"]), sid=st.uuids())
def test_webhook_answers_anything_with_one_message(client, body, number, sid):
    response = client.post("/sms", data={"From": number, "Body": body, "MessageSid": f"SM{sid.hex}"})
    assert response.status_code == 200
    root = ET.fromstring(response.data)
    messages = root.findall("Message")
    assert len(messages) <= 1
    for message in messages:
        assert len(message.text or "") <= 1600
