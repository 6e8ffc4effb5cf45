"""Both stores, one interface: records, one writer at a time, replies by MessageSid, opt-outs, expiry,
counters, hashed numbers."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time

import pytest

from helpers import HASH_SECRET, NUMBER, REDIS_URL, twilio_form
from sms import conversation
from sms.line import Line, LineSettings
from sms.privacy import number_key
from sms.stores import Record, RedisStore, SQLiteStore, Write, open_store

KEY = number_key(NUMBER, HASH_SECRET)
DAY = 86400
BLOB = {"state": {"menu": ["main"]}, "replies": []}


def put(store, key, blob, opted_out=False, ttl=DAY, now=None, counts=("", ()), sid=None, reply=None):
    """Write one record whatever it held (an update whose change ignores what it reads)."""
    store.update(key, lambda record: Write(blob, opted_out, ttl, counts, sid, reply), now)


def test_unknown_key_is_empty(store):
    assert store.load(KEY) == Record(None, False)


def test_write_and_load_round_trip(store):
    put(store, KEY, BLOB)
    assert store.load(KEY) == Record(BLOB, False)
    changed = {"state": {"menu": ["main", "signs"], "topic": "red-flags"}}
    put(store, KEY, changed)
    assert store.load(KEY) == Record(changed, False)
    assert store.load(number_key("+14065550999", HASH_SECRET)) == Record(None, False)  # others untouched


def test_update_writes_what_change_decides_from_what_it_read(store):
    put(store, KEY, {"n": 1})
    seen = []

    def change(record):
        seen.append(record)
        return Write({"n": record.blob["n"] + 1}, record.opted_out, DAY)

    store.update(KEY, change)
    assert seen == [Record({"n": 1}, False)]
    assert store.load(KEY).blob == {"n": 2}
    store.update(KEY, lambda record: None)  # None: nothing written
    assert store.load(KEY).blob == {"n": 2}


def test_a_failing_change_writes_nothing_and_frees_the_number(store):
    put(store, KEY, BLOB)

    def broken(record):
        raise RuntimeError("a bug in the caller")

    with pytest.raises(RuntimeError):
        store.update(KEY, broken)
    assert store.load(KEY) == Record(BLOB, False)
    started = time.monotonic()
    put(store, KEY, None, opted_out=True)  # at once: no lock was left behind
    assert time.monotonic() - started < 0.5 and store.load(KEY) == Record(None, True)


def test_one_writer_at_a_time_for_a_number(store):
    """Eight threads each add one to a number's count, slowly: with one writer at a time none is lost."""
    put(store, KEY, {"n": 0})

    def add_one(record):
        time.sleep(0.01)  # widen the window between read and write
        return Write({"n": record.blob["n"] + 1}, False, DAY)

    def worker():
        store.update(KEY, add_one)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.load(KEY).blob == {"n": 8}


def test_replies_are_kept_by_message_sid_apart_from_the_number(store):
    put(store, KEY, BLOB, sid="sid-key-1", reply=("You will get no more messages", "command"))
    assert store.load(KEY, sid="sid-key-1").answered == ("You will get no more messages", "command")
    assert store.load(KEY, sid="sid-key-2").answered is None
    assert store.load(KEY).answered is None
    put(store, KEY, None)  # the number is forgotten (CLEAR): the reply to that MessageSid stays
    assert store.load(KEY, sid="sid-key-1").answered == ("You will get no more messages", "command")


def test_blob_none_deletes_the_conversation_but_keeps_the_opt_out(store):
    put(store, KEY, BLOB, opted_out=True)
    assert store.load(KEY) == Record(BLOB, True)
    put(store, KEY, None, opted_out=True)
    assert store.load(KEY) == Record(None, True)
    put(store, KEY, BLOB, opted_out=True)  # and the conversation can start again
    assert store.load(KEY).blob == BLOB


def test_opt_out_is_kept_until_opt_in(store):
    put(store, KEY, None, opted_out=True)
    assert store.load(KEY).opted_out
    put(store, KEY, BLOB, opted_out=False)  # START
    assert not store.load(KEY).opted_out


def test_opt_out_survives_quick_exit_through_the_line(assets, store, content):
    line = Line(assets, store, LineSettings(HASH_SECRET))
    assert line.handle(NUMBER, "hi", "SM1").text
    assert line.handle(NUMBER, "STOP", "SM2").kind == "command"
    assert line.handle(NUMBER, "CLEAR", "SM3").text is None
    record = store.load(KEY)
    assert record.opted_out and record.blob is None  # CLEAR forgot the conversation, not the opt-out
    assert line.handle(NUMBER, "hi", "SM4").text is None
    assert line.handle(NUMBER, "START", "SM5").text is not None
    assert not store.load(KEY).opted_out


def test_quick_exit_through_the_line_deletes_the_conversation(assets, store, content):
    line = Line(assets, store, LineSettings(HASH_SECRET))
    line.handle(NUMBER, "hi", "SM1")
    line.handle(NUMBER, "1", "SM2")
    assert store.load(KEY).blob is not None
    reply = line.handle(NUMBER, "CLEAR", "SM3")
    assert reply.forget
    record = store.load(KEY)
    assert record.blob is None and not record.opted_out


