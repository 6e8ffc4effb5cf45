"""The SQLite store: one file on one host, safe across threads and gunicorn's processes (WAL, immediate
transactions). The default: nothing to install or run."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path

from .base import NoDatabase, Record, translate

COUNT_SQL = "INSERT INTO counters VALUES (?, ?, 1) ON CONFLICT (day, name) DO UPDATE SET n = n + 1"
PURGE_EVERY = 100  # delete expired sessions on one save in this many


class SQLiteStore:
    """A single-file store; safe across threads and processes on one host (WAL, immediate transactions)."""

    SCHEMA = """
        CREATE TABLE IF NOT EXISTS sessions (key TEXT PRIMARY KEY, blob TEXT NOT NULL, version INTEGER NOT NULL,
                                             expires REAL NOT NULL);
        CREATE INDEX IF NOT EXISTS sessions_expires ON sessions (expires);
        CREATE TABLE IF NOT EXISTS optouts (key TEXT PRIMARY KEY, since REAL NOT NULL);
        CREATE TABLE IF NOT EXISTS counters (day TEXT NOT NULL, name TEXT NOT NULL, n INTEGER NOT NULL,
                                             PRIMARY KEY (day, name));
        CREATE TABLE IF NOT EXISTS unmatched (day TEXT NOT NULL, text TEXT NOT NULL, expires REAL NOT NULL);
        CREATE INDEX IF NOT EXISTS unmatched_expires ON unmatched (expires);
    """

    def __init__(self, path: str | Path, timeout: float = 3.0, create: bool = True):
        """create=False (the operator's read-only commands): a missing file is a StoreError, not a new file."""
        self.path = Path(path)
        self.timeout = timeout
        if not create and not self.path.exists():
            raise NoDatabase(f"there is no database at {self.path} (the line makes it at its first text)")
        self._local = threading.local()
        self._saves = 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._errors():
            self._db().executescript(self.SCHEMA)

    def _db(self) -> sqlite3.Connection:
        """This thread's connection; a forked worker (gunicorn --preload) opens its own."""
        if getattr(self._local, "pid", None) != os.getpid():
            db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db, self._local.pid = db, os.getpid()
        return self._local.db

    @staticmethod
    def _errors():
        return translate(sqlite3.Error)

    def load(self, key: str, now: float | None = None) -> Record:
        """The record for key (an empty one when nothing is held or it expired)."""
        now = time.time() if now is None else now
        with self._errors():
            db = self._db()
            row = db.execute("SELECT blob, version, expires FROM sessions WHERE key = ?", (key,)).fetchone()
            opted = db.execute("SELECT 1 FROM optouts WHERE key = ?", (key,)).fetchone() is not None
        if row is None:
            return Record(None, 0, opted)
        blob = json.loads(row[0]) if row[2] >= now else None
        return Record(blob, row[1], opted)

    def save(self, key: str, blob: dict | None, version: int, opted_out: bool, ttl: float,
             now: float | None = None, counts: tuple[str, tuple[str, ...]] | None = None) -> bool:
        """Write key's record if its version is still version, and add one to each of counts' (day, names)
        counters in the same transaction; False (nothing written) if the version changed."""
        now = time.time() if now is None else now
        with self._errors():
            db = self._db()
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT version FROM sessions WHERE key = ?", (key,)).fetchone()
                if (row[0] if row else 0) != version:
                    db.execute("ROLLBACK")
                    return False
                if blob is None:
                    db.execute("DELETE FROM sessions WHERE key = ?", (key,))
                else:
                    db.execute("INSERT OR REPLACE INTO sessions VALUES (?, ?, ?, ?)",
                               (key, json.dumps(blob, separators=(",", ":")), version + 1, now + ttl))
                if opted_out:
                    db.execute("INSERT OR IGNORE INTO optouts VALUES (?, ?)", (key, now))
                else:
                    db.execute("DELETE FROM optouts WHERE key = ?", (key,))
                if counts:
                    db.executemany(COUNT_SQL, [(counts[0], name) for name in counts[1]])
                self._saves += 1
                if self._saves % PURGE_EVERY == 1:  # expired rows are invisible; clear them now and then
                    db.execute("DELETE FROM sessions WHERE expires < ?", (now,))
                    db.execute("DELETE FROM unmatched WHERE expires < ?", (now,))  # even once no longer kept
                db.execute("COMMIT")
                return True
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def counters(self, since: str) -> dict[str, dict[str, int]]:
        """Every counter from day since (YYYY-MM-DD) on: {day: {name: n}}."""
        with self._errors():
            rows = self._db().execute("SELECT day, name, n FROM counters WHERE day >= ? ORDER BY day", (since,))
            out: dict[str, dict[str, int]] = {}
            for day, name, n in rows:
                out.setdefault(day, {})[name] = n
            return out

    def keep_unmatched(self, day: str, text: str, ttl: float, now: float | None = None) -> None:
        """Keep a text the line did not understand (already scrubbed) for ttl seconds, under day."""
        now = time.time() if now is None else now
        with self._errors():
            db = self._db()
            db.execute("INSERT INTO unmatched VALUES (?, ?, ?)", (day, text, now + ttl))
            db.execute("DELETE FROM unmatched WHERE expires < ?", (now,))

    def unmatched(self, since: str, now: float | None = None) -> list[tuple[str, str]]:
        """The kept texts from day since (YYYY-MM-DD) on, oldest first: [(day, text)]."""
        now = time.time() if now is None else now
        with self._errors():
            rows = self._db().execute("SELECT day, text FROM unmatched WHERE day >= ? AND expires >= ? "
                                      "ORDER BY rowid", (since, now))
            return [(day, text) for day, text in rows]

    def ping(self) -> None:
        """Raise StoreError unless the store answers."""
        with self._errors():
            self._db().execute("SELECT 1").fetchone()

    def describe(self) -> str:
        """Where the data is, for logs and health checks."""
        return f"sqlite:///{self.path}"


