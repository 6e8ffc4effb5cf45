"""content/places.yaml: Montana's counties, towns and ZIP codes, its reservations and the Little Shell
Tribe, and the contacts every place gets; checked against the referral directory, whose contacts name
their counties (`areas:`)."""

from __future__ import annotations

from types import MappingProxyType

from .model import Places, Reservation
from .source import Checker

COUNTIES = 56  # Montana's


def places(check: Checker, contacts: dict, topic_ids=()) -> Places:
    """The places of content/places.yaml, checked (an empty Places when the file is not there)."""
    if not (check.root / "content" / "places.yaml").exists():
        return Places()
    src = check.source("content", "places.yaml")
    data = src.data if isinstance(src.data, dict) else {}
    towns = {str(k): str(v) for k, v in (data.get("towns") or {}).items()}
    zips = {str(k): str(v) for k, v in (data.get("zips") or {}).items()}
    counties = sorted(set(towns.values()) | set(zips.values()))
    if len(counties) != COUNTIES:
        check.warn(src, ("zips",), f"{len(counties)} counties between towns and zips: Montana has {COUNTIES}")
    for code in zips:
        if not (len(code) == 5 and code.isdigit()):
            check.error(src, ("zips", code), f"{code!r} is not a five-digit ZIP code (write it in quotes)")
    reservations = {}
    for rid, spec in (data.get("reservations") or {}).items():
        spec = spec if isinstance(spec, dict) else {}
        lands = [str(c) for c in spec.get("counties") or []]
        names = [str(n) for n in spec.get("names") or [] if str(n).strip()]
        for county in lands:
            if county not in counties:
                check.error(src, ("reservations", rid, "counties"), f"{county!r} is not a county of the towns and zips")
        if not (spec.get("name") and lands and names):
            check.error(src, ("reservations", rid), "a reservation needs a name, its counties and the names texters use")
            continue
        reservations[str(rid)] = Reservation(str(rid), str(spec["name"]), tuple(lands), tuple(names))
    given = {}
    for key in ("native", "statewide"):
        given[key] = tuple(str(c) for c in data.get(key) or [])
        for cid in given[key]:
            if cid not in contacts:
                check.error(src, (key,), f"contact {cid!r} is not in content/referrals.yaml")
    aliases = {str(k): str(v) for k, v in (data.get("aliases") or {}).items()}
    for alias, town in aliases.items():
        if town not in towns:
            check.error(src, ("aliases", alias), f"{alias!r} stands for {town!r}, which is no town of the towns list")
    topics = tuple(str(t) for t in data.get("topics") or [])
    stands_for = str(data["topic"]) if data.get("topic") else None
    for topic in [*topics, *([stands_for] if stands_for else [])]:
        if topic not in topic_ids:
            check.error(src, ("topics",), f"{topic!r} is not a topic of the catalogue")
    if not given["statewide"]:
        check.error(src, ("statewide",), "give the contacts every place gets (statewide)")
    for contact in contacts.values():
        for county in contact.areas:
            if county not in counties:
                check.error("content/referrals.yaml", (), f"contact {contact.id}'s area {county!r} is no Montana county "
                                                          "(content/places.yaml)")
    return Places(tuple(counties), MappingProxyType(towns), MappingProxyType(zips), MappingProxyType(reservations),
                  given["native"], given["statewide"], topics, stands_for,
                  MappingProxyType({a: town for a, town in aliases.items() if town in towns}))
