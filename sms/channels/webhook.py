"""What every Twilio webhook of the line shares in Flask: whether a request is Twilio's (its signature,
and a form Twilio would send), a TwiML response, and one log line per request (never a body or a number)."""

from __future__ import annotations

import json
import logging
import time
import traceback

from flask import Response, current_app, request
from twilio.request_validator import SIGNATURE_SETTINGS_HEADER

from . import twilio


def refusal(form_problem) -> str | None:
    """Why the request is refused (None: it is Twilio's): no signature, a bad signature, or a signed form
    that is not one Twilio sends (form_problem(form, account_sid) says why). Unsigned requests pass only
    where allowed."""
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
    return form_problem(request.form, config.get("TWILIO_ACCOUNT_SID"))


def twiml(document: str) -> Response:
    """A TwiML document as Twilio expects it."""
    return Response(document, mimetype="application/xml")


def forbidden() -> Response:
    """The answer to a request that is not Twilio's."""
    return Response("Forbidden", status=403)


def log_request(log: logging.Logger, outcome: str, started: float, **fields) -> None:
    """One JSON line: what happened, how long it took, and the fields given (None ones left out)."""
    fields = {k: v for k, v in fields.items() if v is not None}
    log.info(json.dumps({"outcome": outcome, "ms": round((time.perf_counter() - started) * 1000, 1), **fields}))


def refused(log: logging.Logger, started: float, form_problem) -> Response | None:
    """The 403 for a request that is not Twilio's (refusal() says why, and the log line too); None for one
    that is."""
    reason = refusal(form_problem)
    if not reason:
        return None
    log_request(log, "forbidden", started, reason=reason)
    return forbidden()


def log_failure(log: logging.Logger, what: str, exc: Exception, started: float) -> None:
    """Log where a request failed, without the exception's message (it may quote what was texted or said)."""
    log.error("%s: %s\n%s", what, type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
    log_request(log, "error", started)
