"""The stats page's charts, drawn as inline SVG (no script, no outside file: the page works offline)."""

from __future__ import annotations

import math
from html import escape

from markupsafe import Markup

COLORS = {"texts": "#0a7cff", "danger": "#c62828", "unmatched": "#f2a900", "topics": "#2e7d32"}


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
