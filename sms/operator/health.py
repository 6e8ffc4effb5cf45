"""GET /health: whether the store answers and whether texts are understood with the model."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app

from ..stores import StoreError

blueprint = Blueprint("health", __name__)


@blueprint.get("/health")
def health() -> Response:
    """Always 200 while the app runs (it answers even without its store or its model); the body says how
    the store is, and whether texts are understood with the model or on phrases alone."""
    line = current_app.extensions["sms_line"]
    try:
        line.store.ping()
        store = "ok"
    except StoreError:
        store = "unreachable"
    model = "off" if line.assets.understanding.problem else "ok"
    body = {"status": "ok" if store == model == "ok" else "degraded", "store": store, "model": model}
    return Response(json.dumps(body), mimetype="application/json")
