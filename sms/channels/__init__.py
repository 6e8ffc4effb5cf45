"""Channels: how a message arrives and how a reply is rendered and sent.

    twilio.py    what every Twilio webhook shares: which URLs Twilio signed, the signature check, TwiML
    paging.py    cutting a text into pieces that each fit a channel's room (channel-neutral)
    written.py   what SMS and WhatsApp share: contact lines, numbers after Arabic words, the renderer
    sms/         segments.py (GSM-7 / UCS-2 billing), render.py (pages to a segment budget), webhook.py (POST /sms)
    whatsapp/    render.py (whole messages, accents kept), answered by POST /sms
    voice/       render.py (what a call says), keys.py, twiml.py, webhook.py (POST /voice...)
    webhook.py   what the webhooks share in Flask: refusal (signature and form), TwiML, a log line

render_all() renders one content for every channel: what create_app serves and `check` reports.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .. import content as content_module
from ..content import Content, Problem
from .sms import render as sms
from .voice import render as voice
from .whatsapp import render as whatsapp


def render_all(content: Content, budget: int) -> tuple[dict | None, list[Problem]]:
    """content rendered for each channel (channel name -> rendition, SMS first), or None when a channel
    cannot serve it; and every problem found, each said once (channels share most texts)."""
    renditions, problems = {}, []
    for name, (rendition, found) in (("sms", sms.render(content, budget)), ("whatsapp", whatsapp.render(content)),
                                     ("voice", voice.render(content))):
        renditions[name] = rendition
        problems += [p for p in found if p not in problems]
    return (None if None in renditions.values() else renditions), problems


def check(root: Path, budget: int = 3, today: dt.date | None = None) -> list[Problem]:
    """Every problem with the content under root and with sending it on each channel, warnings included."""
    content, problems = content_module.collect(Path(root), today)
    return problems + render_all(content, budget)[1] if content else problems
