"""menus/menu.yaml: the menu tree, menus of numbered entries, each a sub-menu or a topic."""

from __future__ import annotations

from .model import Entry
from .source import Checker

MAX_MENU_ENTRIES = 9  # one digit each
MAX_DEPTH = 3  # choices to reach a topic, at most (a warning beyond)


def menus(check: Checker, topic_ids: list[str], flow_ids: list[str] = ()) -> dict[str, tuple[Entry, ...]]:
    """The menu tree, checked: entries point to menus, topics and flows that exist, main is there, every
    topic can be reached from it."""
    src = check.source("menus", "menu.yaml")
    data = src.data or {}
    found: dict[str, tuple[Entry, ...]] = {}
    for menu_id, entries in data.items():
        parsed = []
        for i, entry in enumerate(entries or []):
            if not isinstance(entry, dict) or len(entry) != 1 or next(iter(entry)) not in ("menu", "topic", "flow"):
                check.error(src, (menu_id, i), "a menu entry is 'menu: <id>', 'topic: <id>' or 'flow: <id>'")
                continue
            kind, target = next(iter(entry.items()))
            if kind == "menu" and target not in data:
                check.error(src, (menu_id, i), f"entry points to menu {target!r}, which does not exist")
            if kind == "topic" and target not in topic_ids:
                check.error(src, (menu_id, i), f"entry points to topic {target!r}, which is not in topics.yaml")
            if kind == "flow" and target not in flow_ids:
                check.error(src, (menu_id, i), f"entry points to flow {target!r}, which is not in flows/")
            parsed.append(Entry(kind, str(target)))
        if not parsed or len(parsed) > MAX_MENU_ENTRIES:
            check.error(src, (menu_id,), f"menu {menu_id} must have 1 to {MAX_MENU_ENTRIES} entries")
        found[menu_id] = tuple(parsed)
    if "main" not in found:
        check.error(src, (), "there is no 'main' menu: the welcome shows it")
        return found
    depth = depths(found)
    for menu_id in found:
        if menu_id not in depth:
            check.warn(src, (menu_id,), f"menu {menu_id} cannot be reached from main")
    reached = {e.target: depth[m] + 1 for m in depth for e in found[m] if e.kind == "topic"}
    for topic in topic_ids:
        if topic not in reached:
            check.error(src, (), f"topic {topic} is in no menu a texter can reach")
        elif reached[topic] > MAX_DEPTH:
            check.warn(src, (), f"topic {topic} takes {reached[topic]} choices to reach (aim for {MAX_DEPTH} or fewer)")
    return found


def depths(menus: dict) -> dict[str, int]:
    """Choices needed to open each menu reachable from main (main itself: 0)."""
    depth, frontier = {"main": 0}, ["main"]
    while frontier:
        menu_id = frontier.pop(0)
        for e in menus.get(menu_id, ()):
            if e.kind == "menu" and e.target not in depth:
                depth[e.target] = depth[menu_id] + 1
                frontier.append(e.target)
    return depth
