"""One language folder, content/<lang>/: language.yaml, strings.yaml, keywords.yaml, contacts.yaml and
examples.yaml, checked (its topics are topics.py's)."""

from __future__ import annotations

from types import MappingProxyType

from ..alarms import Alarm
from ..text import fold
from . import flows, referrals, topics, voice
from .model import COMMANDS, EXAMPLES, PLACEHOLDERS, SOCIAL, STRINGS, Contact, Language
from .source import Checker, Source

# What each alarm's reply must give, whatever else it says
ALARM_NUMBERS = {Alarm.DANGER: ("911",), Alarm.SELF_HARM: ("988", "911"), Alarm.HELP_NOW: ("911",)}


class LanguageChecker:
    """Reads the languages one by one, keeping the command and switch words of all of them apart."""

    def __init__(self, check: Checker, topic_ids: list[str], contacts: dict[str, Contact], menus: dict,
                 command_words: set[str], flows: dict | None = None):
        self.check, self.topic_ids, self.contacts, self.menus = check, topic_ids, contacts, menus
        self.flows = flows or {}
        self.command_words = command_words  # every language's, to keep topic phrases clear of them
        self.known_numbers = referrals.numbers(contacts)
        self.commands: dict[str, str] = {}  # folded word -> command name, across languages
        self.switches: dict[str, str] = {}  # folded word -> language code

    def language(self, code: str) -> Language:
        """content/<code>/ as a Language (its problems added to the checker's)."""
        check = self.check
        meta = check.source("content", code, "language.yaml")
        info = meta.data or {}
        for word in info.get("switch") or []:
            self._claim(self.switches, fold(str(word)), code, meta, ("switch",), "language switch")
        if fold(code) not in {fold(str(w)) for w in info.get("switch") or []}:
            check.error(meta, ("switch",), f"the switch words must include the code {code.upper()}: "
                                           "replies name it to say how to switch back")
        strings = self._strings(code)
        keywords = check.source("content", code, "keywords.yaml")
        kw = keywords.data or {}
        own_commands = set()
        for command in COMMANDS:
            words = check.texts(keywords, ("commands", command), (kw.get("commands") or {}).get(command),
                                f"a {command} word")
            for word in words:
                self._claim(self.commands, fold(word), command, keywords, ("commands", command), "command")
                own_commands.add(fold(word))
        alarms = {alarm: phrases(check.texts(keywords, (alarm.value,), kw.get(alarm.value), f"a {alarm.value} phrase"))
                  for alarm in Alarm}
        if not alarms[Alarm.DANGER]:
            check.error(keywords, ("danger",), "no danger phrases: the line could not spot a texter in danger")
        labels_src = check.source("content", code, "contacts.yaml")
        labels = {str(cid): label.strip() for cid, value in (labels_src.data or {}).items()
                  if (label := check.text(labels_src, (cid,), value, f"the short name of {cid}")) is not None}
        for cid, label in labels.items():
            self.numbers_known(labels_src, (cid,), label)
        found = {}
        for topic_id in self.topic_ids:
            topic = topics.topic(self, code, topic_id, labels_src)
            if topic:
                found[topic_id] = topic
        self._unknown_topic_files(code)
        self._report(code, info, meta, strings, found, labels)
        return Language(
            code, str(info.get("name", code)), bool(info.get("reviewed")),
            MappingProxyType(strings), MappingProxyType(found), MappingProxyType(labels),
            MappingProxyType(alarms), phrases(check.texts(keywords, ("calm",), kw.get("calm"), "a calm phrase")),
            frozenset(own_commands),
            shorthand=MappingProxyType({fold(str(k)): fold(str(v)) for k, v in (kw.get("shorthand") or {}).items()}),
            synonyms=MappingProxyType({fold(str(k)): fold(str(v)) for k, v in (kw.get("synonyms") or {}).items()}),
            stopwords=frozenset(fold(str(w)) for w in kw.get("stopwords") or []),
            stemmer=info.get("stemmer"),
            examples=MappingProxyType(self._examples(code)),
            greetings=self._texts(meta, info, "greetings", self.switches),
            asks_for=self._texts(meta, info, "asks_for", self.switches),
            social=MappingProxyType(self._social(keywords, kw)),
            script=str(info["script"]).upper() if info.get("script") else None,
            alphabet=str(info.get("alphabet", "gsm")),
            plain_letters=bool(info.get("plain_letters")),
            discreet=phrases_words(check.texts(meta, ("discreet",), info.get("discreet"), "a discreet word")),
            spoken=voice.spoken(check, code, self.numbers_known, labels),
            flows=MappingProxyType(flows.texts(check, code, self.flows, self.numbers_known)),
            flow_words=MappingProxyType(self._flow_words(keywords, kw)),
            near=self._place_words(keywords, kw, "near"),
            beside=self._place_words(keywords, kw, "beside"),
        )

    def _place_words(self, keywords: Source, kw: dict, key: str) -> frozenset:
        """keywords.yaml `places`: `near`, the words before a place ("in", "near"); `beside`, the other
        words a text about a place may have ("im", "help")."""
        raw = (kw.get("places") or {}).get(key)
        return frozenset(w for word in self.check.texts(keywords, ("places", key), raw, f"a place word ({key})")
                         for w in fold(word).split())

    def _flow_words(self, keywords: Source, kw: dict) -> dict[str, str]:
        """keywords.yaml `flows`: whole texts that open each flow (CHECK) -> the flow's id."""
        found = {}
        for flow_id, words in (kw.get("flows") or {}).items():
            if flow_id not in self.flows:
                self.check.error(keywords, ("flows", flow_id), f"{flow_id!r} is no flow (flows/{flow_id}.yaml)")
                continue
            for word in self.check.texts(keywords, ("flows", flow_id), words, "a word that opens a flow"):
                if fold(word) in self.command_words:
                    self.check.error(keywords, ("flows", flow_id), f"{word!r} is a command word")
                found[fold(word)] = flow_id
        return found

    def numbers_known(self, src: Source, path: tuple, text: str) -> None:
        """Report each phone number text writes that the directory does not give."""
        for number in referrals.unknown_numbers(text, self.known_numbers):
            self.check.error(src, path, f"number {number} is not in content/referrals.yaml: never invent a number")

    def _claim(self, table: dict, word: str, meaning: str, src: Source, path: tuple, what: str) -> None:
        """Give word a meaning in table, reporting a word that already means something else."""
        if not word:
            self.check.error(src, path, f"an empty {what} word")
        elif table.get(word, meaning) != meaning:
            self.check.error(src, path, f"{what} word {word!r} already means {table[word]!r}")
        else:
            table[word] = meaning

    def _strings(self, code: str) -> dict[str, str]:
        check = self.check
        src = check.source("content", code, "strings.yaml")
        if src.data is None:  # missing, unreadable (said once already, not once per reply) or empty
            if not any(p.file == src.name for p in check.problems):
                check.error(src, (), "the file is empty: every fixed reply is missing")
            return {}
        data = src.data
        strings = {}
        for key in STRINGS:
            if key not in data:
                check.error(src, (key,), f"fixed reply {key!r} is missing")
                continue
            if check.text(src, (key,), data[key], f"fixed reply {key!r}") is None:
                continue
            strings[key] = data[key].strip(" ")
            self.numbers_known(src, (key,), strings[key])
            try:
                strings[key].format(**PLACEHOLDERS.get(key, {}))
            except (KeyError, IndexError, ValueError):
                names = ", ".join("{" + n + "}" for n in PLACEHOLDERS.get(key, {})) or "none"
                check.error(src, (key,), f"fixed reply {key!r} has a {{placeholder}} the line does not fill "
                                         f"(it may use: {names})")
                del strings[key]
        titles = {k: t for k, v in (data.get("menus") or {}).items()
                  if (t := check.text(src, ("menus", k), v, f"the title of menu {k}")) is not None}
        for menu_id, title in titles.items():
            self.numbers_known(src, ("menus", str(menu_id)), str(title))
        for menu_id in self.menus:
            if menu_id != "main" and not titles.get(menu_id):
                check.error(src, ("menus",), f"menu {menu_id} has no title in this language")
        strings.update({f"menu:{k}": str(v).strip() for k, v in titles.items()})
        for alarm, numbers in ALARM_NUMBERS.items():
            for number in numbers:
                if alarm.value in strings and number not in strings[alarm.value]:
                    check.error(src, (alarm.value,), f"the {alarm.value} reply must give {number}")
        return strings

    def _texts(self, src: Source, data: dict, key: str, switches: dict) -> tuple[str, ...]:
        """The list of texts under key (each a quoted string), none of them a command or switch word."""
        raw = data.get(key) or []
        if not isinstance(raw, list):
            self.check.error(src, (key,), f"{key} must be a list of texts")
            return ()
        texts = []
        for i, item in enumerate(raw):
            if not isinstance(item, str):
                self.check.error(src, (key, i), f"{key} item {item!r} is not a text: quote it (\"...\")")
            elif not fold(item):
                self.check.warn(src, (key, i), f"{key} item {item!r} has no words: the line never reads it as one")
            elif fold(item) in self.command_words or fold(item) in switches:
                self.check.error(src, (key, i), f"{key} item {item!r} is a command or language word: it would "
                                                f"never be read as {key}")
            else:
                texts.append(item.strip())
        return tuple(texts)

    def _social(self, keywords: Source, kw: dict) -> dict[str, tuple[str, ...]]:
        """keywords.yaml social: for each kind of SOCIAL, whole texts that are manners, not questions."""
        data = kw.get("social") or {}
        if not isinstance(data, dict):
            self.check.error(keywords, ("social",), f"social holds lists named {', '.join(SOCIAL)}")
            return {}
        for key in data:
            if key not in SOCIAL:
                self.check.error(keywords, ("social", key), f"unknown key {key!r}: social holds {', '.join(SOCIAL)}")
        return {key: self._texts(keywords, data, key, self.switches) for key in SOCIAL}

    def _examples(self, code: str) -> dict[str, tuple[str, ...]]:
        """examples.yaml: for each key of EXAMPLES, whole texts that teach the model what it means."""
        check = self.check
        if not (check.root / "content" / code / "examples.yaml").exists():
            check.warn(f"content/{code}/examples.yaml", (), "no examples: the model learns the "
                       "alarms and what is out of scope from the other languages only")
            return {}
        src = check.source("content", code, "examples.yaml")
        data = src.data if isinstance(src.data, dict) else {}
        for key in data:
            if key not in EXAMPLES:
                check.error(src, (key,), f"unknown key {key!r}: examples.yaml holds {', '.join(EXAMPLES)}")
        found = {}
        for key in EXAMPLES:
            found[key] = self._texts(src, data, key, {})
            if not found[key]:
                check.warn(src, (key,), f"no {key} examples in this language")
        return found

    def _unknown_topic_files(self, code: str) -> None:
        for path in sorted(self.check.root.joinpath("content", code, "topics").glob("*.yaml")):
            if path.stem not in self.topic_ids:
                self.check.error(str(path.relative_to(self.check.root)), (),
                                 f"topic {path.stem!r} is not in the catalogue (topics.yaml)")

    def _report(self, code, info, meta, strings, found, labels) -> None:
        """Warnings an operator reads per language: not reviewed yet, and how complete it is."""
        name = str(info.get("name", code))
        if not info.get("reviewed"):
            self.check.warn(meta, ("reviewed",), f"language {code} ({name}): not reviewed by a fluent speaker")
        fixed = [*STRINGS, *(f"menu:{m}" for m in self.menus if m != "main")]
        parts = []
        for what, wanted, missing in (
            ("topics", self.topic_ids, [t for t in self.topic_ids if t not in found]),
            ("fixed replies", fixed, [k.replace("menu:", "menu title ") for k in fixed
                                      if not str(strings.get(k) or "").strip()]),
            ("contact names", list(self.contacts), [c for c in self.contacts if not labels.get(c)]),
        ):
            part = f"{len(wanted) - len(missing)}/{len(wanted)} {what}"
            parts.append(f"{part} (missing: {', '.join(missing)})" if missing else part)
        self.check.warn(f"content/{code}", (), f"language {code}: {', '.join(parts)}")


def phrases_words(raw) -> tuple[str, ...]:
    """Single words folded, each keeping a trailing * (any ending)."""
    return tuple(words[0] for words in phrases(raw) if len(words) == 1)


def phrases(raw) -> tuple[tuple[str, ...], ...]:
    """Alarm or calm phrases as folded words, each keeping a trailing * (any ending) on a word."""
    found = []
    for phrase in raw or []:
        words = tuple(fold(w) + "*" * w.endswith("*") for w in str(phrase).split() if fold(w))
        if words:
            found.append(words)
    return tuple(found)
