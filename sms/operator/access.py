"""Who may open the operator's pages (simulator, stats): HTTP Basic auth against a password in the settings.

Any user name is accepted; only the password counts, compared in constant time. The browser asks for it
once and remembers it until it is closed.
"""

from __future__ import annotations

import hmac

from flask import Response, request


def password_given(password: str) -> bool:
    """True when the request carries HTTP Basic credentials with this password."""
    auth = request.authorization
    given = auth.password if auth is not None and auth.type == "basic" else None
    return given is not None and hmac.compare_digest(given.encode(), password.encode())


def ask_for_password(realm: str) -> Response:
    """The 401 that makes a browser ask for the password."""
    return Response("This page needs the operator's password.\n", status=401, mimetype="text/plain",
                    headers={"WWW-Authenticate": f'Basic realm="{realm}", charset="UTF-8"',
                             "Cache-Control": "no-store"})
