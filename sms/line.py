"""The line as a service: one incoming text from one number -> one reply, with state kept in a store.

This is the shell around the pure engine that the webhook and the chat command share. For each text it
hashes the number and the MessageSid, answers a Twilio retry of a MessageSid with the reply already
given (and no new effect), reads the number's state and steps the engine once outside any lock (the
understanding's work, which is cached), then steps again inside the store's update, where no other worker
can change the number, and saves the new state, the counters and the reply in the same write: a reply is
never sent from state that another worker changed meanwhile.

Effects before words: a reply that claims an effect (the quick exit forgets the number; STOP, START) is
sent only once the effect is recorded, in the store or, when the store fails, in the local journal
(stores.journal), which is applied before anything else when the store answers again. When neither can
record it, the texter is told it did not go through. Any other reply is sent even when its state could
not be saved (the texter still gets an answer, from the state read). With keep_unmatched on, a text the
line did not understand is kept, scrubbed, for UNMATCHED_DAYS.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, replace

from . import conversation as engine
from .conversation.limits import Limits
from .conversation.reply import Count, Kind
from .privacy import number_key, scrub
from .stores import Effect, Journal, StoreError, Write

log = logging.getLogger("sms.line")

CARRIER_COMMANDS = ("stop", "start", "help")  # what Twilio's Advanced Opt-Out answers itself
MAX_BODY = 1600  # characters of a text read: Twilio's own limit for one message
UNMATCHED_DAYS = 30  # how long a kept unmatched text stays (SMS_KEEP_UNMATCHED)
SPENT_SECONDS = 30.0  # how often the spend guard reads today's segment count
CALL_PREFIX = "call:"  # a call's state is kept under the keyed hash of this and its CallSid
CALL_SECONDS = 900  # how long a call's state stays after its last step (a call ends well within it)
CALL_LIMITS = Limits(replies=10**6, repeats=10**6, danger_every=0)  # none: a caller pays per minute, not per reply


@dataclass(frozen=True)
class LineSettings:
    """What the line needs from the settings (sms.settings declares them)."""

    hash_secret: str
    session_minutes: float = engine.SESSION_MINUTES
    keep_days: float = 30
    keep_unmatched: bool = False
    limits: Limits = Limits()
    daily_segments: int = 0  # 0: no spend guard

    @classmethod
    def from_config(cls, config, hash_secret: str) -> LineSettings:
        """The line's settings from a Flask config of sms.settings values, with the hash secret to use."""
        limits = Limits(config["SMS_RATE_LIMIT"], config["SMS_RATE_MINUTES"] * 60)
        return cls(hash_secret, config["SMS_SESSION_MINUTES"], config["SMS_KEEP_DAYS"], config["SMS_KEEP_UNMATCHED"],
                   limits, config["SMS_DAILY_SEGMENT_LIMIT"])


def _replayed(answered: tuple[str | None, str]) -> engine.Reply:
    """The reply already given to a MessageSid, given again: nothing counted, nothing changed."""
    return engine.Reply(answered[0], Kind(answered[1]), events=())


def _essential(reply: engine.Reply, inbound, new: engine.State, state: engine.State) -> bool:
    """Replies the spend guard still sends: danger, HELP, and those of effects (STOP, START, quick exit)."""
    return reply.kind is Kind.DANGER or inbound.command == "help" or reply.forget or new.opted_out != state.opted_out


