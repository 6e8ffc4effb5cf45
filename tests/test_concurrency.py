"""Races and retries against real gunicorn workers, on SQLite and on Redis.

Many texts from one number handled at the same moment by different workers must each advance the
conversation exactly once: after K simultaneous MOREs on a topic of P pages, every page 2..P was sent
exactly once and the other texts got "no more pages". A lost update would send a page twice. The
store's loads are slowed (servers.SlowLoads) so that the workers' reads and writes really overlap.
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from servers import gunicorn, signed_post

from helpers import REDIS_URL

SIMULTANEOUS = 10


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
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/race.sqlite3"
    request.getfixturevalue("redis_client")  # skips (or fails in CI) without Redis; empties the database
    return REDIS_URL


def test_simultaneous_texts_from_one_number_advance_once_each(store_url, content):
    path, pages = path_to_longest_topic(content)
    no_more = content.languages["en"].strings["no_more"]
    with gunicorn(store_url, workers=4, app="servers:slow_app()") as base:
        for rounds in range(3):
            number = f"+1406555{rounds:04d}"
            for n, text in enumerate(["hi", *path]):
                status, body = signed_post(base, {"From": number, "Body": text, "MessageSid": f"SMa{rounds}{n}"})
                assert status == 200
            assert message(body) == pages[0]
            replies, barrier = [], threading.Barrier(SIMULTANEOUS)

            def more(i):
                barrier.wait()
                status, body = signed_post(base, {"From": number, "Body": "MORE", "MessageSid": f"SMb{rounds}{i}"})
                replies.append((status, message(body)))

            threads = [threading.Thread(target=more, args=(i,)) for i in range(SIMULTANEOUS)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=30)
            assert all(status == 200 for status, _ in replies)
            sent = Counter(text for _, text in replies)
            assert {p: sent[p] for p in pages[1:]} == {p: 1 for p in pages[1:]}, sent
            assert sent[no_more] == SIMULTANEOUS - (len(pages) - 1)


def test_twilio_retry_of_one_message_gives_the_same_reply_and_advances_once(store_url, content):
    path, pages = path_to_longest_topic(content)
    with gunicorn(store_url, workers=4) as base:
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
