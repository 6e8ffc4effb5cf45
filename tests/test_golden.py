"""Golden transcripts: every top-menu path, page by page, as the texter reads it (tests/golden/*.txt).

Each transcript walks one entry of the main menu with the real content: the welcome, the entry's number,
then each entry of its sub-menu in turn (its number, MORE until the last page, BACK), then MENU, each
command in the language's own words. English has one transcript per main-menu entry; every other
language one for main-menu entry 1. The walks are menus, numbers and commands only, so they are read
without the model (phrases alone), as the line reads them when the model is off. A content edit shows in
review as a diff of these files. After an intended change, rewrite them and commit them with the change:

    .venv/bin/python tests/test_golden.py --update     (the same as: python -m pytest tests/test_golden.py --update)
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path
from types import MappingProxyType

if __name__ == "__main__":  # run as a script: these tests, through pytest (which finds sms and the helpers)
    sys.exit(subprocess.call([sys.executable, "-m", "pytest", __file__, *sys.argv[1:]],
                             cwd=Path(__file__).resolve().parent.parent))

import pytest  # noqa: E402
import yaml  # noqa: E402
from golden_diff import unified_diff  # noqa: E402

from helpers import ROOT, UNLIMITED, exchange, text_step  # noqa: E402
from sms import conversation, understanding  # noqa: E402

GOLDEN = Path(__file__).resolve().parent / "golden"
NOW = 1_800_000_000.0  # fixed: the whole conversation happens at this instant, well inside one session
UPDATE = "python tests/test_golden.py --update"


def paths(content) -> list[tuple[str, int]]:
    """(language, main-menu entry number) of every transcript: all English entries, entry 1 of the others."""
    main = content.menus["main"]
    out = [(content.default, n) for n in range(1, len(main) + 1)]
    return out + [(code, 1) for code in content.languages if code != content.default]


def file_name(content, lang: str, n: int) -> str:
    """tests/golden/<lang>-<n>-<target>.txt, e.g. en-1-gethelp.txt."""
    return f"{lang}-{n}-{content.menus['main'][n - 1].target}.txt"


def words(lang: str) -> dict[str, str]:
    """What a texter of lang sends: its first word for menu, more and back, and the opening text.

    The opening is "hi" in the default language and the language's first switch word in another, so
    the transcript starts as a new texter's first conversation in that language does.
    """
    folder = ROOT / "content" / lang
    commands = yaml.safe_load((folder / "keywords.yaml").read_text(encoding="utf-8"))["commands"]
    switch = yaml.safe_load((folder / "language.yaml").read_text(encoding="utf-8"))["switch"]
    found = {name: str(commands[name][0]) for name in ("menu", "more", "back")}
    first = yaml.safe_load((ROOT / "content" / "languages.yaml").read_text(encoding="utf-8"))["languages"][0]
    return found | {"open": "hi" if lang == first else str(switch[0])}


_understood: dict[int, tuple] = {}


def _assets(content) -> conversation.Assets:
    """content with its understanding on phrases alone (built once per content object)."""
    if id(content) not in _understood:
        _understood[id(content)] = (content, understanding.Understanding(content.content, problem="golden transcripts"))
    return conversation.Assets(*_understood[id(content)])


def transcript(content, lang: str, n: int) -> str:
    """The conversation down main-menu entry n in language lang, from a fresh state, as text."""
    assets = _assets(content)
    say = words(lang)
    state = conversation.State()
    blocks: list[str] = []

    def send(text: str):
        nonlocal state
        state, reply = text_step(state, text, assets, NOW, limits=UNLIMITED)
        blocks.append(exchange(text, reply))
        return reply

    def walk(entry) -> None:
        """After the entry's number was sent: read a topic to its last page, or every entry of a sub-menu."""
        if entry.kind == "topic":
            pages = content.languages[lang].topics[entry.target].pages
            for _ in pages[1:]:
                send(say["more"])
        elif entry.kind == "flow":  # its first question; every branch is in tests/golden/flows/
            return
        else:
            for j, sub in enumerate(content.menus[entry.target], 1):
                send(str(j))
                walk(sub)
                send(say["back"])

    target = content.menus["main"][n - 1]
    header = (f"# {lang}, main menu entry {n} ({target.target}). Generated from the content by "
              f"`{UPDATE}`: do not edit by hand.\n")
    send(say["open"])
    send(str(n))
    walk(target)
    if target.kind == "topic":
        send(say["back"])
    send(say["menu"])
    return header + "\n" + "\n".join(blocks)


