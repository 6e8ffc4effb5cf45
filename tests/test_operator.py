"""The operator's tools: stats (command and page), the simulator's rules, scrubbing and keeping unmatched
texts, topic previews, content reloads in development, and the doctor."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from helpers import HASH_SECRET, NUMBER, ROOT, one_message, twilio_form
from sms import channels, cli
from sms.channels.sms import render, segments
from sms.line import Line, LineSettings
from sms.operator import doctor, stats
from sms.operator.simulator import NUMBERS
from sms.privacy import number_key, scrub
from sms.stores import RedisStore, SQLiteStore, Write

TODAY = time.strftime("%Y-%m-%d", time.gmtime())
GOOD_TOKEN = "0123456789abcdef0123456789abcdef"
GOOD_SECRET = "5f1c" * 16
CONVERSATION = ["hi", "1", "1", "how do I report trafficking", "they locked us in", "xqzv blorf", "ENGLISH",
                "STOP", "START"]


def basic(password: str, user: str = "operator") -> dict:
    """The Authorization header a browser sends after asking for a password."""
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def stored_bytes(folder: Path) -> bytes:
    """Everything SQLite wrote under folder (database, WAL and shared-memory files)."""
    return b"".join(p.read_bytes() for p in sorted(folder.glob("*.sqlite3*")))


@pytest.fixture
def talked(make_app, tmp_path):
    """An app with stats on, after CONVERSATION from NUMBER through /sms; (app, store URL)."""
    url = f"sqlite:///{tmp_path}/line.sqlite3"
    app = make_app(SMS_STORE_URL=url, SMS_STATS_PASSWORD="correct horse battery")
    client = app.test_client()
    for i, text in enumerate(CONVERSATION):
        client.post("/sms", data=twilio_form(text, sid=f"SM{i}"))
    client.post("/sms", data=twilio_form("they locked us in", sid="SM4"))  # a Twilio retry: not counted again
    return app, url


# -- stats ------------------------------------------------------------------------------------------------


def test_stats_command_counts_a_real_conversation(talked, content, monkeypatch, capsys):
    app, url = talked
    first_entry = content.menus["main"][0]
    opened = content.menus[first_entry.target][0]  # "1" then "1": a topic two levels down
    monkeypatch.setenv("SMS_STORE_URL", url)
    assert cli.main(["stats", "--days", "7", "--json"]) == 0
    out = capsys.readouterr().out
    summary = json.loads(out)
    segments = summary["totals"].pop("segments")
    assert summary["totals"] == {"texts": len(CONVERSATION), "topics": 2, "danger": 1, "unmatched": 2,
                                 "optout": 1, "optin": 1, "limited": 0, "whatsapp": 0, "calls": 0, "transfers": 0,
                                 "place": 0}  # unmatched: the first "hi" and the gibberish
    assert len(CONVERSATION) <= segments <= 3 * len(CONVERSATION)  # every reply counted, 1 to 3 segments each
    assert summary["topics"] == dict(Counter([opened.target, "report"]))
    assert summary["languages"] == {"en": 1}
    assert summary["days"] == 7 and len(summary["daily"]) == 7 and summary["daily"][-1]["day"] == TODAY
    assert summary["daily"][-1]["texts"] == len(CONVERSATION) and summary["daily"][0]["texts"] == 0
    assert cli.main(["stats"]) == 0
    report = capsys.readouterr().out
    assert "danger replies 1" in report and "report" in report and TODAY in report
    for private in (NUMBER, NUMBER[-7:], "xqzv", "locked"):
        assert private not in out and private not in report


def test_no_raw_number_or_text_is_stored(talked, tmp_path):
    data = stored_bytes(tmp_path)
    assert number_key(NUMBER, HASH_SECRET).encode() in data  # the right files were read
    for private in (NUMBER, NUMBER.lstrip("+"), NUMBER[-7:], "xqzv", "locked us"):
        assert private.encode() not in data


def test_stats_page_is_404_without_a_password(client):
    assert client.get("/stats").status_code == 404
    assert client.get("/stats", headers=basic("anything")).status_code == 404


def test_stats_page_asks_for_the_password(talked):
    client = talked[0].test_client()
    for headers in ({}, basic("wrong password"), basic("correct horse battery x"), {"Authorization": "Bearer x"}):
        response = client.get("/stats", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Basic ")
        assert b"<svg" not in response.data


def test_stats_page_shows_counts_and_charts(talked, en):
    app, _ = talked
    response = app.test_client().get("/stats?days=14", headers=basic("correct horse battery", user="anyone"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert page.count("<svg") == 2  # topic views and the daily chart, drawn on the server
    assert "<script" not in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert en.topics["report"].title in page
    assert f"<title>{TODAY}: 1 danger replies</title>" in page
    assert f"<title>{TODAY}: {len(CONVERSATION)} texts</title>" in page
    for private in (NUMBER, NUMBER[-7:], "xqzv"):
        assert private not in page


def test_summarize_fills_quiet_days_and_sorts_topics():
    counters = {"2026-11-28": {"texts": 3, "topic:b": 1, "topic:a": 1, "lang:es": 2, "danger": 1, "calls": 2,
                               "flow_started:self-check": 2, "flow_result:self-check/signs": 1},
                "2026-11-30": {"texts": 1, "topic:a": 4, "unmatched": 1, "whatsapp": 3, "transfers": 1,
                               "flow_finished:self-check": 1, "place": 2},
                "2026-11-01": {"texts": 99}}
    summary = stats.summarize(counters, 3, today=dt.date(2026, 11, 30))
    assert [row["day"] for row in summary.daily] == ["2026-11-28", "2026-11-29", "2026-11-30"]
    assert summary.topics == (("a", 5), ("b", 1))
    assert summary.languages == (("es", 2),)
    assert summary.totals == {"texts": 4, "topics": 6, "danger": 1, "unmatched": 1, "optout": 0, "optin": 0,
                              "limited": 0, "segments": 0, "whatsapp": 3, "calls": 2, "transfers": 1, "place": 2}
    assert summary.flows == {"self-check": {"started": 2, "finished": 1, "results": {"signs": 1}}}
    text = stats.as_text(summary, "here")
    assert "calls 2 (1 connected to the hotline)" in text and "flow self-check: started 2, finished 1 (signs 1)" in text
    assert summary.daily[1]["texts"] == 0


# -- the simulator ----------------------------------------------------------------------------------------


def send(client, text, number=NUMBERS[0], **kwargs):
    return client.post("/simulator/send", json={"number": number, "text": text}, **kwargs)


def test_simulator_is_open_in_testing_and_debug(make_app):
    for app in (make_app(), make_app(TESTING=False, DEBUG=True)):
        client = app.test_client()
        page = client.get("/simulator")
        assert page.status_code == 200
        assert not re.search(rb"(src|href)=\"(?!data:)", page.data)  # nothing fetched: works offline
        assert all(n.encode() in page.data for n in NUMBERS)
        assert send(client, "hi").status_code == 200


def test_simulator_is_404_in_production_without_a_password(make_app):
    client = make_app(TESTING=False).test_client()
    assert client.get("/simulator").status_code == 404
    assert send(client, "hi").status_code == 404
    assert client.post("/simulator/reset", json={"number": NUMBERS[0]}).status_code == 404


@pytest.mark.parametrize("testing", [False, True])
def test_simulator_with_a_password_asks_for_it(make_app, testing, en):
    client = make_app(TESTING=testing, SMS_SIMULATOR_PASSWORD="a long simulator password").test_client()
    for headers in ({}, basic("wrong")):
        assert client.get("/simulator", headers=headers).status_code == 401
        assert send(client, "hi", headers=headers).status_code == 401
    right = basic("a long simulator password", user="whoever")
    assert client.get("/simulator", headers=right).status_code == 200
    assert send(client, "hi", headers=right).json["reply"] == en.menus["main"]


def test_simulator_reply_is_exactly_what_sms_sends(client, content, en):
    answer = send(client, "hi").json
    encoding = segments.encode(en.menus["main"])
    assert answer["reply"] == en.menus["main"]
    assert (answer["segments"], answer["encoding"], answer["characters"]) == \
           (encoding.segments, encoding.name, len(en.menus["main"]))
    # the conversation started in the simulator goes on through /sms: same line, same store
    first = content.menus["main"][0]
    expected = en.menus[first.target] if first.kind == "menu" else en.topics[first.target].pages[0]
    assert one_message(client.post("/sms", data=twilio_form("1", sid="SM1", number=NUMBERS[0]))) == expected
    # and back: "MORE"/"BACK" from the simulator act on where /sms left the number
    assert send(client, "BACK").json["reply"] == en.menus["main"]


def test_simulator_numbers_have_separate_conversations_and_reset_forgets(client, app, en):
    store = app.extensions["sms_line"].store
    assert send(client, "STOP").json["reply"] == en.strings["stopped"]
    silent = send(client, "hi").json
    assert silent["reply"] is None and silent["segments"] == 0
    assert send(client, "hi", number=NUMBERS[1]).json["reply"] == en.menus["main"]  # the other phone is not opted out
    key = number_key(NUMBERS[0], HASH_SECRET)
    assert store.load(key).opted_out
    assert client.post("/simulator/reset", json={"number": NUMBERS[0]}).json == {"number": NUMBERS[0], "reset": True}
    assert not store.load(key).opted_out and store.load(key).blob is None
    assert send(client, "hi").json["reply"] == en.menus["main"]
    assert store.load(number_key(NUMBERS[1], HASH_SECRET)).blob is not None  # the other phone untouched


def test_simulator_only_texts_as_its_test_numbers(client, app):
    for body in ({"number": NUMBER, "text": "STOP"}, {"text": "STOP"}, {"number": NUMBERS[0]}, ["STOP"]):
        assert client.post("/simulator/send", json=body).status_code == 400
    assert client.post("/simulator/send", data={"number": NUMBERS[0], "text": "hi"}).status_code == 415
    assert client.post("/simulator/reset", json={"number": NUMBER}).status_code == 400
    assert app.extensions["sms_line"].store.load(number_key(NUMBER, HASH_SECRET)).blob is None


# -- scrubbing and keeping texts the line did not understand ----------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("my name is maria lopez and my boss took my pasport, call me at (406) 555-0123",
     "my name is [name] and my boss took my pasport, call me at [number]"),
    ("Me llamo José Hernández, trabajo en un rancho. Mi número es 406 555 0199",
     "Me llamo [name], trabajo en un rancho. Mi número es [number]"),
    ("Hi I am Rosa from Billings, email rosa.m_22@gmail.com or text +1 406.555.0142",
     "Hi I am [name] from Billings, email [email] or text [number]"),
    ("soy de Guatemala y soy Ana, mi jefe Ramón no me paga desde 2023, le debo 5000",
     "soy de Guatemala y soy [name], mi jefe [name] no me paga desde 2023, le debo 5000"),
    ("i’m Fatima. je m’appelle Fatima Zahra", "i’m [name]. je m’appelle [name]"),
    ("I am scared and i am in Havre", "I am scared and i am in Havre"),
    ("this is Mr. Smith from the ranch", "this is [name] from the ranch"),
    ("how many people are trafficked in montana", "how many people are trafficked in montana"),
])
def test_scrub(text, expected):
    assert scrub(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("call me back on 406/555/0123", "call me back on [number]"),
    ("my name: Maria Lopez, at the ranch", "my name: [name], at the ranch"),
    ("i am maria lopez and i need help", "i am [name] and i need help"),
    ("اسمي مريم وأحتاج مساعدة", "اسمي [name]"),  # a script without capitals: up to 3 words go, to be safe
    ("i am scared and i am in havre", "i am scared and i am in havre"),  # words the content uses are no name
])
def test_scrub_with_the_contents_words(assets, text, expected):
    assert scrub(text, assets.understanding.vocabulary) == expected


def test_keep_unmatched_on_both_stores(store):
    now = time.time()
    store.keep_unmatched("2026-11-28", "old text", 30 * 86400, now=now - 86400 * 2)
    store.keep_unmatched("2026-11-30", "first [number]", 30 * 86400, now=now)
    store.keep_unmatched("2026-11-30", "first [number]", 30 * 86400, now=now + 1)  # the same text twice is kept twice
    store.keep_unmatched("2026-11-30", "gone soon", 10, now=now + 2)
    assert store.unmatched("2026-11-01", now=now + 3) == [("2026-11-28", "old text"), ("2026-11-30", "first [number]"),
                                                           ("2026-11-30", "first [number]"), ("2026-11-30", "gone soon")]
    assert store.unmatched("2026-11-29", now=now + 3) == [("2026-11-30", "first [number]")] * 2 + [("2026-11-30", "gone soon")]
    assert store.unmatched("2026-11-01", now=now + 13) == [("2026-11-28", "old text"), ("2026-11-30", "first [number]"),
                                                            ("2026-11-30", "first [number]")]
    assert store.unmatched("2026-11-01", now=now + 31 * 86400) == []


def test_kept_texts_are_deleted_when_they_expire_even_when_no_longer_kept(store, redis_url_if_redis):
    now = time.time()
    store.keep_unmatched("2026-11-30", "short", 1, now=now)
    store.keep_unmatched("2026-11-30", "long", 60, now=now)
    if redis_url_if_redis is not None:  # the set lives as long as its last text, no longer
        assert 55 <= redis_url_if_redis.ttl(f"{store.prefix}u") <= 61
    else:  # any save (a text from anyone) clears expired texts from the file
        store.update("somekey", lambda record: Write(None, False, 60), now=now + 61)
        assert store._db().execute("SELECT COUNT(*) FROM unmatched").fetchone() == (0,)


@pytest.fixture
def redis_url_if_redis(store, request):
    """The Redis client when the store is Redis, else None."""
    return request.getfixturevalue("redis_client") if isinstance(store, RedisStore) else None


@pytest.mark.parametrize("keep", [True, False])
def test_line_keeps_unmatched_texts_scrubbed_only_when_asked(assets, store, content, keep):
    line = Line(assets, store, LineSettings(HASH_SECRET, keep_unmatched=keep))
    now = time.time()
    for i, text in enumerate(["hi", "zorp glim, I am Ana, 406-555-0123", "how do I report trafficking"]):
        line.handle(NUMBER, text, f"SM{i}", now=now + i)
    day = time.strftime("%Y-%m-%d", time.gmtime(now))
    expected = [(day, "hi"), (day, "zorp glim, I am [name], [number]")] if keep else []
    assert store.unmatched(day, now=now + 5) == expected


def test_unmatched_command_lists_kept_texts(make_app, tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path}/kept.sqlite3"
    client = make_app(SMS_STORE_URL=url, SMS_KEEP_UNMATCHED=True).test_client()
    for i, text in enumerate(["hi", "xqzv blorf, text me at 406-555-0123"]):
        client.post("/sms", data=twilio_form(text, sid=f"SM{i}"))
    monkeypatch.setenv("SMS_STORE_URL", url)
    monkeypatch.setenv("SMS_KEEP_UNMATCHED", "1")
    assert cli.main(["unmatched"]) == 0
    done = capsys.readouterr()
    assert done.out.splitlines() == [f"{TODAY}  hi", f"{TODAY}  xqzv blorf, text me at [number]"]
    assert "2 text(s)" in done.err
    assert b"555-0123" not in stored_bytes(tmp_path)


# -- preview ----------------------------------------------------------------------------------------------


@pytest.fixture
def loaded_once(content, monkeypatch):
    """The preview command gets the session's real content instead of parsing it again."""
    real_load = render.load
    monkeypatch.setattr(render, "load",
                        lambda root, budget=3, today=None: content if Path(root) == ROOT and budget == content.budget
                        else real_load(root, budget, today))


