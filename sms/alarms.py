"""The alarms a text can raise, most urgent first.

Each name is a key in every language's content: the phrases that raise it (`keywords.yaml`), the whole
texts that teach the model (`examples.yaml`), and the reply sent first (`strings.yaml`).
"""

from __future__ import annotations

from enum import StrEnum


class Alarm(StrEnum):
    """Why a text is answered with emergency contacts before anything else."""

    DANGER = "danger"  # in danger now: trapped, hurt, threatened, moved against their will (911 first)
    SELF_HARM = "self_harm"  # thinking of suicide or self-harm (988 first)
    HELP_NOW = "help_now"  # a plain "help me", no detail (a person to reach now)


def most_urgent(alarms) -> Alarm | None:
    """The most urgent of alarms (None when there are none)."""
    found = set(alarms)
    return next((alarm for alarm in Alarm if alarm in found), None)
