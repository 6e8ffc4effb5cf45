"""GET /stats: the counters of the last days as a page with charts, behind SMS_STATS_PASSWORD (404 when it
is not set)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from ..stores import StoreError
from .access import guard_pages, login
from .charts import daily_chart, topic_chart
from .stats import DAILY, MAX_DAYS, first_day, summarize

blueprint = Blueprint("stats", __name__, template_folder="templates")


@blueprint.before_request
def only_with_the_password():
    """404 unless SMS_STATS_PASSWORD is set; then the browser must give it."""
    password = current_app.config.get("SMS_STATS_PASSWORD")
    if not password:
        abort(404)
    return login(password, "Text line stats")


guard_pages(blueprint)


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
    return html
