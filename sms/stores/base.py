"""What every store promises (the Store protocol), what it holds about a number (Record), what one
update writes (Write), and its errors.

Numbers are never stored: every key is privacy.number_key(number, secret), an HMAC-SHA256, and so is
every MessageSid. A number's record holds a conversation blob (JSON, expiring) and the opt-out flag
(kept until START); the replies given are kept under their MessageSid's key for ANSWERED_SECONDS, apart
from any number, so that a retry from Twilio gets the same reply and no new effect whatever happened to
the number since (CLEAR included). Counters are aggregate per day. update() lets one writer at a time
change a number: it reads the record and writes what the caller decided from it in one go, so two
workers answering the same number at once answer one after the other. When the operator turns on
SMS_KEEP_UNMATCHED, the texts the line did not understand are kept too, scrubbed of numbers, emails and
names by the line before they get here, unlinked to any number, and deleted after 30 days.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

ANSWERED_SECONDS = 48 * 3600  # how long the reply to a MessageSid is kept for Twilio's retries
BUSY_SECONDS = 2.0  # how long an update waits for other workers writing (the same number, or on SQLite any)


class StoreError(Exception):
    """The store could not be reached or did not answer in time."""


class NoDatabase(StoreError):
    """An SQLite store asked not to create its file found none."""


class Busy(StoreError):
    """The number stayed busy with another worker: not a fault of the store."""


@dataclass(frozen=True)
class Record:
    """What is held about one number: its conversation blob (None: nothing) and opt-out, and the reply
    already given to the MessageSid asked about ((text, kind); None: not answered yet)."""

    blob: dict | None
    opted_out: bool
    answered: tuple[str | None, str] | None = None


@dataclass(frozen=True)
class Write:
    """What one update writes: the number's conversation blob (None deletes it) for ttl seconds, its
    opt-out, one more on each of counts' (day, names) counters, and the reply (text, kind) given to the
    MessageSid keyed sid."""

    blob: dict | None
    opted_out: bool
    ttl: float
    counts: tuple[str, tuple[str, ...]] = ("", ())
    sid: str | None = None
    reply: tuple[str | None, str] | None = None


Change = Callable[[Record], Write | None]


class Store(Protocol):
    """Where the line keeps state. Every method raises StoreError when the backend fails."""

    def load(self, key: str, now: float | None = None, sid: str | None = None) -> Record:
        """The record for key (an empty one when nothing is held or it expired), with the reply given to
        the keyed MessageSid sid if there was one."""

    def update(self, key: str, change: Change, now: float | None = None, sid: str | None = None) -> None:
        """Load key's record (as load does) and write what change returns for it (None: nothing), with no
        other update of key in between; StoreError when key stayed busy for BUSY_SECONDS."""

    def counters(self, since: str) -> dict[str, dict[str, int]]:
        """Every counter from day since (YYYY-MM-DD) on: {day: {name: n}}."""

    def keep_unmatched(self, day: str, text: str, ttl: float, now: float | None = None) -> None:
        """Keep a text the line did not understand (already scrubbed) for ttl seconds, under day."""

    def unmatched(self, since: str, now: float | None = None) -> list[tuple[str, str]]:
        """The kept texts from day since (YYYY-MM-DD) on, oldest first: [(day, text)]."""

    def ping(self) -> None:
        """Raise StoreError unless the store answers."""

    def describe(self) -> str:
        """Where the data is, for logs and health checks (never a password)."""


class translate:
    """A context that turns the backend's own exceptions (kinds) into StoreError."""

    def __init__(self, *kinds):
        self.kinds = kinds

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if kind is not None and issubclass(kind, self.kinds):
            raise StoreError(f"{kind.__name__}: {exc}") from exc
        return False
