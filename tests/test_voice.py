"""Calls and WhatsApp through the real app: raw Twilio forms of each channel -> status and TwiML, every
topic walked by keys in every language, the danger and transfer paths, a call's state, and never a 500.
Voice scenarios (tests/scenarios/voice/*.txt) are replayed as a caller lives them."""

from __future__ import annotations

import re
import sqlite3
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from golden_diff import unified_diff
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

from helpers import ACCOUNT_SID, HASH_SECRET, NUMBER, topic_paths, twilio_form
from sms.channels.voice import calls, keys, twiml
from sms.channels.voice.render import spoken_numbers
from sms.line import CALL_PREFIX, CALL_SECONDS, Line, LineSettings
from sms.privacy import number_key
from sms.stores import SQLiteStore

TOKEN = "voice-token"
CALL = "CA" + "1" * 32
HOTLINE = "+18883737888"
SPOKEN_HOTLINE = "1, 8 8 8, 3 7 3, 7 8 8 8"
SCENARIOS = Path(__file__).resolve().parent / "scenarios" / "voice"


def call_form(**extra) -> dict:
    """The form Twilio posts during a call."""
    return {"CallSid": CALL, "AccountSid": ACCOUNT_SID, "From": NUMBER, "To": "+14065550000",
            "CallStatus": "in-progress", "Direction": "inbound", "ApiVersion": "2010-04-01", **extra}


def post(client, path: str, form: dict, token: str | None = TOKEN):
    """POST form to path signed as Twilio signs it (unsigned when token is None)."""
    headers = {"X-Twilio-Signature": RequestValidator(token).compute_signature(f"http://localhost{path}", form)} \
        if token else {}
    return client.post(path, data=form, headers=headers)


def verbs(response) -> ET.Element:
    """The TwiML document of a 200 response, parsed."""
    assert response.status_code == 200, response.data
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    return root


def said(root: ET.Element) -> str:
    """Everything the document says, in order."""
    return " ".join(say.text or "" for say in root.iter("Say"))


@pytest.fixture
def client(make_app):
    return make_app(TWILIO_AUTH_TOKEN=TOKEN).test_client()


@pytest.fixture(scope="session")
def voice(renditions):
    return renditions["voice"]


@pytest.fixture(scope="session")
def whatsapp(renditions):
    return renditions["whatsapp"]


def test_raw_forms_of_every_channel(client, content, voice, whatsapp):
    """One table: a raw Twilio form for each channel -> the status and TwiML the line answers with."""
    def message(response):
        root = verbs(response)
        return [m.text for m in root.findall("Message")]

    sms_hi = message(post(client, "/sms", twilio_form("hi", sid="SMa")))
    assert sms_hi == [content.languages["en"].menus["main"]]
    wa = message(post(client, "/sms", twilio_form("AYUDA", sid="SMb", number=f"whatsapp:{NUMBER}")))
    assert wa == [whatsapp.languages["es"].strings["help"]] and "línea" in wa[0] and "tarifas" not in wa[0]
    assert "tarifas" in content.languages["es"].strings["help"]  # SMS keeps the carriers' notice
    greeting = verbs(post(client, "/voice", call_form()))
    gather = greeting.find("Gather")
    assert gather.get("action") == "/voice/key?on=language" and gather.get("numDigits") == "1"
    assert [s.get("voice") for s in gather.findall("Say")][1:] == [v.voice for v in voice.voices.values()]
    assert greeting.find("Redirect").text == "/voice/key?on=language"  # no key: the default language
    menu = verbs(post(client, "/voice/key?on=language", call_form(Digits="2")))
    asked = menu.find("Gather")
    assert (asked.get("input"), asked.get("language"), asked.get("action")) == ("dtmf speech", "es-US", "/voice/key?on=menu")
    assert asked.find("Say").get("voice") == "Polly.Lupe" and said(menu).startswith(voice.languages["es"].menus["main"])
    danger = verbs(post(client, "/voice/key?on=menu", call_form(SpeechResult="me tienen encerrada y no puedo salir")))
    assert danger.find("Dial").text == HOTLINE and "9 1 1" in said(danger)
    assert verbs(post(client, "/voice/key?on=menu", call_form(Digits="0"))).find("Dial").text == HOTLINE
    failed = verbs(post(client, "/voice/dialed?lang=es", call_form(DialCallStatus="no-answer")))
    assert said(failed).count(SPOKEN_HOTLINE) >= 2 and failed.find("Gather") is not None
    done = verbs(post(client, "/voice/dialed?lang=es", call_form(DialCallStatus="completed")))
    assert [v.tag for v in done] == ["Say", "Hangup"] and SPOKEN_HOTLINE in said(done)
    assert post(client, "/voice", call_form(), None).status_code == 403
    assert post(client, "/voice", call_form(), "wrong-token").status_code == 403
    assert post(client, "/voice/key?on=menu", call_form(CallSid="CA123")).status_code == 403
    assert post(client, "/voice", {k: v for k, v in call_form().items() if k != "CallSid"}).status_code == 403