def test_preview_prints_every_page_as_sent_with_its_cost(loaded_once, en, capsys):
    topic = en.topics["report"]
    assert cli.main(["preview", "report", "--lang", "en", "--price", "0.01"]) == 0
    out = capsys.readouterr().out
    total = sum(segments.segments(p) for p in topic.pages)
    assert out.startswith(f"report in English (en): {len(topic.pages)} page(s), {total} segment(s) in all, "
                          f"${total * 0.01:.4f}")
    for n, page in enumerate(topic.pages, 1):
        enc = segments.encode(page)
        assert f"Page {n} of {len(topic.pages)}: {enc.segments} segment(s), {enc.name}, {len(page)} characters, " \
               f"${enc.segments * 0.01:.4f}\n{'-' * 40}\n{page}\n{'-' * 40}\n" in out


def test_preview_default_price_and_unknown_names(loaded_once, capsys):
    assert cli.main(["preview", "report"]) == 0
    assert "at $0.0079 a segment" in capsys.readouterr().out
    assert cli.main(["preview", "no-such-topic"]) == 2
    assert "the topics are:" in capsys.readouterr().err
    assert cli.main(["preview", "report", "--lang", "xx"]) == 2


# -- content reloads in development -----------------------------------------------------------------------


def _edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    later = time.time() + 5  # a clearly newer time, whatever the file system's resolution
    os.utime(path, (later, later))


