"""Effects the store could not record, kept on the local disk until it can: a quick exit (forget), an
opt-out or an opt-in. The line claims an effect ("OK", "You will get no more messages") only once it is
recorded somewhere: in the store, or here. Each entry is the number's keyed hash and the effect, never a
number or a body; the line applies the entries to the store, oldest first, before anything else once the
store answers again, and answers a number with an entry pending as if it had been applied. Processes on
one host share the file under an advisory lock (fcntl.flock)."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from .base import StoreError, Write

MAX_APPLIED = 50  # entries applied per text, so that a long journal never holds one reply up


@dataclass(frozen=True)
class Effect:
    """One pending effect: for key, forget the conversation (or keep it), and the opt-out to hold."""

    key: str
    forget: bool
    opted_out: bool


class Journal:
    """An append-only file of pending effects (JSON lines) at path."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def __len__(self) -> int:
        return len(self._entries()) if self._waiting() else 0

    def _waiting(self) -> bool:
        try:
            return self.path.stat().st_size > 0
        except OSError:
            return False

    @contextmanager
    def _locked(self, mode: str, blocking: bool = True):
        with open(self.path, mode, encoding="utf-8") as file:
            fcntl.flock(file, fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB)
            try:
                yield file
            finally:
                fcntl.flock(file, fcntl.LOCK_UN)

    def _entries(self) -> list[Effect]:
        with self._locked("r") as file:
            return _read(file)

    def add(self, effect: Effect) -> bool:
        """Record effect on disk (written and synced); False when the disk would not take it."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._locked("a") as file:
                file.write(_line(effect))
                file.flush()
                os.fsync(file.fileno())
            return True
        except OSError:
            return False

    def pending(self, key: str) -> Effect | None:
        """The latest effect waiting for key, if any."""
        if not self._waiting():
            return None
        try:
            return next((e for e in reversed(self._entries()) if e.key == key), None)
        except OSError:
            return None

    def apply(self, update: Callable, ttl: float) -> int:
        """Write the pending effects through update (a store's update), oldest first, and drop those written;
        stops at the first StoreError. Returns how many were applied (0 as well when another process is
        applying them right now)."""
        if not self._waiting():
            return 0
        try:
            with self._locked("r+", blocking=False) as file:
                entries = _read(file)
                done = 0
                for effect in entries[:MAX_APPLIED]:
                    try:
                        update(effect.key, _writer(effect, ttl))
                    except StoreError:
                        break
                    done += 1
                if done:
                    file.seek(0)
                    file.truncate()
                    file.writelines(_line(e) for e in entries[done:])
                    file.flush()
                    os.fsync(file.fileno())
                return done
        except (BlockingIOError, OSError):
            return 0


def _line(effect: Effect) -> str:
    return json.dumps(asdict(effect)) + "\n"


def _read(file) -> list[Effect]:
    return [Effect(**json.loads(line)) for line in file if line.strip()]


def _writer(effect: Effect, ttl: float):
    def change(record):
        return Write(None if effect.forget else record.blob, effect.opted_out, ttl)
    return change
