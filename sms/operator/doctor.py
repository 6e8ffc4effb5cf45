"""python -m sms doctor: check a deployment's configuration and say, in plain words, what to fix.

Each check gives one line, OK or FIX. Run it where the line runs (on a PaaS: its one-off command, e.g.
`heroku run python -m sms doctor`), with the same environment variables.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from .. import channels, understanding
from .. import content as content_module
from ..conversation.reply import Count
from ..settings import DEV_HASH_SECRET, INSTANCE, SETTINGS, TRUE, cache_dir, from_environment, store_options
from ..stores import NoDatabase, StoreError, open_store
from ..understanding import semantic
from .access import MIN_PASSWORD

MIN_SECRET = 32
TOKEN = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class Check:
    """The outcome of one check: ok, and a sentence saying what was found or what to do."""

    ok: bool
    text: str

    def __str__(self) -> str:
        return f"{'OK ' if self.ok else 'FIX'}  {self.text}"


def _settings(environ) -> tuple[dict, list[Check]]:
    """The settings, and a FIX for each variable that cannot be read (its default is used instead)."""
    readable, fixes = {}, []
    for setting in SETTINGS:
        try:
            setting.parse(environ.get(setting.name))
            readable[setting.name] = environ.get(setting.name, "")
        except ValueError:
            fixes.append(Check(False, f"{setting.name} is {environ[setting.name]!r}, which is not a "
                                      f"{setting.kind.__name__}: correct it"))
    return from_environment(readable), fixes


def _token(token: str | None) -> Check:
    if not token:
        return Check(False, "TWILIO_AUTH_TOKEN is not set: copy the Auth Token from the Twilio console "
                            "(Account > API keys & tokens) into your host's settings. Without it every text is refused.")
    if not TOKEN.fullmatch(token):
        return Check(False, "TWILIO_AUTH_TOKEN does not look like a Twilio auth token (32 characters, 0-9 and a-f): "
                            "copy the Auth Token again, not the Account SID or an API key.")
    return Check(True, "TWILIO_AUTH_TOKEN is set and looks like a Twilio auth token.")


def _secret(secret: str | None) -> Check:
    make = 'python3 -c "import secrets; print(secrets.token_hex(32))"'
    if not secret:
        return Check(False, f"SMS_HASH_SECRET is not set, so the line will not start: make one with {make}, "
                            "set it and keep it.")
    if secret == DEV_HASH_SECRET:
        return Check(False, f"SMS_HASH_SECRET is the development value, which is public: make one with {make}.")
    if len(secret) < MIN_SECRET:
        return Check(False, f"SMS_HASH_SECRET has {len(secret)} characters; use at least {MIN_SECRET}: make one "
                            f"with {make} (changing it forgets every conversation and opt-out: do it before "
                            "going live).")
    return Check(True, f"SMS_HASH_SECRET is set ({len(secret)} characters).")


def _public_url(url: str | None, proxies: int) -> Check:
    if not url:
        if proxies:
            return Check(True, f"PUBLIC_BASE_URL is not set: the address Twilio signed is rebuilt from the headers of "
                               f"the {proxies} prox{'y' if proxies == 1 else 'ies'} in front (SMS_PROXIES).")
        return Check(False, "PUBLIC_BASE_URL is not set, nor SMS_PROXIES: set PUBLIC_BASE_URL to the https address "
                            "Twilio calls (without /sms), or SMS_PROXIES to the number of proxies in front; "
                            "otherwise signatures are checked against the address this host sees, which a TLS "
                            "proxy changes.")
    parsed = urlparse(url)
    example = f"https://{parsed.hostname or 'line.example.org'}"
    if parsed.scheme != "https" or not parsed.hostname:
        return Check(False, f"PUBLIC_BASE_URL must be the https address Twilio calls, like {example}.")
    if parsed.path.rstrip("/").endswith("/sms"):
        return Check(False, f"PUBLIC_BASE_URL must not end in /sms (the line adds it): set it to {example}.")
    if parsed.path.strip("/") or parsed.query or parsed.fragment:
        return Check(False, f"PUBLIC_BASE_URL must be the address alone, with no path: {example}.")
    return Check(True, f"PUBLIC_BASE_URL is {parsed.scheme}://{parsed.netloc}; Twilio's webhook is "
                       f"{parsed.scheme}://{parsed.netloc}/sms.")


def _unsigned(allow: bool) -> Check:
    if allow:
        return Check(False, "SMS_ALLOW_UNSIGNED is on: anyone could send fake texts to the line. Remove it.")
    return Check(True, "SMS_ALLOW_UNSIGNED is off: only texts signed by Twilio are answered.")


def _debug(environ) -> Check:
    if environ.get("FLASK_DEBUG", "").strip().lower() in TRUE:
        return Check(False, "FLASK_DEBUG is on: debug mode opens the simulator to anyone and accepts unsigned "
                            "requests. Remove FLASK_DEBUG (and --debug) in production.")
    return Check(True, "debug mode is off.")


def _page(name: str, variable: str, password: str | None) -> Check:
    if not password:
        return Check(True, f"the {name} is off (set {variable} to open it with a password).")
    if len(password) < MIN_PASSWORD:
        return Check(False, f"{variable} has {len(password)} characters: use at least {MIN_PASSWORD}, or remove it "
                            f"to turn the {name} off.")
    return Check(True, f"the {name} is on, behind {variable}.")


def _store(url: str | None, instance: Path, options: dict, daily_segments: int) -> Check:
    try:
        store = open_store(url, instance, create=False, **options)
        store.ping()
        today = dt.datetime.now(dt.UTC).date().isoformat()
        spent = store.counters(today).get(today, {}).get(Count.SEGMENTS, 0) if daily_segments else 0
    except ValueError as exc:
        return Check(False, f"{exc}.")
    except NoDatabase as exc:  # a new deployment: fine, and nothing is made here (it would belong to whoever runs this)
        return Check(True, f"{exc}; if the line has answered texts already, SMS_STORE_URL points to the wrong place.")
    except StoreError as exc:
        return Check(False, f"the store does not answer ({exc}): check SMS_STORE_URL, that the server runs and "
                            "that this host may reach it.")
    if daily_segments and spent >= daily_segments:
        return Check(False, f"the store answers ({store.describe()}), but {spent} SMS segments went out today, at or over "
                            f"SMS_DAILY_SEGMENT_LIMIT={daily_segments}: the line answers only danger, HELP, STOP and "
                            "START until midnight UTC. Look at `python -m sms stats` for why, or raise the limit.")
    return Check(True, f"the store answers: {store.describe()}.")


def _content(root: Path, budget: int) -> Check:
    problems = channels.check(root, budget)
    errors = sum(p.error for p in problems)
    if errors:
        return Check(False, f"the content has {errors} error(s): run `python -m sms check` to see each one with "
                            "its file and line. The line will not start until they are fixed.")
    warnings = f", with {len(problems)} warning(s) (python -m sms check)" if problems else ""
    return Check(True, f"the content is valid{warnings}.")


def _model(settings: dict) -> Check:
    if not settings["SMS_MODEL"]:
        return Check(True, "the model is off (SMS_MODEL=0): texts are understood on phrases alone, which miss "
                           "much of what people write in their own words. Remove SMS_MODEL to turn it on.")
    try:
        understanding.encoder(settings["SMS_MODEL_THREADS"])
    except semantic.ModelUnavailable as exc:
        return Check(False, f"the model cannot be used: {exc}. Until then the line answers on phrases alone.")
    try:
        content = content_module.load(Path(settings["SMS_CONTENT_DIR"]))
    except content_module.ContentError:
        return Check(True, "the model loads; its embeddings are checked once the content is fixed.")
    folder = cache_dir(settings)
    lacking = semantic.missing([e.text for e in understanding.examples(content)], folder)
    if lacking:
        return Check(False, f"{lacking} texts of the content have no embedding in {folder}: run "
                            "`python -m sms embed` as the service's user before starting the line (it starts "
                            "without the model when many are missing).")
    return Check(True, "the model loads (sha256 checked) and every text of the content has its embedding.")


def run(environ=None, instance: Path | None = None) -> list[Check]:
    """Every check of the configuration in environ (default: this process's environment)."""
    environ = os.environ if environ is None else environ
    settings, checks = _settings(environ)
    return checks + [
        _token(settings["TWILIO_AUTH_TOKEN"]),
        _secret(settings["SMS_HASH_SECRET"]),
        _unsigned(settings["SMS_ALLOW_UNSIGNED"]),
        _public_url(settings["PUBLIC_BASE_URL"], settings["SMS_PROXIES"]),
        _debug(environ),
        _page("simulator", "SMS_SIMULATOR_PASSWORD", settings["SMS_SIMULATOR_PASSWORD"]),
        _page("stats page", "SMS_STATS_PASSWORD", settings["SMS_STATS_PASSWORD"]),
        _store(settings["SMS_STORE_URL"], instance or INSTANCE, store_options(settings), settings["SMS_DAILY_SEGMENT_LIMIT"]),
        _content(Path(settings["SMS_CONTENT_DIR"]), settings["SMS_SEGMENT_BUDGET"]),
        _model(settings),
    ]
