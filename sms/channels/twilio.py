"""What every Twilio webhook shares, without Flask: the forms Twilio sends (for a message, the names it
documents; for a call, its SIDs), which channel a message came on, the URL Twilio signed, the signature
check (the twilio library's own), and TwiML messaging replies."""

from __future__ import annotations

import hmac
import re
from functools import lru_cache
from urllib.parse import urlparse

from twilio.request_validator import RequestValidator, add_port, get_signature_algorithm, remove_port
from twilio.twiml.messaging_response import MessagingResponse

# Every parameter Twilio documents for an inbound message (SMS, MMS, WhatsApp) and a status callback; a
# signed form with any other name is refused: Twilio signs its parameters concatenated without separators,
# so a captured form can be re-split into other names and values with the same signature.
FIELDS = frozenset("""
    MessageSid SmsSid SmsMessageSid AccountSid MessagingServiceSid From To Body NumMedia NumSegments
    ReferralNumMedia FromCity FromState FromZip FromCountry ToCity ToState ToZip ToCountry SmsStatus ApiVersion
    OptOutType AddOns ProfileName WaId Forwarded FrequentlyForwarded ButtonText ButtonPayload Latitude Longitude
    Address Label ReferralBody ReferralHeadline ReferralSourceId ReferralSourceType ReferralSourceUrl
    ReferralMediaId ReferralMediaContentType ReferralMediaUrl ReferralCtwaClid OriginalRepliedMessageSender
    OriginalRepliedMessageSid ChannelMetadata MessageType ChannelPrefix ChannelInstallSid ChannelToAddress
    MessageStatus ErrorCode ErrorMessage RawDlrDoneDate EventType
""".split())
MEDIA_FIELD = re.compile(r"Media(ContentType|Url)\d{1,2}")
MESSAGE_SID = re.compile(r"(SM|MM)[0-9a-f]{32}")
ACCOUNT_SID = re.compile(r"AC[0-9a-f]{32}")
CALL_SID = re.compile(r"CA[0-9a-f]{32}")
WHATSAPP = "whatsapp:"  # the address scheme of a WhatsApp sender (From=whatsapp:+1...)


def form_problem(form, account_sid: str | None) -> str | None:
    """Why a signed form is not one Twilio sends for a message (None: it is): a name Twilio does not
    document, a MessageSid not in Twilio's format or not the same as SmsSid/SmsMessageSid, an AccountSid
    not in its format or (account_sid set) not this account's."""
    unknown = sorted(name for name in form if name not in FIELDS and not MEDIA_FIELD.fullmatch(name))
    if unknown:
        return f"unknown field {unknown[0][:40]!r}"
    sid = form.get("MessageSid", "")
    if not MESSAGE_SID.fullmatch(sid) or any(form.get(alias, sid) != sid for alias in ("SmsSid", "SmsMessageSid")):
        return "malformed MessageSid"
    return _account_problem(form, account_sid)


def call_problem(form, account_sid: str | None) -> str | None:
    """Why a signed form is not one Twilio sends for a call (None: it is): a CallSid or an AccountSid not
    in Twilio's format, or (account_sid set) another account's. A call's form is not checked field by
    field: a call has no effect a re-split form could forge (no STOP), and Twilio adds fields to it."""
    if not CALL_SID.fullmatch(form.get("CallSid", "")):
        return "malformed CallSid"
    return _account_problem(form, account_sid)


def _account_problem(form, account_sid: str | None) -> str | None:
    account = form.get("AccountSid", "")
    if not ACCOUNT_SID.fullmatch(account):
        return "malformed AccountSid"
    if account_sid and account != account_sid:
        return "wrong account"
    return None


def channel(form) -> str:
    """The channel a message came on: whatsapp when From is a whatsapp: address, else sms."""
    return "whatsapp" if (form.get("From") or "").startswith(WHATSAPP) else "sms"


def is_status_callback(form) -> bool:
    """True for a delivery report (MessageStatus, or SmsStatus other than received) rather than a text."""
    return "MessageStatus" in form or form.get("SmsStatus", "received") != "received"


def signed_url(path: str, base: str | None, seen: str) -> str:
    """The URL Twilio signed for a request to path: base's (PUBLIC_BASE_URL) when set, else the one the
    app sees (through werkzeug's ProxyFix when SMS_PROXIES says proxies are in front)."""
    return base.rstrip("/") + path if base else seen


def _with_and_without_port(url: str) -> list[str]:
    """url as Twilio may have signed it: without its port and with the default one (its signer is not
    consistent, the library says); none when url is malformed (a bad X-Forwarded-Host)."""
    try:
        parsed = urlparse(url)
        return [remove_port(parsed), add_port(parsed)]
    except ValueError:
        return []


def signature_valid(token: str, url: str, params, signature: str, settings_header: str | None) -> bool:
    """True when signature is Twilio's for params (the form, parsed once) posted to url, with or without
    its port, with the algorithm the signature settings header names (HMAC-SHA1 when none). The twilio
    library's own compute_signature, once per distinct URL (its validate() computes both even when they
    are the same)."""
    if not signature:
        return False
    validator = RequestValidator(token)
    algorithm = get_signature_algorithm(settings_header)
    candidates = dict.fromkeys(_with_and_without_port(url))
    try:
        return any(hmac.compare_digest(validator.compute_signature(u, params, algorithm).encode(), signature.encode())
                   for u in candidates)
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
