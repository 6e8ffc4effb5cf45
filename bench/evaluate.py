"""Matching quality on an evaluation set (default ../shared/eval/dev.yaml), from the match command's output.

    python bench/evaluate.py [--set PATH] [--show-misses]

Runs `python -m sms match --json` as tools outside the project do, once per section, and prints:
English top-1 (kind topic with the expected id or one in `also`), Spanish top-1 (language detected
from the text: no --lang), danger texts answered as danger, out-of-scope texts not answered as a topic.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SET = ROOT.parent / "shared" / "eval" / "dev.yaml"


def run_match(texts: list[str], lang: str | None = None) -> list[dict]:
    """The match command's JSON objects for texts, in order."""
    command = [sys.executable, "-m", "sms", "match", "--json"] + (["--lang", lang] if lang else [])
    out = subprocess.run(command, input="".join(t.replace("\n", " ") + "\n" for t in texts), text=True,
                         capture_output=True, cwd=ROOT, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def evaluate(path: Path) -> dict:
    """{section: {"total", "right", "share", "misses"}} for every section of the set."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    results = {}

    def score(name, items, judged, ok):
        misses = [(item, got) for item, got in zip(items, judged) if not ok(item, got)]
        right = len(items) - len(misses)
        results[name] = {"total": len(items), "right": right, "share": right / len(items) if items else 0.0,
                         "misses": misses}

    def topic_ok(item, got):
        return got["kind"] == "topic" and got["topic"] in [item["expected"], *item.get("also", [])]

    for section in ("english", "spanish"):
        items = data.get(section) or []
        score(section, items, run_match([i["text"] for i in items]), topic_ok)
    items = data.get("emergency") or []
    score("danger", items, run_match([i["text"] for i in items]), lambda item, got: got["kind"] == "danger")
    items = data.get("out_of_scope") or []
    score("out_of_scope", items, run_match([i["text"] for i in items]), lambda item, got: got["kind"] != "topic")
    return results


def main() -> int:
    """Print the figures (and, with --show-misses, every miss)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    for name, r in evaluate(args.set).items():
        print(f"{name:13} {r['right']:3}/{r['total']:<3} {100 * r['share']:5.1f}%")
        if args.show_misses:
            for item, got in r["misses"]:
                print(f"    {item.get('expected', '-'):22} <- {item['text']!r}: {got['kind']} {got['topic']} {got['score']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
