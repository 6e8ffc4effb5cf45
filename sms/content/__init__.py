"""The line's content (content/) and menu tree (menus/), loaded and checked into frozen, channel-neutral
objects (model.py) that keep the text as authored; a channel renders it (channels/sms/render.py).

Layout (every path relative to the project root), each kind of file with its own checker:
    content/topics.yaml           the topic catalogue (a copy of shared/topics.yaml): the fixed topic ids
    content/languages.yaml        which language folders ship; the first is the default
    content/referrals.yaml        the referral directory: numbers, websites, sources, dates checked  (referrals.py)
    content/<lang>/language.yaml  the language's own name, the words that switch to it, its alphabet (languages.py)
    content/<lang>/strings.yaml   fixed replies (welcome, help, danger, ...) and sub-menu titles
    content/<lang>/keywords.yaml  commands, alarm phrases, shorthand, synonyms, stop words
    content/<lang>/examples.yaml  whole texts that teach the model: alarms, near misses, out of scope
    content/<lang>/contacts.yaml  the short name each referral contact gets in a text
    content/<lang>/topics/*.yaml  one file per topic id of the catalogue: title, phrases, pages, contacts (topics.py)
    content/<lang>/voice.yaml     what a call says in the language, and the voice that says it          (voice.py)
    content/voice.yaml            which key does what on a call                                         (voice.py)
    content/places.yaml           counties, towns, ZIP codes, reservations; who every place gets        (places.py)
    menus/menu.yaml               the menu tree: menus of entries, each a sub-menu, a topic or a flow   (menus.py)
    flows/<id>.yaml               a flow's structure: questions with numbered answers, results          (flows.py)
    content/<lang>/flows/<id>.yaml  a flow's words in the language                                      (flows.py)

load() returns a Content or raises ContentError listing every problem with its file and line.
check() returns the problems, warnings included, without raising.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import MappingProxyType

from ..text import fold
from . import flows, menus, places, referrals, voice
from .languages import LanguageChecker
from .model import COMMANDS, STRINGS, Contact, Content, ContentError, Entry, Language, Problem, Topic
from .source import Checker, read_yaml

__all__ = ["COMMANDS", "STRINGS", "Contact", "Content", "ContentError", "Entry", "Language", "Problem", "Topic",
           "check", "collect", "load"]


def collect(root: Path, today: dt.date | None = None) -> tuple[Content | None, list[Problem]]:
    """The content under root (None when it has errors) and every problem found, warnings included."""
    today = today or dt.date.today()
    check = Checker(root)
    catalogue = check.source("content", "topics.yaml").data or {}
    topic_ids = catalogue_ids(catalogue, "topics")
    answers = catalogue_ids(catalogue, "answers")
    for item in catalogue.get("answers") or []:
        if isinstance(item, dict) and str(item.get("part_of")) not in topic_ids:
            check.error("content/topics.yaml", (), f"answer {item.get('id')} is part of {item.get('part_of')!r}, "
                                                  "which is not a topic")
    topic_ids += [a for a in answers if a not in topic_ids]
    if not topic_ids:
        check.error("content/topics.yaml", (), "the topic catalogue lists no topics")
    contacts, connect = referrals.directory(check, today)
    structures = flows.structures(check, contacts)
    where = places.places(check, contacts, topic_ids)
    tree = menus.menus(check, topic_ids, list(structures))
    listing = check.source("content", "languages.yaml")
    codes = [str(c) for c in (listing.data or {}).get("languages") or []]
    if not codes:
        check.error(listing, (), "no languages listed")
    reader = LanguageChecker(check, topic_ids, contacts, tree, _command_words(Path(root), codes), structures)
    languages = {code: reader.language(code) for code in codes}
    for word in set(reader.commands) & set(reader.switches):
        check.error("content", (), f"{word!r} is both a command and a language switch")
    keys = voice.keys(check)
    if codes and codes[0] in languages and languages[codes[0]].spoken is None:
        check.error(f"content/{codes[0]}/voice.yaml", (), "file is missing: the default language must say what a call says")
    for code in codes[1:]:
        if languages[code].spoken is None:
            check.warn(f"content/{code}/voice.yaml", (), f"no voice.yaml: calls do not offer {code}")
    if any(p.error for p in check.problems):
        return None, check.problems
    content = Content(codes[0], MappingProxyType(languages), MappingProxyType(tree), MappingProxyType(contacts),
                      MappingProxyType(reader.commands), MappingProxyType(reader.switches),
                      MappingProxyType(connect), MappingProxyType(check.sources), keys, MappingProxyType(structures), where,
                      voice.connects(check, topic_ids))
    return content, check.problems


def catalogue_ids(catalogue: dict, key: str) -> list[str]:
    """The ids under key (topics, answers) of the catalogue: answers are served like topics, each a short
    direct reply that is part of a topic."""
    return [str(t["id"]) for t in catalogue.get(key) or [] if isinstance(t, dict) and "id" in t]


def _command_words(root: Path, codes: list[str]) -> set[str]:
    """Every command word of every language, folded, to keep topic phrases clear of them."""
    found = set()
    for code in codes:
        kw = read_yaml(root / "content" / code / "keywords.yaml")  # unreadable: reported when the language loads
        commands = kw.get("commands") if isinstance(kw, dict) else None
        for words in (commands or {}).values():
            found.update(fold(str(w)) for w in words or [])
    return found


def check(root: Path, today: dt.date | None = None) -> list[Problem]:
    """Every problem with the content under root, warnings included."""
    return collect(Path(root), today)[1]


def load(root: Path, today: dt.date | None = None) -> Content:
    """The content under root; raises ContentError when anything would break the line."""
    content, problems = collect(Path(root), today)
    if content is None:
        raise ContentError([p for p in problems if p.error])
    return content
