"""The Flask blueprint Twilio calls during a call: the same menus and topics as a text, said.

    POST /voice          a call begins: the greeting and the language choice
    POST /voice/key      a key pressed or words said (?on= where: language, menu, page)
    POST /voice/dialed   how the connection to a person went (DialCallStatus)

Each request is signed as on /sms; a call's state is kept under its CallSid's keyed hash for a few
minutes only (line.Line.call), and nothing of what a caller says is kept or logged. Never a 500: when
anything fails the caller hears the hotline's number and the call ends politely.
"""

from __future__ import annotations

import logging
import time

from flask import Blueprint, Response, current_app, request, url_for

from ...line import CALL_PREFIX
from ...stores import StoreError
from .. import twilio
from ..webhook import log_failure, log_request, refused, twiml
from . import calls, keys
from .twiml import failure, goodbye, greeting, prompt, transfer

blueprint = Blueprint("voice", __name__)
log = logging.getLogger("sms.voice")


def _line():
    return current_app.extensions["sms_line"]


def _spoken(handler):
    """handler's TwiML for a signed call request; 403 for any other; the failure TwiML when it raises."""
    def answer() -> Response:
        started = time.perf_counter()
        refusal = refused(log, started, twilio.call_problem)
        if refusal:
            return refusal
        rendition = _line().assets.on("voice").content
        try:
            document, fields = handler(rendition)
        except Exception as exc:  # the caller still hears the hotline's number
            log_failure(log, "call step failed", exc, started)
            return twiml(failure(rendition))
        log_request(log, "ok", started, **fields)
        return twiml(document)
    answer.__name__ = handler.__name__
    answer.__doc__ = handler.__doc__
    return answer


def _asked(where: str) -> str:
    return url_for("voice.key", on=where)


@blueprint.post("/voice")
@_spoken
def call(rendition):
    """Twilio's incoming-call webhook: the greeting and the language choice."""
    return greeting(rendition, _asked("language")), {"step": "greeting"}


@blueprint.post("/voice/key")
@_spoken
def key(rendition):
    """A key pressed or words said where ?on= says they were asked for."""
    asked = request.args.get("on") if request.args.get("on") in keys.ASKED else "menu"
    form = request.form
    said = calls.step(_line(), form["CallSid"], asked, form.get("Digits"), form.get("SpeechResult"))
    reply = said.reply
    fields = {"step": asked, "kind": reply.kind, "topic": reply.topic, "transfer": reply.transfer}
    if said.dial:
        return transfer(rendition, said.lang, said.text, said.dial, url_for("voice.dialed", lang=said.lang)), fields
    if said.text is None:
        return goodbye(rendition, said.lang), fields
    return prompt(rendition, said.lang, said.text, _asked(said.asked)), fields


@blueprint.post("/voice/dialed")
@_spoken
def dialed(rendition):
    """After the connection to a person: goodbye when it took place (the call's state is deleted), else
    the hotline's number said slowly, and the main menu."""
    lang = request.args.get("lang") if request.args.get("lang") in rendition.languages else rendition.default
    status = request.form.get("DialCallStatus", "")
    if status == "completed":
        try:
            _line().forget(CALL_PREFIX + request.form["CallSid"])
        except StoreError:
            log.warning("a finished call's state was not deleted: the store is unavailable (it expires by itself)")
        return goodbye(rendition, lang), {"step": "dialed", "status": status}
    return prompt(rendition, lang, rendition.languages[lang].strings["dial_failed"], _asked("menu")), \
        {"step": "dialed", "status": status[:20]}
