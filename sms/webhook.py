"""The Flask blueprint Twilio calls: signature check, form -> line -> TwiML. Never a 500.

POST /sms answers with exactly one <Message>, or none (a number that opted out). GET /health says
whether the store answers and whether the model is in use. Bodies and numbers are never logged: one line per request says what
happened (outcome, kind, topic, milliseconds).
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from functools import lru_cache

from flask import Blueprint, Response, current_app, request
from twilio.request_validator import SIGNATURE_SETTINGS_HEADER, RequestValidator, get_signature_algorithm
from twilio.twiml.messaging_response import MessagingResponse

from .store import StoreError

blueprint = Blueprint("sms", __name__)
log = logging.getLogger("sms.webhook")


def _line():
    return current_app.extensions["sms_line"]


def signed_urls() -> list[str]:
    """The URLs Twilio may have signed: PUBLIC_BASE_URL's when set, else as seen through a proxy and directly."""
    path = request.full_path if request.query_string else request.path
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return [base.rstrip("/") + path]
    proto = request.headers.get("X-Forwarded-Proto", request.scheme).split(",")[0].strip()
    host = request.headers.get("X-Forwarded-Host", request.host).split(",")[0].strip()
    return list(dict.fromkeys([f"{proto}://{host}{path}", request.url]))


def signature_ok() -> bool:
    """True when the request carries Twilio's valid signature, or when unsigned requests are allowed."""
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    if not token:
        return bool(current_app.debug or current_app.testing or current_app.config.get("SMS_ALLOW_UNSIGNED"))
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    validator = RequestValidator(token)
    params = request.form.to_dict(flat=True)
    algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
    return any(validator.validate(url, params, signature, algorithm) for url in signed_urls())


def twiml(text: str | None) -> Response:
    """A TwiML response with one message, or none when text is None."""
    return Response(_twiml_body(text), mimetype="application/xml")


@lru_cache(maxsize=4096)
def _twiml_body(text: str | None) -> str:
    """The TwiML document for text; replies repeat (menus, pages), so each is rendered once."""
    response = MessagingResponse()
    if text:
        response.message(text)
    return str(response)


def _log(outcome: str, started: float, **fields) -> None:
    fields = {k: v for k, v in fields.items() if v is not None}
    log.info(json.dumps({"outcome": outcome, "ms": round((time.perf_counter() - started) * 1000, 1), **fields}))


@blueprint.post("/sms")
def sms() -> Response:
    """Twilio's inbound-message webhook."""
    started = time.perf_counter()
    if not signature_ok():
        _log("forbidden", started)
        return Response("Forbidden", status=403)
    line = _line()
    form = request.form
    try:
        reply = line.handle(form.get("From"), form.get("Body"), form.get("MessageSid"))
    except Exception as exc:  # the texter must still get a way forward
        # where it failed, without the exception's message: it may quote the body
        log.error("reply failed: %s\n%s", type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
        _log("error", started)
        return twiml(line.content.languages[line.content.default].strings["error"])
    _log("ok", started, kind=reply.kind, topic=reply.topic)
    return twiml(reply.text)


@blueprint.get("/health")
def health() -> Response:
    """Always 200 while the app runs (it answers even without its store or its model); the body says how
    the store is, and whether texts are understood with the model or on phrases alone."""
    line = _line()
    try:
        line.store.ping()
        store = "ok"
    except StoreError:
        store = "unreachable"
    model = "off" if line.assets.understanding.problem else "ok"
    body = {"status": "ok" if store == model == "ok" else "degraded", "store": store, "model": model}
    return Response(json.dumps(body), mimetype="application/json")
