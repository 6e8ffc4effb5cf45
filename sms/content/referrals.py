"""content/referrals.yaml: the referral directory, every contact with its source and the date checked."""

from __future__ import annotations

import datetime as dt
import re

from .model import Contact
from .source import Checker

STALE_DAYS = 365
# Phone numbers (406-444-6543, 1-888-373-7888, (406) 444-6543) and SMS short codes (233733, 88788);
# years and counts (2023, 200) are not numbers anyone dials.
PHONE_LIKE = re.compile(r"(?<![\w-])(?:1-)?(?:\(?\d{3}\)?[- ]?)?\d{3}-\d{4}(?![\w-])|(?<![\w-])\d{5,6}(?![\w-])")


def contacts(check: Checker, today: dt.date) -> dict[str, Contact]:
    """The contacts of the directory, each checked: a unique id, a way to reach it, its source and date."""
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
                           bool(raw.get("law_enforcement")), bool(raw.get("immigration")), checked)
    return out


def numbers(contacts: dict[str, Contact]) -> set[str]:
    """Every phone number and short code the directory gives: the only numbers content may write."""
    return {n for c in contacts.values() for f in (c.phone, c.text) if f for n in PHONE_LIKE.findall(f)}


def unknown_numbers(text: str, known: set[str]) -> list[str]:
    """The numbers text writes that the directory does not give (never invent a number)."""
    return [number for number in PHONE_LIKE.findall(text) if known and number not in known]
