"""content/voice.yaml (which key does what on a call) and content/<lang>/voice.yaml (what a call says in
that language, and with which voice), checked. A language without a voice.yaml is not offered on calls;
the default language must have one. Which voices and languages Twilio can speak is the voice channel's
to check (channels/voice/render.py)."""

from __future__ import annotations

from types import MappingProxyType

from .model import Spoken
from .source import Checker

KEYS = ("person", "menu", "back", "more")
MENU_KEYS = set("123456789")  # menu entries are pressed by their number
# What every language's voice.yaml says (strings.yaml's text stands for any other fixed reply).
VOICE_STRINGS = (
    "greeting", "choose", "choice", "welcome", "welcome_footer", "menu_footer", "page_header", "page_more",
    "page_last", "contacts_intro", "clarify", "clarify_footer", "unknown", "no_more", "no_choice", "danger",
    "self_harm", "help_now", "help", "greeted", "thanked", "noted", "media", "error", "connecting",
    "dial_failed", "no_input", "goodbye",
)
VOICE_PLACEHOLDERS = {"choose": {"key": "1"}, "choice": {"title": "T", "number": 1},
                      "page_header": {"title": "T", "page": 1, "pages": 2}, "no_choice": {"number": 9},
                      "dial_failed": {"phone": "1", "text": "1"}, "goodbye": {"phone": "1"}}


def keys(check: Checker) -> MappingProxyType:
    """content/voice.yaml's keys: action (person, menu, back, more) -> the key that does it."""
    src = check.source("content", "voice.yaml")
    raw = (src.data or {}).get("keys") if isinstance(src.data, dict) else None
    if src.data is not None and not isinstance(raw, dict):
        check.error(src, ("keys",), f"keys maps each action ({', '.join(KEYS)}) to the key that does it")
        raw = {}
    found = {}
    for action in KEYS:
        key = str((raw or {}).get(action, "")).strip()
        if len(key) != 1 or key not in "0123456789*#":
            check.error(src, ("keys", action), f"the key for {action} must be one of 0-9, * or # (in quotes)")
        elif action != "more" and key in MENU_KEYS:
            check.error(src, ("keys", action), f"{action} is heard everywhere, but {key} chooses a menu entry: "
                                               "use 0, * or #")
        elif key in found.values():
            check.error(src, ("keys", action), f"key {key} already does something else")
        else:
            found[action] = key
    return MappingProxyType(found)


def connects(check: Checker, topic_ids) -> tuple[str, ...]:
    """content/voice.yaml's `connect`: topics that on a call connect the caller to a person."""
    src = check.source("content", "voice.yaml")
    found = tuple(str(t) for t in ((src.data or {}).get("connect") or []) if isinstance(src.data, dict))
    for topic in found:
        if topic not in topic_ids:
            check.error(src, ("connect",), f"{topic!r} is not a topic of the catalogue")
    return found


def spoken(check: Checker, code: str, known_numbers, labels: dict) -> Spoken | None:
    """content/<code>/voice.yaml as Spoken (None when the file is not there: calls do not offer the
    language); known_numbers(src, path, text) reports numbers the directory does not give."""
    if not (check.root / "content" / code / "voice.yaml").exists():
        return None
    src = check.source("content", code, "voice.yaml")
    data = src.data if isinstance(src.data, dict) else {}
    settings = {}
    for name in ("voice", "language"):
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            check.error(src, (name,), f"{name} is missing: say which Twilio voice reads this language, and its language")
        settings[name] = str(value or "").strip()
    raw = data.get("strings") if isinstance(data.get("strings"), dict) else {}
    strings = {}
    for key in VOICE_STRINGS:
        if key not in raw:
            check.error(src, ("strings", key), f"what a call says for {key!r} is missing")
            continue
        text = check.text(src, ("strings", key), raw[key], f"the spoken {key!r}")
        if text is None:
            continue
        try:
            text.format(**VOICE_PLACEHOLDERS.get(key, {}))
        except (KeyError, IndexError, ValueError):
            names = ", ".join("{" + n + "}" for n in VOICE_PLACEHOLDERS.get(key, {})) or "none"
            check.error(src, ("strings", key), f"the spoken {key!r} has a {{placeholder}} the line does not fill "
                                               f"(it may use: {names})")
            continue
        known_numbers(src, ("strings", key), text)
        strings[key] = text.strip()
    for key in ("danger", "self_harm", "help_now", "greeting", "error"):
        if key in strings and "911" not in strings[key]:
            check.error(src, ("strings", key), f"the spoken {key!r} must tell the caller to hang up and call 911")
    names = {}
    for cid, value in (data.get("contacts") or {}).items():
        if str(cid) not in labels:
            check.error(src, ("contacts", cid), f"{cid} is not a contact of this language (contacts.yaml)")
        elif (name := check.text(src, ("contacts", cid), value, f"the spoken name of {cid}")) is not None:
            names[str(cid)] = name.strip()
    instead = {}
    for written, said in (data.get("instead") or {}).items():
        if (text := check.text(src, ("instead", written), said, "what a call says instead")) is not None:
            instead[str(written)] = text.strip()
    speech = data.get("speech")
    return Spoken(settings["voice"], settings["language"], str(speech).strip() if speech else None,
                  MappingProxyType(strings), MappingProxyType({**labels, **names}), MappingProxyType(instead))
