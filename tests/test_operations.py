"""Operations: one structured log line per request, and a clean shutdown on SIGTERM under gunicorn."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request

from servers import ROOT, TOKEN, free_port, signed_post, wait_for_port


def test_one_structured_line_per_request_without_body_or_number(client, caplog, content):
    caplog.set_level(logging.INFO, logger="sms.webhook")
    texts = ["hi", "1", "my boss keeps my passport", "they locked me in the shed"]
    for i, body in enumerate(texts):
        client.post("/sms", data={"From": "+14065557788", "Body": body, "MessageSid": f"SMlog{i}"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "sms.webhook"]
    assert len(lines) == len(texts)
    assert all(line["outcome"] == "ok" and isinstance(line["ms"], float) and "kind" in line for line in lines)
    assert [line["kind"] for line in lines][-1] == "danger"
    assert lines[2].get("topic") in content.languages["en"].topics
    everything = caplog.text
    assert "4065557788" not in everything
    assert not any(body in everything for body in texts[2:])


def test_sigterm_finishes_the_request_in_flight_and_exits_cleanly(tmp_path):
    port = free_port()
    env = {**os.environ, "SMS_STORE_URL": f"sqlite:///{tmp_path}/t.sqlite3", "SMS_HASH_SECRET": "x" * 40,
           "TWILIO_AUTH_TOKEN": TOKEN, "PYTHONPATH": str(ROOT / "tests"), "SLOW_LOAD_SECONDS": "1.5"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--no-control-socket", "--workers", "1", "--graceful-timeout", "10",
                               "--bind", f"127.0.0.1:{port}", "servers:slow_app()"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=open(tmp_path / "gunicorn.log", "w"))
    try:
        wait_for_port(port)
        urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=20).read()  # the worker is up
        result = {}
        request = threading.Thread(target=lambda: result.update(
            answer=signed_post(f"http://127.0.0.1:{port}", {"From": "+14065550001", "Body": "hi", "MessageSid": "SMx"})))
        request.start()
        time.sleep(0.5)  # the request is now inside the slow store load
        server.send_signal(signal.SIGTERM)
        request.join(timeout=15)
        assert result["answer"][0] == 200 and "<Message>" in result["answer"][1]
        assert server.wait(timeout=15) == 0
    finally:
        if server.poll() is None:
            server.kill()
