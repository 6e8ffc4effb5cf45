"""Faults: a store that is down, slow or locked still gets the texter a useful reply, quickly, with status
200; the line recovers by itself when the store is back; broken content stops the app from starting."""

from __future__ import annotations

import shutil
import socket
import sqlite3
import threading
import time
import xml.etree.ElementTree as ET

import pytest
from servers import ROOT, free_port, redis_server

import sms
from sms import content as content_module

TWILIO_LIMIT = 15.0  # seconds Twilio waits for the webhook


def say(client, body, number="+14065550142", sid=None):
    started = time.monotonic()
    response = client.post("/sms", data={"From": number, "Body": body, **({"MessageSid": sid} if sid else {})})
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    found = ET.fromstring(response.data).find("Message")
    return (None if found is None else found.text), elapsed


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never answers: a store that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted, stop = [], threading.Event()

    def run():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_store_unreachable_still_answers_welcome_and_danger(make_app, en):
    client = make_app(SMS_STORE_URL=f"redis://127.0.0.1:{free_port()}/0").test_client()
    text, elapsed = say(client, "hi")
    assert text == en.menus["main"] and elapsed < TWILIO_LIMIT
    text, _ = say(client, "they locked me in the trailer and wont let me leave")
    assert text == en.strings["danger"]
    assert client.get("/health").get_json() == {"status": "degraded", "store": "unreachable", "model": "ok"}


def test_store_that_hangs_answers_within_twilios_limit(make_app, en, silent_server):
    client = make_app(SMS_STORE_URL=f"redis://127.0.0.1:{silent_server}/0").test_client()
    text, elapsed = say(client, "hi")
    assert text == en.menus["main"]
    assert elapsed < TWILIO_LIMIT


def test_locked_sqlite_answers_and_keeps_working_after(make_app, tmp_path, en, content):
    path = tmp_path / "locked.sqlite3"
    client = make_app(SMS_STORE_URL=f"sqlite:///{path}").test_client()
    say(client, "hi")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        text, elapsed = say(client, "1")
        first = content.menus["main"][0]
        assert text == en.menus[first.target] and elapsed < TWILIO_LIMIT  # answered from the state it read
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    text, _ = say(client, "1")  # the store works again; the unsaved step was not applied
    assert text == en.menus[first.target]


def test_redis_going_away_and_coming_back(make_app, en, content):
    first = content.menus["main"][0]
    with redis_server() as (port, stop, start):
        client = make_app(SMS_STORE_URL=f"redis://127.0.0.1:{port}/0").test_client()
        assert say(client, "hi")[0] == en.menus["main"]
        stop()
        text, elapsed = say(client, "1")
        assert text and elapsed < TWILIO_LIMIT  # stateless: the first text of a conversation
        start()
        assert client.get("/health").get_json()["store"] == "ok"
        say(client, "hi")
        assert say(client, "1")[0] == en.menus[first.target]  # state kept again


def test_broken_content_refuses_to_start_and_lists_every_problem(tmp_path):
    for folder in ("content", "menus"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    menu = tmp_path / "menus" / "menu.yaml"
    menu.write_text(menu.read_text() + "\nextra:\n  - topic: no-such-topic\n  - menu: no-such-menu\n")
    with pytest.raises(content_module.ContentError) as refused:
        sms.create_app({"TESTING": True, "SMS_CONTENT_DIR": str(tmp_path), "SMS_STORE_URL": f"sqlite:///{tmp_path}/x.db"})
    problems = [str(p) for p in refused.value.problems]
    assert any("no-such-topic" in p and "menus/menu.yaml" in p for p in problems)
    assert any("no-such-menu" in p for p in problems)
