"""What people ask: the store's daily counters summed over a period, as a table, JSON and SVG charts.

Counters are aggregate only (no number, no text): "texts" (texts answered), "topic:<id>" (a topic's first
page sent), "danger" (danger replies), "unmatched" (texts the line did not understand), "optout", "optin"
and "lang:<code>" (a language chosen or detected). summarize() reads them; the `stats` command prints
them; GET /stats shows them with charts drawn here as inline SVG, behind SMS_STATS_PASSWORD (404 when
it is not set).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from html import escape

from flask import Blueprint, abort, current_app, render_template, request
from markupsafe import Markup

from .access import ask_for_password, password_given
from .store import StoreError

blueprint = Blueprint("stats", __name__)

DAILY = ("texts", "topics", "danger", "unmatched", "optout", "optin")
MAX_DAYS = 366
COLORS = {"texts": "#0a7cff", "danger": "#c62828", "unmatched": "#f2a900", "topics": "#2e7d32"}


@dataclass(frozen=True)
class Summary:
    """The counters of days first..last: totals, per day, per topic and per language."""

    first: str
    last: str
    daily: tuple[dict, ...]  # one per day, oldest first: {"day", "texts", "topics", "danger", ...}
    topics: tuple[tuple[str, int], ...]  # most viewed first
    languages: tuple[tuple[str, int], ...]
    totals: dict

    def as_json(self) -> dict:
        """A JSON-ready dict."""
        return {"from": self.first, "to": self.last, "days": len(self.daily), "totals": self.totals,
                "topics": dict(self.topics), "languages": dict(self.languages), "daily": list(self.daily)}


def first_day(days: int, today: dt.date | None = None) -> str:
    """The first day (YYYY-MM-DD, UTC) of a period of days ending today."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    return (today - dt.timedelta(days=days - 1)).isoformat()


def summarize(counters: dict[str, dict[str, int]], days: int, today: dt.date | None = None) -> Summary:
    """Sum store.counters() output over the days days ending today (UTC); days without texts count zero."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    topics: dict[str, int] = {}
    languages: dict[str, int] = {}
    daily = []
    for i in range(days - 1, -1, -1):
        day = (today - dt.timedelta(days=i)).isoformat()
        counts = counters.get(day, {})
        row = dict.fromkeys(DAILY, 0)
        row["day"] = day
        for name, n in counts.items():
            kind, _, what = name.partition(":")
            if kind == "topic":
                topics[what] = topics.get(what, 0) + n
                row["topics"] += n
            elif kind == "lang":
                languages[what] = languages.get(what, 0) + n
            elif name in row:
                row[name] += n
        daily.append(row)
    totals = {name: sum(row[name] for row in daily) for name in DAILY}
    return Summary(daily[0]["day"], today.isoformat(), tuple(daily), _most_first(topics), _most_first(languages),
                   totals)


def _most_first(counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def as_text(summary: Summary, where: str) -> str:
    """The summary as a plain-text report for a terminal."""
    t = summary.totals
    lines = [f"Texts to the line from {summary.first} to {summary.last} ({len(summary.daily)} days, UTC), {where}",
             f"texts {t['texts']}, topic views {t['topics']}, danger replies {t['danger']}, "
             f"not understood {t['unmatched']}, opt-outs {t['optout']}, opt-ins {t['optin']}", ""]
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


def _svg(width: int, height: int, label: str, body: list[str]) -> Markup:
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
                  f'role="img" aria-label="{escape(label)}" font-family="system-ui, sans-serif" font-size="12">'
                  + "".join(body) + "</svg>")


def topic_chart(topics, titles: dict[str, str]) -> Markup:
    """Horizontal bars of topic views, most viewed first; titles maps ids to what to write."""
    width, label_w, row, right = 720, 250, 22, 50
    if not topics:
        return _svg(width, 30, "No topic views", ['<text x="0" y="20" fill="#666">No topic views in this period.</text>'])
    most = max(n for _, n in topics)
    body = []
    for i, (topic, n) in enumerate(topics):
        y = i * row
        bar = max(1.0, (width - label_w - right) * n / most)
        name = titles.get(topic, topic)
        short = name if len(name) <= 38 else name[:36] + "..."
        body.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{escape(short)}</text>'
                    f'<rect x="{label_w}" y="{y + 3}" width="{bar:.1f}" height="{row - 6}" fill="{COLORS["topics"]}">'
                    f'<title>{escape(name)}: {n}</title></rect>'
                    f'<text x="{label_w + bar + 4:.1f}" y="{y + 15}">{n}</text>')
    return _svg(width, len(topics) * row, "Topic views", body)


def daily_chart(daily, series=("texts", "danger", "unmatched")) -> Markup:
    """Bars per day for each of series (texts, danger replies, not understood), with a legend and a scale."""
    width, height, left, top, bottom = 720, 240, 36, 28, 22
    plot_w, plot_h = width - left - 8, height - top - bottom
    most = max([row[name] for row in daily for name in series] + [1])
    slot = plot_w / len(daily)
    bar = max(1.0, min(14.0, (slot - 2) / len(series)))
    names = {"texts": "texts", "danger": "danger replies", "unmatched": "not understood"}
    body = []
    for i, name in enumerate(series):  # legend
        x = left + i * 150
        body.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{COLORS[name]}"/>'
                    f'<text x="{x + 16}" y="14">{names[name]}</text>')
    for value in sorted({0, math.ceil(most / 2), most}):  # scale
        y = top + plot_h - plot_h * value / most
        body.append(f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                    f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{value}</text>')
    every = math.ceil(len(daily) / 10)
    for d, row in enumerate(daily):
        x0 = left + d * slot + (slot - bar * len(series)) / 2
        for i, name in enumerate(series):
            h = plot_h * row[name] / most
            if h:
                body.append(f'<rect x="{x0 + i * bar:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" '
                            f'height="{h:.1f}" fill="{COLORS[name]}"><title>{row["day"]}: {row[name]} '
                            f'{names[name]}</title></rect>')
        if d == len(daily) - 1 or (d % every == 0 and len(daily) - 1 - d >= every / 2):  # labels never overlap
            body.append(f'<text x="{left + d * slot + slot / 2:.1f}" y="{height - 6}" text-anchor="middle" '
                        f'fill="#555">{row["day"][5:]}</text>')
    return _svg(width, height, "Texts, danger replies and texts not understood, per day", body)


@blueprint.before_request
def only_with_the_password():
    """404 unless SMS_STATS_PASSWORD is set; then the browser must give it."""
    password = current_app.config.get("SMS_STATS_PASSWORD")
    if not password:
        abort(404)
    if not password_given(password):
        return ask_for_password("Text line stats")
    return None


@blueprint.get("/stats")
def page():
    """The stats page: ?days=N (default 30) ending today."""
    days = min(MAX_DAYS, max(1, request.args.get("days", 30, type=int) or 30))
    line = current_app.extensions["sms_line"]
    try:
        counters = line.store.counters(first_day(days))
    except StoreError:
        return "The store is unavailable: try again in a minute (GET /health says how it is).", 503
    summary = summarize(counters, days)
    language = line.content.languages[line.content.default]
    titles = {topic_id: topic.title for topic_id, topic in language.topics.items()}
    names = {code: lang.name for code, lang in line.content.languages.items()}
    html = render_template("stats.html", s=summary, days=days, titles=titles, names=names,
                           topic_chart=topic_chart(summary.topics, titles), daily_chart=daily_chart(summary.daily),
                           active=[row for row in summary.daily if any(row[n] for n in DAILY)])
    return html, 200, {"Cache-Control": "no-store"}
