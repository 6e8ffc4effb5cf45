"""The Flask webhook Twilio calls: TwiML out, signatures, proxies, retries, and never a 500."""

from __future__ import annotations

import json
import logging

import pytest
from twilio.request_validator import RequestValidator

import sms
from helpers import HASH_SECRET, NUMBER, ROOT, messages, one_message, text_step, twilio_form
from sms import conversation
from sms.content import ContentError
from sms.privacy import number_key
from sms.text import fold

TOKEN = "test-token"
HOTLINE = "1-888-373-7888"
KEY = number_key(NUMBER, HASH_SECRET)


def way_forward(text: str, content) -> bool:
    """The reply says how to go on: the hotline, or the MENU or HELP word of the reply's language."""
    words = fold(text).split()
    return HOTLINE in text or any(content.content.commands.get(w) in ("menu", "help") for w in words)


def test_way_forward_knows_a_dead_end(content, en):
    assert way_forward(en.strings["unknown"], content)
    assert not way_forward("OK", content)


def signed(client, form, url="http://localhost/sms", token=TOKEN, path="/sms", headers=None):
    """POST form with Twilio's signature of url."""
    signature = RequestValidator(token).compute_signature(url, form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature, **(headers or {})})


def record(app):
    line = app.extensions["sms_line"]
    return line.store.load(KEY)


# -- TwiML ----------------------------------------------------------------------------------------------


def test_full_twilio_form_gets_exactly_one_message(client, en):
    form = twilio_form("hi", sid="SM" + "a" * 32, SomeFieldTwilioAddsLater="whatever", MessagingServiceSid="MG1")
    response = client.post("/sms", data=form)
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    assert one_message(response) == en.menus["main"]


def test_conversation_through_the_webhook(client, content, en):
    replies = [one_message(client.post("/sms", data=twilio_form(text, sid=f"SM{i}")))
               for i, text in enumerate(["hi", "1"])]
    first = content.menus["main"][0]
    expected = en.menus[first.target] if first.kind == "menu" else en.topics[first.target].pages[0]
    assert replies == [en.menus["main"], expected]


def test_opted_out_number_gets_an_empty_response(client, en):
    assert one_message(client.post("/sms", data=twilio_form("STOP", sid="SM1"))) == en.strings["stopped"]
    for i, text in enumerate(["hi", "MENU", "they locked us in"]):
        response = client.post("/sms", data=twilio_form(text, sid=f"SM{i + 2}"))
        assert messages(response) == []
        assert b"<Message" not in response.data
    assert one_message(client.post("/sms", data=twilio_form("START", sid="SM9"))).endswith(en.menus["main"])


def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert json.loads(response.data)["status"] == "ok"


def test_health_when_the_store_is_down_still_answers(make_app):
    app = make_app(SMS_STORE_URL="redis://127.0.0.1:1/0")
    response = app.test_client().get("/health")
    assert response.status_code == 200
    assert json.loads(response.data)["status"] != "ok"
    # and texts are still answered, from a fresh conversation
    assert one_message(app.test_client().post("/sms", data=twilio_form("hi", sid="SM1")))


def test_get_sms_is_not_allowed(client):
    assert client.get("/sms").status_code == 405


# -- signatures -----------------------------------------------------------------------------------------


@pytest.fixture
def signed_app(make_app):
    return make_app(TWILIO_AUTH_TOKEN=TOKEN)


def test_valid_signature_is_answered(signed_app, en):
    response = signed(signed_app.test_client(), twilio_form("hi", sid="SM1"))
    assert one_message(response) == en.menus["main"]


