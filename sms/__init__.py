"""A text-message information line about trafficking of migrants and refugees in Montana.

create_app() builds the Flask app that Twilio calls: configuration from the environment (or a dict, for
tests), content loaded and checked once, the store opened, the webhook blueprint registered, and the
operator's pages (the simulator, the stats page) and, in debug mode, content reloading.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask

from . import content as content_module
from . import understanding
from .engine import Assets
from .line import Line, Settings
from .store import open_store

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"  # the default home of the SQLite store and the embedding cache
MAX_NEW_AT_START = 300  # texts without an embedding that start-up embeds itself (about 10 s); more: run `embed`
DEV_HASH_SECRET = "development-only-not-secret"
log = logging.getLogger("sms")

# Each setting: environment variable -> (config key, type, default).
ENVIRONMENT = {
    "TWILIO_AUTH_TOKEN": ("TWILIO_AUTH_TOKEN", str, None),
    "PUBLIC_BASE_URL": ("PUBLIC_BASE_URL", str, None),
    "SMS_ALLOW_UNSIGNED": ("SMS_ALLOW_UNSIGNED", bool, False),
    "SMS_HASH_SECRET": ("SMS_HASH_SECRET", str, None),
    "SMS_STORE_URL": ("SMS_STORE_URL", str, None),
    "SMS_CONTENT_DIR": ("SMS_CONTENT_DIR", str, str(ROOT)),
    "SMS_SESSION_MINUTES": ("SMS_SESSION_MINUTES", float, 30.0),
    "SMS_SEGMENT_BUDGET": ("SMS_SEGMENT_BUDGET", int, 3),
    "SMS_KEEP_DAYS": ("SMS_KEEP_DAYS", float, 30.0),
    "SMS_SIMULATOR_PASSWORD": ("SMS_SIMULATOR_PASSWORD", str, None),
    "SMS_STATS_PASSWORD": ("SMS_STATS_PASSWORD", str, None),
    "SMS_KEEP_UNMATCHED": ("SMS_KEEP_UNMATCHED", bool, False),
    "SMS_MODEL": ("SMS_MODEL", bool, True),
    "SMS_MODEL_THREADS": ("SMS_MODEL_THREADS", int, 1),
    "SMS_CACHE_DIR": ("SMS_CACHE_DIR", str, None),
}


def _parse(kind, raw: str):
    if kind is bool:
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return kind(raw)


def settings_from_environment(environ=os.environ) -> dict:
    """Every setting of ENVIRONMENT, from environ where set, else its default; ValueError naming a bad one."""
    out = {}
    for name, (key, kind, default) in ENVIRONMENT.items():
        raw = environ.get(name)
        try:
            out[key] = _parse(kind, raw) if raw not in (None, "") else default
        except ValueError:
            wanted = {int: "a whole number", float: "a number"}.get(kind, "a value")
            raise ValueError(f"{name}={raw!r} is not valid: it must be {wanted}") from None
    return out


def load_assets(config: dict, max_new: int | None = None, prune: bool = False) -> Assets:
    """The content under SMS_CONTENT_DIR and its understanding (raises ContentError on broken content);
    max_new and prune as understanding.build takes them."""
    content = content_module.load(Path(config["SMS_CONTENT_DIR"]), config["SMS_SEGMENT_BUDGET"])
    return Assets(content, understanding.build(content, Path(config["SMS_CACHE_DIR"] or INSTANCE),
                                               config["SMS_MODEL"], config["SMS_MODEL_THREADS"], max_new, prune))


def create_app(config: dict | None = None) -> Flask:
    """The line's Flask app. config overrides the environment (tests pass TESTING, paths, tokens)."""
    app = Flask(__name__, instance_path=str(INSTANCE))
    app.config.update(settings_from_environment())
    app.config.update(config or {})
    if not logging.getLogger().handlers:  # under gunicorn or flask run: one line per record on stderr
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    relaxed = app.debug or app.testing
    secret = app.config["SMS_HASH_SECRET"]
    if not secret:
        if not relaxed:
            raise RuntimeError("SMS_HASH_SECRET is not set: set it to a long random string (see README)")
        secret = DEV_HASH_SECRET
    if not app.config["TWILIO_AUTH_TOKEN"]:
        if relaxed or app.config["SMS_ALLOW_UNSIGNED"]:
            log.warning("TWILIO_AUTH_TOKEN is not set: accepting unsigned requests (development only)")
        else:
            log.error("TWILIO_AUTH_TOKEN is not set: every request to /sms will be refused (403)")
    assets = load_assets(app.config, MAX_NEW_AT_START)
    store = open_store(app.config["SMS_STORE_URL"], INSTANCE)
    settings = Settings(secret, app.config["SMS_SESSION_MINUTES"], app.config["SMS_KEEP_DAYS"],
                        keep_unmatched=app.config["SMS_KEEP_UNMATCHED"])
    app.extensions["sms_line"] = Line(assets, store, settings)

    from .webhook import blueprint

    app.register_blueprint(blueprint)

    from . import reload, simulator, stats

    app.register_blueprint(simulator.blueprint)
    app.register_blueprint(stats.blueprint)
    if app.debug:
        reload.watch(app)
    return app