def test_sessions_expire(store, redis_url_if_redis):
    if isinstance(store, SQLiteStore):
        put(store, KEY, BLOB, True, ttl=60, now=1000.0)
        assert store.load(KEY, now=1059.0).blob == BLOB
        expired = store.load(KEY, now=1061.0)
        assert expired.blob is None and expired.opted_out  # the opt-out does not expire
        put(store, KEY, BLOB, True, ttl=60, now=1061.0)  # and saving works on
        assert store.load(KEY, now=1062.0).blob == BLOB
    else:
        client = redis_url_if_redis
        put(store, KEY, BLOB, ttl=3600)
        assert 3590 <= client.ttl(f"{store.prefix}n:{KEY}") <= 3600
        put(store, KEY, BLOB, True, ttl=1)
        time.sleep(1.2)
        expired = store.load(KEY)
        assert expired.blob is None and expired.opted_out
        assert client.ttl(f"{store.prefix}o:{KEY}") == -1  # the opt-out never expires


@pytest.fixture
def redis_url_if_redis(store, request):
    """The Redis client when the store is Redis."""
    return request.getfixturevalue("redis_client") if isinstance(store, RedisStore) else None


def test_counters_add_up_per_day_and_only_with_a_write(store):
    for day, names in (("2026-11-29", ("topic:report", "unmatched")), ("2026-11-30", ("topic:report",)),
                       ("2026-11-30", ("topic:report", "danger")), ("2026-11-30", ())):
        put(store, "k", {"n": 1}, counts=(day, names))
    store.update("k", lambda record: None)  # nothing written: nothing counted
    assert store.counters("2026-11-01") == {
        "2026-11-29": {"topic:report": 1, "unmatched": 1},
        "2026-11-30": {"topic:report": 2, "danger": 1},
    }
    assert store.counters("2026-11-30") == {"2026-11-30": {"topic:report": 2, "danger": 1}}
    assert store.counters("2026-12-01") == {}


def test_the_line_counts_what_happened(assets, store, content):
    line = Line(assets, store, LineSettings(HASH_SECRET))
    now = time.time()
    for i, text in enumerate(["hi", "how do I report trafficking", "xqzv blorf", "they locked us in", "STOP"]):
        line.handle(NUMBER, text, f"SM{i}", now=now + i)
    line.handle(NUMBER, "they locked us in", "SM3", now=now + 9)  # a retry is not counted twice
    day = time.strftime("%Y-%m-%d", time.gmtime(now))
    counts = store.counters(day)[day]
    assert counts["topic:report"] == 1
    assert counts["danger"] == 1
    assert counts["optout"] == 1
    assert counts["unmatched"] == 2  # the first "hi" and the gibberish


def test_line_answers_again_from_what_another_worker_saved_meanwhile(assets, store, content):
    """A rival text answered between this text's first reading and its update: the reply is stepped again
    from the rival's state, inside the update, never sent from the state read first."""
    en = content.languages["en"]
    line = Line(assets, store, LineSettings(HASH_SECRET))
    now = time.time()
    line.handle(NUMBER, "hi", "SM1", now=now)
    real_update, raced = store.update, []

    def update_after_a_rival(key, change, *args, **kwargs):
        if not raced:  # another worker answers "1" for the same number just before this update
            raced.append(True)
            store.update = real_update
            Line(assets, store, LineSettings(HASH_SECRET)).handle(NUMBER, "1", "SMrival", now=now + 1)
            store.update = update_after_a_rival
        return real_update(key, change, *args, **kwargs)

    store.update = update_after_a_rival
    reply = line.handle(NUMBER, "1", "SM2", now=now + 1)
    store.update = real_update
    assert raced
    # the rival opened main's entry 1; this text, answered again on top of it, chose entry 1 of that
    first = content.menus["main"][0]
    inner = content.menus[first.target][0] if first.kind == "menu" else None
    expected = (en.menus[inner.target] if inner.kind == "menu" else en.topics[inner.target].pages[0]) if inner else None
    assert reply.text == expected
    assert line.handle(NUMBER, "1", "SM2", now=now + 2).text == expected  # and it is what a retry gets


def test_number_key_is_an_hmac_of_the_number():
    expected = hmac.new(b"test-secret", NUMBER.encode(), hashlib.sha256).hexdigest()
    assert number_key(NUMBER, HASH_SECRET) == expected
    assert number_key(NUMBER, "another-secret") != expected
    assert number_key("+14065550124", HASH_SECRET) != expected
    assert number_key(" +1 406 555 0123 ", HASH_SECRET) == expected
    assert NUMBER.strip("+") not in expected


def _numbers(number):
    digits = number.lstrip("+")
    return [number, digits, digits[1:], digits[-7:]]


