"""The SQLite store: one file on one host, safe across threads and gunicorn's processes (WAL; an update
reads and writes inside one BEGIN IMMEDIATE transaction, so one writer at a time). The default: nothing
to install or run. The file is made when the store is opened; when it cannot be (a full disk, a missing
volume) the line still starts and answers, without state, and tries again at each text."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from .base import ANSWERED_SECONDS, BUSY_SECONDS, Change, NoDatabase, Record, StoreError, Write, translate

COUNT_SQL = "INSERT INTO counters VALUES (?, ?, 1) ON CONFLICT (day, name) DO UPDATE SET n = n + 1"
PURGE_EVERY = 100  # delete expired rows on one update in this many


class SQLiteStore:
    """A single-file store; safe across threads and processes on one host (WAL, immediate transactions)."""

    SCHEMA = """
        DROP TABLE IF EXISTS sessions;
        CREATE TABLE IF NOT EXISTS conversations (key TEXT PRIMARY KEY, blob TEXT NOT NULL, expires REAL NOT NULL);
        CREATE INDEX IF NOT EXISTS conversations_expires ON conversations (expires);
        CREATE TABLE IF NOT EXISTS optouts (key TEXT PRIMARY KEY, since REAL NOT NULL);
        CREATE TABLE IF NOT EXISTS answered (key TEXT PRIMARY KEY, reply TEXT NOT NULL, expires REAL NOT NULL);
        CREATE INDEX IF NOT EXISTS answered_expires ON answered (expires);
        CREATE TABLE IF NOT EXISTS counters (day TEXT NOT NULL, name TEXT NOT NULL, n INTEGER NOT NULL,
                                             PRIMARY KEY (day, name));
        CREATE TABLE IF NOT EXISTS unmatched (day TEXT NOT NULL, text TEXT NOT NULL, expires REAL NOT NULL);
        CREATE INDEX IF NOT EXISTS unmatched_expires ON unmatched (expires);
    """

    def __init__(self, path: str | Path, timeout: float = 0.5, create: bool = True):
        """timeout: seconds to wait for another writer (SQLite's busy timeout). create=False (the
        operator's read-only commands): a missing file is a StoreError, not a new file."""
        self.path = Path(path)
        self.timeout = timeout
        if not create and not self.path.exists():
            raise NoDatabase(f"there is no database at {self.path} (the line makes it at its first text)")
        self._local = threading.local()
        self._writing = threading.Lock()  # SQLite has one writer at a time anyway: wake the next thread at once
        self._updates = 0
        self._unclean = False  # a deleted conversation may still be in the write-ahead log
        try:  # made now (before gunicorn forks its workers, which would race to make it) when it can be
            self._db()
        except StoreError:
            pass  # a full disk, a missing volume: the line answers without state and tries again at each text

    def _db(self) -> sqlite3.Connection:
        """This thread's connection, opened (file, folder and tables made) at first use; a forked worker
        (gunicorn --preload) opens its own."""
        if getattr(self._local, "pid", None) != os.getpid():
            with translate(sqlite3.Error, OSError):
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
                try:
                    db.execute("PRAGMA journal_mode=WAL")
                    db.execute("PRAGMA synchronous=NORMAL")
                    db.execute("PRAGMA secure_delete=ON")  # a deleted conversation is overwritten, not left in free pages
                    db.executescript(self.SCHEMA)
                except sqlite3.Error:
                    db.close()
                    raise
            self._local.db, self._local.pid = db, os.getpid()
        return self._local.db

    @staticmethod
    def _errors():
        return translate(sqlite3.Error)

    @staticmethod
    def _read(db, key: str, now: float, sid: str | None) -> Record:
        row = db.execute("SELECT blob FROM conversations WHERE key = ? AND expires >= ?", (key, now)).fetchone()
        opted = db.execute("SELECT 1 FROM optouts WHERE key = ?", (key,)).fetchone() is not None
        answered = sid and db.execute("SELECT reply FROM answered WHERE key = ? AND expires >= ?",
                                      (sid, now)).fetchone()
        return Record(json.loads(row[0]) if row else None, opted, tuple(json.loads(answered[0])) if answered else None)

    def load(self, key: str, now: float | None = None, sid: str | None = None) -> Record:
        """The record for key (an empty one when nothing is held or it expired), with the reply given to
        the keyed MessageSid sid if there was one."""
        now = time.time() if now is None else now
        with self._errors():
            return self._read(self._db(), key, now, sid)

    def update(self, key: str, change: Change, now: float | None = None, sid: str | None = None) -> None:
        """Read key's record and write what change returns for it inside one BEGIN IMMEDIATE transaction
        (no other writer in between); StoreError when the write lock stayed taken for BUSY_SECONDS."""
        now = time.time() if now is None else now
        if not self._writing.acquire(timeout=BUSY_SECONDS):  # this process's threads queue here, not in SQLite
            raise StoreError("another thread kept the write lock for too long")
        try:
            self._update(key, change, now, sid)
        finally:
            self._writing.release()

    def _update(self, key: str, change: Change, now: float, sid: str | None) -> None:
        with self._errors():
            db = self._db()
            self._begin(db)
            try:
                write = change(self._read(db, key, now, sid))
                deleted = write is not None and self._write(db, key, write, now)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            if deleted or self._unclean:  # the old pages are in the write-ahead log too: copy it back, empty it
                self._unclean = not self._truncate_log(db)

    def _truncate_log(self, db) -> bool:
        """Checkpoint the write-ahead log and truncate it to nothing, without waiting for readers or
        writers (False: some were busy; the next update tries again)."""
        with self._not_waiting(db):
            return db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0

    @contextmanager
    def _not_waiting(self, db):
        """SQLite's busy handler off inside (a busy lock fails at once), back to the busy timeout after."""
        db.execute("PRAGMA busy_timeout = 0")
        try:
            yield
        finally:
            db.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")

    def _begin(self, db) -> None:
        """BEGIN IMMEDIATE, trying every millisecond or so for up to BUSY_SECONDS: other processes hold the
        write lock a moment each, so waiting is normal; longer is a fault. (SQLite's own busy handler backs
        off to 25-100 ms between tries, which a busy line pays in its slowest replies.)"""
        deadline, pause = time.monotonic() + BUSY_SECONDS, 0.0005
        with self._not_waiting(db):
            while True:
                try:
                    db.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if exc.sqlite_errorcode not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) \
                            or time.monotonic() >= deadline:
                        raise
                time.sleep(pause)
                pause = min(pause * 2, 0.004)

    def _write(self, db, key: str, write: Write, now: float) -> bool:
        """Write one update; True when it deleted a conversation."""
        deleted = False
        if write.blob is None:
            deleted = db.execute("DELETE FROM conversations WHERE key = ?", (key,)).rowcount > 0
        else:
            db.execute("INSERT OR REPLACE INTO conversations VALUES (?, ?, ?)",
                       (key, json.dumps(write.blob, separators=(",", ":")), now + write.ttl))
        if write.opted_out:
            db.execute("INSERT OR IGNORE INTO optouts VALUES (?, ?)", (key, now))
        else:
            db.execute("DELETE FROM optouts WHERE key = ?", (key,))
        if write.sid:
            db.execute("INSERT OR REPLACE INTO answered VALUES (?, ?, ?)",
                       (write.sid, json.dumps(write.reply), now + ANSWERED_SECONDS))
        day, names = write.counts
        db.executemany(COUNT_SQL, [(day, name) for name in names])
        self._updates += 1
        if self._updates % PURGE_EVERY == 1:  # expired rows are invisible; clear them now and then
            for table in ("conversations", "answered", "unmatched"):  # unmatched: even once no longer kept
                db.execute(f"DELETE FROM {table} WHERE expires < ?", (now,))
        return deleted

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


