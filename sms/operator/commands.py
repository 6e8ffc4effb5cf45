"""The operator's commands: python -m sms stats | unmatched | preview | doctor (registered by sms.cli).

stats      what people asked: topic views, danger replies, texts not understood, opt-outs, languages
unmatched  the texts the line did not understand, scrubbed (only kept with SMS_KEEP_UNMATCHED=1)
preview    every page of a topic as it will be sent, with segments, encoding and cost
doctor     check this deployment's configuration and say what to fix
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

from ..channels.sms import render, segments
from ..settings import INSTANCE, store_options
from ..stores import StoreError, open_store
from . import doctor, stats
from .stats import TWILIO_US_PRICE

RULE = "-" * 40


def _read(settings: dict, read):
    """read(store) on the configured store, never creating one; (result, store) or (None, None) after
    printing why it could not be read."""
    try:
        store = open_store(settings["SMS_STORE_URL"], INSTANCE, create=False, **store_options(settings))
        return read(store), store
    except StoreError as exc:
        print(f"cannot read the store ({settings['SMS_STORE_URL'] or 'SQLite in instance/'}): {exc}", file=sys.stderr)
        return None, None


def stats_command(args) -> int:
    """Print the summed counters of the last --days days, as a report or JSON."""
    counters, store = _read(args.settings, lambda store: store.counters(stats.first_day(args.days)))
    if store is None:
        return 1
    summary = stats.summarize(counters, args.days)
    if args.json:
        print(json.dumps(summary.as_json(), indent=2))
    else:
        print(stats.as_text(summary, f"from {store.describe()}"))
    return 0


def terminal_safe(text: str) -> str:
    """text with every control, format (bidi included), private-use and unassigned character written as an
    escape (\\x1b, \\u202e): a kept text was written by a stranger and must not drive the operator's terminal."""
    return "".join(c if unicodedata.category(c)[0] not in "CZ" or c == " " else
                   (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}") for c in text)


def unmatched_command(args) -> int:
    """List the kept (scrubbed) texts the line did not understand, oldest first, one per line."""
    if not args.settings["SMS_KEEP_UNMATCHED"]:
        print("SMS_KEEP_UNMATCHED is off: the line keeps no texts (set it to 1 where the line runs to start).",
              file=sys.stderr)
    kept, store = _read(args.settings, lambda store: store.unmatched(stats.first_day(args.days)))
    if store is None:
        return 1
    for day, text in kept:
        print(f"{day}  {terminal_safe(' / '.join(text.splitlines()))}")
    print(f"{len(kept)} text(s) not understood in the last {args.days} days", file=sys.stderr)
    return 0


def preview_command(args) -> int:
    """Print every page of one topic exactly as sent, each with its segments, encoding and cost."""
    content = render.load(Path(args.content), args.budget)
    code = args.lang or content.default
    if code not in content.languages:
        print(f"unknown language {code!r}; this content has: {', '.join(content.languages)}", file=sys.stderr)
        return 2
    language = content.languages[code]
    topic = language.topics.get(args.topic)
    if topic is None:
        print(f"unknown topic {args.topic!r}; the topics are: {', '.join(sorted(language.topics))}", file=sys.stderr)
        return 2
    encodings = [segments.encode(page) for page in topic.pages]
    total = sum(e.segments for e in encodings)
    print(f"{topic.id} in {language.name} ({code}): {len(topic.pages)} page(s), {total} segment(s) in all, "
          f"${total * args.price:.4f} for a texter who reads every page (at ${args.price} a segment)")
    for n, (page, enc) in enumerate(zip(topic.pages, encodings), 1):
        print(f"\nPage {n} of {len(topic.pages)}: {enc.segments} segment(s), {enc.name}, {len(page)} characters, "
              f"${enc.segments * args.price:.4f}")
        print(RULE)
        print(page)
        print(RULE)
    return 0


def doctor_command(args) -> int:
    """Print one OK/FIX line per check; 1 when anything needs fixing."""
    checks = doctor.run()
    for check in checks:
        print(check)
    fixes = sum(not c.ok for c in checks)
    print(f"\n{fixes} thing(s) to fix." if fixes else "\nAll checks passed.")
    return 1 if fixes else 0


def register(commands, defaults: dict) -> None:
    """Add the operator's commands to the argparse sub-parsers of python -m sms."""
    p = commands.add_parser("stats", help="what people asked: topic views, danger, not understood, opt-outs")
    p.add_argument("--days", type=days, default=30, help="how many days back, today included (default: 30)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a report")
    p.set_defaults(run=stats_command, settings=defaults)

    p = commands.add_parser("unmatched", help="list the texts the line did not understand (SMS_KEEP_UNMATCHED=1)")
    p.add_argument("--days", type=days, default=30, help="how many days back (texts are kept 30 days)")
    p.set_defaults(run=unmatched_command, settings=defaults)

    p = commands.add_parser("preview", help="show every page of a topic as it will be sent, with its cost")
    p.add_argument("topic", help="the topic id (the file name in content/<lang>/topics/, without .yaml)")
    p.add_argument("--lang", help="language code (default: the first in content/languages.yaml)")
    p.add_argument("--price", type=float, default=TWILIO_US_PRICE,
                   help=f"price of one SMS segment in USD (default: {TWILIO_US_PRICE}, Twilio's US price when this "
                        "was written: an example, adjust it to your plan and country)")
    p.add_argument("--content", default=defaults["SMS_CONTENT_DIR"], help="folder holding content/ and menus/")
    p.add_argument("--budget", type=int, default=defaults["SMS_SEGMENT_BUDGET"], help="segments per reply")
    p.set_defaults(run=preview_command)

    p = commands.add_parser("doctor", help="check this deployment's configuration and say what to fix")
    p.set_defaults(run=doctor_command)


def days(raw: str) -> int:
    """A --days value: a whole number of days from 1 to a year."""
    count = int(raw)
    if not 1 <= count <= stats.MAX_DAYS:
        raise ValueError(raw)
    return count
