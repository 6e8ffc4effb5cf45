"""What people ask: the store's daily counters summed over a period, as a table, JSON and SVG charts.

Counters are aggregate only (no number, no text): "texts" (texts answered), "topic:<id>" (a topic's first
page sent), "danger" (danger replies), "unmatched" (texts the line did not understand), "optout", "optin"
"lang:<code>" (a language chosen or detected), "limited" (texts held back by the limits), "segments"
(SMS segments sent), "whatsapp" (WhatsApp messages sent), "calls", "transfers" (calls connected to the
hotline), "place" (help near a place sent, never which), and per flow "flow_started:<id>",
"flow_finished:<id>", "flow_result:<id>/<result>" (never an answer). summarize() reads them; the `stats` command prints
them (as_text); GET /stats shows them (stats_page.py, with the charts of charts.py).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from ..conversation.reply import Count

DAILY = (Count.TEXTS.value, "topics", Count.DANGER.value, Count.UNMATCHED.value, Count.OPTOUT.value,
         Count.OPTIN.value, Count.LIMITED.value, Count.SEGMENTS.value)
OTHER = (Count.WHATSAPP.value, Count.CALLS.value, Count.TRANSFERS.value, Count.PLACE.value)  # totals only
TWILIO_US_PRICE = 0.0079  # USD per outgoing SMS segment in the US (Twilio's list price when written)
MAX_DAYS = 366


@dataclass(frozen=True)
class Summary:
    """The counters of days first..last: totals, per day, per topic and per language."""

    first: str
    last: str
    daily: tuple[dict, ...]  # one per day, oldest first: {"day", "texts", "topics", "danger", ...}
    topics: tuple[tuple[str, int], ...]  # most viewed first
    languages: tuple[tuple[str, int], ...]
    totals: dict
    flows: dict = None  # flow id -> {"started": n, "finished": n, "results": {result: n}}

    def as_json(self) -> dict:
        """A JSON-ready dict."""
        return {"from": self.first, "to": self.last, "days": len(self.daily), "totals": self.totals,
                "topics": dict(self.topics), "languages": dict(self.languages), "flows": self.flows or {},
                "daily": list(self.daily)}


def first_day(days: int, today: dt.date | None = None) -> str:
    """The first day (YYYY-MM-DD, UTC) of a period of days ending today."""
    today = today or dt.datetime.now(dt.UTC).date()
    return (today - dt.timedelta(days=days - 1)).isoformat()


def summarize(counters: dict[str, dict[str, int]], days: int, today: dt.date | None = None) -> Summary:
    """Sum store.counters() output over the days days ending today (UTC); days without texts count zero."""
    today = today or dt.datetime.now(dt.UTC).date()
    topics: dict[str, int] = {}
    languages: dict[str, int] = {}
    flows: dict[str, dict] = {}
    other = dict.fromkeys(OTHER, 0)
    daily = []
    for i in range(days - 1, -1, -1):
        day = (today - dt.timedelta(days=i)).isoformat()
        counts = counters.get(day, {})
        row = dict.fromkeys(DAILY, 0)
        row["day"] = day
        for name, n in counts.items():
            kind, what = Count.read(name)
            if kind is Count.TOPIC and what:
                topics[what] = topics.get(what, 0) + n
                row["topics"] += n
            elif kind is Count.LANGUAGE and what:
                languages[what] = languages.get(what, 0) + n
            elif kind in (Count.FLOW_STARTED, Count.FLOW_FINISHED, Count.FLOW_RESULT) and what:
                _add_flow(flows, kind, what, n)
            elif kind and not what and kind in row:
                row[kind] += n
            elif kind and not what and kind in other:
                other[kind] += n
        daily.append(row)
    totals = {**{name: sum(row[name] for row in daily) for name in DAILY}, **other}
    return Summary(daily[0]["day"], today.isoformat(), tuple(daily), _most_first(topics), _most_first(languages),
                   totals, flows)


def _add_flow(flows: dict, kind: Count, what: str, n: int) -> None:
    """Add a flow counter ("self-check", or "self-check/signs" for a result) to flows."""
    flow, _, result = what.partition("/")
    counts = flows.setdefault(flow, {"started": 0, "finished": 0, "results": {}})
    if kind is Count.FLOW_RESULT:
        counts["results"][result] = counts["results"].get(result, 0) + n
    else:
        counts["started" if kind is Count.FLOW_STARTED else "finished"] += n


def _most_first(counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def as_text(summary: Summary, where: str) -> str:
    """The summary as a plain-text report for a terminal."""
    t = summary.totals
    lines = [f"Texts to the line from {summary.first} to {summary.last} ({len(summary.daily)} days, UTC), {where}",
             f"texts {t['texts']}, topic views {t['topics']}, danger replies {t['danger']}, "
             f"not understood {t['unmatched']}, opt-outs {t['optout']}, opt-ins {t['optin']}, "
             f"held back by the limits {t['limited']}",
             f"SMS segments sent {t['segments']} (about ${t['segments'] * TWILIO_US_PRICE:.2f} at Twilio's US price), "
             f"WhatsApp messages sent {t['whatsapp']}",
             f"calls {t['calls']} ({t['transfers']} connected to the hotline), help near a place sent {t['place']}"]
    for flow, counts in sorted((summary.flows or {}).items()):
        results = ", ".join(f"{r} {n}" for r, n in sorted(counts["results"].items()))
        lines.append(f"flow {flow}: started {counts['started']}, finished {counts['finished']}"
                     + (f" ({results})" if results else ""))
    lines.append("")
    widest = max([len(topic) for topic, _ in summary.topics] + [5])
    most = max([n for _, n in summary.topics] + [1])
    lines.append("Topic views:" if summary.topics else "Topic views: none")
    for topic, n in summary.topics:
        lines.append(f"  {topic:<{widest}} {n:>6}  {'#' * math.ceil(n * 40 / most)}")
    lines.append("")
    lines.append("Languages: " + (", ".join(f"{code} {n}" for code, n in summary.languages) or "none switched or detected"))
    lines.append("")
    active = [row for row in summary.daily if any(row[name] for name in DAILY)]
    lines.append("Days with texts:" if active else "Days with texts: none")
    if active:
        lines.append("  day         " + "".join(f"{name:>10}" for name in DAILY))
        for row in active:
            lines.append(f"  {row['day']}  " + "".join(f"{row[name]:>10}" for name in DAILY))
    return "\n".join(lines)
