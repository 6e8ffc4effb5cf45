"""Every setting of the line, declared once: its environment variable, type, default and help.

The README's configuration table and `.env.example` are tested against SETTINGS (tests/test_docs.py),
`doctor` reads them, and create_app() puts their values into the Flask config under the same names.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"  # the default home of the SQLite store and the embedding cache
DEV_HASH_SECRET = "development-only-not-secret"  # what debug and testing use when SMS_HASH_SECRET is unset
TRUE = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Setting:
    """One environment variable the line reads."""

    name: str
    kind: type
    default: object
    help: str

    def parse(self, raw: str | None):
        """raw from the environment as this setting's type (the default when unset or empty); ValueError
        naming the setting when raw is not of its type."""
        if raw in (None, ""):
            return self.default
        if self.kind is bool:
            return raw.strip().lower() in TRUE
        try:
            return self.kind(raw)
        except ValueError:
            wanted = {int: "a whole number", float: "a number"}.get(self.kind, "a value")
            raise ValueError(f"{self.name}={raw!r} is not valid: it must be {wanted}") from None


SETTINGS = (
    Setting("TWILIO_AUTH_TOKEN", str, None, "the Twilio auth token that signs every request to the webhooks"),
    Setting("SMS_HASH_SECRET", str, None, "the key of the hash that stands for each phone number (required in "
                                          "production; changing it forgets every conversation and opt-out)"),
    Setting("TWILIO_ACCOUNT_SID", str, None, "your Twilio account's SID: texts for another account are refused"),
    Setting("PUBLIC_BASE_URL", str, None, "the https address Twilio calls (set it, or SMS_PROXIES, behind a proxy)"),
    Setting("SMS_PROXIES", int, 0, "how many proxies in front set X-Forwarded-Proto/-Host (0: those headers are ignored)"),
    Setting("SMS_ALLOW_UNSIGNED", bool, False, "accept unsigned requests in production (closed test setups only)"),
    Setting("SMS_STORE_URL", str, None, "sqlite:///path or redis://host:port/db (default: SQLite in instance/)"),
    Setting("SMS_STORE_TIMEOUT", float, 0.5, "seconds one store call may take (SQLite's busy timeout, Redis's "
                                             "socket timeout) before the line answers without state"),
    Setting("SMS_REDIS_PREFIX", str, "sms:", "the start of every Redis key the line uses (one per line sharing a server)"),
    Setting("SMS_JOURNAL_PATH", str, None, "the file keeping opt-outs and quick exits the store could not record "
                                          "until it can (default: instance/pending-effects.jsonl)"),
    Setting("SMS_SESSION_MINUTES", float, 30.0, "minutes of silence after which a text starts at the welcome"),
    Setting("SMS_SEGMENT_BUDGET", int, 3, "most SMS segments one reply may cost"),
    Setting("SMS_RATE_LIMIT", int, 20, "replies one number gets in SMS_RATE_MINUTES; then one notice, then rest"),
    Setting("SMS_RATE_MINUTES", float, 10.0, "the window of SMS_RATE_LIMIT, in minutes"),
    Setting("SMS_DAILY_SEGMENT_LIMIT", int, 0, "SMS segments the whole line may send a day (UTC) before it answers "
                                               "only danger, HELP, STOP and START (0: no limit)"),
    Setting("SMS_KEEP_DAYS", float, 30.0, "days a conversation's state is kept after its last text"),
    Setting("SMS_CONTENT_DIR", str, str(ROOT), "the folder holding content/ and menus/"),
    Setting("SMS_SIMULATOR_PASSWORD", str, None, "opens /simulator on a live line behind this password"),
    Setting("SMS_STATS_PASSWORD", str, None, "opens /stats behind this password"),
    Setting("SMS_KEEP_UNMATCHED", bool, False, "keep the texts not understood, scrubbed, for 30 days"),
    Setting("SMS_MODEL", bool, True, "understand texts with the language model (0: on phrases alone)"),
    Setting("SMS_MODEL_THREADS", int, 1, "CPU threads each worker gives the model for one text"),
    Setting("SMS_CACHE_DIR", str, None, "where the model's embedding cache is kept (default: instance/)"),
)
NAMES = tuple(s.name for s in SETTINGS)


def from_environment(environ=os.environ) -> dict:
    """Every setting, from environ where set, else its default; ValueError naming the first bad one."""
    return {s.name: s.parse(environ.get(s.name)) for s in SETTINGS}


def store_options(config) -> dict:
    """The keyword arguments of stores.open_store that config sets (timeout, Redis prefix)."""
    return {"timeout": config["SMS_STORE_TIMEOUT"], "prefix": config["SMS_REDIS_PREFIX"]}


def cache_dir(config) -> Path:
    """The folder of the model's cache that config names (SMS_CACHE_DIR, else the instance folder)."""
    return Path(config["SMS_CACHE_DIR"] or INSTANCE)
