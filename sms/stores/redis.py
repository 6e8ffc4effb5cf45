"""The Redis store: shared by every worker and host; sessions expire by key TTL, and a save is one Lua
script (compare-and-set, opt-out and counters in one round trip)."""

from __future__ import annotations

import json
import math
import os
import time
from urllib.parse import urlparse

import redis

from .base import Record, translate

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
        with translate(redis.RedisError):
            blob, version, opted = self.client.pipeline(transaction=False).hget(session, "blob") \
                .hget(session, "version").exists(optout).execute()
        return Record(json.loads(blob) if blob else None, int(version or 0), bool(opted))

    def save(self, key: str, blob: dict | None, version: int, opted_out: bool, ttl: float,
             now: float | None = None, counts: tuple[str, tuple[str, ...]] | None = None) -> bool:
        """Write key's record if its version is still version, and add one to each of counts' (day, names)
        counters in the same script; False (nothing written) if the version changed."""
        data = "" if blob is None else json.dumps(blob, separators=(",", ":"))
        day, names = counts or ("", ())
        with translate(redis.RedisError):
            return bool(self._save(keys=[*self._keys(key), f"{self.prefix}c:{day}"],
                                   args=[version, data, max(1, int(ttl)), int(opted_out), *names]))

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


