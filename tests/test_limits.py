"""The per-number limits and the line's spend guard, through the Line on a real SQLite store: floods,
auto-responders and bots cost at most the limit and one notice; danger, STOP and the quick exit are never
held back; segments sent are counted per day."""

from __future__ import annotations

import time

import pytest

from helpers import HASH_SECRET, NUMBER
from sms.conversation.limits import Limits
from sms.conversation.reply import Count
from sms.line import Line, LineSettings
from sms.privacy import number_key
from sms.stores import SQLiteStore

DANGER = "they locked me in the trailer and wont let me leave"
NOW = 1_800_000_000.0


@pytest.fixture
def line(assets, tmp_path):
    return Line(assets, SQLiteStore(tmp_path / "limits.sqlite3"), LineSettings(HASH_SECRET))


def flood(line, texts, start=NOW, gap=1.0, number=NUMBER):
    """Send texts one after another, gap seconds apart; the replies' texts (None: nothing sent)."""
    return [line.handle(number, text, f"SM{i:032d}", now=start + i * gap).text for i, text in enumerate(texts)]


def test_a_flood_costs_at_most_the_limit_and_one_notice(line, en):
    sent = [t for t in flood(line, ["1", "MORE", "BACK", "HELP", "MENU", "how do i report"] * 167, gap=0.5) if t]
    assert len(sent) == Limits().replies + 1
    assert sent[-1] == en.strings["limited"] and sent.count(en.strings["limited"]) == 1
    day = time.strftime("%Y-%m-%d", time.gmtime(NOW))
    counts = line.store.counters(day)[day]
    assert counts[Count.LIMITED] == 1002 - len(sent) + 1 and counts[Count.TEXTS] == 1002  # the notice counts too


def test_after_the_window_the_number_is_answered_again(line, en):
    flood(line, ["1", "BACK"] * 15)
    later = NOW + Limits().window + 60
    assert line.handle(NUMBER, "HELP", "SMlater", now=later).text == en.strings["help"]


def test_an_auto_responder_gets_the_same_reply_twice_at_most(line, en):
    replies = flood(line, ["Thank you for your message. I am away until Monday."] * 30)
    assert len([r for r in replies if r]) <= 2
    bot = flood(line, ["YES"] * 30, start=NOW + 3600, number="+14065550999")
    assert len([r for r in bot if r]) <= 2


def test_danger_always_gets_through_but_at_most_once_a_minute(line, en):
    flood(line, ["1", "BACK"] * 15)  # the number is over its limit
    assert line.handle(NUMBER, DANGER, "SMd1", now=NOW + 40).text == en.strings["danger"]
    assert line.handle(NUMBER, DANGER, "SMd2", now=NOW + 50).text is None
    assert line.handle(NUMBER, DANGER, "SMd3", now=NOW + 101).text == en.strings["danger"]


@pytest.mark.parametrize("word, expected", [("STOP", "stopped"), ("CLEAR", "quick_exit")])
def test_effects_are_never_held_back(line, en, word, expected):
    flood(line, ["1", "BACK"] * 15)
    assert line.handle(NUMBER, word, "SMeffect", now=NOW + 40).text == en.strings[expected]
    record = line.store.load(number_key(NUMBER, HASH_SECRET))
    assert record.blob is None and record.opted_out == (word == "STOP")


def test_segments_sent_are_counted_per_day(line, content):
    replies = flood(line, ["hi", "1", "1"])
    day = time.strftime("%Y-%m-%d", time.gmtime(NOW))
    assert line.store.counters(day)[day][Count.SEGMENTS] == sum(content.cost(r) for r in replies)


def test_the_spend_guard_answers_only_danger_help_and_effects(assets, tmp_path, en, caplog):
    line = Line(assets, SQLiteStore(tmp_path / "spend.sqlite3"), LineSettings(HASH_SECRET, daily_segments=5))
    flood(line, ["hi", "1", "1", "MORE"], number="+14065550111")  # more than 5 segments today
    later = NOW + 60  # past the guard's cache
    assert line.handle(NUMBER, "hi", "SMs1", now=later).text is None
    assert "spend guard" in caplog.text
    assert line.handle(NUMBER, DANGER, "SMs2", now=later + 1).text == en.strings["danger"]
    assert line.handle(NUMBER, "HELP", "SMs3", now=later + 2).text == en.strings["help"]
    assert line.handle(NUMBER, "STOP", "SMs4", now=later + 3).text == en.strings["stopped"]
