"""The line under real gunicorn, run as the Procfile runs it: a store locked for everyone still gets 20
texts at once answered quickly (danger included); slow clients do not block the line; an oversized
request is refused before it is parsed; a call is greeted, walked and connected."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
import urllib.request
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

from servers import gunicorn, signed_post

QUICKLY = 5.0
DANGER = "they locked me in the trailer and wont let me leave"


def message(body: str) -> str | None:
    found = ET.fromstring(body).find("Message")
    return None if found is None else found.text


def test_twenty_texts_at_once_with_the_store_locked_are_all_answered_quickly(tmp_path, en):
    path = tmp_path / "locked.sqlite3"
    with gunicorn(f"sqlite:///{path}", workers=2) as base:
        assert signed_post(base, {"From": "+14065550100", "Body": "hi", "MessageSid": "SMwarm"})[0] == 200
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
        try:
            def text(i):
                started = time.monotonic()
                body = DANGER if i % 5 == 0 else "hi"
                status, reply = signed_post(base, {"From": f"+1406555{i:04d}", "Body": body, "MessageSid": f"SM{i:032d}"})
                return body, status, message(reply), time.monotonic() - started

            with ThreadPoolExecutor(20) as pool:
                results = list(pool.map(text, range(20)))
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
    assert all(status == 200 for _, status, _, _ in results)
    assert max(elapsed for *_, elapsed in results) < QUICKLY, sorted(round(e, 2) for *_, e in results)
    assert all(reply == en.strings["danger"] for body, _, reply, _ in results if body == DANGER)
    assert all(reply == en.menus["main"] for body, _, reply, _ in results if body == "hi")


def test_slow_clients_do_not_block_the_line(tmp_path):
    with gunicorn(f"sqlite:///{tmp_path}/s.sqlite3", workers=2) as base:
        port = int(base.rsplit(":", 1)[1])
        stop, slow = threading.Event(), []

        def dribble():  # headers one byte at a time, never finished
            conn = socket.create_connection(("127.0.0.1", port))
            slow.append(conn)
            for byte in b"POST /sms HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nX-Slow: " + b"a" * 1000:
                if stop.is_set():
                    return
                conn.send(bytes([byte]))
                time.sleep(0.05)

        threads = [threading.Thread(target=dribble, daemon=True) for _ in range(2)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        try:
            started = time.monotonic()
            with urllib.request.urlopen(base + "/health", timeout=5) as response:
                assert response.status == 200
            assert time.monotonic() - started < 1.0
            status, reply = signed_post(base, {"From": "+14065550101", "Body": "hi", "MessageSid": "SMslow"})
            assert status == 200 and message(reply)
        finally:
            stop.set()
            for conn in slow:
                conn.close()


def test_an_oversized_request_is_refused_at_once(tmp_path):
    with gunicorn(f"sqlite:///{tmp_path}/s.sqlite3", workers=1) as base:
        started = time.monotonic()
        status, _ = signed_post(base, {"From": "+14065550102", "Body": "x" * 1_000_000, "MessageSid": "SMbig"})
        assert status == 413 and time.monotonic() - started < 2.0


def test_a_call_under_gunicorn_is_greeted_walked_and_connected(tmp_path):
    """The voice webhook as Twilio reaches it: real gunicorn, signed requests with a query string, the
    call's state kept between workers in the shared SQLite file."""
    call = {"CallSid": "CA" + "7" * 32, "From": "+14065550199", "To": "+14065550000", "CallStatus": "in-progress"}
    with gunicorn(f"sqlite:///{tmp_path}/calls.sqlite3") as base:
        status, greeting = signed_post(base, call, path="/voice")
        assert status == 200 and "<Gather" in greeting and "Polly.Lupe" in greeting
        status, menu = signed_post(base, {**call, "Digits": "3"}, path="/voice/key?on=language")
        assert status == 200 and 'language="fr-FR"' in menu and "/voice/key?on=menu" in menu
        status, person = signed_post(base, {**call, "Digits": "0"}, path="/voice/key?on=menu")
        assert status == 200 and "<Dial" in person and "+18883737888" in person and 'lang=fr' in person
        assert signed_post(base, {**call, "CallSid": "CA1"}, path="/voice")[0] == 403
