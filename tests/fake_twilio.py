"""A fake of the slice of Twilio's REST API the quick exit uses (list messages by From or To, delete one),
served on 127.0.0.1 for tests: no network, and it records what was deleted."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

LIST = re.compile(r"/2010-04-01/Accounts/(AC\w+)/Messages\.json")
ONE = re.compile(r"/2010-04-01/Accounts/(AC\w+)/Messages/(SM\w+)\.json")


class FakeTwilio:
    """messages: sid -> {"from", "to", "status"}; a message whose status is "sending" becomes
    "delivered" after it has been listed once (as the reply to CLEAR does a moment later)."""

    def __init__(self, account_sid: str, messages: dict[str, dict]):
        self.account_sid, self.messages, self.deleted, self.refused = account_sid, messages, [], []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: dict | None = None):
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                match = LIST.fullmatch(url.path)
                if not match or match.group(1) != fake.account_sid:
                    return self._send(404, {"code": 20404, "message": "not found", "status": 404})
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                found = [{"sid": sid, "account_sid": fake.account_sid, **m} for sid, m in fake.messages.items()
                         if ("From" not in query or m["from"] == query["From"]) and
                         ("To" not in query or m["to"] == query["To"])]
                for m in found:
                    if m["status"] == "sending":
                        fake.messages[m["sid"]]["status"] = "delivered"
                self._send(200, {"messages": found, "next_page_uri": None, "page": 0, "page_size": 50,
                                 "uri": url.path, "first_page_uri": url.path, "previous_page_uri": None,
                                 "start": 0, "end": max(0, len(found) - 1)})

            def do_DELETE(self):
                match = ONE.fullmatch(urlparse(self.path).path)
                if not match or match.group(2) not in fake.messages:
                    return self._send(404, {"code": 20404, "message": "not found", "status": 404})
                if fake.messages[match.group(2)]["status"] not in ("delivered", "received", "failed", "undelivered"):
                    fake.refused.append(match.group(2))
                    return self._send(409, {"code": 20009, "message": "not in a final state", "status": 409})
                fake.deleted.append(match.group(2))
                del fake.messages[match.group(2)]
                self._send(204)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()
