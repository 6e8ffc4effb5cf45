"""Real servers for tests and benchmarks: gunicorn serving the line, a private redis-server, signed posts."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from twilio.request_validator import RequestValidator

from helpers import ACCOUNT_SID, twilio_sid

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "test-token"


class SlowStore:
    """A real store whose every read and update takes seconds longer (inside the update, while it holds
    the number): a store far away, which widens the window in which two workers answering the same
    number could overwrite each other."""

    def __init__(self, store, seconds: float):
        self._store, self._seconds = store, seconds

    def load(self, *args, **kwargs):
        time.sleep(self._seconds)
        return self._store.load(*args, **kwargs)

    def update(self, key, change, *args, **kwargs):
        def slow(record):
            time.sleep(self._seconds)
            return change(record)
        return self._store.update(key, slow, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._store, name)


def slow_app():
    """The line's app with SlowStore around its store (gunicorn app "servers:slow_app()"; SLOW_STORE_SECONDS)."""
    import sms

    app = sms.create_app()
    line = app.extensions["sms_line"]
    line.store = SlowStore(line.store, float(os.environ.get("SLOW_STORE_SECONDS", "0.01")))
    return app


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, seconds: float = 20.0) -> None:
    """Return once something accepts connections on port; raise after seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listening on port {port} after {seconds}s")


def procfile_command(workers: int, port: int, app: str) -> str:
    """The Procfile's web command, as a host would run it, on 127.0.0.1:port with app."""
    web = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    command = web[len("web:"):].strip().replace("0.0.0.0:", "127.0.0.1:").replace("'sms:create_app()'", f"'{app}'")
    return command.replace("${WEB_CONCURRENCY:-2}", str(workers)).replace("${PORT:-8000}", str(port))


@contextmanager
def gunicorn(store_url: str, workers: int = 4, app: str = "sms:create_app()", extra_env: dict | None = None):
    """Serve app under gunicorn as the Procfile runs it, on a free port, with signed requests required;
    yields the base URL."""
    port, folder = free_port(), tempfile.mkdtemp(prefix="sms-journal-")
    env = {**os.environ, "SMS_STORE_URL": store_url, "SMS_JOURNAL_PATH": f"{folder}/pending-effects.jsonl", "SMS_HASH_SECRET": "test-secret", "TWILIO_AUTH_TOKEN": TOKEN,
           "PYTHONPATH": str(ROOT / "tests"), "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
           **(extra_env or {})}
    process = subprocess.Popen(["bash", "-c", "exec " + procfile_command(workers, port, app)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=open(f"{folder}/gunicorn.log", "wb"))
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=25)
        if os.environ.get("SMS_TEST_LOGS"):  # a folder to keep the server's log in, to read after a failure
            shutil.copy(f"{folder}/gunicorn.log", Path(os.environ["SMS_TEST_LOGS"]) / f"gunicorn-{port}.log")
        shutil.rmtree(folder, ignore_errors=True)


def signed_post(base: str, params: dict, path: str = "/sms", timeout: float = 20.0) -> tuple[int, str]:
    """POST params to base+path as Twilio would (a MessageSid of its format for the name given, the
    account's SID) with a valid X-Twilio-Signature; (status, body)."""
    params = {"AccountSid": ACCOUNT_SID, **params}
    if "MessageSid" in params:
        params["MessageSid"] = twilio_sid(params["MessageSid"])
    url = base + path
    signature = RequestValidator(TOKEN).compute_signature(url, params)
    request = urllib.request.Request(url, data=urllib.parse.urlencode(params).encode(),
                                     headers={"X-Twilio-Signature": signature})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@contextmanager
def redis_server(port: int | None = None):
    """A private, memory-only redis-server on a free port; yields (port, stop, start)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise FileNotFoundError("redis-server is not installed")
    port = port or free_port()
    state = {}

    def start():
        state["p"] = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                       "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(port)

    def stop():
        state["p"].terminate()
        state["p"].wait(timeout=10)

    start()
    try:
        yield port, stop, start
    finally:
        if state["p"].poll() is None:
            stop()
