"""Where a text says the texter is: a ZIP code, a town, a county or a reservation of content/places.yaml,
forgiving of case, accents and small typos ("grate falls", "billins"). Twilio's FromCity and FromZip
are never used: they describe the phone number, not the person.

A place counts when the text is about it ("billings", "help in billings", "im in great falls", "on the
crow reservation": every other word is one of the content's place words) or when a word such as "in"
or "near" stands before it inside a longer question ("is there a shelter near missoula").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..text import fold

ZIP = re.compile(r"(?<!\d)(59\d{3})(?!\d)")
TYPO_SCORE = 85  # rapidfuzz ratio for a name with a small typo ("billins", "grate falls")
MIN_FUZZY = 5  # characters a name needs before a typo is forgiven in it
MAX_WORDS = 5  # words of the longest name


@dataclass(frozen=True)
class Place:
    """A place a text names: how to say it, the area whose contacts it gets ("Missoula" for a town or
    county; "reservation:crow" for a reservation), and the words of the text that named it."""

    name: str
    area: str
    words: tuple[str, ...] = ()


class Gazetteer:
    """Finds places in texts, for one content's places and every language's place words."""

    def __init__(self, places, words: dict[str, tuple[frozenset, frozenset]]):
        """words: for each language, its words that stand before a place ("in", "near") and the other
        words a text about a place may have ("im", "help", "the")."""
        self.zips = dict(places.zips)
        self.near = set().union(*(near for near, _ in words.values()))
        self.speakers = {code: near | beside for code, (near, beside) in words.items()}
        self.beside = set().union(*self.speakers.values())
        self.names: dict[str, Place] = {}
        for town, county in places.towns.items():
            self.names.setdefault(fold(town), Place(town, county))
        for county in places.counties:
            self.names.setdefault(fold(f"{county} county"), Place(f"{county} County", county))
        for alias, town in places.aliases.items():  # "ميسولا": Missoula
            self.names.setdefault(fold(alias), Place(town, places.towns[town]))
        for reservation in places.reservations.values():
            for name in reservation.names:  # a tribe's headquarters town keeps its own name
                town = self.names.get(fold(name))
                said = town.name if town and town.area in reservation.counties else reservation.name
                self.names[fold(name)] = Place(said, f"reservation:{reservation.id}")
        self.by_length: dict[int, list[str]] = {}
        for name in self.names:
            self.by_length.setdefault(len(name.split()), []).append(name)

    def find(self, raw: str, words: tuple[str, ...]) -> tuple[Place | None, tuple[str, ...] | None]:
        """The place a text names, and when the text is only about it, the languages whose place words
        say all the rest (every language for a bare name); (None, None) when no place counts."""
        found = ZIP.search(raw)
        if found and found.group(1) in self.zips:
            rest = tuple(w for w in words if w != found.group(1))
            return Place(found.group(1), self.zips[found.group(1)], (found.group(1),)), self._alone(rest)
        for size in range(min(MAX_WORDS, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                named = words[start:start + size]
                place = self._name(" ".join(named), size)
                if place is None:
                    continue
                alone = self._alone(words[:start] + words[start + size:])
                if alone is not None or (start and words[start - 1] in self.near):
                    return Place(place.name, place.area, named), alone
        return None, None

    def _alone(self, rest: tuple[str, ...]) -> tuple[str, ...] | None:
        """The languages whose place words are all of rest; None when rest says something else."""
        if not all(w in self.beside for w in rest):
            return None
        return tuple(code for code, known in self.speakers.items() if all(w in known for w in rest))

    def _name(self, text: str, size: int) -> Place | None:
        if text in self.names:
            return self.names[text]
        if len(text) < MIN_FUZZY or not self.by_length.get(size):
            return None
        match = process.extractOne(text, self.by_length[size], scorer=fuzz.ratio, score_cutoff=TYPO_SCORE)
        return self.names[match[0]] if match else None
