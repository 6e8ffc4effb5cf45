"""A store behind a circuit breaker, so that a store that fails or hangs costs one text a timeout, not
every text: after a failure every call fails at once for REST_SECONDS, and the line answers without
state meanwhile. Every slow call is logged (its name and milliseconds, never a key)."""

from __future__ import annotations

import logging
import time

from .base import Busy, StoreError

REST_SECONDS = 5.0  # after a failure, how long every call fails at once before the store is tried again
SLOW_SECONDS = 0.25  # a call that takes longer is logged
log = logging.getLogger("sms.store")


class Resting(StoreError):
    """The store failed a moment ago and is not tried again yet."""


class Guarded:
    """store's methods, each failing at once while the breaker is open; ping() always tries the store."""

    def __init__(self, store, rest: float = REST_SECONDS):
        self.store, self.rest = store, rest
        self.open_until = 0.0

    def __getattr__(self, name):
        return getattr(self.store, name)

    @property
    def resting(self) -> bool:
        """True while calls fail at once after a failure."""
        return time.monotonic() < self.open_until

    def _call(self, name: str, *args, **kwargs):
        if self.resting:
            raise Resting("the store failed less than a few seconds ago")
        started = time.monotonic()
        try:
            return getattr(self.store, name)(*args, **kwargs)
        except Busy:
            raise
        except StoreError as exc:
            self.open_until = time.monotonic() + self.rest
            log.warning("store %s failed (%s): answering without state for %.0f s", name,
                        type(exc.__cause__ or exc).__name__, self.rest)
            raise
        finally:
            took = time.monotonic() - started
            if took > SLOW_SECONDS:
                log.warning("slow store: %s took %d ms", name, took * 1000)

    def load(self, *args, **kwargs):
        """As the store's load, behind the breaker."""
        return self._call("load", *args, **kwargs)

    def update(self, *args, **kwargs):
        """As the store's update, behind the breaker."""
        return self._call("update", *args, **kwargs)

    def counters(self, *args, **kwargs):
        """As the store's counters, behind the breaker."""
        return self._call("counters", *args, **kwargs)

    def keep_unmatched(self, *args, **kwargs):
        """As the store's keep_unmatched, behind the breaker."""
        return self._call("keep_unmatched", *args, **kwargs)

    def unmatched(self, *args, **kwargs):
        """As the store's unmatched, behind the breaker."""
        return self._call("unmatched", *args, **kwargs)

    def ping(self) -> None:
        """Try the store whatever the breaker says; closes it when the store answers."""
        self.store.ping()
        self.open_until = 0.0