def test_content_reloads_in_debug_and_keeps_the_old_on_errors(make_app, content_copy, caplog):
    app = make_app(TESTING=False, DEBUG=True, SMS_CONTENT_DIR=str(content_copy))
    client = app.test_client()
    strings = content_copy / "content" / "en" / "strings.yaml"
    _edit(strings, 'quick_exit: "OK"', 'quick_exit: "Okay"')
    assert one_message(client.post("/sms", data=twilio_form("CLEAR", sid="SM1"))) == "Okay"
    assert send(client, "CLEAR").json["reply"] == "Okay"
    _edit(strings, 'quick_exit: "Okay"', 'quick_exit: "Okay\u2019"')  # a curly quote: not GSM-7, an error
    assert one_message(client.post("/sms", data=twilio_form("CLEAR", sid="SM2"))) == "Okay"  # the old content
    assert "content/en/strings.yaml" in caplog.text and "still serving the previous content" in caplog.text


def test_content_does_not_reload_outside_debug(make_app, content_copy):
    client = make_app(SMS_CONTENT_DIR=str(content_copy)).test_client()
    _edit(content_copy / "content" / "en" / "strings.yaml", 'quick_exit: "OK"', 'quick_exit: "Okay"')
    assert one_message(client.post("/sms", data=twilio_form("CLEAR", sid="SM1"))) == "OK"


