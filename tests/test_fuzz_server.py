"""10,000 fuzzed forms through the real server (gunicorn as the Procfile runs it): names and values at
random, Twilio's own names with values no one expects, signed and unsigned, odd headers. None gives a 5xx."""

from __future__ import annotations

import random
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from servers import TOKEN, gunicorn
from twilio.request_validator import RequestValidator

from helpers import twilio_form
from sms.channels.twilio import FIELDS

FORMS = 10_000
ALPHABET = "aZ09 +-_.:/%&=?#\\\"'<>\x00\x1b\u202e\u200fé\u0627\u06f1\uff11\ufe0f\u20e3\ud7ff\U0001f600\n\r\t"
NAMES = sorted(FIELDS) + ["MediaUrl0", "MediaContentType9", "MediaUrl99"]


def junk(rng: random.Random, longest: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, longest)))


def value(rng: random.Random) -> str:
    return rng.choice([junk(rng, 40), str(rng.randint(-10**6, 10**12)), "SM" + "f" * rng.randint(0, 40),
                       "STOP", "CLEAR", "1", "١", "", "whatsapp:+14065550100", "+1406555" + junk(rng, 6),
                       "delivered", "x" * rng.randint(0, 3000)])


def form(rng: random.Random, i: int) -> dict:
    if i % 3 == 0:  # what Twilio sends, with a body and media count no one expects
        return twilio_form(value(rng), sid=f"SMfuzz{i}", number=f"+1406555{i % 500:04d}", NumMedia=value(rng))
    fields = {rng.choice(NAMES): value(rng) for _ in range(rng.randint(0, 12))}
    for _ in range(rng.randint(0, 3)):
        fields[junk(rng, 12) or "x"] = value(rng)
    return fields


def test_fuzzed_forms_never_get_a_5xx(tmp_path):
    rng = random.Random(20261201)
    forms = [form(rng, i) for i in range(FORMS)]
    env = {"SMS_RATE_LIMIT": "1000000"}
    with gunicorn(f"sqlite:///{tmp_path}/fuzz.sqlite3", workers=2, extra_env=env) as base:
        validator = RequestValidator(TOKEN)

        def post(i: int) -> int:
            fields, rng = forms[i], random.Random(i)
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            if i % 2:
                headers["X-Twilio-Signature"] = validator.compute_signature(base + "/sms", fields)
            if i % 7 == 0:
                headers["X-Forwarded-Host"] = rng.choice(["example.org:abc", "[::1", ":99999", "a" * 300])
            if i % 11 == 0:  # headers travel as latin-1
                headers["X-Twilio-Webhooks-Signature-Settings"] = "".join(c for c in junk(rng, 200) if c not in "\r\n\x00").encode("utf-8", "surrogatepass").decode("latin-1")
            data = urllib.parse.urlencode(fields, errors="surrogatepass").encode("utf-8", "surrogatepass")
            request = urllib.request.Request(base + "/sms", data=data, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return response.status
            except urllib.error.HTTPError as exc:
                return exc.code

        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(post, range(FORMS)))
    assert not [s for s in statuses if s >= 500], sorted(set(statuses))
    assert {200, 403} <= set(statuses)  # some got through to the line, some were refused