def test_sha256_signature_named_in_the_settings_header_is_answered(signed_app, en):
    form = twilio_form("hi", sid="SM1")
    signature = RequestValidator(TOKEN).compute_signature("http://localhost/sms", form, "HMAC_SHA256")
    settings = {"X-Twilio-Webhooks-Signature-Settings": "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256"}
    client = signed_app.test_client()
    assert one_message(client.post("/sms", data=form, headers={"X-Twilio-Signature": signature, **settings})) \
        == en.menus["main"]
    sha1 = RequestValidator(TOKEN).compute_signature("http://localhost/sms", form)
    refused = client.post("/sms", data=form, headers={"X-Twilio-Signature": sha1, **settings})
    assert refused.status_code == 403  # the header names SHA-256: a SHA-1 signature does not pass


def test_missing_or_wrong_signature_is_refused_and_changes_nothing(signed_app, content, en):
    client = signed_app.test_client()
    assert one_message(signed(client, twilio_form("hi", sid="SM1"))) == en.menus["main"]
    before = record(signed_app)
    forged = [
        client.post("/sms", data=twilio_form("2", sid="SM2")),  # no signature
        client.post("/sms", data=twilio_form("2", sid="SM3"), headers={"X-Twilio-Signature": "bm90IGl0"}),
        signed(client, twilio_form("2", sid="SM4"), token="another-token"),
    ]
    form = twilio_form("1", sid="SM5")  # signed for one body, sent with another
    signature = RequestValidator(TOKEN).compute_signature("http://localhost/sms", form)
    forged.append(client.post("/sms", data={**form, "Body": "2"}, headers={"X-Twilio-Signature": signature}))
    forged.append(signed(client, twilio_form("STOP", sid="SM6"), url="http://localhost/other"))
    for response in forged:
        assert response.status_code == 403
        assert b"<Message" not in response.data
    assert record(signed_app) == before  # the conversation did not move
    first = content.menus["main"][0]
    expected = en.menus[first.target] if first.kind == "menu" else en.topics[first.target].pages[0]
    assert one_message(signed(client, twilio_form("1", sid="SM7"))) == expected


def test_refused_first_text_stores_nothing(signed_app, en):
    client = signed_app.test_client()
    assert client.post("/sms", data=twilio_form("STOP", sid="SM1")).status_code == 403
    assert record(signed_app).blob is None and not record(signed_app).opted_out
    assert one_message(signed(client, twilio_form("hi", sid="SM2"))) == en.menus["main"]


def test_signature_behind_a_tls_proxy(make_app, en):
    client = make_app(TWILIO_AUTH_TOKEN=TOKEN, SMS_PROXIES=1).test_client()
    form = twilio_form("hi", sid="SM1")
    proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "example.org"}
    assert one_message(signed(client, form, url="https://example.org/sms", headers=proxy)) == en.menus["main"]
    # without the proxy's headers the app cannot rebuild the URL Twilio signed
    assert signed(client, form, url="https://example.org/sms").status_code == 403


def test_signature_behind_a_proxy_with_a_query_string(make_app):
    form = twilio_form("hi", sid="SM1")
    proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "example.org"}
    response = signed(make_app(TWILIO_AUTH_TOKEN=TOKEN, SMS_PROXIES=1).test_client(), form,
                      url="https://example.org/sms?line=mt", path="/sms?line=mt", headers=proxy)
    assert one_message(response)


def test_forwarded_headers_are_ignored_unless_a_proxy_is_configured(signed_app, caplog):
    """A request signed for another app's address, with X-Forwarded-Host naming that app, is refused."""
    caplog.set_level(logging.INFO)
    form = twilio_form("STOP", sid="SMother")
    proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "other-app.example.org"}
    response = signed(signed_app.test_client(), form, url="https://other-app.example.org/sms", headers=proxy)
    assert response.status_code == 403 and '"reason": "bad signature"' in caplog.text
    assert not record(signed_app).opted_out


# -- a signed form Twilio would never send ----------------------------------------------------------------


