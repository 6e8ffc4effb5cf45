"""Matching quality on an evaluation set (default ../shared/eval/dev.yaml), from the match command's output.

    python bench/evaluate.py [--set PATH] [--show-misses]

Runs `python -m sms match --json` as tools outside the project do (each text the first from a new number,
no --lang: the language is detected from the text) over every section of the set, and prints per language:
- questions (english, spanish, french, arabic): top-1, the share answered with the expected topic (or
  one in `also`), and offered first, the share answered with it or asked about with it as the first
  choice of a did-you-mean;
- emergency: danger recall, the share answered with an alarm reply (danger, self-harm or help now);
- not_emergency: false alarms, the share answered with an alarm reply although nobody is in danger now,
  and near-miss top-1, the share answered with its expected topic;
- out_of_scope: rejected, the share not answered as a topic.
An id from the `answers:` list of topics.yaml counts where its `part_of` topic is expected, and the other
way round.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SET = ROOT.parent / "shared" / "eval" / "dev.yaml"
QUESTIONS = {"english": "en", "spanish": "es", "french": "fr", "arabic": "ar"}


def run_match(texts: list[str]) -> list[dict]:
    """The match command's JSON objects for texts, in order."""
    out = subprocess.run([sys.executable, "-m", "sms", "match", "--json"],
                         input="".join(t.replace("\n", " ") + "\n" for t in texts), text=True,
                         capture_output=True, cwd=ROOT, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def part_of() -> dict[str, str]:
    """answer id -> the topic it is part of, from the catalogue."""
    catalogue = yaml.safe_load((ROOT / "content" / "topics.yaml").read_text(encoding="utf-8"))
    return {a["id"]: a["part_of"] for a in catalogue.get("answers") or []}


def accepted(item: dict, parents: dict[str, str]) -> set[str]:
    """The ids that answer item rightly: expected, also, and each one's answer or topic counterpart."""
    ids = {item["expected"], *item.get("also", [])}
    return ids | {parents[i] for i in ids if i in parents} | {a for a, t in parents.items() if t in ids}


def evaluate(path: Path) -> dict:
    """{(measure, lang): {"right", "total", "misses"}} over every section of the set."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    parents = part_of()
    rows = []  # (section, lang, item)
    for section, items in data.items():
        for item in items or []:
            rows.append((section, QUESTIONS.get(section) or item.get("lang") or "-", item))
    judged = run_match([item["text"] for _, _, item in rows])
    results: dict = defaultdict(lambda: {"right": 0, "total": 0, "misses": []})

    def count(measure, lang, ok, item, got):
        for key in ((measure, lang), (measure, "all")):
            r = results[key]
            r["total"] += 1
            r["right"] += ok
            if not ok and key[1] != "all":
                r["misses"].append((item, got))

    for (section, lang, item), got in zip(rows, judged):
        if section in QUESTIONS:
            right = accepted(item, parents)
            count("top-1", lang, got["kind"] == "topic" and got["topic"] in right, item, got)
            count("offered first", lang, got["kind"] in ("topic", "clarify") and got["topic"] in right, item, got)
        elif "expected" in item:
            count("near-miss top-1", lang, got["kind"] == "topic" and got["topic"] in accepted(item, parents), item, got)
        if section == "emergency":
            count("danger recall", lang, got["kind"] == "danger", item, got)
        elif section == "not_emergency":
            count("false alarms", lang, got["kind"] == "danger", item, got)
        elif section == "out_of_scope":
            count("rejected", lang, got["kind"] != "topic", item, got)
    return dict(results)


def main() -> int:
    """Print the figures (and, with --show-misses, every miss)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    results = evaluate(args.set)
    order = ("top-1", "offered first", "danger recall", "false alarms", "near-miss top-1", "rejected")
    for measure, lang in sorted(results, key=lambda k: (order.index(k[0]), k[1] == "all", k[1])):
        r = results[(measure, lang)]
        print(f"{measure:14} {lang:4} {r['right']:4}/{r['total']:<4} {100 * r['right'] / r['total']:5.1f}%")
        if args.show_misses and measure != "offered first":
            for item, got in r["misses"]:
                print(f"    {item.get('expected', '-'):22} <- {item['text']!r}: {got['kind']} {got['topic']} "
                      f"{got['score']} {got.get('alarm') or ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