def difference(content, lang: str, n: int) -> str | None:
    """A unified diff of the transcript on file against the one the content gives now; None when equal."""
    name = file_name(content, lang, n)
    path = GOLDEN / name
    expected = path.read_text(encoding="utf-8") if path.exists() else ""
    actual = transcript(content, lang, n)
    if actual == expected:
        return None
    diff = unified_diff(expected.splitlines(), actual.splitlines(),
                        f"tests/golden/{name} (on file)", f"tests/golden/{name} (from the content)")
    return diff if expected else f"tests/golden/{name} is missing\n{diff}"


# -- tests ---------------------------------------------------------------------------------------


def pytest_generate_tests(metafunc):
    """One test per transcript on file (named <lang>-<n>-<target>.txt); missing ones fail below."""
    if "golden_path" in metafunc.fixturenames:
        found = [p.stem.split("-", 2) for p in sorted(GOLDEN.glob("*.txt"))]
        params = [(lang, int(n)) for lang, n, _ in found]
        metafunc.parametrize("golden_path", params, ids=[f"{lang}-{n}" for lang, n in params])


def test_transcript(content, golden_path, update):
    lang, n = golden_path
    if update:
        _write(content, lang, n)
        return
    assert golden_path in paths(content), f"tests/golden has a transcript no menu path gives; run `{UPDATE}`"
    diff = difference(content, lang, n)
    assert diff is None, f"the conversation changed; if that is intended, run `{UPDATE}`\n{diff}"


def _write(content, lang: str, n: int) -> None:
    path = GOLDEN / file_name(content, lang, n)
    text = transcript(content, lang, n)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def test_every_path_has_a_transcript(content, update):
    if update:  # write the transcripts of new paths, remove those of paths gone
        GOLDEN.mkdir(exist_ok=True)
        wanted = {file_name(content, lang, n): (lang, n) for lang, n in paths(content)}
        for stale in GOLDEN.glob("*.txt"):
            if stale.name not in wanted:
                stale.unlink()
        for lang, n in wanted.values():
            _write(content, lang, n)
    missing = [file_name(content, lang, n) for lang, n in paths(content)
               if not (GOLDEN / file_name(content, lang, n)).exists()]
    assert not missing, f"no transcript for {missing}; run `{UPDATE}`"
    extra = sorted({p.name for p in GOLDEN.glob("*.txt")} - {file_name(content, *p) for p in paths(content)})
    assert not extra, f"transcripts no menu path gives: {extra}; run `{UPDATE}`"


def test_transcripts_hold_every_page_of_every_topic_they_reach(content):
    """Every page of each topic on a path is in its transcript, so a change to any page shows."""
    for lang, n in paths(content):
        text = transcript(content, lang, n)
        reached, todo = [], [content.menus["main"][n - 1]]
        while todo:
            entry = todo.pop()
            if entry.kind == "topic":
                reached.append(entry.target)
            elif entry.kind == "menu":
                todo.extend(content.menus[entry.target])
        for topic in reached:
            for i, page in enumerate(content.languages[lang].topics[topic].pages, 1):
                assert f"\n{page}\n" in text, f"{lang}-{n}: page {i} of {topic} is not in the transcript"


def test_english_transcripts_reach_every_topic(content):
    text = "".join(transcript(content, content.default, n) for n in range(1, len(content.menus["main"]) + 1))
    for topic in content.languages[content.default].topics.values():
        assert topic.pages[0] in text, f"{topic.id} is on no English menu path"


@pytest.mark.parametrize("where", ["first", "last"])
@pytest.mark.parametrize("lang", ["en", "es", "fr", "ar"])
def test_a_changed_page_fails_with_a_diff(content, lang, where):
    """Edit one page of a copy of the content in memory: its transcript no longer matches the file."""
    n = 1
    entry = content.menus[content.menus["main"][n - 1].target][0]
    language = content.languages[lang]
    topic = language.topics[entry.target]
    i = 0 if where == "first" else len(topic.pages) - 1
    lines = topic.pages[i].split("\n")
    k = max(range(len(lines)), key=lambda k: len(lines[k]))  # the page's body, not its header or footer
    old_line, new_line = lines[k], lines[k].replace(" ", "  ", 1)  # the smallest edit: one doubled space
    lines[k] = new_line
    pages = topic.pages[:i] + ("\n".join(lines),) + topic.pages[i + 1:]
    edited_topic = dataclasses.replace(topic, pages=pages)
    edited_language = dataclasses.replace(language, topics=MappingProxyType({**language.topics, topic.id: edited_topic}))
    edited = dataclasses.replace(content, languages=MappingProxyType({**content.languages, lang: edited_language}))
    assert difference(content, lang, n) is None
    diff = difference(edited, lang, n)
    assert diff is not None
    assert f"-{old_line}" in diff.splitlines() and f"+{new_line}" in diff.splitlines()
