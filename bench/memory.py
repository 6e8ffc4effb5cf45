"""Start-up and memory: the line under gunicorn with its model and without it, and content reloads.

    .venv/bin/python bench/memory.py [--runs 3] [--texts 200] [--workers 2]

Run `python -m sms embed` first: the cache is warm, as it is on a deployed line. For the line with its
model (SMS_MODEL=1) and, as the baseline in the same run, without it (SMS_MODEL=0), it starts gunicorn as
the Procfile does (--preload, --workers 2) on 127.0.0.1 and measures:
- start-up: seconds from launching gunicorn to the first 200 from /health (imports, content, the
  embedding cache, the topic classifier, forking the workers);
- memory per worker after --texts signed free-text questions (the texts of bench/match_speed.py, spread
  over both workers, so each has read the model's pages it uses): RSS (what `ps` shows, counting pages
  shared with the master and the other worker in full) and PSS (shared pages split between the processes
  that share them);
and, in this process, the RSS after each of six content reloads (what the development server does when a
content file changes: content loaded and understood again, the old copy dropped).
Each figure is the median over --runs runs (and over the workers).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from servers import TOKEN, free_port, signed_post, wait_for_port  # noqa: E402

from bench.match_speed import sample, texts_for  # noqa: E402
from sms import content as content_module  # noqa: E402
from sms import create_app, load_assets  # noqa: E402
from sms.settings import INSTANCE  # noqa: E402


def kib(pid: int, field: str, name: str = "status") -> int:
    """A field (VmRSS, Pss) of /proc/<pid>/<name>, in KiB."""
    for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def children(pid: int) -> list[int]:
    """The processes pid started (gunicorn's workers)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def serve_once(model: bool, workers: int, texts: list[str]) -> dict:
    """Start gunicorn, time it to /health, send texts, read each worker's memory, stop it."""
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "SMS_STORE_URL": f"sqlite:///{folder}/bench.sqlite3", "SMS_HASH_SECRET": "bench-secret",
               "TWILIO_AUTH_TOKEN": TOKEN, "SMS_MODEL": "1" if model else "0", "SMS_CACHE_DIR": str(INSTANCE)}
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--preload", "--no-control-socket", "--workers",
                                    str(workers), "--bind", f"127.0.0.1:{port}", "sms:create_app()"],
                                   cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for_port(port, 60)
            base = f"http://127.0.0.1:{port}"
            while True:
                try:
                    with urllib.request.urlopen(base + "/health", timeout=5) as response:
                        if response.status == 200:
                            break
                except OSError:
                    time.sleep(0.05)
            startup = time.perf_counter() - started
            for i, text in enumerate(texts):
                status, _ = signed_post(base, {"From": f"+1406555{i:04d}", "To": "+14065550000", "Body": text,
                                               "MessageSid": f"SMmem{i:06d}"})
                assert status == 200, status
            pids = children(process.pid)
            return {"startup": startup, "rss": [kib(p, "VmRSS") / 1024 for p in pids],
                    "pss": [kib(p, "Pss", "smaps_rollup") / 1024 for p in pids]}
        finally:
            process.terminate()
            process.wait(timeout=20)


def reload_rss(reloads: int = 6) -> list[float]:
    """RSS (MiB) of a process serving the line, then after each of reloads content reloads."""
    app = create_app({"TESTING": True, "SMS_STORE_URL": "sqlite:///:memory:"})
    line = app.extensions["sms_line"]

    def answered() -> float:
        line.handle("+14065550000", "what are the signs of trafficking")
        gc.collect()
        return kib(os.getpid(), "VmRSS") / 1024

    found = [answered()]
    for _ in range(reloads):
        line.serve(load_assets(app.config))
        found.append(answered())
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--texts", type=int, default=200, help="free-text questions sent before reading memory")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    content = content_module.load(ROOT)
    texts = sample([t for code in content.languages for group in texts_for(content, code).values() for t in group],
                   args.texts)
    print(f"gunicorn --preload --workers {args.workers}; {args.texts} free texts; medians of {args.runs} runs\n")
    print(f"{'model':6}  {'start-up (s)':>12}  {'RSS / worker (MiB)':>18}  {'PSS / worker (MiB)':>18}")
    for model in (True, False):
        runs = [serve_once(model, args.workers, texts) for _ in range(args.runs)]
        startup = statistics.median(r["startup"] for r in runs)
        rss = statistics.median(v for r in runs for v in r["rss"])
        pss = statistics.median(v for r in runs for v in r["pss"])
        print(f"{'on' if model else 'off':6}  {startup:>12.2f}  {rss:>18.0f}  {pss:>18.0f}")
    rss = reload_rss()
    print(f"\none process with the model: {rss[0]:.0f} MiB RSS; after each of {len(rss) - 1} content reloads: "
          + ", ".join(f"{v:.0f}" for v in rss[1:]) + " MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