BODIES = ["hi", "how do I report trafficking zebraword", "1", "MORE", "they locked us in the quarry", "STOP", "START"]


def _converse(client, number=NUMBER):
    for i, body in enumerate(BODIES):
        response = client.post("/sms", data=twilio_form(body, sid=f"SMpriv{i}", number=number))
        assert response.status_code == 200


def test_sqlite_file_never_holds_a_number_or_a_body(make_app, tmp_path):
    app = make_app()
    _converse(app.test_client())
    files = sorted(tmp_path.glob("t.sqlite3*"))
    assert files
    data = b"".join(f.read_bytes() for f in files)
    assert number_key(NUMBER, HASH_SECRET).encode() in data  # the hash is there instead
    for raw in _numbers(NUMBER):
        assert raw.encode() not in data, raw
    for body in ("zebraword", "quarry"):
        assert body.encode() not in data, body


def test_redis_never_holds_a_number_or_a_body(make_app, redis_url, redis_client, redis_prefix):
    app = make_app(SMS_STORE_URL=redis_url)
    _converse(app.test_client())
    keys = list(redis_client.scan_iter(match=f"{redis_prefix}*"))
    assert keys
    seen = []
    for key in keys:
        seen.append(key)
        kind = redis_client.type(key)
        if kind == b"hash":
            for field, value in redis_client.hgetall(key).items():
                seen += [field, value]
        elif kind == b"string":
            seen.append(redis_client.get(key))
        else:
            pytest.fail(f"unexpected Redis type {kind} for {key}")
    data = b"\n".join(seen)
    assert number_key(NUMBER, HASH_SECRET).encode() in data
    for raw in _numbers(NUMBER):
        assert raw.encode() not in data, raw
    for body in ("zebraword", "quarry"):
        assert body.encode() not in data, body


def test_different_secrets_keep_different_records(make_app, tmp_path):
    one = make_app(SMS_HASH_SECRET="secret-one").extensions["sms_line"]
    two = make_app(SMS_HASH_SECRET="secret-two").extensions["sms_line"]
    one.handle(NUMBER, "hi", "SM1")
    one.handle(NUMBER, "1", "SM2")
    assert one.store.load(number_key(NUMBER, "secret-one")).blob is not None
    assert two.store.load(number_key(NUMBER, "secret-two")).blob is None


def test_open_store_by_url(tmp_path):
    default = open_store(None, tmp_path / "instance")
    assert isinstance(default, SQLiteStore)
    assert (tmp_path / "instance" / "sms.sqlite3").is_file()  # made when opened, folder and all
    named = open_store(f"sqlite:///{tmp_path}/named.sqlite3", tmp_path)
    assert isinstance(named, SQLiteStore) and named.path == tmp_path / "named.sqlite3"
    assert isinstance(open_store(REDIS_URL, tmp_path), RedisStore)  # connects only when used
    with pytest.raises(ValueError):
        open_store("postgres://db/line", tmp_path)


def test_sqlite_store_is_made_when_the_app_starts(make_app, tmp_path):
    path = tmp_path / "deep" / "folder" / "line.sqlite3"
    make_app(SMS_STORE_URL=f"sqlite:///{path}")
    assert path.is_file()  # before gunicorn forks: its workers never race to make it


def test_unreachable_redis_is_a_store_error_and_the_line_still_answers(assets, content):
    from sms.stores import StoreError

    store = RedisStore("redis://127.0.0.1:1/0", timeout=0.5)
    with pytest.raises(StoreError):
        store.ping()
    with pytest.raises(StoreError):
        store.load(KEY)
    reply = Line(assets, store, LineSettings(HASH_SECRET)).handle(NUMBER, "hi", "SM1")
    assert reply.text == content.languages["en"].menus["main"]


def test_engine_state_is_what_the_store_keeps(assets, store, content):
    line = Line(assets, store, LineSettings(HASH_SECRET))
    line.handle(NUMBER, "hi", "SM1")
    line.handle(NUMBER, "1", "SM2")
    state = conversation.State.from_dict(store.load(KEY).blob["state"])
    first = content.menus["main"][0]
    assert state.menu[-1] == (first.target if first.kind == "menu" else "main")


def test_after_the_quick_exit_the_number_is_nowhere_in_the_sqlite_files(make_app, tmp_path):
    client = make_app().test_client()
    for i, body in enumerate(["hi", "1", "MORE", "how do I report", "CLEAR"]):
        assert client.post("/sms", data=twilio_form(body, sid=f"SMgone{i}")).status_code == 200
    data = b"".join(f.read_bytes() for f in tmp_path.glob("t.sqlite3*"))
    assert data and KEY.encode() not in data  # not in the file, its free pages or its write-ahead log


def test_after_stop_only_the_opt_out_is_kept(make_app):
    app = make_app()
    client = app.test_client()
    for i, body in enumerate(["hi", "1", "STOP"]):
        client.post("/sms", data=twilio_form(body, sid=f"SMstop{i}"))
    assert app.extensions["sms_line"].store.load(KEY) == Record(None, True)
