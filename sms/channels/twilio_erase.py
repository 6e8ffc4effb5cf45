"""The quick exit at Twilio too: after CLEAR, delete the texter's messages from the account's message log
through the twilio library's REST client (Twilio keeps every body there until deleted).

Twilio deletes a message only once it is final (delivered, failed, received, ...): the reply to CLEAR
itself is still on its way, so what is not final yet is tried again after each of RETRY_SECONDS. All of
it runs in a background thread, so the texter's reply is not held up; the number lives only in that
thread's memory, for as long as the deletion needs, and is never logged. A restart drops the retries.
"""

from __future__ import annotations

import logging
import threading
import time

from twilio.base.exceptions import TwilioException
from twilio.rest import Client

FINAL = frozenset({"delivered", "undelivered", "failed", "received", "read", "canceled"})
RETRY_SECONDS = (60.0, 300.0, 1800.0)
log = logging.getLogger("sms.twilio")
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)  # at INFO it logs each request's query: the number


class Eraser:
    """Deletes one number's messages from a Twilio account's log."""

    def __init__(self, account_sid: str, token: str, retry: tuple[float, ...] = RETRY_SECONDS):
        self.client = Client(account_sid, token)
        self.retry = retry

    def erase(self, number: str) -> threading.Thread:
        """Start deleting every message from and to number; returns the background thread."""
        thread = threading.Thread(target=self._run, args=(number,), daemon=True, name="twilio-erase")
        thread.start()
        return thread

    def _run(self, number: str) -> None:
        deleted = 0
        for pause in (0.0, *self.retry):
            time.sleep(pause)
            try:
                done, waiting = self._pass(number)
            except (TwilioException, OSError) as exc:  # Twilio unreachable or refusing: try again later
                log.warning("could not delete messages at Twilio yet: %s", type(exc).__name__)
                continue
            deleted += done
            if not waiting:
                log.info("deleted %d messages at Twilio after a quick exit", deleted)
                return
        log.warning("deleted %d messages at Twilio after a quick exit; some were never final and remain", deleted)

    def _pass(self, number: str) -> tuple[int, int]:
        """Delete the final messages from and to number; (deleted, not final yet)."""
        done = waiting = 0
        messages = self.client.messages
        for message in [*messages.list(from_=number), *messages.list(to=number)]:
            if message.status not in FINAL:
                waiting += 1
            elif messages(message.sid).delete():
                done += 1
        return done, waiting
