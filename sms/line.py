"""The line as a service: one incoming text from one number -> one reply, with state kept in a store.

This is the shell around the pure engine that the webhook and the chat command share: it hashes the
number, loads the record, runs engine.step, saves with compare-and-set (retrying when another worker
answered the same number meanwhile), answers a Twilio retry of the same MessageSid with the reply
already given, and counts what happened in the same write (every text answered adds one to "texts").
When the store fails it still answers, from a fresh state (and counts nothing). With keep_unmatched on, a text the line did not understand is kept,
scrubbed, for UNMATCHED_DAYS.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, replace

from . import conversation as engine
from .conversation.reply import Count, Kind
from .privacy import number_key, scrub
from .stores import StoreError

log = logging.getLogger("sms.line")

SAVE_ATTEMPTS = 5
CARRIER_COMMANDS = ("stop", "start", "help")  # what Twilio's Advanced Opt-Out answers itself
RECENT_REPLIES = 5  # replies remembered per number, to answer Twilio's retries identically
UNMATCHED_DAYS = 30  # how long a kept unmatched text stays (SMS_KEEP_UNMATCHED)


@dataclass(frozen=True)
class LineSettings:
    """What the line needs from the settings (sms.settings declares them)."""

    hash_secret: str
    session_minutes: float = engine.SESSION_MINUTES
    keep_days: float = 30
    keep_unmatched: bool = False

    @classmethod
    def from_config(cls, config, hash_secret: str) -> LineSettings:
        """The line's settings from a Flask config of sms.settings values, with the hash secret to use."""
        return cls(hash_secret, config["SMS_SESSION_MINUTES"], config["SMS_KEEP_DAYS"], config["SMS_KEEP_UNMATCHED"])


class Line:
    """Answers texts for one content set and one store."""

    def __init__(self, assets: engine.Assets, store, settings: LineSettings):
        self.assets, self.store, self.settings = assets, store, settings

    @property
    def content(self):
        """The content being served."""
        return self.assets.content

    def serve(self, assets: engine.Assets) -> None:
        """Answer from now on with assets (new content and its understanding, after a reload)."""
        self.assets = assets

    def forget(self, number: str, attempts: int = SAVE_ATTEMPTS) -> bool:
        """Delete everything held about number, opt-out included (the simulator's reset); False when the
        number stayed busy for attempts tries. Raises StoreError when the store fails."""
        key = number_key(number, self.settings.hash_secret)
        for _ in range(attempts):
            record = self.store.load(key)
            if self.store.save(key, None, record.version, False, 1):
                return True
        return False

    def handle(self, number: str | None, body: str | None, sid: str | None = None, now: float | None = None,
               media: int = 0, answered: str | None = None) -> engine.Reply:
        """The reply to one text (with media pictures or recordings); the store is updated at most once per
        MessageSid. answered: the command (stop, start, help) the carrier's service has already answered
        (Twilio's Advanced Opt-Out): its effect is recorded and nothing is sent."""
        now = time.time() if now is None else now
        assets = self.assets  # one content for the whole text, even if a reload lands meanwhile
        inbound = assets.understanding.read(body or "", media)  # read once, at the door
        if answered in CARRIER_COMMANDS:  # whatever its words, the text is that command
            inbound = replace(inbound, command=answered, switch=None, number=None, answered=True)
        if not number:  # not a text Twilio would send: answered, but neither kept nor counted
            return self._step(engine.State(), inbound, assets, now)[1]
        key = number_key(number, self.settings.hash_secret)
        try:
            return self._handle_stored(key, inbound, assets, sid, now)
        except StoreError as exc:
            log.warning("store unavailable, answering without state: %s", type(exc.__cause__).__name__)
            return self._step(engine.State(), inbound, assets, now)[1]

    def _step(self, state, inbound, assets, now):
        new, reply = engine.step(state, inbound, assets, now, self.settings.session_minutes)
        return new, replace(reply, events=(Count.TEXTS, *reply.events))

    def _handle_stored(self, key: str, inbound, assets, sid: str | None, now: float) -> engine.Reply:
        reply = None
        day = dt.datetime.fromtimestamp(now, dt.UTC).date().isoformat()
        for _ in range(SAVE_ATTEMPTS):
            record = self.store.load(key, now)
            blob = record.blob or {}
            recent = [tuple(r) for r in blob.get("replies", [])]
            for seen_sid, text, kind in recent:
                if sid and seen_sid == sid:
                    return engine.Reply(text, Kind(kind), events=())
            state = replace(engine.State.from_dict(blob.get("state")), opted_out=record.opted_out)
            new, reply = self._step(state, inbound, assets, now)
            if reply.forget:
                new_blob = None
            else:
                remembered = (recent + [(sid, reply.text, reply.kind)])[-RECENT_REPLIES:] if sid else recent
                new_blob = {"state": new.to_dict(), "replies": remembered}
            try:
                saved = self.store.save(key, new_blob, record.version, new.opted_out, self.settings.keep_days * 86400,
                                        now, counts=(day, reply.events))
            except StoreError as exc:  # the reply is still right for this text; only its effect is lost
                log.warning("state not saved: %s", type(exc.__cause__).__name__)
                return reply
            if saved:
                self._keep_unmatched(reply, inbound.raw, day, now)
                return reply
        log.warning("number busy: gave up saving after %d attempts", SAVE_ATTEMPTS)
        return reply

    def _keep_unmatched(self, reply: engine.Reply, body: str, day: str, now: float) -> None:
        if not (self.settings.keep_unmatched and Count.UNMATCHED in reply.events):
            return
        try:
            self.store.keep_unmatched(day, scrub(body), UNMATCHED_DAYS * 86400, now)
        except StoreError:
            log.warning("unmatched text not kept: store unavailable")