def test_whatsapp_is_keyed_apart_and_its_stop_is_the_lines_own(client, content, whatsapp):
    """STOP on WhatsApp (no carrier opt-out there) is answered by the line and recorded for the whatsapp:
    address only; the same phone's SMS still gets answers."""
    stopped = verbs(post(client, "/sms", twilio_form("STOP", sid="SMc", number=f"whatsapp:{NUMBER}")))
    assert [m.text for m in stopped.findall("Message")] == [whatsapp.languages["en"].strings["stopped"]]
    assert verbs(post(client, "/sms", twilio_form("hi", sid="SMd", number=f"whatsapp:{NUMBER}"))).findall("Message") == []
    assert [m.text for m in verbs(post(client, "/sms", twilio_form("hi", sid="SMe"))).findall("Message")] \
        == [content.languages["en"].menus["main"]]


def test_a_prompt_is_the_twiml_the_library_builds(voice):
    """twiml.prompt parsed back: the same document the twilio library makes from the same verbs."""
    text = voice.languages["fr"].menus["main"]
    expected = VoiceResponse()
    for words in (text, f"{voice.languages['fr'].strings['no_input']} {text}"):
        gather = expected.gather(input="dtmf speech", num_digits=1, finish_on_key="", timeout=twiml.KEY_SECONDS,
                                 action="/voice/key?on=menu", method="POST", language="fr-FR", speech_timeout="auto")
        gather.say(words, voice="Polly.Lea", language="fr-FR")
    expected.say(voice.languages["fr"].strings["goodbye"], voice="Polly.Lea", language="fr-FR")
    expected.hangup()
    assert twiml.prompt(voice, "fr", text, "/voice/key?on=menu") == str(expected)
    root = ET.fromstring(twiml.prompt(voice, "ar", voice.languages["ar"].menus["main"], "/x"))
    assert {s.get("voice") for s in root.iter("Say")} == {"Polly.Zeina"}
    assert root.find("Gather").get("finishOnKey") == ""  # '#' is a key the caller presses, not the end of input


@pytest.fixture
def call_line(every_channel, tmp_path):
    return Line(every_channel, SQLiteStore(tmp_path / "calls.sqlite3"), LineSettings(HASH_SECRET))


@pytest.mark.parametrize("lang", ["en", "es", "fr", "ar"])
def test_a_caller_reaches_every_topic_and_all_its_parts_by_keys(call_line, voice, lang):
    rendition = voice
    key = str(list(rendition.voices).index(lang) + 1)
    for n, (topic, (path, _)) in enumerate(sorted(topic_paths(rendition).items())):
        sid = f"CA{n:032x}"
        step = calls.step(call_line, sid, "language", key, None)
        assert step.lang == lang and step.text == rendition.languages[lang].menus["main"] and step.asked == "menu"
        for digit in path:
            step = calls.step(call_line, sid, step.asked, digit, None)
        if topic in rendition.connects:  # "talk to a person": on a call, a person
            assert step.dial == HOTLINE and step.text == rendition.languages[lang].strings["connecting"]
            continue
        pages = rendition.languages[lang].topics[topic].pages
        assert (step.text, step.asked) == (pages[0], "page")
        for page in pages[1:]:
            step = calls.step(call_line, sid, step.asked, rendition.keys["more"], None)
            assert step.text == page
        assert calls.step(call_line, sid, "page", rendition.keys["person"], None).dial == HOTLINE


