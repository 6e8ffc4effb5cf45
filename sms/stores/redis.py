"""The Redis store: shared by every worker and host. A conversation expires by key TTL; an update holds a
short per-number lock (SET NX with a token), reads, and writes in one Lua script that checks the lock is
still its own (so a worker whose lock ran out never writes over the next one), with the opt-out, the reply
kept for retries and the day's counters in the same round trip."""

from __future__ import annotations

import json
import math
import os
import time
from urllib.parse import urlparse

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from .base import ANSWERED_SECONDS, BUSY_SECONDS, Busy, Change, Record, StoreError, Write, translate

LOCK_MS = 3000  # a lock left by a worker that died frees itself after this
# KEYS conversation, opt-out, counters of the day, lock, answered; ARGV lock token, blob ("" deletes), ttl,
# opted out, reply kept for retries ("": none), its ttl, then the names of the counters to add one to.
WRITE_SCRIPT = """
if redis.call('GET', KEYS[4]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end
if ARGV[4] == '1' then redis.call('SET', KEYS[2], 1) else redis.call('DEL', KEYS[2]) end
if ARGV[5] ~= '' then redis.call('SET', KEYS[5], ARGV[5], 'EX', ARGV[6]) end
for i = 7, #ARGV do redis.call('HINCRBY', KEYS[3], ARGV[i], 1) end
redis.call('DEL', KEYS[4])
return 1
"""
RELEASE_SCRIPT = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


class RedisStore:
    """A store on a Redis server, shared by every worker and host; every key starts with prefix."""

    def __init__(self, url: str, prefix: str = "sms:", timeout: float = 0.5):
        """timeout: seconds to wait for any answer from the server (and to connect); no retries: the
        caller (stores.guard) decides what a failure means."""
        self.url, self.prefix = url, prefix
        self.client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout,
                                           health_check_interval=30, retry=Retry(NoBackoff(), 0))
        self._write = self.client.register_script(WRITE_SCRIPT)
        self._release = self.client.register_script(RELEASE_SCRIPT)

    def _keys(self, key: str) -> tuple[str, str]:
        return f"{self.prefix}n:{key}", f"{self.prefix}o:{key}"

    def _reads(self, pipeline, key: str, sid: str | None):
        conversation, optout = self._keys(key)
        return pipeline.get(conversation).exists(optout).get(f"{self.prefix}a:{sid}")

    @staticmethod
    def _record(blob, opted, answered, sid: str | None) -> Record:
        return Record(json.loads(blob) if blob else None, bool(opted),
                      tuple(json.loads(answered)) if sid and answered else None)

    def load(self, key: str, now: float | None = None, sid: str | None = None) -> Record:
        """The record for key (an empty one when nothing is held or it expired), with the reply given to
        the keyed MessageSid sid if there was one."""
        with translate(redis.RedisError):
            return self._record(*self._reads(self.client.pipeline(transaction=False), key, sid).execute(), sid)

    def update(self, key: str, change: Change, now: float | None = None, sid: str | None = None) -> None:
        """Take key's lock and read in one round trip (waiting up to BUSY_SECONDS for another worker), then
        write what change returns in one script that first checks the lock is still this update's and frees
        it."""
        lock, token = f"{self.prefix}l:{key}", os.urandom(12).hex()
        deadline, pause = time.monotonic() + BUSY_SECONDS, 0.002
        with translate(redis.RedisError):
            while True:
                taken, *read = self._reads(self.client.pipeline(transaction=False).set(lock, token, nx=True, px=LOCK_MS),
                                           key, sid).execute()
                if taken:
                    break
                if time.monotonic() > deadline:
                    raise Busy("another worker kept the number for too long")
                time.sleep(pause)
                pause = min(pause * 2, 0.05)
            written = False
            try:
                write = change(self._record(*read, sid))
                if write is not None:
                    written = self._write_locked(key, lock, token, write)
                    if not written:
                        raise StoreError("number's lock ran out before the write")
            finally:
                if not written:
                    self._release(keys=[lock], args=[token])

    def _write_locked(self, key: str, lock: str, token: str, write: Write) -> bool:
        day, names = write.counts
        blob = "" if write.blob is None else json.dumps(write.blob, separators=(",", ":"))
        reply = json.dumps(write.reply) if write.sid else ""
        keys = [*self._keys(key), f"{self.prefix}c:{day}", lock, f"{self.prefix}a:{write.sid}"]
        return bool(self._write(keys=keys, args=[token, blob, max(1, int(write.ttl)), int(write.opted_out), reply,
                                                 ANSWERED_SECONDS, *names]))

    def counters(self, since: str) -> dict[str, dict[str, int]]:
        """Every counter from day since (YYYY-MM-DD) on: {day: {name: n}}."""
        with translate(redis.RedisError):
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
        with translate(redis.RedisError):
            *_, last = self.client.pipeline().zadd(key, {member: now + ttl}).zremrangebyscore(key, "-inf", now) \
                .zrange(key, -1, -1, withscores=True).execute()
            if last:  # the whole set goes with its last text
                self.client.expireat(key, math.ceil(last[0][1]))

    def unmatched(self, since: str, now: float | None = None) -> list[tuple[str, str]]:
        """The kept texts from day since (YYYY-MM-DD) on, oldest first: [(day, text)]."""
        now = time.time() if now is None else now
        with translate(redis.RedisError):
            members = self.client.zrangebyscore(f"{self.prefix}u", now, "+inf")
        kept = sorted((json.loads(m) for m in members), key=lambda member: member[2])  # by time kept
        return [(day, text) for day, text, _, _ in kept if day >= since]

    def ping(self) -> None:
        """Raise StoreError unless the store answers."""
        with translate(redis.RedisError):
            self.client.ping()

    def describe(self) -> str:
        """Where the data is, for logs and health checks (without a password)."""
        parsed = urlparse(self.url)
        return f"{parsed.scheme}://{parsed.hostname}:{parsed.port or 6379}{parsed.path}"


