"""A further language is content alone (a folder and a line of configuration); check says what a
language is missing and whether it was reviewed.
"""

from __future__ import annotations

import re
import shutil

import pytest
from multilingual import NOW

from helpers import ROOT, text_step
from sms import channels, cli, conversation
from sms import content as content_module
from sms.channels.sms import render
from sms.content import STRINGS
from sms.conversation import State
from sms.understanding import Understanding

# -- a further language: content only -------------------------------------------------------------------------


SWAHILI_WELCOME = ("Laini ya Habari kuhusu Usafirishaji wa Binadamu, MT. Uko hatarini? Piga 911. Msaada bure 24/7: "
                   "piga 1-888-373-7888 au tuma ujumbe 233733.")


@pytest.fixture
def with_swahili(content_copy):
    """The content copy with a Swahili folder (English text, its own name, switch words and welcome) listed."""
    folder = content_copy / "content" / "sw"
    shutil.copytree(content_copy / "content" / "en", folder)
    (folder / "language.yaml").write_text(
        "name: Kiswahili\nswitch: [KISWAHILI, SW]\nalphabet: gsm\nreviewed: false\n", encoding="utf-8")
    strings = folder / "strings.yaml"
    text, n = re.subn(r"(?m)^welcome: .*$", f'welcome: "{SWAHILI_WELCOME}"', strings.read_text(encoding="utf-8"))
    assert n == 1
    strings.write_text(text, encoding="utf-8")
    listing = content_copy / "content" / "languages.yaml"
    listing.write_text(listing.read_text(encoding="utf-8").rstrip("\n") + "\n  - sw\n", encoding="utf-8")
    return content_copy


def test_a_new_language_is_a_folder_and_a_line_of_configuration(with_swahili, content):
    problems = channels.check(with_swahili)
    assert [str(p) for p in problems if p.error] == []
    fixed = len(STRINGS) + len(content.menus) - 1
    sw_problems = [p for p in problems if p.file.startswith("content/sw")]
    assert "language sw (Kiswahili): not reviewed by a fluent speaker" in [p.message for p in sw_problems]
    assert (f"language sw: {len(content.languages['en'].topics)}/{len(content.languages['en'].topics)} topics, "
            f"{fixed}/{fixed} fixed replies, {len(content.content.contacts)}/{len(content.content.contacts)} contact names"
            in [p.message for p in sw_problems])
    assert all(not p.error for p in sw_problems)

    loaded = render.load(with_swahili)
    sw = loaded.languages["sw"]
    assets = conversation.Assets(loaded, Understanding(loaded.content))  # on phrases alone: the model has no Swahili examples
    assert list(loaded.languages) == [*content.languages, "sw"] and not loaded.content.languages["sw"].reviewed
    for word in ("KISWAHILI", "kiswahili.", "Sw"):
        for state in (State(), State(lang="es", menu=("main", "gethelp"), topic="report", page=1, seen=NOW)):
            new, reply = text_step(state, word, assets, NOW + 60)
            assert reply.text == sw.menus["main"] and reply.text.startswith(SWAHILI_WELCOME)
            assert new.lang == "sw"
            _, later = text_step(new, "hi", assets, NOW + 60 + 31 * 60)
            assert later.text == sw.menus["main"]
    _, danger = text_step(State(lang="sw"), "they locked me in", assets, NOW)
    assert danger.kind == "danger" and "911" in danger.text


def test_check_lists_what_a_language_is_missing(with_swahili, content, capsys):
    folder = with_swahili / "content" / "sw"
    (folder / "topics" / "rural.yaml").unlink()
    strings = folder / "strings.yaml"
    strings.write_text(re.sub(r"(?m)^no_more: .*\n", "", strings.read_text(encoding="utf-8")), encoding="utf-8")
    names = folder / "contacts.yaml"
    names.write_text(re.sub(r"(?m)^canada: .*\n", "", names.read_text(encoding="utf-8")), encoding="utf-8")

    assert cli.main(["check", "--content", str(with_swahili)]) == 1
    out = capsys.readouterr().out
    topics, fixed, contacts = len(content.languages["en"].topics), len(STRINGS) + len(content.menus) - 1, len(content.content.contacts)
    assert (f"warning content/sw: language sw: {topics - 1}/{topics} topics (missing: rural), "
            f"{fixed - 1}/{fixed} fixed replies (missing: no_more), "
            f"{contacts - 1}/{contacts} contact names (missing: canada)") in out.splitlines()
    assert "ERROR content/sw/topics/rural.yaml: file is missing" in out
    assert "warning content/sw/language.yaml:4: language sw (Kiswahili): not reviewed by a fluent speaker" in out
    for code, lang in content.languages.items():  # the shipped languages are still listed, complete
        assert f"warning content/{code}: language {code}: {topics}/{topics} topics, {fixed}/{fixed} fixed replies, " \
               f"{contacts}/{contacts} contact names" in out
    with pytest.raises(content_module.ContentError):
        render.load(with_swahili)


def test_check_reports_review_status_and_completeness_of_the_real_content(content):
    problems = channels.check(ROOT)
    messages_ = [p.message for p in problems]
    for code, lang in content.languages.items():
        complete = [m for m in messages_ if m.startswith(f"language {code}: ")]
        assert len(complete) == 1 and "missing" not in complete[0], complete
        unreviewed = f"language {code} ({lang.name}): not reviewed by a fluent speaker"
        assert (unreviewed in messages_) == (not content.content.languages[code].reviewed), code
    assert all(not p.error for p in problems if p.message.startswith("language "))