def test_every_menu_says_its_keys_and_numbers_are_read_digit_by_digit(voice, content):
    for lang in voice.languages.values():
        for menu_id, entries in voice.menus.items():
            spoken = lang.menus[menu_id]
            assert all(re.search(rf"\b{n}\b", spoken) for n in range(1, len(entries) + 1)), (lang.code, menu_id)
        for topic in lang.topics.values():
            assert "1-888-373-7888" not in topic.pages[-1]
    assert spoken_numbers("call 1-888-373-7888 or 911, text 233733 in 2023", ["1-888-373-7888", "233733", "911"]) \
        == "call 1, 8 8 8, 3 7 3, 7 8 8 8 or 9 1 1, text 2 3 3 7 3 3 in 2023"
    assert SPOKEN_HOTLINE in voice.languages["en"].topics["talk-to-someone"].pages[-1]


@pytest.mark.parametrize("lang, words", [
    ("en", "they lock us in the barn at night and i cant leave"), ("es", "me tienen encerrada y no puedo salir"),
    ("fr", "ils m'enferment et je ne peux pas partir"), ("ar", "يحبسونني في الغرفة ولا أستطيع الخروج"),
])
def test_danger_said_on_a_call_tells_to_hang_up_for_911_and_connects_the_hotline(call_line, voice, lang, words):
    key = str(list(voice.voices).index(lang) + 1)
    sid = "CA" + lang.encode().hex().ljust(32, "0")
    calls.step(call_line, sid, "language", key, None)
    step = calls.step(call_line, sid, "menu", None, words)
    assert step.reply.kind == "danger" and step.dial == HOTLINE and step.lang == lang
    assert step.text == voice.languages[lang].strings["danger"] and "9 1 1" in step.text
    hurt = calls.step(call_line, sid, "menu", None, {"en": "i want to kill myself", "es": "ya no quiero vivir",
                                                       "fr": "je veux me suicider", "ar": "أريد أن أنتحر"}[lang])
    assert hurt.reply.alarm == "self_harm" and hurt.dial == HOTLINE and "9 8 8" in hurt.text


def test_words_that_end_a_text_conversation_mean_nothing_on_a_call(call_line, voice):
    calls.step(call_line, CALL, "language", "1", None)
    for words in ("STOP", "clear", "start"):
        step = calls.step(call_line, CALL, "menu", None, words)
        assert step.reply.kind not in ("silent",) and not step.reply.forget and step.text
    assert keys.meaning("menu", "#", None, voice, None).command == "back"
    assert keys.meaning("page", "1", None, voice, None).command == "more"
    assert keys.meaning("menu", "1", None, voice, None).number == 1
    assert keys.meaning("language", None, None, voice, None).switch == "en"


def test_a_call_keeps_no_number_and_nothing_said_and_its_state_goes_with_it(client, tmp_path):
    post(client, "/voice/key?on=language", call_form(Digits="1"))
    post(client, "/voice/key?on=menu", call_form(SpeechResult="my boss keeps my passport"))
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("t.sqlite3*"))
    assert NUMBER.encode() not in raw and b"passport" not in raw and CALL.encode() not in raw
    key = number_key(CALL_PREFIX + CALL, HASH_SECRET)
    with sqlite3.connect(tmp_path / "t.sqlite3") as db:
        (expires,), = db.execute("SELECT expires FROM conversations WHERE key = ?", (key,)).fetchall()
    assert 0 < expires - time.time() <= CALL_SECONDS
    post(client, "/voice/dialed?lang=en", call_form(DialCallStatus="completed"))
    with sqlite3.connect(tmp_path / "t.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM conversations WHERE key = ?", (key,)).fetchone() == (0,)


def test_calls_and_transfers_are_counted_and_nothing_else_of_a_call(call_line, voice):
    calls.step(call_line, CALL, "language", "2", None)
    calls.step(call_line, CALL, "menu", "1", None)
    calls.step(call_line, CALL, "menu", "0", None)
    counts = {name: n for day in call_line.store.counters("2000-01-01").values() for name, n in day.items()}
    assert counts.get("calls") == 1 and counts.get("transfers") == 1 and "texts" not in counts
    assert "segments" not in counts and counts.get("lang:es") == 1


def test_a_failing_line_says_the_hotline_and_hangs_up(client, make_app, monkeypatch):
    app = make_app(TWILIO_AUTH_TOKEN=TOKEN)
    line = app.extensions["sms_line"]

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(line, "call", broken)
    root = verbs(post(app.test_client(), "/voice/key?on=menu", call_form(Digits="1")))
    assert [v.tag for v in root] == ["Say", "Hangup"] and SPOKEN_HOTLINE in said(root) and "9 1 1" in said(root)


