"""The Flask blueprint Twilio calls for each text: signature check, form -> line -> TwiML. Never a 500.

POST /sms answers with exactly one <Message>, or none (a number that opted out), for SMS and for
WhatsApp (From=whatsapp:+..., answered from the WhatsApp rendition: whole messages, accents kept; its
address is keyed apart from the phone's SMS). Bodies and numbers are never logged: one line per request
says what happened (outcome, channel, kind, topic, milliseconds).
"""

from __future__ import annotations

import logging
import time

from flask import Blueprint, Response, current_app, request

from .. import twilio, webhook
from ..webhook import log_failure, log_request, refused

blueprint = Blueprint("sms", __name__)
log = logging.getLogger("sms.webhook")


def _media(form) -> int:
    """How many pictures or recordings came with the text (NumMedia); their URLs are never read."""
    raw = (form.get("NumMedia") or "0").strip()
    return int(raw) if raw.isdecimal() and len(raw) <= 2 else 0


def twiml(text: str | None) -> Response:
    """A TwiML response with one message, or none when text is None."""
    return webhook.twiml(twilio.twiml_message(text))


@blueprint.post("/sms")
def sms() -> Response:
    """Twilio's inbound-message webhook."""
    started = time.perf_counter()
    refusal = refused(log, started, twilio.form_problem)
    if refusal:
        return refusal
    line = current_app.extensions["sms_line"]
    form = request.form
    if twilio.is_status_callback(form):  # a delivery report posted here: nothing to answer, nothing to count
        log_request(log, "status", started)
        return twiml(None)
    channel = twilio.channel(form)
    try:
        reply = line.handle(form.get("From"), form.get("Body"), form.get("MessageSid"), media=_media(form),
                            answered=(form.get("OptOutType") or "").strip().lower() or None, channel=channel)
    except Exception as exc:  # the texter must still get a way forward
        log_failure(log, "reply failed", exc, started)
        return twiml(line.content.languages[line.content.default].strings["error"])
    log_request(log, "ok", started, channel=channel, kind=reply.kind, topic=reply.topic)
    return twiml(reply.text)