def test_a_captured_more_resplit_into_a_new_message_sid_is_refused(signed_app, caplog):
    """Twilio signs names and values concatenated: MessageSid=<sid> NumMedia=0 signs as MessageSid=<sid>NumMedia0."""
    caplog.set_level(logging.INFO)
    client = signed_app.test_client()
    form = twilio_form("MORE", sid="SMcaptured")
    assert signed(client, form).status_code == 200
    resplit = {k: v for k, v in form.items() if k != "NumMedia"}
    resplit["MessageSid"] = form["MessageSid"] + "NumMedia0"
    signature = RequestValidator(TOKEN).compute_signature("http://localhost/sms", form)
    assert RequestValidator(TOKEN).compute_signature("http://localhost/sms", resplit) == signature  # the same
    response = client.post("/sms", data=resplit, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403 and '"reason": "malformed MessageSid"' in caplog.text


def test_a_captured_text_resplit_into_a_stop_is_refused(signed_app, caplog):
    caplog.set_level(logging.INFO)
    client = signed_app.test_client()
    form = twilio_form("STOP Dont text my sister", sid="SMsister")
    form.pop("FromCity"), form.pop("FromCountry"), form.pop("FromState"), form.pop("FromZip")  # Body is followed by From
    resplit = {**{k: v for k, v in form.items() if k != "Body"}, "Body": "STOP ", "Dont text my sister": ""}
    signature = RequestValidator(TOKEN).compute_signature("http://localhost/sms", form)
    assert RequestValidator(TOKEN).compute_signature("http://localhost/sms", resplit) == signature
    response = client.post("/sms", data=resplit, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403 and "unknown field 'Dont text my sister'" in caplog.text
    assert not record(signed_app).opted_out


def test_a_text_for_another_account_is_refused(make_app, caplog):
    caplog.set_level(logging.INFO)
    client = make_app(TWILIO_AUTH_TOKEN=TOKEN, TWILIO_ACCOUNT_SID="AC" + "1" * 32).test_client()
    assert signed(client, twilio_form("hi", sid="SMacc")).status_code == 403
    assert '"reason": "wrong account"' in caplog.text
    assert signed(client, twilio_form("hi", sid="SMacc", AccountSid="AC" + "1" * 32)).status_code == 200


def test_a_status_callback_is_answered_with_nothing_and_not_counted(signed_app):
    client = signed_app.test_client()
    report = twilio_form(None, sid="SMstatus", MessageStatus="delivered", SmsStatus="delivered")
    response = signed(client, report)
    assert response.status_code == 200 and messages(response) == []
    assert record(signed_app).blob is None  # no welcome was given: nothing happened for this number
    assert signed_app.extensions["sms_line"].store.counters("2000-01-01") == {}


@pytest.mark.parametrize("base", ["https://line.example.org", "https://line.example.org/"])
def test_signature_over_public_base_url(make_app, en, base):
    app = make_app(TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_BASE_URL=base)
    client = app.test_client()
    form = twilio_form("hi", sid="SM1")
    assert one_message(signed(client, form, url="https://line.example.org/sms")) == en.menus["main"]
    assert signed(client, form, url="https://elsewhere.example.org/sms").status_code == 403


def test_token_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    client = make_app().test_client()
    assert client.post("/sms", data=twilio_form("hi", sid="SM1")).status_code == 403
    assert signed(client, twilio_form("hi", sid="SM2")).status_code == 200


def test_production_without_a_token_refuses_unsigned_requests(make_app, caplog):
    caplog.set_level(logging.WARNING)
    app = make_app(TESTING=False)
    assert not app.testing and not app.debug
    assert app.test_client().post("/sms", data=twilio_form("hi", sid="SM1")).status_code == 403
    assert any("TWILIO_AUTH_TOKEN" in r.getMessage() for r in caplog.records)


def test_production_without_a_token_accepts_unsigned_when_allowed(make_app, monkeypatch, caplog):
    caplog.set_level(logging.WARNING)
    app = make_app(TESTING=False, SMS_ALLOW_UNSIGNED=True)
    assert one_message(app.test_client().post("/sms", data=twilio_form("hi", sid="SM1")))
    assert any(r.levelno == logging.WARNING and "TWILIO_AUTH_TOKEN" in r.getMessage() for r in caplog.records)
    monkeypatch.setenv("SMS_ALLOW_UNSIGNED", "1")
    app = make_app(TESTING=False)
    assert one_message(app.test_client().post("/sms", data=twilio_form("hi", sid="SM2", number="+14065550999")))


def test_testing_without_a_token_accepts_unsigned_and_warns(make_app, caplog):
    caplog.set_level(logging.WARNING)
    app = make_app()
    assert one_message(app.test_client().post("/sms", data=twilio_form("hi", sid="SM1")))
    assert any(r.levelno == logging.WARNING and "TWILIO_AUTH_TOKEN" in r.getMessage() for r in caplog.records)


def test_debug_without_a_token_accepts_unsigned(make_app):
    app = make_app(TESTING=False, DEBUG=True, SMS_HASH_SECRET=None)
    assert app.debug
    assert one_message(app.test_client().post("/sms", data=twilio_form("hi", sid="SM1")))


def test_production_without_a_hash_secret_does_not_start(make_app):
    with pytest.raises(RuntimeError, match="SMS_HASH_SECRET"):
        make_app(TESTING=False, SMS_HASH_SECRET=None, TWILIO_AUTH_TOKEN=TOKEN)
    make_app(SMS_HASH_SECRET=None)  # testing: a development secret is allowed


def test_app_refuses_to_start_on_broken_content(content_copy, tmp_path):
    menu = content_copy / "menus" / "menu.yaml"
    menu.write_text(menu.read_text(encoding="utf-8") + "\nextra:\n  - topic: no-such-topic\n", encoding="utf-8")
    with pytest.raises(ContentError, match="no-such-topic"):
        sms.create_app({"TESTING": True, "SMS_CONTENT_DIR": str(content_copy),
                        "SMS_STORE_URL": f"sqlite:///{tmp_path}/t.sqlite3"})


def test_procfile_runs_the_app_under_gunicorn_on_port():
    procfile = ROOT / "Procfile"
    assert procfile.is_file()
    web = [line for line in procfile.read_text().splitlines() if line.startswith("web:")]
    assert len(web) == 1
    assert "gunicorn" in web[0] and "$PORT" in web[0].replace("${PORT", "$PORT")
    assert "sms:create_app()" in web[0]


# -- retries ----------------------------------------------------------------------------------------------


def test_twilio_retry_gets_the_same_reply_and_advances_once(client, app, en):
    one_message(client.post("/sms", data=twilio_form("hi", sid="SM1")))
    first = one_message(client.post("/sms", data=twilio_form("1", sid="SMretry")))
    before = record(app)
    again = one_message(client.post("/sms", data=twilio_form("1", sid="SMretry")))
    assert again == first
    assert record(app) == before  # nothing saved for the retry
    # one advance: MORE in the sub-menu (or first page) gives what follows one "1", not two
    after = one_message(client.post("/sms", data=twilio_form("MORE", sid="SM3")))
    assets = app.extensions["sms_line"].assets

    def last_reply(texts):
        state = conversation.State()
        for i, text in enumerate(texts):
            state, reply = text_step(state, text, assets, i)
        return reply.text

    once, twice = last_reply(["hi", "1", "MORE"]), last_reply(["hi", "1", "1", "MORE"])
    assert once != twice, "with this menu a second advance would not show: pick other texts"
    assert after == once


def test_a_stop_replayed_after_start_and_later_texts_does_not_opt_out_again(client, app, en):
    assert one_message(client.post("/sms", data=twilio_form("STOP", sid="SMstop1"))) == en.strings["stopped"]
    client.post("/sms", data=twilio_form("START", sid="SMstart1"))
    for i, text in enumerate(["1", "BACK", "HELP", "MENU"] * 2):  # more texts than a memory of the last replies keeps
        client.post("/sms", data=twilio_form(text, sid=f"SMlater{i}"))
    assert one_message(client.post("/sms", data=twilio_form("STOP", sid="SMstop1"))) == en.strings["stopped"]
    assert not record(app).opted_out  # the replay got the reply it got then, and no new effect
    assert one_message(client.post("/sms", data=twilio_form("HELP", sid="SMnew"))) == en.strings["help"]


def test_a_text_replayed_after_the_quick_exit_does_not_bring_the_conversation_back(client, app, en):
    client.post("/sms", data=twilio_form("hi", sid="SMfirst"))
    client.post("/sms", data=twilio_form("1", sid="SMone"))
    assert one_message(client.post("/sms", data=twilio_form("CLEAR", sid="SMclear"))) == en.strings["quick_exit"]
    client.post("/sms", data=twilio_form("1", sid="SMone"))  # Twilio retries an earlier text
    assert record(app).blob is None  # nothing came back


def test_message_sids_are_kept_only_as_keyed_hashes(make_app, tmp_path):
    app = make_app()
    app.test_client().post("/sms", data=twilio_form("hi", sid="SMabcdef0123456789abcdef0123456789"))
    data = b"".join(f.read_bytes() for f in tmp_path.glob("t.sqlite3*"))
    assert b"SMabcdef0123456789" not in data
    assert number_key("SMabcdef0123456789abcdef0123456789", HASH_SECRET).encode() in data


def test_a_huge_request_is_refused_before_it_is_parsed(client):
    response = client.post("/sms", data=twilio_form("x" * 1_000_000))
    assert response.status_code == 413 and b"<Message" not in response.data


def test_a_long_body_is_read_to_twilios_limit_only(client, app, en, monkeypatch):
    understanding, read = app.extensions["sms_line"].assets.understanding, []
    real_read = understanding.read
    monkeypatch.setattr(understanding, "read", lambda text, media=0: read.append(len(text)) or real_read(text, media))
    long = "they locked me in the trailer and wont let me leave. " + "words " * 2_000  # 12 KB: under the form limit
    response = client.post("/sms", data=twilio_form(long, sid="SMlong"))
    assert response.status_code == 200 and one_message(response) == en.strings["danger"]
    assert read == [1600]  # Twilio's own limit for one message


def test_retry_of_a_stop_is_answered_the_same(client, en):
    assert one_message(client.post("/sms", data=twilio_form("STOP", sid="SMstop"))) == en.strings["stopped"]
    assert one_message(client.post("/sms", data=twilio_form("STOP", sid="SMstop"))) == en.strings["stopped"]
    assert messages(client.post("/sms", data=twilio_form("STOP", sid="SMother"))) == []


def test_texts_without_a_sid_are_each_answered(client, content, en):
    one_message(client.post("/sms", data=twilio_form("hi")))
    path = []
    menu = "main"
    while content.menus[menu][0].kind == "menu":
        path.append("1")
        menu = content.menus[menu][0].target
    for _ in path:
        one_message(client.post("/sms", data=twilio_form("1")))
    topic = content.menus[menu][0].target
    assert one_message(client.post("/sms", data=twilio_form("1"))) == en.topics[topic].pages[0]
    assert one_message(client.post("/sms", data=twilio_form("MORE"))) == en.topics[topic].pages[1]


# -- never a 500 ----------------------------------------------------------------------------------------------

ODD_FORMS = {
    "empty body": twilio_form(""),
    "no body": twilio_form(None),
    "no from": twilio_form("hi", number=None),
    "no from no body": twilio_form(None, number=None),
    "1,700 characters": twilio_form("help with my boss " * 95),
    "one long word": twilio_form("a" * 1700),
    "emoji only": twilio_form("\U0001F64F\U0001F62D\U0001F198"),
    "control characters": twilio_form("\x00\x07"),
    "arabic": twilio_form("\u0645\u062f\u064a\u0631\u064a \u0623\u062e\u0630 \u062c\u0648\u0627\u0632 \u0633\u0641\u0631\u064a"),
    "only spaces": twilio_form("   \n\t "),
    "xml": twilio_form("<Response><Message>x</Message></Response> & ]]>"),
}


@pytest.mark.parametrize("name", ODD_FORMS)
def test_odd_texts_get_one_message_with_a_way_forward(client, content, name):
    for i in range(2):  # as a first text and as a later one
        text = one_message(client.post("/sms", data={**ODD_FORMS[name], "MessageSid": f"SModd{i}"}))
        assert way_forward(text, content), text


def test_invalid_utf8_body(client, content):
    for i in range(2):
        response = client.post("/sms", data=b"From=%2B1555&Body=%FF%FE&MessageSid=SMbad" + str(i).encode(),
                               content_type="application/x-www-form-urlencoded")
        assert way_forward(one_message(response), content)


@pytest.mark.parametrize("data, content_type", [
    (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"),
    (b"", "application/x-www-form-urlencoded"),
    (b'{"From": "+1555", "Body": "hi"}', "application/json"),
    (b"--x\r\nbroken multipart", "multipart/form-data; boundary=x"),
])
def test_malformed_posts(client, content, data, content_type):
    assert way_forward(one_message(client.post("/sms", data=data, content_type=content_type)), content)


def test_engine_failure_still_answers_with_the_hotline_and_logs_no_private_text(client, monkeypatch, caplog, en):
    def broken(state, text, *args, **kwargs):
        raise ValueError(text)  # an exception that quotes the body, as real ones may

    monkeypatch.setattr(conversation, "step", broken)
    caplog.set_level(logging.DEBUG)
    text = one_message(client.post("/sms", data=twilio_form("secret body text", sid="SM1")))
    assert text == en.strings["error"]
    assert HOTLINE in text
    assert any(r.levelno >= logging.ERROR for r in caplog.records)  # the failure is logged
    logged = caplog.text
    assert "secret body text" not in logged
    for raw in (NUMBER, NUMBER.lstrip("+"), NUMBER[-7:]):
        assert raw not in logged


def test_store_failure_still_answers(client, app, monkeypatch, en):
    line = app.extensions["sms_line"]

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(line.store, "load", broken)
    text = one_message(client.post("/sms", data=twilio_form("hi", sid="SM1")))
    assert HOTLINE in text


def test_logs_never_hold_a_number_or_a_body(make_app, caplog):
    caplog.set_level(logging.DEBUG)
    bodies = ["hi there zebraword", "1", "1", "MORE", "my boss took my pasport quarry", "they locked us in gulch",
              "HELP", "xqzv blorf", "STOP", "START", "CLEAR"]
    app = make_app(TWILIO_AUTH_TOKEN=TOKEN)
    client = app.test_client()
    for i, body in enumerate(bodies):
        assert signed(client, twilio_form(body, sid=f"SM{i}")).status_code == 200
    assert client.post("/sms", data=twilio_form("forged pebbleword", sid="SMx")).status_code == 403
    assert caplog.records  # something was logged, so the check below means something
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for raw in (NUMBER, NUMBER.lstrip("+"), NUMBER[-7:], "+1 406"):
        assert raw not in logged
    for word in ("zebraword", "pasport", "quarry", "gulch", "xqzv", "pebbleword"):
        assert word not in logged


def test_create_app_reads_the_environment(monkeypatch, tmp_path, en):
    monkeypatch.setenv("SMS_STORE_URL", f"sqlite:///{tmp_path}/env.sqlite3")
    monkeypatch.setenv("SMS_HASH_SECRET", "env-secret")
    monkeypatch.setenv("SMS_SESSION_MINUTES", "5")
    monkeypatch.setenv("SMS_ALLOW_UNSIGNED", "1")
    app = sms.create_app()
    assert app.config["SMS_SESSION_MINUTES"] == 5.0
    client = app.test_client()
    assert one_message(client.post("/sms", data=twilio_form("hi", sid="SM1"))) == en.menus["main"]
    assert (tmp_path / "env.sqlite3").is_file()
    line = app.extensions["sms_line"]
    assert line.store.load(number_key(NUMBER, "env-secret")).blob is not None
    assert line.settings.session_minutes == 5.0


# -- pictures, voice notes and Twilio's own opt-out replies ------------------------------------------------


def test_a_picture_alone_is_answered_in_the_conversations_language_and_keeps_the_place(client, content, en):
    es = content.languages["es"]
    post = lambda body, n, media="0", **extra: client.post(  # noqa: E731
        "/sms", data=twilio_form(body, sid=f"SMm{n}", NumMedia=media, **extra))
    assert one_message(post("hi", 1)) == en.menus["main"]
    page = one_message(post("1", 2))
    photo = {"MediaUrl0": "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM0/Media/ME0",
             "MediaContentType0": "image/jpeg"}
    assert one_message(post("", 3, "1", **photo)) == en.strings["media"]
    assert "1-888-373-7888" in en.strings["media"] and "MENU" in en.strings["media"]
    assert one_message(post("1", 4)) != page  # still in the sub-menu: 1 opens its first entry
    assert one_message(post("ES", 5)) == es.menus["main"]
    assert one_message(post("", 6, "2", **photo)) == es.strings["media"]
    assert one_message(post("HELP", 7, "1", **photo)) == es.strings["help"]  # media with words: the words count


def test_media_urls_are_never_logged(client, caplog):
    caplog.set_level(logging.DEBUG)
    url = "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM0/Media/ME-secret"
    client.post("/sms", data=twilio_form("", sid="SMx", NumMedia="1", MediaUrl0=url))
    assert "ME-secret" not in caplog.text


@pytest.mark.parametrize("bad", ["x", "-1", "999", ""])
def test_a_strange_media_count_is_read_as_none(client, en, bad):
    assert one_message(client.post("/sms", data=twilio_form("hi", sid="SMy", NumMedia=bad))) == en.menus["main"]


def test_what_twilio_answered_itself_is_recorded_and_not_answered_again(client, en):
    """With Twilio's Advanced Opt-Out, Twilio replies to STOP, START and HELP and forwards them with
    OptOutType: the line records the opt-out or opt-in and sends no second reply."""
    post = lambda body, n, **extra: client.post("/sms", data=twilio_form(body, sid=f"SMo{n}", **extra))  # noqa: E731
    assert one_message(post("hi", 1)) == en.menus["main"]
    assert messages(post("STOP", 2, OptOutType="STOP")) == []
    assert messages(post("hello", 3)) == []  # recorded: the number is opted out
    assert messages(post("they are hurting me", 4)) == []
    assert messages(post("UNSUBSCRIBE ME NOW", 5, OptOutType="STOP")) == []  # Twilio's own word: still stop
    assert messages(post("START", 6, OptOutType="START")) == []
    assert one_message(post("MENU", 7)) == en.menus["main"]  # opted in again
    assert messages(post("HELP", 8, OptOutType="HELP")) == []
    assert one_message(post("HELP", 9)) == en.strings["help"]  # without Advanced Opt-Out: the line's own
    assert one_message(post("STOP", 10)) == en.strings["stopped"]


@pytest.mark.parametrize("host", ["example.org:abc", "example.org:99999", "[::1", "exa mple.org"])
def test_a_malformed_forwarded_host_is_refused_not_an_error(signed_app, host):
    client = signed_app.test_client()
    form = twilio_form("hi", sid="SMhost")
    response = client.post("/sms", data=form, headers={"X-Forwarded-Host": host, "X-Forwarded-Proto": "https",
                                                       "X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"})
    assert response.status_code == 403


def test_a_signature_with_characters_no_signature_has_is_refused(signed_app):
    response = signed_app.test_client().post("/sms", data=twilio_form("hi", sid="SMx"),
                                             headers={"X-Twilio-Signature": "é" * 28})
    assert response.status_code == 403