def test_a_call_is_answered_when_the_store_cannot_be_opened(make_app, tmp_path):
    app = make_app(TWILIO_AUTH_TOKEN=TOKEN, SMS_STORE_URL=f"sqlite:///{tmp_path}/missing/dir/x.sqlite3")
    client = app.test_client()
    assert verbs(post(client, "/voice", call_form())).find("Gather") is not None
    menu = verbs(post(client, "/voice/key?on=language", call_form(Digits="1")))
    assert menu.find("Gather") is not None and "press 1" in said(menu)


# --- voice scenarios: `> 2` a key, `> "words"` words said, `> (silence)` no key at the language choice ---

def play(script: list[str], line: Line) -> str:
    rendition = line.assets.on("voice").content
    blocks, asked = [], "language"
    for sent in script:
        words = sent[1:-1] if sent.startswith('"') else None
        key = None if words is not None or sent == "(silence)" else sent
        step = calls.step(line, "CA" + "2" * 32, asked, key, words)
        voice = rendition.voice(step.lang)
        then = f"connects to {step.dial}" if step.dial else f"asks on {step.asked}" if step.asked else "hangs up"
        blocks.append(f"> {sent}\n< ({voice.voice}, {voice.language}; {then})\n{step.text or ''}\n")
        asked = step.asked or "menu"
    return "\n".join(blocks)


def scenario(path: Path) -> tuple[list[str], list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.startswith("#")], [line[2:] for line in lines if line.startswith("> ")]


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.txt")), ids=lambda p: p.stem)
def test_voice_scenario(path, call_line, update):
    heading, script = scenario(path)
    assert heading and script
    played = "\n".join(heading) + "\n\n" + play(script, call_line)
    if update:
        path.write_text(played, encoding="utf-8")
        return
    written = path.read_text(encoding="utf-8")
    assert played == written, unified_diff(written.splitlines(), played.splitlines(), path.name, "from the line")


def test_there_are_voice_scenarios_in_every_language():
    stems = {p.stem for p in SCENARIOS.glob("*.txt")}
    assert {"english-caller", "spanish-caller", "french-caller", "arabic-caller"} <= stems


def test_a_call_never_asks_to_reply_a_word(voice, content):
    """The written topics say "Reply CHECK"; a call says where the self-check is instead (voice.yaml `instead`)."""
    for code, lang in content.content.languages.items():
        words = [w for w in lang.flow_words]
        for topic in voice.languages[code].topics.values():
            said = " ".join(topic.pages).lower()
            assert not any(f" {w}" in said and "reply" in said for w in words), (code, topic.id)
        written = " ".join(content.content.languages[code].topics["am-i-trafficked"].pages)
        assert any(sentence in written for sentence in lang.spoken.instead), code


def test_a_stale_instead_sentence_is_a_warning(content_copy):
    from sms import channels
    path = content_copy / "content" / "en" / "voice.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('"Reply CHECK for a short self-check."',
                                                             '"Reply CHEK for a short self-check."'), encoding="utf-8")
    found = [p for p in channels.check(content_copy) if p.file == "content/en/voice.yaml"]
    assert [p.error for p in found] == [False] and "no topic says" in found[0].message


@pytest.mark.parametrize("words, expect", [("español", "es menu"), ("they lock me in the barn at night", "dial"),
                                           ("hello", "en menu")])
def test_words_said_at_the_greeting_are_heard(call_line, voice, words, expect):
    """The greeting gathers speech too (in the default language): a language's name chooses it, danger is
    danger before any key, and anything else goes on in the default language."""
    greeting = ET.fromstring(twiml.greeting(voice, "/voice/key?on=language")).find("Gather")
    assert (greeting.get("input"), greeting.get("language")) == ("dtmf speech", "en-US")
    step = calls.step(call_line, "CA" + "4" * 32, "language", None, words)
    if expect == "dial":
        assert step.dial == HOTLINE and step.reply.kind == "danger"
    else:
        lang = expect.split()[0]
        assert (step.lang, step.text, step.asked) == (lang, voice.languages[lang].menus["main"], "menu")
