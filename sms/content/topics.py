"""content/<lang>/topics/<id>.yaml: one topic of the catalogue in one language, as authored."""

from __future__ import annotations

from ..text import fold
from .model import Topic


def topic(languages, code: str, topic_id: str, labels_src) -> Topic | None:
    """The topic topic_id in language code, checked against the catalogue, the command words, the
    directory (every contact exists and has a short name) and the numbers the directory gives; None when
    its file is missing or not a topic (said in the problems)."""
    check = languages.check
    src = check.source("content", code, "topics", f"{topic_id}.yaml")
    data = src.data
    if not isinstance(data, dict):
        return None
    if data.get("id") != topic_id:
        check.error(src, ("id",), f"id is {data.get('id')!r} but the file is named for {topic_id!r}")
    title = (check.text(src, ("title",), data.get("title") or "", "the title") or "").strip()
    pages = [p.strip() for p in check.texts(src, ("pages",), data.get("pages"), "a page") if p.strip()]
    phrases = tuple(p.strip() for p in check.texts(src, ("phrases",), data.get("phrases"), "a phrase") if p.strip())
    if not title or not pages:
        check.error(src, (), "a topic needs a title and at least one page")
        return None
    if not phrases:
        check.warn(src, ("phrases",), "no phrases: only the menu will find this topic")
    for i, text in enumerate([title, *pages]):
        languages.numbers_known(src, ("pages", i - 1) if i else ("title",), text)
    for i, phrase in enumerate(phrases):
        if fold(phrase) in languages.command_words:
            check.error(src, ("phrases", i), f"phrase {phrase!r} is a command word: texters would never reach it")
    contacts = []
    labels = labels_src.data or {}
    for i, cid in enumerate(data.get("contacts") or []):
        if cid not in languages.contacts:
            check.error(src, ("contacts", i), f"contact {cid!r} is not in content/referrals.yaml")
        elif not labels.get(cid):
            check.error(labels_src, (), f"contact {cid} has no short name in this language")
        else:
            contacts.append(str(cid))
    if not contacts:
        check.error(src, ("contacts",), "a topic must give at least one contact")
    return Topic(topic_id, title, phrases, tuple(pages), tuple(contacts))
