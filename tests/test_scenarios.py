"""Hand-written conversations (tests/scenarios/*.txt), replayed through the line as a texter lives them.

A scenario is a script: its `>` lines are what the texter sends (`> [picture]` a picture without words,
`> [picture] words` one with words), `@ +N minutes` lines let time pass, and `#` lines at the top say what
it shows. Everything else is the line's replies, which the run compares
with what the line says now; `python -m pytest tests/test_scenarios.py --update` rewrites them, to be read
in review as a diff and committed with the change that caused it. Each text goes through Line with the
real content and model and a real SQLite store, so the State is saved (to_dict) and loaded (from_dict)
between every two texts, as on a live line. tests/scenarios/*.txt are SMS conversations,
tests/scenarios/whatsapp/*.txt WhatsApp ones (from a whatsapp: address, answered from its rendition);
calls have their own runner (test_voice.py, tests/scenarios/voice/).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from golden_diff import unified_diff

from helpers import HASH_SECRET, NUMBER, exchange
from sms.line import Line, LineSettings
from sms.stores import SQLiteStore

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
START = 1_800_000_000.0
GAP = 20.0  # seconds between two texts
WAIT = re.compile(r"@ \+(\d+) minutes?$")
CHANNELS = ("sms", "whatsapp")  # each one's scenarios: tests/scenarios/ (SMS) and tests/scenarios/<channel>/
PICTURE = "[picture]"


@dataclass(frozen=True)
class Script:
    """A scenario as written: its heading comments and its steps ("text", sent) or ("wait", seconds)."""

    heading: tuple[str, ...]
    steps: tuple[tuple[str, object], ...]


def parse(text: str) -> Script:
    """The heading and the steps of a scenario file; the replies in it are ignored (they are regenerated)."""
    heading, steps = [], []
    for line in text.splitlines():
        if line.startswith("> "):
            steps.append(("text", line[2:]))
        elif WAIT.fullmatch(line):
            steps.append(("wait", int(WAIT.fullmatch(line).group(1)) * 60))
        elif line.startswith("#") and not steps:
            heading.append(line)
    if not steps:
        raise ValueError("a scenario needs at least one '> text' line")
    return Script(tuple(heading), tuple(steps))


def play(script: Script, line: Line, channel: str = "sms") -> str:
    """The scenario file the line gives for script on channel: its heading, each text with its reply,
    each wait."""
    now, blocks = START, []
    for n, (kind, value) in enumerate(script.steps):
        if kind == "wait":
            now += value
            blocks.append(f"@ +{value // 60} minutes\n")
            continue
        now += GAP
        body = value.removeprefix(PICTURE).strip()
        media = int(value.startswith(PICTURE))
        address = f"whatsapp:{NUMBER}" if channel == "whatsapp" else NUMBER
        reply = line.handle(address, body, sid=f"SM{n:032d}", now=now, media=media, channel=channel)
        blocks.append(exchange(value, reply, channel))
    return "\n".join(script.heading) + "\n\n" + "\n".join(blocks)


def scenario_files(channel: str | None = None) -> list[Path]:
    """The scenarios of channel (SMS's are in tests/scenarios/ itself); of every channel when None."""
    if channel is None:
        return [path for name in CHANNELS for path in scenario_files(name)]
    return sorted((SCENARIOS if channel == "sms" else SCENARIOS / channel).glob("*.txt"))


@pytest.fixture
def line_for(every_channel, tmp_path):
    """A line on a store of its own, answering from every channel's rendition of the real content."""
    made = []

    def make(channel: str) -> Line:
        made.append(channel)
        return Line(every_channel, SQLiteStore(tmp_path / f"{channel}-{len(made)}.sqlite3"), LineSettings(HASH_SECRET))
    return make


@pytest.mark.parametrize(("channel", "path"), [(c, p) for c in CHANNELS for p in scenario_files(c)],
                         ids=lambda v: v if isinstance(v, str) else v.stem)
def test_scenario(path, channel, line_for, update):
    written = path.read_text(encoding="utf-8")
    played = play(parse(written), line_for(channel), channel)
    if update:
        path.write_text(played, encoding="utf-8")
        return
    assert played == written, ("the conversation changed; if that is intended, run "
                               "`python -m pytest tests/test_scenarios.py --update`\n"
                               + unified_diff(written.splitlines(), played.splitlines(), f"{path.name} (on file)",
                                              f"{path.name} (from the line)"))


def test_there_are_scenarios_and_each_says_what_it_shows():
    assert len(scenario_files()) >= 6
    for path in scenario_files():
        script = parse(path.read_text(encoding="utf-8"))
        assert script.heading, f"{path.name}: start with '# ' lines saying what the conversation shows"


def test_a_changed_reply_fails_and_update_restores_it(tmp_path, line_for):
    """The runner itself: a scenario whose reply was edited no longer matches what the line says."""
    script = parse("# a greeting\n> hi\n")
    played = play(script, line_for("sms"))
    assert "> hi\n< (" in played and played.startswith("# a greeting\n\n")
    edited = played.rstrip("\n") + " (edited by hand)\n"
    assert parse(edited).steps == script.steps  # the script is the same; only the replies differ
    assert play(parse(edited), line_for("sms")) == played != edited
    assert parse("# waits\n> hi\n@ +31 minutes\n> MORE\n").steps == (("text", "hi"), ("wait", 1860), ("text", "MORE"))
