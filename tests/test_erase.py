"""The quick exit at Twilio: with TWILIO_ACCOUNT_SID set, CLEAR also deletes the texter's messages from the
account's message log, through the twilio library's REST client, against a fake Twilio API on 127.0.0.1:
every final message from and to the number goes, the reply still on its way goes on a retry, other
numbers' messages stay, and the number is never logged."""

from __future__ import annotations

import logging

import pytest
from fake_twilio import FakeTwilio
from twilio.request_validator import RequestValidator

from helpers import NUMBER, twilio_form

ACCOUNT = "AC" + "a" * 32
TOKEN = "test-token"
LINE = "+14065550000"
OTHER = "+14065550777"


@pytest.fixture
def fake():
    messages = {
        "SM" + "1" * 32: {"from": NUMBER, "to": LINE, "status": "received"},
        "SM" + "2" * 32: {"from": LINE, "to": NUMBER, "status": "delivered"},
        "SM" + "3" * 32: {"from": LINE, "to": NUMBER, "status": "sending"},  # the reply to CLEAR, on its way
        "SM" + "4" * 32: {"from": OTHER, "to": LINE, "status": "received"},
        "SM" + "5" * 32: {"from": LINE, "to": OTHER, "status": "delivered"},
    }
    server = FakeTwilio(ACCOUNT, messages)
    yield server
    server.close()


def post(client, body, sid):
    """A text as Twilio posts it for this account, signed."""
    form = twilio_form(body, sid=sid, AccountSid=ACCOUNT)
    signature = RequestValidator(TOKEN).compute_signature("http://localhost/sms", form)
    return client.post("/sms", data=form, headers={"X-Twilio-Signature": signature})


def line_with_twilio(make_app, fake, retry=(0.2, 0.2)):
    app = make_app(TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_AUTH_TOKEN=TOKEN)
    line = app.extensions["sms_line"]
    eraser = line.erase.__self__
    eraser.client.api.base_url, eraser.retry = fake.url, retry
    started = []
    line.erase = lambda number: started.append(eraser.erase(number))
    return app, started


def test_clear_deletes_the_numbers_messages_at_twilio(make_app, fake, en, caplog):
    caplog.set_level(logging.INFO)
    app, started = line_with_twilio(make_app, fake)
    client = app.test_client()
    post(client, "hi", "SM-e1")
    assert not started  # only the quick exit deletes
    response = post(client, "CLEAR", "SM-e2")
    assert en.strings["quick_exit"] in response.get_data(as_text=True)
    started[0].join(timeout=10)
    assert sorted(fake.deleted) == ["SM" + "1" * 32, "SM" + "2" * 32, "SM" + "3" * 32]  # the last one on a retry
    assert sorted(fake.messages) == ["SM" + "4" * 32, "SM" + "5" * 32]  # other numbers' messages stay
    assert "deleted 3 messages at Twilio" in caplog.text
    assert NUMBER not in caplog.text and NUMBER[1:] not in caplog.text


def test_without_the_account_sid_nothing_is_sent_to_twilio(make_app):
    assert make_app(TWILIO_AUTH_TOKEN=TOKEN).extensions["sms_line"].erase is None


def test_twilio_unreachable_is_retried_and_never_holds_the_reply(make_app, fake, en, caplog):
    app, started = line_with_twilio(make_app, fake, retry=(0.1,))
    fake.close()  # Twilio cannot be reached
    response = post(app.test_client(), "CLEAR", "SM-e3")
    assert en.strings["quick_exit"] in response.get_data(as_text=True)
    started[0].join(timeout=10)
    assert "could not delete messages at Twilio yet" in caplog.text
