"""What the written channels (SMS, and WhatsApp to come) share: how a contact reads in a message, and
phone numbers kept in their order after right-to-left words."""

from __future__ import annotations

import unicodedata

from ..content.model import Contact
from ..content.referrals import PHONE_LIKE

LRM = "\u200e"  # LEFT-TO-RIGHT MARK: invisible, one UCS-2 unit


def ltr_numbers(text: str) -> str:
    """text with a left-to-right mark before each phone number written with separators (1-888-373-7888)
    that follows Arabic (or other right-to-left) words on its line.

    Phones lay out text with the Unicode bidi algorithm: after a right-to-left letter the digit groups
    of "1-888-373-7888" become Arabic numbers and the hyphens between them neutral, so the groups are
    shown in reverse order ("7888-373-888-1"). An LRM (invisible) in front keeps the number as written;
    the text's own characters and order are unchanged. Numbers at the start of a line, after Latin
    words, or without separators (911, 233733) are already shown as written and are left alone.
    """
    def mark(found):
        number = found.group(0)
        if number.isdigit():
            return number
        before = text[:found.start()].rsplit("\n", 1)[-1]
        strong = next((kind for kind in map(unicodedata.bidirectional, reversed(before)) if kind in ("L", "R", "AL")), None)
        return LRM + number if strong in ("R", "AL") else number

    return PHONE_LIKE.sub(mark, text)


def contact_line(contact: Contact, label: str, strings) -> str:
    """How a contact reads in a text: its short name, police or ICE labels, then how to reach it."""
    tag = strings["label_immigration"] if contact.immigration else strings["label_police"] if contact.law_enforcement else None
    name = f"{label} ({tag})" if tag else label
    if contact.phone and contact.phone == contact.text:
        how = strings["contact_call_or_text"].format(phone=contact.phone)
    else:
        how = ", ".join(
            [strings["contact_call"].format(phone=contact.phone)] * bool(contact.phone)
            + [strings["contact_text"].format(text=contact.text)] * bool(contact.text)
        )
    if contact.web and not how:
        how = strings["contact_web"].format(web=contact.web)
    return f"{name}: {how}"
