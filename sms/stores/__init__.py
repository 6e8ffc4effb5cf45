"""Stores: where the line keeps state (base.py: the Store protocol, Record, Write, errors; sqlite.py;
redis.py; guard.py: the circuit breaker in front of either; journal.py: effects waiting for the store)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from .base import Busy, NoDatabase, Record, Store, StoreError, Write
from .guard import Guarded
from .journal import Effect, Journal
from .redis import RedisStore
from .sqlite import SQLiteStore

__all__ = ["Busy", "Effect", "Guarded", "Journal", "NoDatabase", "Record", "RedisStore", "SQLiteStore", "Store",
           "StoreError", "Write", "open_store"]


def open_store(url: str | None, instance_path: str | Path, create: bool = True, timeout: float = 0.5,
               prefix: str = "sms:") -> Store:
    """The store SMS_STORE_URL names: sqlite:///path, redis://host:port/db, or (None) SQLite in the instance
    folder; timeout: seconds any one call may wait (SMS_STORE_TIMEOUT); prefix: of every Redis key.

    create=False never makes a new SQLite file (StoreError instead): for commands that only read."""
    if not url:
        return SQLiteStore(Path(instance_path) / "sms.sqlite3", timeout, create=create)
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else url[len("sqlite:"):]
        return SQLiteStore(path, timeout, create=create)
    if scheme in ("redis", "rediss", "unix"):
        return RedisStore(url, prefix, timeout)
    raise ValueError(f"SMS_STORE_URL must start with sqlite:/// or redis://, not {scheme or url!r}")
