"""Commands for the people who run the line: python -m sms chat | match | check | embed | stats | unmatched |
preview | doctor.

chat   talk to the line as a texter would (same engine, same store, same replies); reads standard input,
       so `printf 'hi\\n1\\nMORE\\n' | python -m sms chat` prints a whole conversation; --voice: as a
       caller would (keys and words in, what the call says out).
match  one text per line in, one JSON object per line out: {"text", "kind", "topic", "score", "alarm"},
       each judged as the first text from a new number. Tools outside the project read this: keep it stable.
check  validate content/ and menus/; exit 1 listing every problem with its file and line.
embed  embed every text the content teaches the model with, into the cache the line starts from.
stats, unmatched, preview, doctor: the operator's commands, in sms.operator.commands.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from . import channels, create_app, load_assets, settings
from . import content as content_module
from . import conversation as engine
from .channels.sms import segments
from .channels.voice import calls
from .conversation.reply import Kind
from .operator import commands as operator_commands
from .understanding import danger

# The match command's kinds: what the engine did, in the words tools outside the project expect.
MATCH_KINDS = {Kind.WELCOME: "unknown", Kind.MENU: "command", Kind.SILENT: "command", Kind.FLOW: "command",
               Kind.PLACE: "topic"}  # a place's help is the topic it stands for (places.yaml `topic`)


def chat(args) -> int:
    """Print each text read from standard input and the line's reply, as a phone would show them."""
    # chat is a developer's and operator's tool: a development hash secret is fine when none is set
    line = create_app({"TESTING": True}).extensions["sms_line"]
    if args.voice:
        return _call(line)
    interactive = sys.stdin.isatty()
    while True:
        if interactive:
            print("you> ", end="", flush=True)
        text = sys.stdin.readline()
        if not text:
            return 0
        text = text.rstrip("\n")
        if not interactive:
            print(f"you> {text}")
        reply = line.handle(args.number, text, sid=None, channel="whatsapp" if args.number.startswith("whatsapp:") else "sms")
        if reply.text is None:
            print("(no reply)\n")
        else:
            enc = segments.encode(reply.text)
            print(f"line [{enc.segments} segment{'s' * (enc.segments != 1)}, {enc.name}]>\n{reply.text}\n")


def _call(line) -> int:
    """chat --voice: one call; each line read is a key (0-9, *, #), words the caller says, or nothing (no
    key at the language choice); prints what the call would say, in which voice, and what it does next."""
    rendition = line.assets.on("voice").content
    sid = "CA" + os.urandom(16).hex()
    print(f"line [{rendition.voice(rendition.default).voice}, then asks: a language]>\n{calls.greeting(rendition)}\n")
    asked = "language"
    for raw in sys.stdin:
        key, words = calls.typed(raw)
        print(f"caller> {'(presses ' + key + ')' if key else words or '(silence)'}")
        step = calls.step(line, sid, asked, key, words)
        voice = rendition.voice(step.lang)
        then = f"connects the call to {step.dial}" if step.dial else f"asks: a key ({step.asked})" if step.asked \
            else "hangs up"
        print(f"line [{voice.voice} {voice.language}, then {then}]>\n{step.text or ''}\n")
        asked = step.asked or "menu"
    return 0


def match(args) -> int:
    """Judge each line of standard input as the first text from a new number; print JSON lines."""
    assets = load_assets(_settings(args))
    if args.lang is not None and args.lang not in assets.content.languages:
        print(f"unknown language {args.lang!r}; this content has: {', '.join(assets.content.languages)}",
              file=sys.stderr)
        return 2
    now = time.time()
    for raw in sys.stdin:
        text = raw.rstrip("\n")
        _, reply = engine.step(engine.State(lang=args.lang), assets.understanding.read(text), assets, now)
        kind = MATCH_KINDS.get(reply.kind, reply.kind.value)
        topic = reply.topic if kind in (Kind.TOPIC, Kind.CLARIFY) else None
        print(json.dumps({"text": text, "kind": kind, "topic": topic, "score": reply.score,
                          "alarm": reply.alarm.value if reply.alarm else None}, ensure_ascii=False))
    return 0


def embed(args) -> int:
    """Embed the content's texts into the cache (only those it lacks), dropping texts the content lost."""
    settings = _settings(args)
    if not settings["SMS_MODEL"]:
        print("SMS_MODEL is off: the line answers on phrases alone and needs no embeddings.", file=sys.stderr)
        return 0
    assets = load_assets({**settings, "SMS_MODEL_THREADS": args.threads}, prune=True)
    problem = assets.understanding.problem
    print(f"not done: {problem}" if problem else "done: every text of the content has its embedding.")
    return 1 if problem else 0


def _settings(args) -> dict:
    """The settings, with the content folder and budget the command line gives."""
    return {**args.defaults, "SMS_CONTENT_DIR": args.content, "SMS_SEGMENT_BUDGET": args.budget}


def check(args) -> int:
    """List every problem with the content; 1 when any would stop the line from starting."""
    content, problems = content_module.collect(Path(args.content))
    if content is not None:  # how it renders, and the phrases tried on the content's own texts
        problems += channels.render_all(content, args.budget)[1] + danger.broad_phrases(content, Path(args.content))
    for problem in problems:
        print(problem)
    errors = sum(p.error for p in problems)
    print(f"{errors} error(s), {len(problems) - errors} warning(s)")
    return 1 if errors else 0


def main(argv=None) -> int:
    """Parse the command line and run one command."""
    parser = argparse.ArgumentParser(prog="python -m sms", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    try:
        defaults = settings.from_environment()
    except ValueError as exc:
        print(f"configuration: {exc}", file=sys.stderr)
        return 2

    p = commands.add_parser("chat", help="talk to the line in this terminal")
    p.add_argument("--number", default="+15550000001", help="the phone number to text as (default: a test number)")
    p.add_argument("--voice", action="store_true", help="call the line instead: type keys (0-9, *, #) or words")
    p.set_defaults(run=chat)

    for name, run, text in (("match", match, "rank topics for texts on standard input, as JSON lines"),
                            ("check", check, "validate content and menus"),
                            ("embed", embed, "build the model's embedding cache for the content")):
        p = commands.add_parser(name, help=text)
        p.add_argument("--content", default=defaults["SMS_CONTENT_DIR"], help="folder holding content/ and menus/")
        p.add_argument("--budget", type=int, default=defaults["SMS_SEGMENT_BUDGET"], help="segments per reply")
        if name == "embed":
            p.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                           help="CPU threads to embed with (default: every core; the web workers use SMS_MODEL_THREADS)")
        if name == "match":
            p.add_argument("--lang", help="the language the texter chose (default: none chosen, so the line's "
                                           "default, or the language it detects in the text)")
            p.add_argument("--json", action="store_true", help="JSON lines output (the only format)")
        p.set_defaults(run=run, defaults=defaults)

    operator_commands.register(commands, defaults)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except content_module.ContentError as exc:
        print(exc, file=sys.stderr)
        return 1