# -- doctor -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def checked():
    """content.check's answers, one per folder: the doctor checks the same content in many tests."""
    return {}


@pytest.fixture
def production(tmp_path, monkeypatch, checked):
    """A good production environment; tests spoil one thing at a time."""
    real_check = channels.check

    def check(root, budget=3, today=None):
        if (str(root), budget) not in checked:
            checked[str(root), budget] = real_check(root, budget, today)
        return checked[str(root), budget]

    monkeypatch.setattr(channels, "check", check)
    env = {"TWILIO_AUTH_TOKEN": GOOD_TOKEN, "SMS_HASH_SECRET": GOOD_SECRET,
           "SMS_STORE_URL": f"sqlite:///{tmp_path}/prod.sqlite3", "PUBLIC_BASE_URL": "https://line.example.org"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_doctor_passes_a_good_configuration(production, capsys):
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert all(line.startswith("OK ") for line in lines[:-2]) and lines[-1] == "All checks passed."
    assert "https://line.example.org/sms" in out
    assert GOOD_TOKEN not in out and GOOD_SECRET not in out


@pytest.mark.parametrize("name, value, says", [
    ("TWILIO_AUTH_TOKEN", None, "TWILIO_AUTH_TOKEN is not set"),
    ("TWILIO_AUTH_TOKEN", "AC" + "0" * 32, "does not look like a Twilio auth token"),
    ("SMS_HASH_SECRET", None, "SMS_HASH_SECRET is not set"),
    ("SMS_HASH_SECRET", "short-secret", "use at least 32"),
    ("SMS_HASH_SECRET", "development-only-not-secret", "development value"),
    ("PUBLIC_BASE_URL", "http://line.example.org", "must be the https address"),
    ("PUBLIC_BASE_URL", "https://line.example.org/sms", "must not end in /sms"),
    ("PUBLIC_BASE_URL", "https://line.example.org/line/", "no path"),
    ("SMS_ALLOW_UNSIGNED", "1", "SMS_ALLOW_UNSIGNED is on"),
    ("FLASK_DEBUG", "1", "FLASK_DEBUG is on"),
    ("SMS_SIMULATOR_PASSWORD", "short", "SMS_SIMULATOR_PASSWORD has 5 characters"),
    ("SMS_STORE_URL", "redis://127.0.0.1:1/0", "the store does not answer"),
    ("SMS_STORE_URL", "postgres://db/line", "SMS_STORE_URL"),
    ("SMS_SEGMENT_BUDGET", "three", "SMS_SEGMENT_BUDGET is 'three'"),
    ("PUBLIC_BASE_URL", None, "nor SMS_PROXIES"),
])
def test_doctor_says_what_to_fix(production, capsys, name, value, says):
    if value is None:
        production.delenv(name)
    else:
        production.setenv(name, value)
    checks = doctor.run()
    fixes = [str(c) for c in checks if not c.ok]
    assert len(fixes) == 1 and says in fixes[0], fixes
    assert fixes[0].startswith("FIX  ")


def test_doctor_warns_when_today_is_over_the_spend_guard(production, tmp_path, capsys):
    store = SQLiteStore(tmp_path / "prod.sqlite3")
    today = dt.datetime.now(dt.UTC).date().isoformat()
    store.update("somekey", lambda record: Write(None, False, 60, (today, ("segments",) * 12)))
    production.setenv("SMS_DAILY_SEGMENT_LIMIT", "10")
    fixes = [str(c) for c in doctor.run() if not c.ok]
    assert len(fixes) == 1 and "12 SMS segments went out today" in fixes[0], fixes
    production.setenv("SMS_DAILY_SEGMENT_LIMIT", "100")
    assert all(c.ok for c in doctor.run())


def test_doctor_exits_1_on_broken_content_and_names_the_command(production, content_copy, capsys):
    (content_copy / "menus" / "menu.yaml").write_text("main: [{topic: nowhere}]\n", encoding="utf-8")
    production.setenv("SMS_CONTENT_DIR", str(content_copy))
    production.setenv("SMS_SIMULATOR_PASSWORD", "a long enough password")
    assert cli.main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "FIX  the content has" in out and "python -m sms check" in out
    assert "OK   the simulator is on, behind SMS_SIMULATOR_PASSWORD." in out
    assert out.rstrip().endswith("1 thing(s) to fix.")


def test_doctor_command_runs_as_an_operator_runs_it(production):
    env = {k: v for k, v in os.environ.items()}
    env.pop("TWILIO_AUTH_TOKEN")
    done = subprocess.run([sys.executable, "-m", "sms", "doctor"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0].startswith("FIX  TWILIO_AUTH_TOKEN is not set")


# -- the operator's pages: passwords, throttling, headers ----------------------------------------------------


def _basic(password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"op:{password}".encode()).decode()}


def test_a_short_operator_password_stops_the_app_from_starting(make_app):
    for name in ("SMS_STATS_PASSWORD", "SMS_SIMULATOR_PASSWORD"):
        with pytest.raises(RuntimeError, match=name):
            make_app(**{name: "x"})


def test_wrong_passwords_are_logged_and_throttled_per_client(make_app, caplog):
    client = make_app(SMS_STATS_PASSWORD="correct horse battery").test_client()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    statuses = [client.get("/stats", headers=_basic(f"guess {i}")).status_code for i in range(7)]
    assert statuses == [401] * 5 + [429] * 2
    assert caplog.text.count("operator login failed from 198.51.100.7") == 5
    assert client.get("/stats", headers=_basic("correct horse battery")).status_code == 429  # even the right one, for now
    other = make_app(SMS_STATS_PASSWORD="correct horse battery").test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.8"
    assert other.get("/stats", headers=_basic("correct horse battery")).status_code == 200  # others are not locked out


@pytest.mark.parametrize("path,name", [("/stats", "SMS_STATS_PASSWORD"), ("/simulator", "SMS_SIMULATOR_PASSWORD")])
def test_operator_pages_forbid_framing_and_foreign_scripts(make_app, path, name):
    client = make_app(**{name: "correct horse battery"}).test_client()
    response = client.get(path, headers=_basic("correct horse battery"))
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    nonce = policy.split("script-src 'nonce-")[1].split("'")[0]
    page = response.get_data(as_text=True)
    assert page.count("<script") == page.count(f'<script nonce="{nonce}"')
    assert page.count("<style") == page.count(f'<style nonce="{nonce}"') >= 1
    assert " style=" not in page  # inline style attributes would be refused by the policy
    again = client.get(path, headers=_basic("correct horse battery")).headers["Content-Security-Policy"]
    assert again != policy  # a new nonce for every response


def test_unmatched_never_sends_a_strangers_escapes_to_the_terminal(make_app, tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path}/kept.sqlite3"
    client = make_app(SMS_STORE_URL=url, SMS_KEEP_UNMATCHED=True).test_client()
    hostile = "xqzv \x1b[2J\x1b]52;c;ZWNobyBoaQ==\x07 blorf \u202egnp.exe\u2066"
    client.post("/sms", data=twilio_form(hostile, sid="SMesc"))
    monkeypatch.setenv("SMS_STORE_URL", url)
    monkeypatch.setenv("SMS_KEEP_UNMATCHED", "1")
    assert cli.main(["unmatched"]) == 0
    out = capsys.readouterr().out
    assert not any(c in out for c in "\x1b\x07\u202e\u2066")
    assert "\\x1b[2J\\x1b]52;c;ZWNobyBoaQ==\\x07 blorf \\u202egnp.exe\\u2066" in out  # shown, not obeyed


def test_the_simulators_call_walks_keys_and_refuses_bad_requests(app, renditions):
    client, voice = app.test_client(), renditions["voice"]
    started = client.post("/simulator/call", json={"start": True}).get_json()
    assert started["asked"] == "language" and voice.languages["en"].strings["greeting"] in started["said"]
    menu = client.post("/simulator/call", json={"asked": "language", "input": "3"}).get_json()
    assert (menu["said"], menu["voice"], menu["asked"]) == (voice.languages["fr"].menus["main"], "Polly.Lea", "menu")
    danger = client.post("/simulator/call", json={"asked": "menu", "input": "ils m'enferment la nuit"}).get_json()
    assert danger["kind"] == "danger" and danger["dial"] == "+18883737888" and danger["asked"] is None
    for body in ({"asked": "nowhere", "input": "1"}, {"asked": "menu", "input": 1}, {"asked": "menu"}):
        assert client.post("/simulator/call", json=body).status_code == 400
