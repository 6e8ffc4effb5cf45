"""What every store promises (the Store protocol), what it holds about a number (Record), and its errors.

Numbers are never stored: every key is privacy.number_key(number, secret), an HMAC-SHA256. A record holds
a conversation blob (JSON, expiring), the opt-out flag (kept until START) and nothing else; counters are
aggregate per day. save() is a compare-and-set on the record's version, so two workers answering the
same number at once cannot overwrite each other: the loser reloads and answers again. When the operator
turns on SMS_KEEP_UNMATCHED, the texts the line did not understand are kept too, scrubbed of numbers,
emails and names by the line before they get here, unlinked to any number, and deleted after 30 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class StoreError(Exception):
    """The store could not be reached or did not answer in time."""


class NoDatabase(StoreError):
    """An SQLite store asked not to create its file found none."""


@dataclass(frozen=True)
class Record:
    """What is held about one number: its conversation blob (None: nothing), version and opt-out."""

    blob: dict | None
    version: int
    opted_out: bool


class Store(Protocol):
    """Where the line keeps state. Every method raises StoreError when the backend fails."""

    def load(self, key: str, now: float | None = None) -> Record:
        """The record for key (an empty one when nothing is held or it expired)."""

    def save(self, key: str, blob: dict | None, version: int, opted_out: bool, ttl: float,
             now: float | None = None, counts: tuple[str, tuple[str, ...]] | None = None) -> bool:
        """Write key's record if its version is still version (blob None deletes the conversation), and add
        one to each of counts' (day, names) counters in the same write; False (nothing written) if the
        version changed."""

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
