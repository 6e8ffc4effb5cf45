"""How much one number is answered: the line's guard against floods, bots and loops, which cost money
per segment. Pure, like the engine: the state carries what it needs (Quota), the clock comes in.

- At most Limits.replies replies in Limits.window seconds; the next text gets one notice (the hotline,
  911), then nothing until the window has passed.
- The same reply as the one before, to a number that keeps sending, goes out Limits.repeats times in a
  row at most: an auto-responder that answers every text gets silence instead of a loop.
- A danger reply always goes out, whatever the limits, but at most once in Limits.danger_every seconds.
- Effects are never limited: STOP, START and the quick exit are always answered and always done.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, replace

from .reply import Count, Kind, Reply


@dataclass(frozen=True)
class Limits:
    """The per-number limits (settings SMS_RATE_LIMIT and SMS_RATE_MINUTES)."""

    replies: int = 20
    window: float = 600.0
    danger_every: float = 60.0
    repeats: int = 2  # the same reply in a row, at most


@dataclass(frozen=True)
class Quota:
    """What the limits remember of one number: when its replies went out (within the window), whether
    the notice was sent, a checksum of the last reply and how many times in a row it went out, and when
    the last danger reply went out."""

    sent: tuple[float, ...] = ()
    noticed: bool = False
    last: int = 0
    repeats: int = 0
    danger_at: float | None = None

    @classmethod
    def from_dict(cls, data: dict | None) -> Quota:
        """A Quota from its JSON form (asdict); unknown keys ignored."""
        data = {k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__}
        return cls(**{**data, "sent": tuple(data.get("sent", ()))})


def limit(quota: Quota, reply: Reply, now: float, limits: Limits, notice: str) -> tuple[Quota, Reply]:
    """The reply as the limits let it go out (the same, the notice, or nothing), and the quota after it.
    The engine never limits the reply of an effect (STOP, START, the quick exit)."""
    if reply.text is None:
        return quota, reply
    if reply.kind is Kind.DANGER:
        if quota.danger_at is not None and now - quota.danger_at < limits.danger_every:
            return quota, _held(reply)
        return replace(quota, danger_at=now), reply
    sent = tuple(t for t in quota.sent if now - t < limits.window)
    quota = replace(quota, sent=sent, noticed=quota.noticed and bool(sent))
    if len(sent) >= limits.replies:
        if quota.noticed:
            return quota, _held(reply)
        return replace(quota, noticed=True), Reply(notice, Kind.COMMAND, events=(*reply.events, Count.LIMITED))
    checksum = zlib.crc32(reply.text.encode())
    repeats = quota.repeats + 1 if checksum == quota.last and sent else 1
    if repeats > limits.repeats:
        return replace(quota, repeats=repeats), _held(reply, Count.REPEATED)
    return replace(quota, sent=(*sent, now), last=checksum, repeats=repeats), reply


def _held(reply: Reply, counter: Count = Count.LIMITED) -> Reply:
    return replace(reply, text=None, kind=Kind.SILENT, events=(*reply.events, counter))
