"""Where the line keeps state: one interface, SQLite (embedded default) or Redis (shared by many hosts).

Numbers are never stored: every key is number_key(number, secret), an HMAC-SHA256. A record holds a
conversation blob (JSON, expiring), the opt-out flag (kept until START) and nothing else; counters are
aggregate per day. save() is a compare-and-set on the record's version, so two workers answering the
same number at once cannot overwrite each other: the loser reloads and answers again. When the operator
turns on SMS_KEEP_UNMATCHED, the texts the line did not understand are kept too, scrubbed of numbers,
emails and names by the line before they get here, unlinked to any number, and deleted after 30 days.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import redis


COUNT_SQL = "INSERT INTO counters VALUES (?, ?, 1) ON CONFLICT (day, name) DO UPDATE SET n = n + 1"
PURGE_EVERY = 100  # SQLite: delete expired sessions on one save in this many


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


def number_key(number: str, secret: str) -> str:
    """The keyed hash that stands for a phone number everywhere the line keeps anything."""
    return hmac.new(secret.encode(), "".join(number.split()).encode(), hashlib.sha256).hexdigest()


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
        return _translate(sqlite3.Error)

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


# Compare-and-set in one round trip: KEYS session, opt-out, the day's counters; ARGV version, blob ("" deletes),
# ttl, opted out, then the names of the counters to add one to.
SAVE_SCRIPT = """
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if current ~= tonumber(ARGV[1]) then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('HSET', KEYS[1], 'blob', ARGV[2], 'version', current + 1)
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
if ARGV[4] == '1' then redis.call('SET', KEYS[2], 1) else redis.call('DEL', KEYS[2]) end
for i = 5, #ARGV do redis.call('HINCRBY', KEYS[3], ARGV[i], 1) end
return 1
"""


class RedisStore:
    """A store on a Redis server, shared by every worker and host; sessions expire by key TTL."""

    def __init__(self, url: str, prefix: str = "sms:", timeout: float = 2.0):
        self.url, self.prefix = url, prefix
        self.client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout,
                                           health_check_interval=30)
        self._save = self.client.register_script(SAVE_SCRIPT)

    def _keys(self, key: str) -> tuple[str, str]:
        return f"{self.prefix}s:{key}", f"{self.prefix}o:{key}"

    def load(self, key: str, now: float | None = None) -> Record:
        """The record for key (an empty one when nothing is held or it expired)."""
        session, optout = self._keys(key)
        with _translate(redis.RedisError):
            blob, version, opted = self.client.pipeline(transaction=False).hget(session, "blob") \
                .hget(session, "version").exists(optout).execute()
        return Record(json.loads(blob) if blob else None, int(version or 0), bool(opted))

    def save(self, key: str, blob: dict | None, version: int, opted_out: bool, ttl: float,
             now: float | None = None, counts: tuple[str, tuple[str, ...]] | None = None) -> bool:
        """Write key's record if its version is still version, and add one to each of counts' (day, names)
        counters in the same script; False (nothing written) if the version changed."""
        data = "" if blob is None else json.dumps(blob, separators=(",", ":"))
        day, names = counts or ("", ())
        with _translate(redis.RedisError):
            return bool(self._save(keys=[*self._keys(key), f"{self.prefix}c:{day}"],
                                   args=[version, data, max(1, int(ttl)), int(opted_out), *names]))

    def counters(self, since: str) -> dict[str, dict[str, int]]:
        """Every counter from day since (YYYY-MM-DD) on: {day: {name: n}}."""
        with _translate(redis.RedisError):
            out = {}
            for raw in self.client.scan_iter(match=f"{self.prefix}c:*"):
                day = raw.decode().rsplit(":", 1)[-1]
                if day >= since:
                    out[day] = {k.decode(): int(v) for k, v in self.client.hgetall(raw).items()}
            return dict(sorted(out.items()))

    def keep_unmatched(self, day: str, text: str, ttl: float, now: float | None = None) -> None:
        """Keep a text the line did not understand (already scrubbed) for ttl seconds, under day."""
        now = time.time() if now is None else now
        key = f"{self.prefix}u"
        member = json.dumps([day, text, now, os.urandom(4).hex()], ensure_ascii=False)
        with _translate(redis.RedisError):
            *_, last = self.client.pipeline().zadd(key, {member: now + ttl}).zremrangebyscore(key, "-inf", now) \
                .zrange(key, -1, -1, withscores=True).execute()
            if last:  # the whole set goes with its last text
                self.client.expireat(key, math.ceil(last[0][1]))

    def unmatched(self, since: str, now: float | None = None) -> list[tuple[str, str]]:
        """The kept texts from day since (YYYY-MM-DD) on, oldest first: [(day, text)]."""
        now = time.time() if now is None else now
        with _translate(redis.RedisError):
            members = self.client.zrangebyscore(f"{self.prefix}u", now, "+inf")
        kept = sorted((json.loads(m) for m in members), key=lambda member: member[2])  # by time kept
        return [(day, text) for day, text, _, _ in kept if day >= since]

    def ping(self) -> None:
        """Raise StoreError unless the store answers."""
        with _translate(redis.RedisError):
            self.client.ping()

    def describe(self) -> str:
        """Where the data is, for logs and health checks (without a password)."""
        parsed = urlparse(self.url)
        return f"{parsed.scheme}://{parsed.hostname}:{parsed.port or 6379}{parsed.path}"


class _translate:
    """Turn the backend's own exceptions into StoreError."""

    def __init__(self, *kinds):
        self.kinds = kinds

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if kind is not None and issubclass(kind, self.kinds):
            raise StoreError(f"{kind.__name__}: {exc}") from exc
        return False


def open_store(url: str | None, instance_path: str | Path, create: bool = True):
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
