"""content/referrals.yaml: the referral directory, every contact with its source and the date checked."""

from __future__ import annotations

import datetime as dt
import re

from ..alarms import Alarm
from .model import Contact
from .source import Checker

STALE_DAYS = 365
# Phone numbers (406-444-6543, 1-888-373-7888, (406) 444-6543) and SMS short codes (233733, 88788);
# years and counts (2023, 200) are not numbers anyone dials.
PHONE_LIKE = re.compile(r"(?<![\w-])(?:1-)?(?:\(?\d{3}\)?[- ]?)?\d{3}-\d{4}(?![\w-])|(?<![\w-])\d{5,6}(?![\w-])")


def directory(check: Checker, today: dt.date) -> tuple[dict[str, Contact], dict[Alarm, str]]:
    """The contacts of the directory, each checked: a unique id, a way to reach it, its source and date;
    and the contact a call that raises each alarm is connected to (`connect`)."""
    src = check.source("content", "referrals.yaml")
    out: dict[str, Contact] = {}
    for i, raw in enumerate((src.data or {}).get("contacts") or []):
        cid = str(raw.get("id", ""))
        if not cid or cid in out:
            check.error(src, ("contacts", i), f"contact needs a unique id (got {cid!r})")
            continue
        phone, text, web = (str(raw[k]) if raw.get(k) else None for k in ("phone", "text", "web"))
        if not (phone or text or web):
            check.error(src, ("contacts", i), f"contact {cid} has no phone, no text number and no website")
        if not raw.get("source"):
            check.error(src, ("contacts", i), f"contact {cid} does not say where its facts come from (source)")
        checked = raw.get("checked")
        if not isinstance(checked, dt.date):
            check.error(src, ("contacts", i, "checked"), f"contact {cid} needs the date it was checked (YYYY-MM-DD)")
            checked = None
        elif (today - checked).days > STALE_DAYS:
            check.warn(src, ("contacts", i, "checked"),
                       f"contact {cid} was last checked {checked}, over {STALE_DAYS} days ago: check it again")
        out[cid] = Contact(cid, str(raw.get("name", cid)), phone, text, web,
                           bool(raw.get("law_enforcement")), bool(raw.get("immigration")), checked,
                           tuple(str(a) for a in raw.get("areas") or []))
    return out, _connections(check, src, out)


def _connections(check: Checker, src, contacts: dict[str, Contact]) -> dict[Alarm, str]:
    raw = (src.data or {}).get("connect") or {}
    if not isinstance(raw, dict):
        check.error(src, ("connect",), "connect maps an alarm (danger, self_harm, help_now) to a contact id")
        return {}
    found = {}
    for key, cid in raw.items():
        alarm = next((a for a in Alarm if a.value == key), None)
        contact = contacts.get(str(cid))
        if alarm is None:
            check.error(src, ("connect", key), f"connect: {key!r} is not an alarm ({', '.join(a.value for a in Alarm)})")
        elif contact is None or not contact.phone:
            check.error(src, ("connect", key), f"connect: {alarm.value} goes to {cid!r}, which is no contact with a phone")
        elif dialable(contact.phone) is None:
            check.error(src, ("connect", key), f"connect: {alarm.value} goes to {contact.phone}, which a call cannot "
                                               "be connected to: give a 10-digit number (Twilio never dials 911, "
                                               "988 or a short code)")
        else:
            found[alarm] = contact.id
    return found


def dialable(phone: str | None) -> str | None:
    """phone as a call is connected to it (E.164: 1-888-373-7888 -> +18883737888); None for a number
    that is not a 10-digit North American one (911, 988, a short code)."""
    digits = "".join(c for c in phone or "" if c.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return f"+1{digits}" if len(digits) == 10 and phone.strip()[:1] in "0123456789(" else None


def numbers(contacts: dict[str, Contact]) -> set[str]:
    """Every phone number and short code the directory gives: the only numbers content may write."""
    return {n for c in contacts.values() for f in (c.phone, c.text) if f for n in PHONE_LIKE.findall(f)}


def unknown_numbers(text: str, known: set[str]) -> list[str]:
    """The numbers text writes that the directory does not give (never invent a number)."""
    return [number for number in PHONE_LIKE.findall(text) if known and number not in known]
