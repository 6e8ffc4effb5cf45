"""Faults: a store that is down, hung or locked still gets the texter a true reply, quickly, with status
200; an effect it claims (STOP, START, the quick exit) is recorded first, in the store or in the journal,
and applied when the store is back; when neither can record it the texter is told it did not go through.
Real SQLite (its write lock held by another connection), a real redis-server (stopped and started), a
server that accepts connections and never answers."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
import xml.etree.ElementTree as ET

import pytest
from servers import free_port, redis_server

from helpers import HASH_SECRET, NUMBER, twilio_form
from sms.privacy import number_key

QUICKLY = 5.0  # seconds a text may take to be answered while the store fails (Twilio waits 15)
KEY = number_key(NUMBER, HASH_SECRET)


def say(client, body, sid=None, number=NUMBER):
    started = time.monotonic()
    response = client.post("/sms", data=twilio_form(body, sid=sid, number=number))
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    found = ET.fromstring(response.data).find("Message")
    return (None if found is None else found.text), elapsed


class SQLiteLocked:
    """The line on SQLite, its write lock held by another connection while broken."""

    def __init__(self, make_app, tmp_path):
        self.path = tmp_path / "locked.sqlite3"
        self.app = make_app(SMS_STORE_URL=f"sqlite:///{self.path}")
        self.blocker = None

    def break_(self):
        self.blocker = sqlite3.connect(self.path, isolation_level=None)
        self.blocker.execute("BEGIN EXCLUSIVE")

    def mend(self):
        self.blocker.execute("ROLLBACK")
        self.blocker.close()


class RedisStopped:
    """The line on a private redis-server, stopped while broken."""

    def __init__(self, make_app, server):
        port, self.stop, self.start = server
        self.app = make_app(SMS_STORE_URL=f"redis://127.0.0.1:{port}/0")

    def break_(self):
        self.stop()

    def mend(self):
        self.start()


@pytest.fixture(params=["sqlite-locked", "redis-stopped"])
def fault(request, make_app, tmp_path):
    if request.param == "sqlite-locked":
        yield SQLiteLocked(make_app, tmp_path)
    else:
        with redis_server() as server:
            yield RedisStopped(make_app, server)


def mended(fault):
    """Mend the fault and let the line see it (a health check closes the circuit breaker at once)."""
    fault.mend()
    assert fault.app.test_client().get("/health").get_json()["store"] == "ok"


def test_stop_while_the_store_fails_is_journaled_and_applied_when_it_is_back(fault, en):
    client, line = fault.app.test_client(), fault.app.extensions["sms_line"]
    assert say(client, "hi", "SM1")[0] == en.menus["main"]
    fault.break_()
    text, elapsed = say(client, "STOP", "SM2")
    assert text == en.strings["stopped"] and elapsed < QUICKLY  # true: the journal holds it
    assert len(line.journal) == 1
    assert client.get("/health").get_json()["pending_effects"] == 1
    assert say(client, "hi", "SM3")[0] is None  # the pending opt-out holds while the store is down
    mended(fault)
    assert say(client, "hi", "SM4")[0] is None  # applied first, then this text is answered: silence
    assert line.store.load(KEY).opted_out and len(line.journal) == 0
    assert client.get("/health").get_json()["status"] == "ok"


def test_quick_exit_while_the_store_fails_forgets_the_number_when_it_is_back(fault, en):
    client, line = fault.app.test_client(), fault.app.extensions["sms_line"]
    say(client, "hi", "SM1")
    say(client, "1", "SM2")
    assert line.store.load(KEY).blob is not None
    fault.break_()
    assert say(client, "CLEAR", "SM3")[0] == en.strings["quick_exit"]
    mended(fault)
    say(client, "hi", "SM4")  # the journal is applied before this text: it starts a new conversation
    assert line.store.load(KEY).blob["state"].get("menu") == ["main"]
    assert len(line.journal) == 0


def test_an_effect_nothing_could_record_is_never_claimed(fault, en, tmp_path):
    client, line = fault.app.test_client(), fault.app.extensions["sms_line"]
    line.journal.path = tmp_path / "not-a-folder"
    line.journal.path.write_text("")
    line.journal.path = line.journal.path / "journal.jsonl"  # a file where its folder should be: unwritable
    say(client, "hi", "SM1")
    fault.break_()
    for word in ("STOP", "CLEAR"):
        text, elapsed = say(client, word, f"SM-{word}")
        assert text == en.strings["not_done"] and elapsed < QUICKLY
        assert text not in (en.strings["stopped"], en.strings["quick_exit"])
    mended(fault)
    record = line.store.load(KEY)
    assert not record.opted_out  # as the texter was told: nothing changed
    assert record.blob is not None or isinstance(fault, RedisStopped)  # (this redis-server keeps nothing on disk)
    assert say(client, "STOP", "SM-again")[0] == en.strings["stopped"]  # sent again, it works
    assert line.store.load(KEY).opted_out


def test_store_unreachable_still_answers_welcome_and_danger(make_app, en):
    client = make_app(SMS_STORE_URL=f"redis://127.0.0.1:{free_port()}/0").test_client()
    text, elapsed = say(client, "hi")
    assert text == en.menus["main"] and elapsed < QUICKLY
    text, elapsed = say(client, "they locked me in the trailer and wont let me leave")
    assert text == en.strings["danger"] and elapsed < QUICKLY
    assert client.get("/health").get_json() == {"status": "degraded", "store": "unreachable", "pending_effects": 0,
                                                "model": "ok"}


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never answers: a store that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
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


def test_a_hung_store_costs_one_text_a_timeout_not_every_text(make_app, en, silent_server, caplog):
    client = make_app(SMS_STORE_URL=f"redis://127.0.0.1:{silent_server}/0").test_client()
    first, elapsed = say(client, "hi")
    assert first == en.menus["main"] and elapsed < QUICKLY
    assert "store load failed" in caplog.text and "slow store" in caplog.text
    for text in ("1", "MENU", "they locked me in the trailer and wont let me leave"):
        assert say(client, text)[1] < 0.5  # the circuit breaker answers without waiting on the store


def test_locked_sqlite_answers_from_the_state_it_read_and_keeps_working_after(make_app, tmp_path, en, content):
    fault = SQLiteLocked(make_app, tmp_path)
    client = fault.app.test_client()
    say(client, "hi")
    fault.break_()
    first = content.menus["main"][0]
    text, elapsed = say(client, "1")
    assert text == en.menus[first.target] and elapsed < QUICKLY  # answered from the state it read
    mended(fault)
    text, _ = say(client, "1")  # the store works again; the unsaved step was not applied
    assert text == en.menus[first.target]


def test_the_line_starts_and_answers_when_its_store_cannot_be_opened(make_app, tmp_path, en):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    app = make_app(SMS_STORE_URL=f"sqlite:///{blocked}/under/a/file.sqlite3")  # the folder can never be made
    client = app.test_client()
    assert say(client, "hi")[0] == en.menus["main"]
    assert say(client, "they locked me in the trailer and wont let me leave")[0] == en.strings["danger"]
    assert client.get("/health").get_json()["store"] == "unreachable"


@pytest.fixture
def small_disk(tmp_path):
    """A 512 KB tmpfs (skips where mounting is not allowed) and a way to fill it and to free it."""
    import subprocess

    folder = tmp_path / "disk"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(folder)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    filler = folder / "filler"

    def fill():
        with open(filler, "ab", buffering=0) as file:
            try:
                while True:
                    file.write(b"\0" * 4096)
            except OSError:
                pass

    yield folder, fill, lambda: filler.unlink()
    subprocess.run(["umount", "-l", str(folder)], check=True)


def test_a_full_disk_never_gets_a_false_ok_and_the_line_still_starts(make_app, small_disk, tmp_path, en):
    disk, fill, free = small_disk
    url = f"sqlite:///{disk}/line.sqlite3"
    app = make_app(SMS_STORE_URL=url, SMS_JOURNAL_PATH=str(disk / "journal.jsonl"))  # journal on the same disk
    client, line = app.test_client(), app.extensions["sms_line"]
    say(client, "hi", "SM1")
    fill()
    for i in range(30):  # enough writes to need new pages of the file
        say(client, "hi", f"SMfill{i}", number=f"+1406555{i:04d}")
    assert say(client, "STOP", "SM2")[0] == en.strings["not_done"]
    again = make_app(SMS_STORE_URL=url, SMS_JOURNAL_PATH=str(tmp_path / "journal.jsonl"))  # restart, journal elsewhere
    client = again.test_client()
    assert say(client, "they locked me in the trailer and wont let me leave")[0] == en.strings["danger"]
    assert say(client, "STOP", "SM3")[0] == en.strings["stopped"]  # true: the journal on the other disk holds it
    free()
    assert client.get("/health").get_json()["store"] == "ok"
    assert say(client, "hi", "SM4")[0] is None
    assert again.extensions["sms_line"].store.load(KEY).opted_out and not line.journal
