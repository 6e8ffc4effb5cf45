"""Who may open the operator's pages (simulator, stats), and what those pages allow a browser.

HTTP Basic auth against a password in the settings (at least MIN_PASSWORD characters: shorter ones stop
the app from starting). Any user name is accepted; only the password counts, compared in constant time.
Failed logins are logged and throttled per client: after MAX_FAILURES in FAILURE_WINDOW seconds, every
try from that client gets 429 until the window has passed. Both pages are sent with headers that forbid
framing and allow only their own scripts and styles (a nonce per response).
"""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time

from flask import Blueprint, Response, current_app, g, request

MIN_PASSWORD = 12
MAX_FAILURES = 5  # failed logins from one client...
FAILURE_WINDOW = 300.0  # ...in this many seconds, then 429 until the window has passed
log = logging.getLogger("sms.operator")


def short_passwords(config) -> list[str]:
    """The operator page passwords in config that are set but shorter than MIN_PASSWORD."""
    return [name for name in ("SMS_SIMULATOR_PASSWORD", "SMS_STATS_PASSWORD")
            if config.get(name) and len(config[name]) < MIN_PASSWORD]


class Failures:
    """One app's failed logins per client, in this process (each worker counts its own)."""

    def __init__(self):
        self._tries: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> list[float]:
        """client's failures within the window; clients that stopped failing are forgotten."""
        tries = [t for t in self._tries.pop(client, ()) if t >= now - FAILURE_WINDOW]
        if tries:
            self._tries[client] = tries
        return tries

    def throttled(self, client: str, now: float) -> bool:
        """True when client failed MAX_FAILURES times in the last FAILURE_WINDOW seconds."""
        with self._lock:
            return len(self._recent(client, now)) >= MAX_FAILURES

    def add(self, client: str, now: float) -> None:
        """Count one failed login of client."""
        with self._lock:
            self._tries[client] = [*self._recent(client, now), now]


def login(password: str, realm: str) -> Response | None:
    """None when the request carries HTTP Basic credentials with this password; else the 401 that makes a
    browser ask for it, or 429 for a client that failed too often lately (each failure logged)."""
    client, now = request.remote_addr or "unknown", time.monotonic()
    failures = current_app.extensions.setdefault("sms_login_failures", Failures())
    if failures.throttled(client, now):
        log.warning("operator login refused: %s failed %d times in %d s (%s)", client, MAX_FAILURES,
                    FAILURE_WINDOW, realm)
        return Response("Too many wrong passwords: try again in a few minutes.\n", status=429, mimetype="text/plain",
                        headers={"Retry-After": str(int(FAILURE_WINDOW)), "Cache-Control": "no-store"})
    auth = request.authorization
    given = auth.password if auth is not None and auth.type == "basic" else None
    if given is not None and hmac.compare_digest(given.encode(), password.encode()):
        return None
    if given is not None:
        failures.add(client, now)
        log.warning("operator login failed from %s (%s)", client, realm)
    return Response("This page needs the operator's password.\n", status=401, mimetype="text/plain",
                    headers={"WWW-Authenticate": f'Basic realm="{realm}", charset="UTF-8"',
                             "Cache-Control": "no-store"})


def nonce() -> str:
    """This response's nonce for its inline scripts and styles."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def guard_pages(blueprint: Blueprint) -> None:
    """Send every response of blueprint with no framing, no caching and only its own scripts and styles."""
    blueprint.app_context_processor(lambda: {"csp_nonce": nonce})

    @blueprint.after_request
    def headers(response: Response) -> Response:
        own = nonce()
        response.headers.update({
            "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
            "Content-Security-Policy": f"default-src 'none'; script-src 'nonce-{own}'; style-src 'nonce-{own}'; "
                                       "connect-src 'self'; img-src 'self' data:; form-action 'self'; "
                                       "frame-ancestors 'none'; base-uri 'none'",
        })
        return response
