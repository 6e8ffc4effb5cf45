"""Races and retries against real gunicorn workers (the Procfile's command), on SQLite and on Redis.

Many texts from one number handled at the same moment by different workers must each be answered from
what the one before them saved: after 13 simultaneous MOREs and a STOP on a topic of P pages, no page was
sent twice, the STOP was answered "no more messages", and the number is opted out afterwards. Every read
and update of the store is slowed by 10 ms (servers.SlowStore) so that the workers' reads and writes
really overlap; 60 numbers go through it, two at a time.
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from servers import gunicorn, signed_post

from helpers import REDIS_URL

NUMBERS = 60
SIMULTANEOUS = 14  # texts from one number at the same moment: 13 MOREs and one STOP


def message(body: str) -> str | None:
    found = ET.fromstring(body).find("Message")
    return None if found is None else found.text


def path_to_longest_topic(content):
    """Menu numbers from the welcome to the topic with the most pages, and that topic."""
    en = content.languages["en"]
    best = None
    for i, entry in enumerate(content.menus["main"], 1):
        inner = content.menus[entry.target] if entry.kind == "menu" else [entry]
        for j, sub in enumerate(inner, 1):
            if sub.kind == "topic":
                path = [str(i), str(j)] if entry.kind == "menu" else [str(i)]
                pages = en.topics[sub.target].pages
                if best is None or len(pages) > len(best[1]):
                    best = (path, pages)
    return best


@pytest.fixture(params=["sqlite", "redis"])
def server_env(request, tmp_path):
    """The store URL and its settings for a gunicorn run, on each store."""
    if request.param == "sqlite":
        return {"SMS_STORE_URL": f"sqlite:///{tmp_path}/race.sqlite3"}
    request.getfixturevalue("redis_client")  # skips (or fails in CI) without Redis; cleans this test's keys
    return {"SMS_STORE_URL": REDIS_URL, "SMS_REDIS_PREFIX": request.getfixturevalue("redis_prefix")}


def test_simultaneous_texts_from_one_number_never_repeat_a_page_or_lose_a_stop(server_env, content):
    path, pages = path_to_longest_topic(content)
    en = content.languages["en"]
    with gunicorn(server_env["SMS_STORE_URL"], workers=4, app="servers:slow_app()", extra_env=server_env) as base:

        def converse(n: int) -> tuple[Counter, list, str | None]:
            number = f"+1406556{n:04d}"
            for i, text in enumerate(["hi", *path]):
                status, body = signed_post(base, {"From": number, "Body": text, "MessageSid": f"SMa{n:04d}{i}"})
                assert status == 200
            assert message(body) == pages[0]
            replies, barrier = [], threading.Barrier(SIMULTANEOUS)

            def send(i: int) -> None:
                text = "STOP" if i == SIMULTANEOUS // 2 else "MORE"
                barrier.wait()
                status, body = signed_post(base, {"From": number, "Body": text, "MessageSid": f"SMb{n:04d}{i:02d}"})
                replies.append((text, status, message(body)))

            threads = [threading.Thread(target=send, args=(i,)) for i in range(SIMULTANEOUS)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            after = message(signed_post(base, {"From": number, "Body": "hi", "MessageSid": f"SMc{n:04d}"})[1])
            return Counter(reply for text, _, reply in replies if text == "MORE"), replies, after

        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(converse, range(NUMBERS)))
    repeated = {n: {p: k for p, k in sent.items() if p in pages and k > 1} for n, (sent, _, _) in enumerate(results)}
    assert not any(repeated.values()), repeated
    for sent, replies, after in results:
        assert len(replies) == SIMULTANEOUS and all(status == 200 for _, status, _ in replies)
        assert [reply for text, _, reply in replies if text == "STOP"] == [en.strings["stopped"]]
        assert after is None  # the STOP held: nothing more is sent to this number
        assert set(sent) <= {*pages[1:], en.strings["no_more"], None}  # a page, the end, or silence after STOP


def test_twilio_retry_of_one_message_gives_the_same_reply_and_advances_once(content, tmp_path):
    path, pages = path_to_longest_topic(content)
    with gunicorn(f"sqlite:///{tmp_path}/retry.sqlite3", workers=4) as base:
        number = "+14065559999"
        for n, text in enumerate(["hi", *path]):
            signed_post(base, {"From": number, "Body": text, "MessageSid": f"SMr{n}"})
        first = signed_post(base, {"From": number, "Body": "MORE", "MessageSid": "SMretry"})
        again = signed_post(base, {"From": number, "Body": "MORE", "MessageSid": "SMretry"})
        assert first == again and message(first[1]) == pages[1]
        _, body = signed_post(base, {"From": number, "Body": "MORE", "MessageSid": "SMnext"})
        assert message(body) == pages[2]  # the retry did not advance the conversation


def test_unsigned_requests_are_refused_by_the_server(tmp_path):
    import urllib.error
    import urllib.request

    with gunicorn(f"sqlite:///{tmp_path}/s.sqlite3", workers=1) as base:
        request = urllib.request.Request(base + "/sms", data=b"From=%2B14065550000&Body=hi")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403
