"""Load and validate the line's content (content/) and menu tree (menus/) into frozen objects.

Layout (every path relative to the project root):
    content/topics.yaml           the topic catalogue (a copy of shared/topics.yaml): the fixed topic ids
    content/languages.yaml        which language folders ship; the first is the default
    content/referrals.yaml        the referral directory: numbers, websites, sources, dates checked
    content/<lang>/language.yaml  the language's own name, the words that switch to it, its alphabet
    content/<lang>/strings.yaml   fixed replies (welcome, help, danger, ...) and sub-menu titles
    content/<lang>/keywords.yaml  commands, alarm phrases, shorthand, synonyms, stop words
    content/<lang>/examples.yaml  whole texts that teach the model: alarms, near misses, out of scope
    content/<lang>/contacts.yaml  the short name each referral contact gets in a text
    content/<lang>/topics/*.yaml  one file per topic id of the catalogue: title, phrases, pages, contacts
    menus/menu.yaml               the menu tree: menus of entries, each a sub-menu or a topic

load() returns a Content or raises ContentError listing every problem with its file and line.
check() returns the problems, warnings included, without raising.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import yaml

from .channels import paging
from .channels.sms import segments
from .alarms import Alarm
from .text import fold

COMMANDS = ("menu", "more", "back", "help", "exit", "stop", "start")
STRINGS = (
    "welcome", "menu_prompt", "welcome_footer", "menu_footer", "page_header", "page_more", "page_last",
    "contacts_intro", "contact_call", "contact_text", "contact_call_or_text", "contact_web",
    "label_police", "label_immigration", "clarify", "clarify_footer", "unknown", "danger", "self_harm", "help_now", "help",
    "stopped", "started", "quick_exit", "error", "no_more", "no_choice", "detected",
)
_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when present: 3x faster
# The {placeholders} each fixed reply may use, with sample values; the others may use none.
PLACEHOLDERS = {"page_header": {"title": "T", "page": 1, "pages": 2}, "contact_call": {"phone": "1"},
                "contact_text": {"text": "1"}, "contact_call_or_text": {"phone": "1"}, "contact_web": {"web": "w"},
                "detected": {"code": "EN"}, "no_choice": {"number": 9}}
# examples.yaml: whole texts for each alarm, near misses that are no alarm, texts about something else
EXAMPLES = (*(a.value for a in Alarm), "not_danger", "out_of_scope")
# What each alarm's reply must give, whatever else it says
ALARM_NUMBERS = {Alarm.DANGER: ("911",), Alarm.SELF_HARM: ("988", "911"), Alarm.HELP_NOW: ("911",)}
STALE_DAYS = 365
WELCOME_SEGMENTS = 2
MAX_MENU_ENTRIES = 9  # one digit each
# Phone numbers (406-444-6543, 1-888-373-7888, (406) 444-6543) and SMS short codes (233733, 88788);
# years and counts (2023, 200) are not numbers anyone dials.
PHONE_LIKE = re.compile(r"(?<![\w-])(?:1-)?(?:\(?\d{3}\)?[- ]?)?\d{3}-\d{4}(?![\w-])|(?<![\w-])\d{5,6}(?![\w-])")
LRM = "\u200e"  # LEFT-TO-RIGHT MARK: invisible, one UCS-2 unit


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, where it is, and whether it stops the line from starting."""

    file: str
    line: int | None
    message: str
    error: bool = True

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{'ERROR' if self.error else 'warning'} {where}: {self.message}"


