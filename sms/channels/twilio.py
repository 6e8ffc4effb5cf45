"""What every Twilio webhook shares, without Flask: the URLs Twilio may have signed, the signature check
(the twilio library's own validator), and TwiML messaging replies."""

from __future__ import annotations

from functools import lru_cache

from twilio.request_validator import RequestValidator, get_signature_algorithm
from twilio.twiml.messaging_response import MessagingResponse


def signed_urls(path: str, base: str | None, proto: str, host: str, seen: str) -> list[str]:
    """The URLs Twilio may have signed for a request to path: base's (PUBLIC_BASE_URL) when set, else the
    one seen through a proxy (X-Forwarded-Proto and -Host, first of each) and the one seen directly."""
    if base:
        return [base.rstrip("/") + path]
    proto, host = proto.split(",")[0].strip(), host.split(",")[0].strip()
    return list(dict.fromkeys([f"{proto}://{host}{path}", seen]))


def signature_valid(token: str, urls: list[str], params: dict, signature: str, settings_header: str | None) -> bool:
    """True when signature is Twilio's for params posted to one of urls, with the algorithm the signature
    settings header names (HMAC-SHA1 when none)."""
    if not signature:
        return False
    validator = RequestValidator(token)
    algorithm = get_signature_algorithm(settings_header)
    return any(validator.validate(url, params, signature, algorithm) for url in urls)


@lru_cache(maxsize=4096)
def twiml_message(text: str | None) -> str:
    """The TwiML document that sends text as one message (none when text is None); replies repeat (menus,
    pages), so each is rendered once."""
    response = MessagingResponse()
    if text:
        response.message(text)
    return str(response)
