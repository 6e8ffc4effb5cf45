"""What tests share besides fixtures: the project's paths and test values, the form Twilio posts, reading
TwiML, stepping the engine with a plain text, and the menu paths to each topic."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from pathlib import Path

from sms import conversation
from sms.channels.sms import segments
from sms.conversation.limits import Limits

ROOT = Path(__file__).resolve().parent.parent
UNLIMITED = Limits(replies=10**6, repeats=10**6)  # for walks through the content, not tests of the limits
REDIS_URL = "redis://127.0.0.1:6379/13"
HASH_SECRET = "test-secret"
NUMBER = "+14065550123"


def exchange(sent: str, reply, channel: str = "sms") -> str:
    """One text and its reply as transcripts write them: "> text", "< (segments, encoding)" (on WhatsApp
    "< (characters)"), the reply."""
    if reply.text is None:
        return f"> {sent}\n< (no reply)\n"
    if channel == "whatsapp":
        return f"> {sent}\n< ({len(reply.text)} characters)\n{reply.text}\n"
    enc = segments.encode(reply.text)
    return f"> {sent}\n< ({enc.segments} segment{'s' * (enc.segments != 1)}, {enc.name})\n{reply.text}\n"


def text_step(state, text: str, assets, now: float, **kwargs):
    """conversation.step for a text as it arrives: read once, as the line reads it at the door."""
    return conversation.step(state, assets.understanding.read(text), assets, now, **kwargs)


ACCOUNT_SID = "AC" + "0" * 32


def twilio_sid(name: str) -> str:
    """A MessageSid in Twilio's format (SM and 32 hex digits) standing for a test's name for a message."""
    if len(name) == 34 and name.startswith(("SM", "MM")) and all(c in "0123456789abcdef" for c in name[2:]):
        return name
    return "SM" + hashlib.md5(name.encode()).hexdigest()


def twilio_form(body: str | None = "hi", sid: str | None = None, number: str | None = NUMBER, **extra) -> dict:
    """The form Twilio posts for an inbound SMS (None leaves a field out); sid: a name for the message,
    turned into a MessageSid of Twilio's format (twilio_sid)."""
    sid = twilio_sid(sid) if sid else None
    form = {
        "ToCountry": "US", "ToState": "MT", "SmsMessageSid": sid, "NumMedia": "0", "ToCity": "HELENA",
        "FromZip": "59801", "SmsSid": sid, "FromState": "MT", "SmsStatus": "received", "FromCity": "MISSOULA",
        "Body": body, "FromCountry": "US", "To": "+14065550000", "ToZip": "59601", "NumSegments": "1",
        "MessageSid": sid, "AccountSid": ACCOUNT_SID, "From": number, "ApiVersion": "2010-04-01",
    }
    form.update(extra)
    return {k: v for k, v in form.items() if v is not None}


def messages(response) -> list[str]:
    """The texts of the <Message> verbs of a TwiML response (checks it is TwiML)."""
    assert response.status_code == 200, response.data
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    assert all(child.tag == "Message" for child in root)
    return [m.text or "" for m in root.findall("Message")]


def one_message(response) -> str:
    """The single message a TwiML response carries."""
    found = messages(response)
    assert len(found) == 1, found
    return found[0]


def topic_paths(content):
    """Each topic reachable by numbers: the numbers to text after the welcome, and the menu it is in."""
    found, queue, seen = {}, [("main", [])], {"main"}
    while queue:
        menu, path = queue.pop(0)
        for n, entry in enumerate(content.menus[menu], 1):
            if entry.kind == "topic":
                found.setdefault(entry.target, (path + [str(n)], menu))
            elif entry.kind == "menu" and entry.target not in seen:
                seen.add(entry.target)
                queue.append((entry.target, path + [str(n)]))
    return found
