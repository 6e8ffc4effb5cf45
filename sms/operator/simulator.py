"""The simulator: try the line in a browser, as a phone would show it, before a change goes live.

GET /simulator is a phone-style message thread (one HTML page, no outside files: it works offline).
POST /simulator/send {"number": N, "text": T} answers with the reply exactly as it would be sent, its
segment count and encoding, through the same line (engine, content and store) as /sms. N is one of
two fixed test numbers (NUMBERS), so the simulator can never read or change a real texter's record.
POST /simulator/reset {"number": N} deletes everything the store holds about that test number, opt-out
included. POST /simulator/call is a test call (the page's Call button): keys or words in, what the call
would say out, with its voice and what it does next. Texts sent here are counted in the stats like any other.

Open in development and tests (debug or testing). In production it is 404 unless the operator sets
SMS_SIMULATOR_PASSWORD; then the browser asks for that password (any user name).
"""

from __future__ import annotations

import logging
import traceback

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

from ..channels.sms import segments
from ..channels.voice import calls, keys
from ..line import CALL_PREFIX
from ..stores import Busy, StoreError
from .access import guard_pages, login

blueprint = Blueprint("simulator", __name__, template_folder="templates")
log = logging.getLogger("sms.simulator")

# Two test numbers in the 555-0100..0199 range, which is never given to a real phone, and one test call.
NUMBERS = ("+14065550100", "+14065550101")
CALL = "CA" + "5" * 32


@blueprint.before_request
def only_for_the_operator():
    """404 in production without a password; with one, the browser must give it."""
    password = current_app.config.get("SMS_SIMULATOR_PASSWORD")
    if password:
        return login(password, "Text line simulator")
    if not (current_app.debug or current_app.testing):
        abort(404)
    return None


guard_pages(blueprint)  # never cached (replies depend on the store), never framed, only its own scripts


def _line():
    return current_app.extensions["sms_line"]


def _test_number(data) -> str:
    number = data.get("number") if isinstance(data, dict) else None
    if number not in NUMBERS:
        abort(400, description=f"number must be one of {', '.join(NUMBERS)}")
    return number


def _json_body() -> dict:
    """The posted JSON object; 415 for anything else (a page elsewhere cannot post JSON here unasked)."""
    if not request.is_json:
        abort(415, description="send JSON (Content-Type: application/json)")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, description="send a JSON object")
    return data


@blueprint.errorhandler(400)
@blueprint.errorhandler(415)
def bad_request(error) -> tuple[Response, int]:
    """API mistakes as JSON the page can show."""
    return jsonify({"error": error.description}), error.code


@blueprint.get("/simulator")
def page() -> str:
    """The phone-style thread."""
    return render_template("simulator.html", numbers=NUMBERS, budget=_line().content.budget)


def describe(text: str | None) -> dict:
    """What a reply costs: {"segments", "encoding", "characters"} (zeros and None when nothing is sent)."""
    if text is None:
        return {"segments": 0, "encoding": None, "characters": 0}
    enc = segments.encode(text)
    return {"segments": enc.segments, "encoding": enc.name, "characters": len(text)}


@blueprint.post("/simulator/send")
def send() -> Response:
    """One text from a test number -> the line's reply, as /sms would send it."""
    data = _json_body()
    number = _test_number(data)
    text = data.get("text")
    if not isinstance(text, str):
        abort(400, description="text must be a string")
    try:
        reply = _line().handle(number, text, sid=None)
    except Exception as exc:  # say so on the page; the log says where, never what was texted
        log.error("simulated text failed: %s\n%s", type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
        return jsonify({"error": f"the line failed ({type(exc).__name__}); see the log"}), 500
    return jsonify({"number": number, "reply": reply.text, "kind": reply.kind, "topic": reply.topic,
                    **describe(reply.text)})


@blueprint.post("/simulator/call")
def call() -> Response:
    """One step of a test call: {"start": true} begins it (the greeting); {"input": a key or words,
    "asked": where the last answer asked (language, menu, page)} -> what the call says, in which voice,
    where it asks next, or the number it would connect to. The call is the one test CallSid (CALL)."""
    data = _json_body()
    line = _line()
    rendition = line.assets.on("voice").content
    if data.get("start"):
        try:
            line.forget(CALL_PREFIX + CALL)
        except StoreError:
            pass  # a new call anyway: the old one's state expires by itself
        voice = rendition.voice(rendition.default)
        return jsonify({"said": calls.greeting(rendition), "voice": voice.voice, "language": voice.language,
                        "asked": "language", "dial": None})
    asked, text = data.get("asked"), data.get("input")
    if asked not in keys.ASKED or not isinstance(text, str):
        abort(400, description=f"asked must be one of {', '.join(keys.ASKED)}, and input a string")
    try:
        step = calls.step(line, CALL, asked, *calls.typed(text))
    except Exception as exc:  # say so on the page; the log says where, never what was said
        log.error("simulated call failed: %s\n%s", type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
        return jsonify({"error": f"the line failed ({type(exc).__name__}); see the log"}), 500
    voice = rendition.voice(step.lang)
    return jsonify({"said": step.text, "voice": voice.voice, "language": voice.language, "asked": step.asked,
                    "dial": step.dial, "kind": step.reply.kind, "topic": step.reply.topic})


@blueprint.post("/simulator/reset")
def reset() -> Response:
    """Forget a test number: its conversation, language and opt-out."""
    number = _test_number(_json_body())
    try:
        _line().forget(number)
    except Busy:
        return jsonify({"number": number, "reset": False, "error": "the number is busy; try again"}), 409
    except StoreError as exc:
        log.warning("reset failed: store unavailable (%s)", type(exc.__cause__ or exc).__name__)
        return jsonify({"number": number, "reset": False, "error": "the store is unavailable"}), 503
    return jsonify({"number": number, "reset": True})
