"""The Flask blueprint Twilio calls for each text: signature check, form -> line -> TwiML. Never a 500.

POST /sms answers with exactly one <Message>, or none (a number that opted out), for SMS and for
WhatsApp (From=whatsapp:+..., answered from the WhatsApp rendition: whole messages, accents kept; its
address is keyed apart from the phone's SMS). Bodies and numbers are never logged: one line per request says what happened (outcome, kind, topic, milliseconds).
"""

from __future__ import annotations

import json
import logging
import time
import traceback

from flask import Blueprint, Response, current_app, request
from twilio.request_validator import SIGNATURE_SETTINGS_HEADER

from .. import twilio

blueprint = Blueprint("sms", __name__)
log = logging.getLogger("sms.webhook")


def refusal() -> str | None:
    """Why the request is refused (None: it is Twilio's): no signature, a bad signature, or a signed form
    that is not one Twilio sends (twilio.form_problem). Unsigned requests pass only where allowed."""
    config = current_app.config
    token = config.get("TWILIO_AUTH_TOKEN")
    if not token:
        allowed = current_app.debug or current_app.testing or config.get("SMS_ALLOW_UNSIGNED")
        return None if allowed else "no auth token set"
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return "no signature"
    path = request.full_path if request.query_string else request.path
    try:
        seen = request.url
    except ValueError:  # a Host header werkzeug cannot build a URL from
        return "malformed host"
    url = twilio.signed_url(path, config.get("PUBLIC_BASE_URL"), seen)
    if not twilio.signature_valid(token, url, request.form, signature, request.headers.get(SIGNATURE_SETTINGS_HEADER)):
        return "bad signature"
    return twilio.form_problem(request.form, config.get("TWILIO_ACCOUNT_SID"))


def _media(form) -> int:
    """How many pictures or recordings came with the text (NumMedia); their URLs are never read."""
    raw = (form.get("NumMedia") or "0").strip()
    return int(raw) if raw.isdecimal() and len(raw) <= 2 else 0


def twiml(text: str | None) -> Response:
    """A TwiML response with one message, or none when text is None."""
    return Response(twilio.twiml_message(text), mimetype="application/xml")


def _log(outcome: str, started: float, **fields) -> None:
    fields = {k: v for k, v in fields.items() if v is not None}
    log.info(json.dumps({"outcome": outcome, "ms": round((time.perf_counter() - started) * 1000, 1), **fields}))


@blueprint.post("/sms")
def sms() -> Response:
    """Twilio's inbound-message webhook."""
    started = time.perf_counter()
    reason = refusal()
    if reason:
        _log("forbidden", started, reason=reason)
        return Response("Forbidden", status=403)
    line = current_app.extensions["sms_line"]
    form = request.form
    if twilio.is_status_callback(form):  # a delivery report posted here: nothing to answer, nothing to count
        _log("status", started)
        return twiml(None)
    try:
        reply = line.handle(form.get("From"), form.get("Body"), form.get("MessageSid"), media=_media(form),
                            answered=(form.get("OptOutType") or "").strip().lower() or None,
                            channel=twilio.channel(form))
    except Exception as exc:  # the texter must still get a way forward
        # where it failed, without the exception's message: it may quote the body
        log.error("reply failed: %s\n%s", type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
        _log("error", started)
        return twiml(line.content.languages[line.content.default].strings["error"])
    _log("ok", started, channel=twilio.channel(form), kind=reply.kind, topic=reply.topic)
    return twiml(reply.text)
