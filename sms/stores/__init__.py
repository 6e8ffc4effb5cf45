"""Stores: where the line keeps state (base.py: the Store protocol, Record, errors; sqlite.py; redis.py)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from .base import NoDatabase, Record, Store, StoreError
from .redis import RedisStore
from .sqlite import SQLiteStore

__all__ = ["NoDatabase", "Record", "RedisStore", "SQLiteStore", "Store", "StoreError", "open_store"]


def open_store(url: str | None, instance_path: str | Path, create: bool = True) -> Store:
    """The store SMS_STORE_URL names: sqlite:///path, redis://host:port/db, or (None) SQLite in the instance folder.

    create=False never makes a new SQLite file (StoreError instead): for commands that only read."""
    if not url:
        return SQLiteStore(Path(instance_path) / "sms.sqlite3", create=create)
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else url[len("sqlite:"):]
        return SQLiteStore(path, create=create)
    if scheme in ("redis", "rediss", "unix"):
        return RedisStore(url)
    raise ValueError(f"SMS_STORE_URL must start with sqlite:/// or redis://, not {scheme or url!r}")
