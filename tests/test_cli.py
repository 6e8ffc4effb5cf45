"""The real commands, run as an operator runs them: python -m sms chat | match | check."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml

import sms
from helpers import ROOT, text_step
from sms import conversation

KINDS = {"topic", "clarify", "danger", "command", "unknown"}


@pytest.fixture
def run(tmp_path):
    """Run python -m sms with arguments and standard input, on a temporary store."""
    env = {k: v for k, v in os.environ.items() if k not in sms.settings.NAMES and k != "FLASK_DEBUG"}
    env["SMS_STORE_URL"] = f"sqlite:///{tmp_path}/cli.sqlite3"

    def run(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "sms", *args], cwd=ROOT, env=env, input=stdin,
                              capture_output=True, text=True, timeout=60)

    return run


def test_chat_prints_the_issue_example(run, content, en):
    done = run("chat", stdin="hi\n1\nMORE\n")
    assert done.returncode == 0, done.stderr
    first = content.menus["main"][0]
    opened = en.menus[first.target] if first.kind == "menu" else en.topics[first.target].pages[0]
    assert en.menus["main"] in done.stdout
    assert opened in done.stdout
    assert done.stdout.count("you> ") == 3
    for text in ("hi", "1", "MORE"):
        assert f"you> {text}\n" in done.stdout


def test_chat_goes_through_a_menu_to_a_topic_and_keeps_state_between_runs(run, content, en):
    menu, numbers, shown = "main", [], []
    while True:
        entry = content.menus[menu][0]
        numbers.append("1")
        if entry.kind == "topic":
            break
        menu = entry.target
        shown.append(en.menus[menu])
    pages = en.topics[entry.target].pages
    assert len(pages) >= 2
    done = run("chat", stdin="\n".join(["hi", *numbers]) + "\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    positions = [out.index(en.menus["main"]), *(out.index(m) for m in shown), out.index(pages[0])]
    assert positions == sorted(positions)  # in the order of the conversation
    assert pages[1] not in out
    done = run("chat", stdin="MORE\nSTOP\nhi\n")  # the same number, a new process: the store remembers
    assert done.returncode == 0, done.stderr
    assert pages[1] in done.stdout
    assert en.strings["stopped"] in done.stdout
    assert done.stdout.count("you> ") == 3
    assert en.menus["main"] not in done.stdout  # "hi" after STOP gets no reply


def test_match_json_one_object_per_line(assets, run, content):
    catalogue = yaml.safe_load((ROOT / "content" / "topics.yaml").read_text())
    topic_ids = {t["id"] for key in ("topics", "answers") for t in catalogue[key]}  # an answer's id is a topic's
    lines = ["MENU", "they locked us in the trailer", "hey", "how do I report trafficking", "MORE", "STOP", "",
             "what are the signs of trafficking", "\U0001F64F", "xqzv blorf", "my boss"]
    done = run("match", "--json", stdin="\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == len(lines)
    for text, judged in zip(lines, out):
        assert set(judged) == {"text", "kind", "topic", "score", "alarm"}
        assert judged["text"] == text
        assert judged["kind"] in KINDS
        if judged["kind"] == "topic":
            assert judged["topic"] in topic_ids
            assert isinstance(judged["score"], float) and judged["score"] > 0
        if judged["kind"] in ("danger", "command", "unknown"):
            assert judged["topic"] is None
    kinds = {text: judged["kind"] for text, judged in zip(lines, out)}
    assert kinds["MENU"] == "command"
    assert kinds["STOP"] == "command"
    assert kinds["they locked us in the trailer"] == "danger"
    assert out[lines.index("they locked us in the trailer")]["alarm"] == "danger"
    assert {judged["alarm"] for judged in out if judged["kind"] != "danger"} == {None}
    assert kinds["hey"] != "topic"
    assert kinds["xqzv blorf"] == "unknown"
    assert kinds["how do I report trafficking"] == "topic"
    assert out[lines.index("how do I report trafficking")]["topic"] == "report"
    assert out[lines.index("what are the signs of trafficking")]["topic"] == "red-flags"
    assert kinds["MORE"] == "command"  # judged as a first text: no topic open to page through
    for text, judged in zip(lines, out):  # the same judgement the line gives a new number
        _, reply = text_step(conversation.State(), text, assets, 0)
        if reply.kind in ("topic", "clarify", "danger"):
            assert (judged["kind"], judged["topic"]) == (reply.kind, reply.topic), text
        else:
            assert judged["kind"] in ("command", "unknown")


def test_check_passes_on_the_real_content(run):
    done = run("check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 error(s)" in done.stdout


def test_check_fails_on_broken_content_listing_every_problem(run, content_copy):
    menu = content_copy / "menus" / "menu.yaml"
    menu.write_text(menu.read_text(encoding="utf-8").replace("gethelp:\n", "gethelp:\n  - topic: no-such-topic\n", 1),
                    encoding="utf-8")
    topic = content_copy / "content" / "en" / "topics" / "red-flags.yaml"
    topic.write_text(topic.read_text(encoding="utf-8").replace("contacts: [", "contacts: [no-such-contact, ", 1),
                     encoding="utf-8")
    done = run("check", "--content", str(content_copy))
    assert done.returncode == 1
    assert "menus/menu.yaml" in done.stdout and "no-such-topic" in done.stdout
    assert "content/en/topics/red-flags.yaml" in done.stdout and "no-such-contact" in done.stdout
    assert "2 error(s)" in done.stdout


def test_check_passes_with_only_warnings(run, content_copy):
    referrals = content_copy / "content" / "referrals.yaml"
    text = referrals.read_text(encoding="utf-8")
    referrals.write_text(text.replace("checked: 20", "checked: 19", 1), encoding="utf-8")  # a century stale
    done = run("check", "--content", str(content_copy))
    assert done.returncode == 0, done.stdout
    assert "warning" in done.stdout and "content/referrals.yaml" in done.stdout


def test_a_malformed_setting_is_named_not_a_traceback():
    result = subprocess.run([sys.executable, "-m", "sms", "check"], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "SMS_SEGMENT_BUDGET": "three"})
    assert result.returncode == 2
    assert "SMS_SEGMENT_BUDGET" in result.stderr and "Traceback" not in result.stderr


def test_chat_voice_walks_a_call_by_keys_and_words(run, renditions):
    voice = renditions["voice"]
    done = run("chat", "--voice", stdin="2\n1\n1\nme tienen encerrada y no puedo salir\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    spanish = voice.languages["es"]
    assert voice.languages["en"].strings["greeting"] in out and "Para español, oprima 2." in out
    assert out.index(spanish.menus["main"]) < out.index(spanish.menus["gethelp"]) < out.index(spanish.topics["report"].pages[0])
    assert "Polly.Lupe es-US, then asks: a key (page)" in out
    assert f"then connects the call to +18883737888]>\n{spanish.strings['danger']}" in out
    assert out.count("caller> ") == 4
