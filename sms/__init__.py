"""A text-message information line about trafficking of migrants and refugees in Montana.

create_app() builds the Flask app that Twilio calls, and only wires: the settings (sms.settings) from the
environment (or a dict, for tests), the content loaded and checked once with its understanding, the
store (behind its circuit breaker) and the journal of effects it missed, the SMS webhook, the operator's pages (health, simulator, stats) and, in debug mode,
content reloading.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import MappingProxyType

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import channels, settings, understanding
from . import content as content_module
from .channels.twilio_erase import Eraser
from .conversation import Assets
from .line import Line, LineSettings
from .operator import access
from .stores import Guarded, Journal, open_store

MAX_REQUEST_BYTES = 32 * 1024  # a form bigger than this gets 413 before it is parsed (a 1,600-character text is < 12 KB)
MAX_NEW_AT_START = 300  # texts without an embedding that start-up embeds itself (about 10 s); more: run `embed`
log = logging.getLogger("sms")


def load_assets(config, max_new: int | None = None, prune: bool = False) -> Assets:
    """The content under SMS_CONTENT_DIR rendered for each channel (SMS first), and its understanding
    (raises ContentError on broken content); max_new and prune as understanding.build takes them."""
    content = content_module.load(Path(config["SMS_CONTENT_DIR"]))
    renditions, problems = channels.render_all(content, config["SMS_SEGMENT_BUDGET"])
    if renditions is None:
        raise content_module.ContentError([p for p in problems if p.error])
    return Assets(renditions["sms"], understanding.build(content, settings.cache_dir(config), config["SMS_MODEL"],
                                                         config["SMS_MODEL_THREADS"], max_new, prune),
                  MappingProxyType(renditions))


def create_app(config: dict | None = None) -> Flask:
    """The line's Flask app. config overrides the environment (tests pass TESTING, paths, tokens)."""
    app = Flask(__name__, instance_path=str(settings.INSTANCE))
    app.config.update(settings.from_environment(), MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES)
    app.config.update(config or {})
    if not logging.getLogger().handlers:  # under gunicorn or flask run: one line per record on stderr
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    relaxed = app.debug or app.testing
    secret = app.config["SMS_HASH_SECRET"]
    if not secret:
        if not relaxed:
            raise RuntimeError("SMS_HASH_SECRET is not set: set it to a long random string (see README)")
        secret = settings.DEV_HASH_SECRET
    short = access.short_passwords(app.config)
    if short:
        raise RuntimeError(f"{' and '.join(short)}: use at least {access.MIN_PASSWORD} characters, or leave it unset "
                           "to keep that page closed")
    if not app.config["TWILIO_AUTH_TOKEN"]:
        if relaxed or app.config["SMS_ALLOW_UNSIGNED"]:
            log.warning("TWILIO_AUTH_TOKEN is not set: accepting unsigned requests (development only)")
        else:
            log.error("TWILIO_AUTH_TOKEN is not set: every request to /sms will be refused (403)")
    if app.config["SMS_PROXIES"]:  # trust X-Forwarded-* from that many proxies, and from nobody else
        hops = app.config["SMS_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    store = Guarded(open_store(app.config["SMS_STORE_URL"], settings.INSTANCE, **settings.store_options(app.config)))
    journal = Journal(app.config["SMS_JOURNAL_PATH"] or settings.INSTANCE / "pending-effects.jsonl")
    erase = None
    if app.config["TWILIO_ACCOUNT_SID"] and app.config["TWILIO_AUTH_TOKEN"]:  # the quick exit deletes at Twilio too
        erase = Eraser(app.config["TWILIO_ACCOUNT_SID"], app.config["TWILIO_AUTH_TOKEN"]).erase
    line = Line(load_assets(app.config, MAX_NEW_AT_START), store, LineSettings.from_config(app.config, secret), journal,
                erase)
    app.extensions["sms_line"] = line

    from .channels.sms import webhook
    from .channels.voice import webhook as voice
    from .operator import health, reload, simulator, stats_page

    for blueprint in (webhook.blueprint, voice.blueprint, health.blueprint, simulator.blueprint, stats_page.blueprint):
        app.register_blueprint(blueprint)
    if app.debug:
        reload.watch(app, lambda: load_assets(app.config))
    return app
