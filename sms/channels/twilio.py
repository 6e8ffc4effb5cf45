"""What every Twilio webhook shares, without Flask: the URLs Twilio may have signed, the signature check
(the twilio library's own validator), and TwiML messaging replies."""

from __future__ import annotations

import hmac
from functools import lru_cache
from urllib.parse import urlparse

from twilio.request_validator import RequestValidator, add_port, get_signature_algorithm, remove_port
from twilio.twiml.messaging_response import MessagingResponse


def signed_urls(path: str, base: str | None, proto: str, host: str, seen: str) -> list[str]:
    """The URLs Twilio may have signed for a request to path: base's (PUBLIC_BASE_URL) when set, else the
    one seen through a proxy (X-Forwarded-Proto and -Host, first of each) and the one seen directly."""
    if base:
        return [base.rstrip("/") + path]
    proto, host = proto.split(",")[0].strip(), host.split(",")[0].strip()
    return list(dict.fromkeys([f"{proto}://{host}{path}", seen]))


def _with_and_without_port(url: str) -> list[str]:
    """url as Twilio may have signed it: without its port and with the default one (its signer is not
    consistent, the library says); none when url is malformed (a bad X-Forwarded-Host)."""
    try:
        parsed = urlparse(url)
        return [remove_port(parsed), add_port(parsed)]
    except ValueError:
        return []


def signature_valid(token: str, urls: list[str], params, signature: str, settings_header: str | None) -> bool:
    """True when signature is Twilio's for params (the form, parsed once) posted to one of urls, with the
    algorithm the signature settings header names (HMAC-SHA1 when none). The twilio library's own
    compute_signature, once per distinct URL: its validate() would compute two HMACs for every URL, the
    same one again for URLs that differ only by port."""
    if not signature:
        return False
    validator = RequestValidator(token)
    algorithm = get_signature_algorithm(settings_header)
    candidates = dict.fromkeys(u for url in urls for u in _with_and_without_port(url))
    try:
        return any(hmac.compare_digest(validator.compute_signature(url, params, algorithm).encode(), signature.encode())
                   for url in candidates)
    except ValueError:  # an algorithm the library does not know
        return False


@lru_cache(maxsize=4096)
def twiml_message(text: str | None) -> str:
    """The TwiML document that sends text as one message (none when text is None); replies repeat (menus,
    pages), so each is rendered once."""
    response = MessagingResponse()
    if text:
        response.message(text)
    return str(response)
