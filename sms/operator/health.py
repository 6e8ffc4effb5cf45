"""GET /health: whether the store answers, whether effects wait for it, and whether texts are understood
with the model."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app

from ..stores import StoreError

blueprint = Blueprint("health", __name__)


@blueprint.get("/health")
def health() -> Response:
    """Always 200 while the app runs (it answers even without its store or its model); the body says how
    the store is (a ping, at most SMS_STORE_TIMEOUT), how many opt-outs and quick exits wait in the journal
    for it, and whether texts are understood with the model or on phrases alone. Any of them wrong:
    "degraded"."""
    line = current_app.extensions["sms_line"]
    try:
        line.store.ping()
        store = "ok"
    except StoreError:
        store = "unreachable"
    waiting = len(line.journal) if line.journal is not None else 0
    model = "off" if line.assets.understanding.problem else "ok"
    body = {"status": "ok" if store == model == "ok" and not waiting else "degraded", "store": store,
            "pending_effects": waiting, "model": model}
    return Response(json.dumps(body), mimetype="application/json")
