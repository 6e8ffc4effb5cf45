"""Load benchmark: gunicorn serving /sms with correctly signed requests from wrk on loopback.

    apt-get install -y wrk      # once
    .venv/bin/python bench/load.py [--seconds 10] [--runs 3] [--workers 2] [--connections 8] [--mix all]

For each of: the line on SQLite, the line on Redis (database 15 of 127.0.0.1:6379, under a key prefix of
the run's own, deleted after), and a bare Flask endpoint returning a fixed TwiML (bench/bare.py), each
under gunicorn as the Procfile runs it, it runs wrk several times and prints the median throughput and
p50/p99 latency, and the line's throughput as a share of the bare endpoint's, in the same run. Requests
are conversations from thousands of numbers, each with its own MessageSid (of its run: no run replays
another's) and a valid X-Twilio-Signature, in two mixes: commands and menus only (the shell's own cost:
signature, form, store, engine, TwiML), and a realistic one where 4 texts in 15 are questions, each
worded its own way so the model reads every one anew. Traffic goes to 127.0.0.1 only, and every run
stops by itself after --seconds.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
import uuid
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from servers import TOKEN, gunicorn  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

TEXTS = ["hi", "1", "1", "MORE", "MORE", "BACK", "2", "my boss keeps my passport", "MENU", "how do i report",
         "who is most at risk", "they locked us in and wont let us leave", "3", "is it common on farms", "HELP"]
COMMANDS = ["hi", "1", "1", "MORE", "MORE", "BACK", "2", "MENU", "3", "HELP", "MORE", "ES", "EN", "0", "START"]
PLACES = ["in billings", "near missoula", "at the ranch", "in helena", "on the farm", "at work", "today", "pls"]
REDIS_URL = "redis://127.0.0.1:6379/15"
LUA = """
local reqs = dofile("%(requests)s")
local threads = %(threads)d
local counter = 0
function setup(thread) thread:set("tid", counter); counter = counter + 1 end
function init(args) i = tid end
request = function()
  i = i + threads
  if i > #reqs then i = tid + 1 end
  local r = reqs[i]
  return wrk.format("POST", "/sms", {["Content-Type"] = "application/x-www-form-urlencoded",
                                     ["X-Twilio-Signature"] = r[2]}, r[1])
end
"""


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_requests(base: str, count: int, folder: Path, threads: int, run: int, mix: list[str]) -> Path:
    """A wrk script whose requests are count signed texts for base (MessageSids of this run's own, so no
    run replays another's), and the file listing them."""
    validator = RequestValidator(TOKEN)
    rows = []
    for n in range(count):
        number = f"+1406{run}{n // len(mix):06d}"
        text = mix[n % len(mix)]
        if " " in text:  # a question of its own: people's wording differs, so the model reads each one anew
            text = f"{text} {PLACES[n % len(PLACES)]} {n}"
        params = {"From": number, "To": "+14065550000", "Body": text,
                  "MessageSid": f"SM{run:02d}{n:030d}",
                  "AccountSid": "AC" + "0" * 32, "NumSegments": "1"}
        body = urllib.parse.urlencode(params)
        rows.append(f"{{{lua_string(body)}, {lua_string(validator.compute_signature(base + '/sms', params))}}}")
    requests = folder / f"requests-{run}.lua"
    requests.write_text("return {\n" + ",\n".join(rows) + "\n}\n")
    script = folder / f"post-{run}.lua"
    script.write_text(LUA % {"requests": requests, "threads": threads})
    return script


def run_wrk(base: str, script: Path, seconds: int, connections: int, threads: int) -> dict:
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency",
                          "-s", str(script), base + "/sms"], capture_output=True, text=True, check=True).stdout
    def ms(label):
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": ms("50%"), "p99": ms("99%"),
            "non2xx": int(errors.group(1)) if errors else 0}


def measure(name: str, store_url: str, app: str, args, mix: list[str]) -> dict:
    runs, prefix = [], f"bench-{uuid.uuid4().hex[:12]}:"
    with tempfile.TemporaryDirectory() as folder, \
            gunicorn(store_url, workers=args.workers, app=app, extra_env={"SMS_REDIS_PREFIX": prefix}) as base:
        run_wrk(base, write_requests(base, args.requests, Path(folder), args.threads, 0, mix), 2, args.connections,
                args.threads)  # warm up
        for run in range(1, args.runs + 1):
            script = write_requests(base, args.requests, Path(folder), args.threads, run, mix)
            runs.append(run_wrk(base, script, args.seconds, args.connections, args.threads))
    if store_url.startswith("redis"):  # only this run's keys: the server may hold someone else's data
        client = redis.Redis.from_url(store_url)
        for key in client.scan_iter(match=f"{prefix}*", count=1000):
            client.delete(key)
    result = {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50", "p99")}
    result["non2xx"] = sum(r["non2xx"] for r in runs)
    print(f"{name:22} {result['rps']:8.0f} req/s   p50 {result['p50']:6.2f} ms   p99 {result['p99']:6.2f} ms"
          f"   non-2xx {result['non2xx']}", flush=True)
    return result


def main() -> int:
    """Run the three servers and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--mix", choices=("all", "commands", "realistic"), default="all")
    parser.add_argument("--requests", type=int, default=60000, help="distinct signed requests (each its own MessageSid)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    print(f"gunicorn --workers {args.workers}; wrk -t{args.threads} -c{args.connections} -d{args.seconds}s, "
          f"median of {args.runs} runs")
    mixes = {"commands and menus": COMMANDS, "realistic (a question in 4 of 15 texts, each its own)": TEXTS}
    with tempfile.TemporaryDirectory() as folder:
        bare = measure("bare Flask endpoint", f"sqlite:///{folder}/bare.sqlite3", "bench.bare:app", args, COMMANDS)
        for title, mix in mixes.items():
            if args.mix in ("all", title.split()[0]):
                print(f"-- {title}")
                for name, url in (("line, SQLite", f"sqlite:///{folder}/{len(mix)}-{title[0]}.sqlite3"),
                                  ("line, Redis", REDIS_URL)):
                    result = measure(name, url, "sms:create_app()", args, mix)
                    print(f"{'':22} {result['rps'] / bare['rps']:.2f} of the bare endpoint's throughput")
    return 0


if __name__ == "__main__":
    sys.exit(main())