class ContentError(Exception):
    """The content cannot be served; problems lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Contact:
    """A referral contact as checked: how to reach it and what it is."""

    id: str
    name: str
    phone: str | None
    text: str | None
    web: str | None
    law_enforcement: bool
    immigration: bool
    checked: dt.date | None


@dataclass(frozen=True)
class Topic:
    """One topic in one language: its title, the phrases that find it, and its pages ready to send."""

    id: str
    title: str
    phrases: tuple[str, ...]
    pages: tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    """One numbered menu entry: kind is 'menu' or 'topic', target its id."""

    kind: str
    target: str


@dataclass(frozen=True)
class Language:
    """Everything the line says and understands in one language."""

    code: str
    name: str
    reviewed: bool
    strings: MappingProxyType
    topics: MappingProxyType
    menus: MappingProxyType  # menu id -> the text that shows it (main: the welcome)
    alarms: MappingProxyType  # Alarm -> its phrases, each a tuple of folded words (a trailing * kept)
    calm: tuple  # phrases that place a story in the past or the texter in safety, like the alarm phrases
    command_words: frozenset  # this language's own command words, folded
    shorthand: MappingProxyType  # folded texting shorthand -> what it stands for
    synonyms: MappingProxyType  # folded word -> the word it is matched as
    stopwords: frozenset
    stemmer: str | None
    examples: MappingProxyType = field(repr=False)  # examples.yaml key -> its texts
    greetings: tuple[str, ...] = ()  # whole first texts that are in this language
    asks_for: tuple[str, ...] = ()  # phrases that ask for this language
    script: str | None = None  # the Unicode script only this language is written in (ARABIC), if any


@dataclass(frozen=True)
class Content:
    """All languages, the menu tree, the referral directory and the command words, validated."""

    default: str
    languages: MappingProxyType
    menus: MappingProxyType  # menu id -> tuple of Entry
    contacts: MappingProxyType
    commands: MappingProxyType  # folded word -> command name
    switches: MappingProxyType  # folded word -> language code
    budget: int


class _Source:
    """A parsed YAML file that can say on which line a key or item stands."""

    def __init__(self, path: Path, root: Path, problems: list[Problem]):
        self.name = str(path.relative_to(root))
        self.data = None
        self._lines: dict[tuple, int] = {}
        try:
            text = path.read_text(encoding="utf-8")
            self.data = yaml.load(text, Loader=_YAML)
            self._index(yaml.compose(text, Loader=_YAML), ())
        except FileNotFoundError:
            problems.append(Problem(self.name, None, "file is missing"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            mark = getattr(exc, "problem_mark", None)
            problems.append(Problem(self.name, mark.line + 1 if mark else None, f"cannot be read: {exc}"))

    def _index(self, node, path: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                self._lines[path + (key.value,)] = key.start_mark.line + 1
                self._index(value, path + (key.value,))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._lines[path + (i,)] = item.start_mark.line + 1
                self._index(item, path + (i,))

    def line(self, *path) -> int | None:
        """The line of the deepest known key along path."""
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return 1


class _Loader:
    """Reads and checks everything, gathering problems instead of stopping at the first."""

    def __init__(self, root: Path, budget: int, today: dt.date):
        self.root, self.budget, self.today = root, budget, today
        self.problems: list[Problem] = []
        catalogue = self.source("content", "topics.yaml").data or {}
        self.topic_ids = [str(t["id"]) for t in catalogue.get("topics") or [] if isinstance(t, dict) and "id" in t]
        if not self.topic_ids:
            self.problems.append(Problem("content/topics.yaml", None, "the topic catalogue lists no topics"))
        self.known_numbers: set[str] = set()
        self.command_words: set[str] = set()
        self.plain = False  # the language being loaded writes accented letters plainly

    def source(self, *parts: str) -> _Source:
        return _Source(self.root.joinpath(*parts), self.root, self.problems)

    def error(self, src: _Source, path: tuple, message: str) -> None:
        self.problems.append(Problem(src.name, src.line(*path), message))

    def warn(self, src: _Source, path: tuple, message: str) -> None:
        self.problems.append(Problem(src.name, src.line(*path), message, error=False))

    # -- referrals -------------------------------------------------------------------------------

    def contacts(self) -> dict[str, Contact]:
        src = self.source("content", "referrals.yaml")
        out: dict[str, Contact] = {}
        for i, raw in enumerate((src.data or {}).get("contacts") or []):
            cid = str(raw.get("id", ""))
            if not cid or cid in out:
                self.error(src, ("contacts", i), f"contact needs a unique id (got {cid!r})")
                continue
            phone, text, web = (str(raw[k]) if raw.get(k) else None for k in ("phone", "text", "web"))
            for key, value in (("phone", phone), ("text", text), ("web", web)):
                if value and not segments.is_gsm(value):  # sent as is in every language
                    chars = " ".join(repr(c) for c in segments.non_gsm_chars(value))
                    self.error(src, ("contacts", i, key), f"contact {cid}'s {key} has characters that are not GSM-7: {chars}")
            if not (phone or text or web):
                self.error(src, ("contacts", i), f"contact {cid} has no phone, no text number and no website")
            if not raw.get("source"):
                self.error(src, ("contacts", i), f"contact {cid} does not say where its facts come from (source)")
            checked = raw.get("checked")
            if not isinstance(checked, dt.date):
                self.error(src, ("contacts", i, "checked"), f"contact {cid} needs the date it was checked (YYYY-MM-DD)")
                checked = None
            elif (self.today - checked).days > STALE_DAYS:
                self.warn(src, ("contacts", i, "checked"),
                          f"contact {cid} was last checked {checked}, over {STALE_DAYS} days ago: check it again")
            out[cid] = Contact(cid, str(raw.get("name", cid)), phone, text, web,
                               bool(raw.get("law_enforcement")), bool(raw.get("immigration")), checked)
        return out

    # -- menus -----------------------------------------------------------------------------------

    def menus(self) -> dict[str, tuple[Entry, ...]]:
        src = self.source("menus", "menu.yaml")
        data = src.data or {}
        menus: dict[str, tuple[Entry, ...]] = {}
        for menu_id, entries in data.items():
            parsed = []
            for i, entry in enumerate(entries or []):
                if not isinstance(entry, dict) or len(entry) != 1 or next(iter(entry)) not in ("menu", "topic"):
                    self.error(src, (menu_id, i), "a menu entry is either 'menu: <id>' or 'topic: <id>'")
                    continue
                kind, target = next(iter(entry.items()))
                if kind == "menu" and target not in data:
                    self.error(src, (menu_id, i), f"entry points to menu {target!r}, which does not exist")
                if kind == "topic" and target not in self.topic_ids:
                    self.error(src, (menu_id, i), f"entry points to topic {target!r}, which is not in topics.yaml")
                parsed.append(Entry(kind, str(target)))
            if not parsed or len(parsed) > MAX_MENU_ENTRIES:
                self.error(src, (menu_id,), f"menu {menu_id} must have 1 to {MAX_MENU_ENTRIES} entries")
            menus[menu_id] = tuple(parsed)
        if "main" not in menus:
            self.error(src, (), "there is no 'main' menu: the welcome shows it")
            return menus
        depth = self._depths(menus)
        for menu_id in menus:
            if menu_id not in depth:
                self.warn(src, (menu_id,), f"menu {menu_id} cannot be reached from main")
        reached = {e.target: depth[m] + 1 for m in depth for e in menus[m] if e.kind == "topic"}
        for topic in self.topic_ids:
            if topic not in reached:
                self.error(src, (), f"topic {topic} is in no menu a texter can reach")
            elif reached[topic] > 3:
                self.warn(src, (), f"topic {topic} takes {reached[topic]} choices to reach (aim for 3 or fewer)")
        return menus

    @staticmethod
    def _depths(menus) -> dict[str, int]:
        """Choices needed to open each menu reachable from main (main itself: 0)."""
        depth, frontier = {"main": 0}, ["main"]
        while frontier:
            menu_id = frontier.pop(0)
            for e in menus.get(menu_id, ()):
                if e.kind == "menu" and e.target not in depth:
                    depth[e.target] = depth[menu_id] + 1
                    frontier.append(e.target)
        return depth

    # -- one language ------------------------------------------------------------------------------

    def language(self, code: str, contacts: dict[str, Contact], menus: dict, commands: dict, switches: dict):
        meta = self.source("content", code, "language.yaml")
        info = meta.data or {}
        gsm_only = info.get("alphabet", "gsm") == "gsm"
        self.plain = bool(info.get("plain_letters"))
        for word in info.get("switch") or []:
            self._claim(switches, fold(str(word)), code, meta, ("switch",), "language switch")
        if fold(code) not in {fold(str(w)) for w in info.get("switch") or []}:
            self.error(meta, ("switch",), f"the switch words must include the code {code.upper()}: "
                                          "replies name it to say how to switch back")
        strings = self._strings(code, menus, gsm_only)
        keywords = self.source("content", code, "keywords.yaml")
        kw = keywords.data or {}
        own_commands = set()
        for command in COMMANDS:
            for word in (kw.get("commands") or {}).get(command) or []:
                self._claim(commands, fold(str(word)), command, keywords, ("commands", command), "command")
                own_commands.add(fold(str(word)))
        alarms = {alarm: tuple(p for p in (_phrase_words(str(raw)) for raw in kw.get(alarm.value) or []) if p)
                  for alarm in Alarm}
        if not alarms[Alarm.DANGER]:
            self.error(keywords, ("danger",), "no danger phrases: the line could not spot a texter in danger")
        labels = self.source("content", code, "contacts.yaml")
        for cid, label in (labels.data or {}).items():
            self._text_checks(labels, (str(cid),), self.sendable(str(label)), gsm_only)
        topics = {}
        for topic_id in self.topic_ids:
            topic = self._topic(code, topic_id, strings, contacts, labels, gsm_only)
            if topic:
                topics[topic_id] = topic
        self._unknown_topic_files(code)
        self._report_language(code, info, meta, strings, menus, topics, contacts, labels)
        rendered = self._render_menus(code, menus, strings, topics)
        return Language(
            code, str(info.get("name", code)), bool(info.get("reviewed")),
            MappingProxyType(strings), MappingProxyType(topics), MappingProxyType(rendered),
            MappingProxyType(alarms), tuple(p for p in (_phrase_words(str(raw)) for raw in kw.get("calm") or []) if p),
            frozenset(own_commands),
            shorthand=MappingProxyType({fold(str(k)): fold(str(v)) for k, v in (kw.get("shorthand") or {}).items()}),
            synonyms=MappingProxyType({fold(str(k)): fold(str(v)) for k, v in (kw.get("synonyms") or {}).items()}),
            stopwords=frozenset(fold(str(w)) for w in kw.get("stopwords") or []),
            stemmer=info.get("stemmer"),
            examples=MappingProxyType(self._examples(code)),
            greetings=self._texts(meta, info, "greetings", switches),
            asks_for=self._texts(meta, info, "asks_for", switches),
            script=str(info["script"]).upper() if info.get("script") else None,
        )

    def _texts(self, src: _Source, data: dict, key: str, switches: dict) -> tuple[str, ...]:
        """The list of texts under key (each a quoted string), none of them a command or switch word."""
        raw = data.get(key) or []
        if not isinstance(raw, list):
            self.error(src, (key,), f"{key} must be a list of texts")
            return ()
        texts = []
        for i, item in enumerate(raw):
            if not isinstance(item, str):
                self.error(src, (key, i), f"{key} item {item!r} is not a text: quote it (\"...\")")
            elif not fold(item):
                self.warn(src, (key, i), f"{key} item {item!r} has no words: the line never reads it as one")
            elif fold(item) in self.command_words or fold(item) in switches:
                self.error(src, (key, i), f"{key} item {item!r} is a command or language word: it would never be read as {key}")
            else:
                texts.append(item.strip())
        return tuple(texts)

    def _examples(self, code: str) -> dict[str, tuple[str, ...]]:
        """examples.yaml: for each key of EXAMPLES, whole texts that teach the model what it means."""
        path = self.root / "content" / code / "examples.yaml"
        if not path.exists():
            self.problems.append(Problem(f"content/{code}/examples.yaml", None, "no examples: the model learns the "
                                         "alarms and what is out of scope from the other languages only", error=False))
            return {}
        src = self.source("content", code, "examples.yaml")
        data = src.data if isinstance(src.data, dict) else {}
        for key in data:
            if key not in EXAMPLES:
                self.error(src, (key,), f"unknown key {key!r}: examples.yaml holds {', '.join(EXAMPLES)}")
        found = {}
        for key in EXAMPLES:
            found[key] = self._texts(src, data, key, {})
            if not found[key]:
                self.warn(src, (key,), f"no {key} examples in this language")
        return found

    def _report_language(self, code, info, meta, strings, menus, topics, contacts, labels) -> None:
        """Warnings an operator reads per language: not reviewed yet, and how complete it is."""
        name = str(info.get("name", code))
        if not info.get("reviewed"):
            self.warn(meta, ("reviewed",), f"language {code} ({name}): not reviewed by a fluent speaker")
        fixed = [*STRINGS, *(f"menu:{m}" for m in menus if m != "main")]
        parts = []
        for what, wanted, missing in (
            ("topics", self.topic_ids, [t for t in self.topic_ids if t not in topics]),
            ("fixed replies", fixed, [k.replace("menu:", "menu title ") for k in fixed
                                      if not str(strings.get(k) or "").strip()]),
            ("contact names", list(contacts), [c for c in contacts if not (labels.data or {}).get(c)]),
        ):
            part = f"{len(wanted) - len(missing)}/{len(wanted)} {what}"
            parts.append(f"{part} (missing: {', '.join(missing)})" if missing else part)
        self.problems.append(Problem(f"content/{code}", None, f"language {code}: {', '.join(parts)}", error=False))

    def sendable(self, text: str) -> str:
        """text as it will be sent: accents outside GSM-7 dropped when the language's plain_letters is on,
        and phone numbers after right-to-left words kept in their order (ltr_numbers)."""
        return ltr_numbers(segments.plain_letters(text) if self.plain else text)

    def _claim(self, table: dict, word: str, meaning: str, src: _Source, path: tuple, what: str) -> None:
        """Give word a meaning in table, reporting a word that already means something else."""
        if not word:
            self.error(src, path, f"an empty {what} word")
        elif table.get(word, meaning) != meaning:
            self.error(src, path, f"{what} word {word!r} already means {table[word]!r}")
        else:
            table[word] = meaning

    def _strings(self, code: str, menus: dict, gsm_only: bool) -> dict[str, str]:
        src = self.source("content", code, "strings.yaml")
        if src.data is None:  # missing, unreadable (said once already, not once per reply) or empty
            if not any(p.file == src.name for p in self.problems):
                self.error(src, (), "the file is empty: every fixed reply is missing")
            return {}
        data = src.data
        strings = {}
        for key in STRINGS:
            if not isinstance(data.get(key), str):
                self.error(src, (key,), f"fixed reply {key!r} is missing")
                continue
            strings[key] = self.sendable(data[key].strip(" "))
            self._text_checks(src, (key,), strings[key], gsm_only)
            try:
                strings[key].format(**PLACEHOLDERS.get(key, {}))
            except (KeyError, IndexError, ValueError):
                names = ", ".join("{" + n + "}" for n in PLACEHOLDERS.get(key, {})) or "none"
                self.error(src, (key,), f"fixed reply {key!r} has a {{placeholder}} the line does not fill "
                                        f"(it may use: {names})")
                del strings[key]
        titles = data.get("menus") or {}
        for menu_id, title in titles.items():
            self._text_checks(src, ("menus", str(menu_id)), self.sendable(str(title)), gsm_only)
        for menu_id in menus:
            if menu_id != "main" and not titles.get(menu_id):
                self.error(src, ("menus",), f"menu {menu_id} has no title in this language")
        strings.update({f"menu:{k}": self.sendable(str(v).strip()) for k, v in titles.items()})
        for alarm, numbers in ALARM_NUMBERS.items():
            for number in numbers:
                if alarm.value in strings and number not in strings[alarm.value]:
                    self.error(src, (alarm.value,), f"the {alarm.value} reply must give {number}")
        return strings

    def _text_checks(self, src: _Source, path: tuple, text: str, gsm_only: bool) -> None:
        """Report characters that force UCS-2 and phone numbers that are not in the directory."""
        if gsm_only and not segments.is_gsm(text):
            chars = " ".join(repr(c) for c in segments.non_gsm_chars(text))
            self.error(src, path, f"characters that are not GSM-7 (each text would cost 2-3x more): {chars}")
        for number in PHONE_LIKE.findall(text):
            if self.known_numbers and number not in self.known_numbers:
                self.error(src, path, f"number {number} is not in content/referrals.yaml: never invent a number")

    def _topic(self, code, topic_id, strings, contacts, labels, gsm_only) -> Topic | None:
        src = self.source("content", code, "topics", f"{topic_id}.yaml")
        data = src.data
        if not isinstance(data, dict):
            return None
        if data.get("id") != topic_id:
            self.error(src, ("id",), f"id is {data.get('id')!r} but the file is named for {topic_id!r}")
        title = self.sendable(str(data.get("title") or "").strip())
        pages = [self.sendable(str(p).strip()) for p in data.get("pages") or [] if str(p).strip()]
        phrases = tuple(str(p).strip() for p in data.get("phrases") or [] if str(p).strip())
        if not title or not pages:
            self.error(src, (), "a topic needs a title and at least one page")
            return None
        if not phrases:
            self.warn(src, ("phrases",), "no phrases: only the menu will find this topic")
        for i, text in enumerate([title, *pages]):
            self._text_checks(src, ("pages", i - 1) if i else ("title",), text, gsm_only)
        for i, phrase in enumerate(phrases):
            if fold(phrase) in self.command_words:
                self.error(src, ("phrases", i), f"phrase {phrase!r} is a command word: texters would never reach it")
        if not all(k in strings for k in STRINGS):  # broken strings.yaml, already reported: nothing to render with
            return Topic(topic_id, title, phrases, tuple(pages))
        lines = []
        for i, cid in enumerate(data.get("contacts") or []):
            if cid not in contacts:
                self.error(src, ("contacts", i), f"contact {cid!r} is not in content/referrals.yaml")
                continue
            label = (labels.data or {}).get(cid)
            if not label:
                self.error(labels, (), f"contact {cid} has no short name in this language")
                continue
            lines.append(self.sendable(contact_line(contacts[cid], self.sendable(str(label).strip()), strings)))
        if not lines:
            self.error(src, ("contacts",), "a topic must give at least one contact")
        return Topic(topic_id, title, phrases, self._pages(src, title, pages, lines, strings))

    def _pages(self, src, title, pages, contact_lines, strings) -> tuple[str, ...]:
        """The topic's messages: authored pages cut to the budget, the first contact (the one to call first)
        ending the first page, all the contacts ending the last one: whoever stops reading early has a number.
        The first page keeps room for the `detected` line (see engine._free_text)."""
        widest = strings["page_header"].format(title=title, page=99, pages=99)
        contacts = "\n".join([strings["contacts_intro"], *contact_lines])
        first = contact_lines[0] if contact_lines else ""

        def room_first(body):  # leaves room too for the line a reply in a newly detected language gets
            note = strings["detected"].format(code="XX")
            return segments.fits(f"{widest}{body}\n{first}\n{strings['page_more']}\n{note}", self.budget)

        def room_more(body):
            return segments.fits(f"{widest}{body}\n{strings['page_more']}", self.budget)

        def room_last(body):
            return segments.fits(f"{widest}{body}\n{contacts}\n{strings['page_last']}", self.budget)

        bodies = paging.pack(pages[0], room_first) + [piece for page in pages[1:] for piece in
                                                         paging.pack(page, room_more)]
        if room_last(bodies[-1]):
            bodies[-1] = f"{bodies[-1]}\n{contacts}"
        else:
            bodies.append(contacts)
            if not segments.fits(f"{widest}{contacts}\n{strings['page_last']}", self.budget):
                self.error(src, ("contacts",), "the contacts do not fit on one page: give fewer")
        if len(bodies) > 1 and first:
            bodies[0] = f"{bodies[0]}\n{first}"
        if len(bodies) > len(pages) + 2:  # beyond a page for the contacts and one for the first page's number
            self.warn(src, ("pages",), f"pages were cut to fit {self.budget} segments: {len(bodies)} messages")
        total = len(bodies)
        return tuple(
            strings["page_header"].format(title=title, page=i, pages=total) + body + "\n"
            + (strings["page_last"] if i == total else strings["page_more"])
            for i, body in enumerate(bodies, 1)
        )

    def _unknown_topic_files(self, code: str) -> None:
        for path in sorted(self.root.joinpath("content", code, "topics").glob("*.yaml")):
            if path.stem not in self.topic_ids:
                self.problems.append(Problem(str(path.relative_to(self.root)), None,
                                             f"topic {path.stem!r} is not in the catalogue (topics.yaml)"))

    def _render_menus(self, code: str, menus: dict, strings: dict, topics: dict) -> dict[str, str]:
        """The text that shows each menu; main is the welcome."""
        src = f"content/{code}/strings.yaml"
        rendered = {}
        for menu_id, entries in menus.items():
            labels = [strings.get("menu_prompt", "")]
            for n, e in enumerate(entries, 1):
                topic = topics.get(e.target)
                label = strings.get(f"menu:{e.target}") if e.kind == "menu" else topic and topic.title
                labels.append(f"{n} {label or e.target}")
            if menu_id == "main":
                parts = [strings.get("welcome", ""), *labels, strings.get("welcome_footer", "")]
                again = f"{strings.get('started', '')}\n" + "\n".join(parts)
                if not segments.fits(again, self.budget):
                    self.problems.append(Problem(src, None, f"'started' and the welcome together take {segments.segments(again)} segments, over the budget of {self.budget}"))
            else:
                parts = [strings.get(f"menu:{menu_id}", menu_id), *labels, strings.get("menu_footer", "")]
            text = "\n".join(parts)
            cost = segments.segments(text)
            if cost > self.budget:
                self.problems.append(Problem(src, None, f"menu {menu_id} takes {cost} segments, over the budget of {self.budget}"))
            elif menu_id == "main" and cost > WELCOME_SEGMENTS:
                self.problems.append(Problem(src, None, f"the welcome takes {cost} segments (aim for {WELCOME_SEGMENTS})", error=False))
            rendered[menu_id] = text
        return rendered


def ltr_numbers(text: str) -> str:
    """text with a left-to-right mark before each phone number written with separators (1-888-373-7888)
    that follows Arabic (or other right-to-left) words on its line.

    Phones lay out text with the Unicode bidi algorithm: after a right-to-left letter the digit groups
    of "1-888-373-7888" become Arabic numbers and the hyphens between them neutral, so the groups are
    shown in reverse order ("7888-373-888-1"). An LRM (invisible) in front keeps the number as written;
    the text's own characters and order are unchanged. Numbers at the start of a line, after Latin
    words, or without separators (911, 233733) are already shown as written and are left alone.
    """
    def mark(found):
        number = found.group(0)
        if number.isdigit():
            return number
        before = text[:found.start()].rsplit("\n", 1)[-1]
        strong = next((kind for kind in map(unicodedata.bidirectional, reversed(before)) if kind in ("L", "R", "AL")), None)
        return LRM + number if strong in ("R", "AL") else number

    return PHONE_LIKE.sub(mark, text)


def _phrase_words(phrase: str) -> tuple[str, ...]:
    """An alarm phrase as folded words, keeping a trailing * (any ending) on a word."""
    out = []
    for raw in phrase.split():
        word = fold(raw)
        if word:
            out.append(word + "*" * raw.endswith("*"))
    return tuple(out)


def contact_line(contact: Contact, label: str, strings: dict) -> str:
    """How a contact reads in a text: its short name, police or ICE labels, then how to reach it."""
    tag = strings["label_immigration"] if contact.immigration else strings["label_police"] if contact.law_enforcement else None
    name = f"{label} ({tag})" if tag else label
    if contact.phone and contact.phone == contact.text:
        how = strings["contact_call_or_text"].format(phone=contact.phone)
    else:
        how = ", ".join(
            [strings["contact_call"].format(phone=contact.phone)] * bool(contact.phone)
            + [strings["contact_text"].format(text=contact.text)] * bool(contact.text)
        )
    if contact.web and not how:
        how = strings["contact_web"].format(web=contact.web)
    return f"{name}: {how}"


def _collect(root: Path, budget: int, today: dt.date) -> tuple[Content | None, list[Problem]]:
    loader = _Loader(Path(root), budget, today)
    contacts = loader.contacts()
    loader.known_numbers = {n for c in contacts.values() for f in (c.phone, c.text) if f for n in PHONE_LIKE.findall(f)}
    menus = loader.menus()
    listing = loader.source("content", "languages.yaml")
    codes = [str(c) for c in (listing.data or {}).get("languages") or []]
    if not codes:
        loader.error(listing, (), "no languages listed")
    commands: dict[str, str] = {}
    switches: dict[str, str] = {}
    loader.command_words = _command_words(root, codes)
    languages = {code: loader.language(code, contacts, menus, commands, switches) for code in codes}
    for word in set(commands) & set(switches):
        loader.problems.append(Problem("content", None, f"{word!r} is both a command and a language switch"))
    if any(p.error for p in loader.problems):
        return None, loader.problems
    content = Content(codes[0], MappingProxyType(languages), MappingProxyType(menus), MappingProxyType(contacts),
                      MappingProxyType(commands), MappingProxyType(switches), budget)
    return content, loader.problems


def _command_words(root: Path, codes: list[str]) -> set[str]:
    """Every command word of every language, folded, to keep topic phrases clear of them."""
    found = set()
    for code in codes:
        try:
            kw = yaml.load(root.joinpath("content", code, "keywords.yaml").read_text(encoding="utf-8"), Loader=_YAML) or {}
        except (OSError, yaml.YAMLError):
            continue  # reported when the language itself loads
        for words in (kw.get("commands") or {}).values():
            found.update(fold(str(w)) for w in words or [])
    return found


def check(root: Path, budget: int = 3, today: dt.date | None = None) -> list[Problem]:
    """Every problem with the content under root, warnings included."""
    return _collect(root, budget, today or dt.date.today())[1]


def load(root: Path, budget: int = 3, today: dt.date | None = None) -> Content:
    """The content under root, ready to serve; raises ContentError when anything would break the line."""
    content, problems = _collect(root, budget, today or dt.date.today())
    if content is None:
        raise ContentError([p for p in problems if p.error])
    return content