class Line:
    """Answers texts for one content set and one store, with a journal for the effects the store missed."""

    def __init__(self, assets: engine.Assets, store, settings: LineSettings, journal: Journal | None = None,
                 erase=None):
        """erase(number): also delete a number's messages where the channel keeps them (Twilio's log),
        called after each quick exit that was recorded."""
        self.assets, self.store, self.settings, self.journal, self.erase = assets, store, settings, journal, erase
        self._spent = (0.0, "", 0)  # (checked at, day, segments sent that day), read again every SPENT_SECONDS

    @property
    def content(self):
        """The content being served."""
        return self.assets.content

    @property
    def ttl(self) -> float:
        """Seconds a conversation's state is kept after its last text."""
        return self.settings.keep_days * 86400

    def serve(self, assets: engine.Assets) -> None:
        """Answer from now on with assets (new content and its understanding, after a reload)."""
        self.assets = assets

    def forget(self, number: str) -> None:
        """Delete everything held about number, opt-out included (the simulator's reset). Raises
        StoreError when the store fails."""
        self.store.update(number_key(number, self.settings.hash_secret), lambda record: Write(None, False, 1))

    def handle(self, number: str | None, body: str | None, sid: str | None = None, now: float | None = None,
               media: int = 0, answered: str | None = None, channel: str = "sms") -> engine.Reply:
        """The reply to one text (with media pictures or recordings) on a written channel (sms, whatsapp:
        number is then its whatsapp: address, kept apart from the same phone's SMS); the store is updated at
        most once per MessageSid. answered: the command (stop, start, help) the carrier's service has
        already answered (Twilio's Advanced Opt-Out): its effect is recorded and nothing is sent."""
        now = time.time() if now is None else now
        assets = self.assets.on(channel)  # one content for the whole text, even if a reload lands meanwhile
        inbound = assets.understanding.read((body or "")[:MAX_BODY], media)  # read once, at the door
        if answered in CARRIER_COMMANDS:  # whatever its words, the text is that command
            inbound = replace(inbound, command=answered, switch=None, number=None, answered=True)
        if not number:  # not a text Twilio would send: answered, but neither kept nor counted
            return self._step(engine.State(), inbound, assets, now)[1]
        key = number_key(number, self.settings.hash_secret)
        sid_key = number_key(sid, self.settings.hash_secret) if sid else None
        self._settle()
        return self._converse(number, key, sid_key, inbound, assets, now)

    def call(self, call_sid: str, inbound, now: float | None = None, first: bool = False) -> engine.Reply:
        """The reply to one key pressed or one thing said on a call (inbound: a reading), in the call's
        state: kept under the CallSid's keyed hash for CALL_SECONDS after its last step, never limited, and
        never an effect (a call has no STOP). first: the call's first step, counted as a call."""
        now = time.time() if now is None else now
        key = number_key(CALL_PREFIX + call_sid, self.settings.hash_secret)
        return self._converse(None, key, None, inbound, self.assets.on("voice"), now, (Count.CALLS,) * first)

    def _converse(self, number, key: str, sid_key, inbound, assets, now: float, counted=()) -> engine.Reply:
        """Load key's record, step the engine, and save the new state, counters and reply in one update."""
        try:
            record = self.store.load(key, now, sid_key)
        except StoreError:
            return self._unsaved(number, key, self._state(key, None), inbound, assets, now)
        if record.answered:  # a retry: the same reply, and nothing more happens
            return _replayed(record.answered)
        state = self._state(key, record)
        if inbound.free:  # the model's slow part, outside the lock (remembered for the step inside it)
            self._step(state, inbound, assets, now)
        done: list[engine.Reply] = []
        day = dt.datetime.fromtimestamp(now, dt.UTC).date().isoformat()
        ttl = CALL_SECONDS if assets.content.channel == "voice" else self.ttl

        def change(current) -> Write | None:
            if current.answered:
                done.append(_replayed(current.answered))
                return None
            new, reply = self._step(self._state(key, current), inbound, assets, now)
            done.append(reply)
            keep = not (reply.forget or new.opted_out)  # after STOP only the opt-out is kept
            return Write({"state": new.to_dict()} if keep else None, new.opted_out, ttl,
                         (day, (*counted, *reply.events)), sid_key, (reply.text, reply.kind))

        try:
            self.store.update(key, change, now, sid_key)
        except StoreError:
            return self._unsaved(number, key, state, inbound, assets, now)
        self._keep_unmatched(done[-1], inbound.raw, day, now)
        return self._erased(number, done[-1])

    def _erased(self, number: str, reply: engine.Reply) -> engine.Reply:
        """reply, after starting to delete number's messages at the channel when it is a recorded quick exit."""
        if reply.forget and self.erase is not None and number:
            self.erase(number)
        return reply

    def _state(self, key: str, record) -> engine.State:
        """The number's state as record holds it, with the opt-out an effect waiting in the journal sets."""
        state = engine.State.from_dict((record.blob or {}).get("state")) if record else engine.State()
        waiting = self.journal.pending(key) if self.journal else None
        if waiting:
            return engine.State(opted_out=waiting.opted_out) if waiting.forget else replace(state, opted_out=waiting.opted_out)
        return replace(state, opted_out=record.opted_out) if record else state

    def _step(self, state, inbound, assets, now):
        voice = assets.content.channel == "voice"  # a call is never limited: each step is a key the caller pressed
        limits = CALL_LIMITS if voice else self.settings.limits
        new, reply = engine.step(state, inbound, assets, now, self.settings.session_minutes, limits)
        sms = assets.content.channel == "sms"  # the spend guard counts SMS segments
        if reply.text is not None and sms and self.overspent(now) and not _essential(reply, inbound, new, state):
            reply = replace(reply, text=None, kind=Kind.SILENT, events=(*reply.events, Count.LIMITED))
        return new, replace(reply, events=(*assets.content.received, *reply.events, *assets.content.charge(reply)))

    def overspent(self, now: float) -> bool:
        """True when the line has sent SMS_DAILY_SEGMENT_LIMIT segments today (UTC): then it answers only
        danger, HELP and effects. Today's count is read from the store at most every SPENT_SECONDS."""
        limit = self.settings.daily_segments
        if not limit:
            return False
        checked, day, spent = self._spent
        today = dt.datetime.fromtimestamp(now, dt.UTC).date().isoformat()
        if day != today or now - checked > SPENT_SECONDS:
            try:
                spent = self.store.counters(today).get(today, {}).get(Count.SEGMENTS, 0)
            except StoreError:
                pass  # keep the last count
            self._spent = (now, today, spent)
            if spent >= limit:
                log.error("spend guard: %d SMS segments sent today, at or over SMS_DAILY_SEGMENT_LIMIT=%d: "
                          "answering danger, HELP, STOP and START only", spent, limit)
        return spent >= limit

    def _settle(self) -> None:
        """Apply the effects waiting in the journal, now that the store may answer again."""
        if self.journal is not None and self.journal.apply(self.store.update, self.ttl):
            log.info("journal: effects the store had missed are recorded now")

    def _unsaved(self, number: str, key: str, state: engine.State, inbound, assets, now: float) -> engine.Reply:
        """The reply when the store could not record this text: as the engine answers from state, but an
        effect it claims is first written to the journal, and when that fails too the texter is told."""
        new, reply = self._step(state, inbound, assets, now)
        if not (reply.forget or new.opted_out != state.opted_out):
            log.warning("state not saved: the store is unavailable; answered from the state read")
            return replace(reply, events=())
        effect = Effect(key, reply.forget, new.opted_out)
        if self.journal is not None and self.journal.add(effect):
            log.error("effect not saved in the store (kept in the journal until it answers)")
            return self._erased(number, replace(reply, events=()))
        log.error("effect not saved anywhere (store and journal failed): the texter is told")
        strings = assets.content.languages[state.lang or assets.content.default].strings
        return engine.Reply(strings["not_done"], Kind.COMMAND)

    def _keep_unmatched(self, reply: engine.Reply, body: str, day: str, now: float) -> None:
        if not (self.settings.keep_unmatched and Count.UNMATCHED in reply.events):
            return
        try:
            self.store.keep_unmatched(day, scrub(body, self.assets.understanding.vocabulary), UNMATCHED_DAYS * 86400, now)
        except StoreError:
            log.warning("unmatched text not kept: store unavailable")
