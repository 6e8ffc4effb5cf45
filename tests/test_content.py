"""The real content loads and keeps its promises; broken content is refused with file and line."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml

from helpers import ROOT
from sms import channels
from sms.channels.sms import render, segments
from sms.content import ContentError, load

BUDGET = 3  # SMS_SEGMENT_BUDGET's default
HOTLINE = "1-888-373-7888"
CURLY = "\u2019"


def _ids(path):
    """The ids of a catalogue: its topics and its answers (each served as a topic)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [t["id"] for key in ("topics", "answers") for t in data.get(key) or []]


def _topic_file(topic_id, root=ROOT, lang="en"):
    return root / "content" / lang / "topics" / f"{topic_id}.yaml"


def _sent_texts(language):
    """Every text the line can send in one language, by where it comes from."""
    texts = {f"strings.yaml {key}": text for key, text in language.strings.items()}
    texts.update({f"menu {menu_id}": text for menu_id, text in language.menus.items()})
    for topic in language.topics.values():
        texts.update({f"topic {topic.id} page {i}": page for i, page in enumerate(topic.pages, 1)})
    return texts


# -- the real content ---------------------------------------------------------------------------------


def test_real_content_has_no_errors():
    problems = channels.check(ROOT)
    assert [str(p) for p in problems if p.error] == []


def test_every_catalogue_topic_exists_in_every_language(content):
    ids = _ids(ROOT / "content" / "topics.yaml")
    assert ids and len(ids) == len(set(ids))
    for code, language in content.languages.items():
        assert sorted(language.topics) == sorted(ids), code
        for topic_id in ids:
            assert _topic_file(topic_id, lang=code).is_file()
            assert language.topics[topic_id].pages


def test_catalogue_is_the_shared_one():
    shared = ROOT.parent / "shared" / "topics.yaml"
    if not shared.is_file():
        pytest.skip(f"{shared} is not here (the project's shared folder is absent)")
    assert _ids(ROOT / "content" / "topics.yaml") == _ids(shared)
    ours, theirs = (yaml.safe_load(path.read_text(encoding="utf-8")) for path in (ROOT / "content" / "topics.yaml", shared))
    assert ours.get("answers") == theirs.get("answers")  # answer ids and the topic each is part of


def test_every_page_fits_the_budget_and_is_gsm(content):
    for code, language in content.languages.items():
        for topic in language.topics.values():
            for i, page in enumerate(topic.pages, 1):
                assert segments.segments(page) <= BUDGET, (topic.id, i, segments.encode(page))
                if code == "en":
                    assert segments.is_gsm(page), (topic.id, i, segments.non_gsm_chars(page))


def test_every_english_text_and_menu_is_gsm_and_within_budget(en):
    for where, text in _sent_texts(en).items():
        assert segments.is_gsm(text), (where, segments.non_gsm_chars(text))
        assert segments.segments(text) <= BUDGET, (where, segments.encode(text))


def test_composed_replies_fit_the_budget(en):
    say = en.strings
    started = f"{say['started']}\n{en.menus['main']}"  # the reply to START
    longest = sorted((t.title for t in en.topics.values()), key=len)[-3:]
    clarify = "\n".join([say["clarify"], *(f"{n} {t}" for n, t in enumerate(longest, 1)), say["clarify_footer"]])
    for text in (started, clarify):
        assert segments.is_gsm(text)
        assert segments.segments(text) <= BUDGET, text


def test_welcome_fits_two_segments_and_gives_911_and_the_hotline(en):
    welcome = en.menus["main"]
    assert segments.segments(welcome) <= 2, segments.encode(welcome)
    assert "911" in welcome
    assert HOTLINE in welcome


def test_fixed_safety_replies_give_the_hotline(en):
    for key in ("danger", "unknown", "error", "help"):
        assert HOTLINE in en.strings[key], key
    assert "911" in en.strings["danger"]
    assert "233733" in en.strings["danger"]


# Phone numbers as people write them, and SMS short codes (5-6 digits on their own).
NUMBER = re.compile(r"(?<![\w-])(?:1[-. ])?(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\w-])|(?<![\w-])\d{5,6}(?![\w-])")


def _digits(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def test_every_number_sent_comes_from_the_referral_directory(content):
    directory = yaml.safe_load((ROOT / "content" / "referrals.yaml").read_text(encoding="utf-8"))["contacts"]
    known = {_digits(n) for c in directory for field in ("phone", "text") if c.get(field)
             for n in NUMBER.findall(str(c[field]))}
    assert _digits(HOTLINE) in known and "233733" in known
    for language in content.languages.values():
        for where, text in _sent_texts(language).items():
            for number in NUMBER.findall(text):
                assert _digits(number) in known, f"{where}: {number} is not in content/referrals.yaml"


def test_police_and_immigration_contacts_are_labelled(content, en):
    labels = yaml.safe_load((ROOT / "content" / "en" / "contacts.yaml").read_text(encoding="utf-8"))
    labelled = 0
    for topic_id, topic in en.topics.items():
        data = yaml.safe_load(_topic_file(topic_id).read_text(encoding="utf-8"))
        last = topic.pages[-1]
        assert en.strings["contacts_intro"] in last
        for cid in data["contacts"]:
            contact = content.content.contacts[cid]
            name = str(labels[cid]).strip()
            assert name in last, (topic_id, cid)
            if contact.immigration:
                assert f"{name} ({en.strings['label_immigration']})" in last, (topic_id, cid)
                labelled += 1
            elif contact.law_enforcement:
                assert f"{name} ({en.strings['label_police']})" in last, (topic_id, cid)
                labelled += 1
            else:
                assert f"{name} (" not in last, (topic_id, cid)
    assert labelled, "no topic gives a police or immigration contact: this test checks nothing"


# -- broken content ------------------------------------------------------------------------------------


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}: the test needs updating for the new content"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path, needle):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def _first_page_line(path):
    """The line of a topic file's first page, a one-line double-quoted string."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("pages:") + 1
    assert lines[start].startswith('  - "'), f"{path}: the first page is no longer a one-line quoted string"
    return lines[start]


def _insert_into_first_page(path, words):
    line = _first_page_line(path)
    _edit(path, line, line.replace('- "', f'- "{words}', 1))
    return _line_of(path, words)


def _insert_after(path, anchor_line, new_line):
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    lines.insert(lines.index(anchor_line) + 1, new_line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines.index(new_line) + 1


def _refused(root, file, line, *needles):
    """load() refuses the content with ContentError, listing the problem with its file and line.

    (check() gathers the same problems as load(): test_stale_checked_date... calls it directly.)
    """
    with pytest.raises(ContentError) as raised:
        render.load(root)
    problems = raised.value.problems
    found = [p for p in problems if p.file == file and (line is None or p.line == line)
             and all(n in p.message for n in needles)]
    assert found, [str(p) for p in problems]
    assert all(p.error for p in found)
    where = f"{file}:{line}" if line else file
    assert where in str(raised.value)


def test_menu_entry_to_an_unknown_topic(content_copy):
    menu = content_copy / "menus" / "menu.yaml"
    line = _insert_after(menu, "gethelp:", "  - topic: no-such-topic")
    _refused(content_copy, "menus/menu.yaml", line, "no-such-topic")


def test_curly_quote_in_a_page(content_copy):
    path = _topic_file("red-flags", content_copy)
    line = _insert_into_first_page(path, f"It{CURLY}s not your fault. ")
    _refused(content_copy, "content/en/topics/red-flags.yaml", line, repr(CURLY))


def test_curly_quote_in_a_topic_title(content_copy):
    path = _topic_file("rights", content_copy)
    title = _line_of(path, "title:")
    _edit(path, "title: ", f"title: Workers{CURLY} ")
    _refused(content_copy, "content/en/topics/rights.yaml", title, repr(CURLY))


def test_curly_quote_in_a_menu_title(content_copy):
    path = content_copy / "content" / "en" / "strings.yaml"
    line = _line_of(path, "  gethelp:")
    _edit(path, "  gethelp: \"", f"  gethelp: \"Women{CURLY}s help, ")
    _refused(content_copy, "content/en/strings.yaml", line, repr(CURLY))


def test_curly_quote_in_a_contact_short_name(content_copy):
    path = content_copy / "content" / "en" / "contacts.yaml"
    line = _line_of(path, "haven:")
    _edit(path, 'haven: "', f'haven: "Women{CURLY}s shelter, ')
    _refused(content_copy, "content/en/contacts.yaml", line, repr(CURLY))


def test_non_gsm_character_in_a_referral_number(content_copy):
    path = content_copy / "content" / "referrals.yaml"
    _edit(path, "phone: 406-586-4111", "phone: 406\u2011586\u20114111")  # non-breaking hyphens, pasted from a web page
    _refused(content_copy, "content/referrals.yaml", _line_of(path, "406\u2011586"), "\u2011")


def test_unknown_contact_id(content_copy):
    path = _topic_file("red-flags", content_copy)
    _edit(path, "contacts: [", "contacts: [no-such-contact, ")
    _refused(content_copy, "content/en/topics/red-flags.yaml", _line_of(path, "no-such-contact"), "no-such-contact")


def test_contact_without_phone_text_or_web(content_copy):
    path = content_copy / "content" / "referrals.yaml"
    with path.open("a", encoding="utf-8") as f:
        f.write(f"\n  - id: nowhere\n    name: Nowhere Center\n    source: a flyer\n    checked: {dt.date.today()}\n")
    _refused(content_copy, "content/referrals.yaml", _line_of(path, "- id: nowhere"), "nowhere")


def test_invented_phone_number_in_a_page(content_copy):
    path = _topic_file("red-flags", content_copy)
    line = _insert_into_first_page(path, "Call 1-800-555-0199 now. ")
    _refused(content_copy, "content/en/topics/red-flags.yaml", line, "1-800-555-0199")


def test_invented_number_in_a_fixed_reply(content_copy):
    path = content_copy / "content" / "en" / "strings.yaml"
    line = _line_of(path, "unknown:")
    _edit(path, 'unknown: "', 'unknown: "Or call (406) 555-0199. ')
    _refused(content_copy, "content/en/strings.yaml", line, "555-0199")


def test_phrase_equal_to_a_command_word(content_copy):
    path = _topic_file("rights", content_copy)
    line = _insert_after(path, "phrases:", "  - Main Menu")
    _refused(content_copy, "content/en/topics/rights.yaml", line, "Main Menu")


def test_stale_checked_date_is_a_warning_not_an_error(content_copy):
    path = content_copy / "content" / "referrals.yaml"
    text = path.read_text(encoding="utf-8")
    stale = re.sub(r"checked: \d{4}-\d{2}-\d{2}", "checked: 2020-01-01", text, count=1)
    assert stale != text
    path.write_text(stale, encoding="utf-8")
    render.load(content_copy)  # loads: a stale date does not stop the line
    problems = channels.check(content_copy)
    warnings = [p for p in problems if p.file == "content/referrals.yaml" and "2020-01-01" in p.message]
    assert len(warnings) == 1
    assert not warnings[0].error
    assert warnings[0].line == _line_of(path, "checked: 2020-01-01")
    assert str(warnings[0]).startswith("warning ")


def test_every_problem_is_listed_not_just_the_first(content_copy):
    _insert_after(content_copy / "menus" / "menu.yaml", "gethelp:", "  - topic: no-such-topic")
    _edit(_topic_file("red-flags", content_copy), "contacts: [", "contacts: [no-such-contact, ")
    _insert_into_first_page(_topic_file("rights", content_copy), "Call 1-800-555-0199 now. ")
    with pytest.raises(ContentError) as raised:
        render.load(content_copy)
    text = str(raised.value)
    for needle in ("no-such-topic", "no-such-contact", "1-800-555-0199"):
        assert needle in text
    assert [p for p in channels.check(content_copy) if p.error] == raised.value.problems


def test_missing_topic_file_is_reported(content_copy):
    _topic_file("border", content_copy).unlink()
    _refused(content_copy, "content/en/topics/border.yaml", None, "missing")


def test_unreadable_yaml_is_listed_with_its_line_not_a_crash(content_copy):
    strings = content_copy / "content" / "en" / "strings.yaml"
    lines = strings.read_text(encoding="utf-8").splitlines()
    strings.write_text("\n".join(lines + ["welcome: [never closed"]) + "\n", encoding="utf-8")
    _refused(content_copy, "content/en/strings.yaml", None, "cannot be read")


def test_a_placeholder_the_line_does_not_fill_is_refused(content_copy):
    strings = content_copy / "content" / "en" / "strings.yaml"
    _edit(strings, 'detected: "Reply {code} to switch back."', 'detected: "Reply {language} to switch back."')
    _refused(content_copy, "content/en/strings.yaml", None, "detected", "{code}")


def test_a_language_whose_switch_words_lack_its_code_is_refused(content_copy):
    meta = content_copy / "content" / "es" / "language.yaml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text.replace(", ES,", ",").replace("ES, ", "").replace(", ES]", "]"), encoding="utf-8")
    _refused(content_copy, "content/es/language.yaml", None, "ES")


@pytest.mark.parametrize("entry, needle", [("  danger: emergency", "never dials 911"), ('  danger: "988"', "never dials 911, 988"),
                                           ("  danger: no-such-contact", "no contact"), ("  hunger: nhth", "not an alarm")])
def test_a_call_is_connected_only_to_a_contact_with_a_phone_never_911(content_copy, entry, needle):
    path = content_copy / "content" / "referrals.yaml"
    text = path.read_text(encoding="utf-8").replace("  danger: nhth\n", "")
    path.write_text(text, encoding="utf-8")
    line = _insert_after(path, "connect:", entry)
    _refused(content_copy, "content/referrals.yaml", line, needle)


@pytest.mark.parametrize("written, read_as", [
    ("  - Say what you can: where, when, what you saw.", "a pair of a name and a value"),
    ("  - Yes", "yes-or-no (True)"),
    ("  - 2023", "a number (2023)"),
])
def test_a_page_yaml_does_not_read_as_text_is_an_error_an_editor_understands(content_copy, written, read_as):
    path = _topic_file("report", content_copy)
    line = _insert_after(path, "pages:", written)
    _refused(content_copy, "content/en/topics/report.yaml", line, "a page is not text", read_as, 'double quotes')


def test_a_phrase_a_fixed_reply_and_a_command_word_must_be_text_too(content_copy):
    line = _insert_after(_topic_file("rights", content_copy), "phrases:", "  - no")
    _refused(content_copy, "content/en/topics/rights.yaml", line, "a phrase is not text", "yes-or-no (False)")
    strings = content_copy / "content" / "en" / "strings.yaml"
    text = strings.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("no_more: "))
    strings.write_text(text.replace(old, "no_more: yes"), encoding="utf-8")
    keywords = content_copy / "content" / "en" / "keywords.yaml"
    keywords.write_text(keywords.read_text(encoding="utf-8").replace('"YES"]', "YES]", 1), encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        render.load(content_copy)
    found = str(raised.value)
    assert "content/en/strings.yaml" in found and "fixed reply 'no_more' is not text: YAML read it as yes-or-no" in found
    assert "content/en/keywords.yaml" in found and "a start word is not text: YAML read it as yes-or-no (True)" in found


def test_no_reply_shows_what_the_line_is_about_in_its_first_words():
    """A lock screen shows the first 40 characters of a message to whoever holds the phone."""
    assert [str(p) for p in channels.check(ROOT) if "lock screen" in p.message] == []


def test_a_title_that_names_trafficking_is_warned_of(content_copy):
    path = _topic_file("rights", content_copy)
    title = _line_of(path, "title:")
    _edit(path, "title: Your rights", "title: Trafficking victims' rights")
    warned = [p for p in channels.check(content_copy) if "lock screen" in p.message]
    found = [p for p in warned if p.file == "content/en/topics/rights.yaml"]
    assert found and all(not p.error and p.line == title for p in warned if p in found)
    assert {p.file for p in warned if p.file.startswith("content/en/")} == {"content/en/topics/rights.yaml",
                                                                           "content/en/strings.yaml"}  # its menu too
    assert "'trafficking'" in found[0].message and "Trafficking victims' rights (1/" in found[0].message


def test_a_long_topic_and_a_short_page_are_warned_of(content_copy):
    path = _topic_file("report", content_copy)
    _insert_after(path, "pages:", '  - "Short."')
    for n in range(4):
        _insert_after(path, "pages:", f'  - "{"Say what you saw, and when. " * 12}{n}"')
    messages = [p.message for p in channels.check(content_copy) if p.file == "content/en/topics/report.yaml"]
    assert any("segments before all its contacts" in m for m in messages), messages
    assert any(re.match(r"message \d+ holds \d+ of the 459 characters it could: join its page", m) for m in messages)


def _voice_problems(root):
    return [p for p in channels.check(root) if "voice" in p.file]


def test_check_says_when_twilio_cannot_speak_a_language_and_calls_leave_it_out(content_copy):
    path = content_copy / "content" / "fr" / "voice.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("voice: Polly.Lea", "voice: Polly.Nobody"), encoding="utf-8")
    found = [p for p in _voice_problems(content_copy) if p.file == "content/fr/voice.yaml"]
    line = path.read_text(encoding="utf-8").splitlines().index(next(
        x for x in path.read_text(encoding="utf-8").splitlines() if x.startswith("voice:"))) + 1
    assert [(p.error, p.line) for p in found] == [(False, line)] and "calls do not offer fr" in found[0].message
    renditions, _ = channels.render_all(load(content_copy), 3)
    assert list(renditions["voice"].voices) == ["en", "es", "ar"]
    assert renditions["voice"].voice("fr").voice == "Polly.Joanna"  # a French speaker on a call hears English


@pytest.mark.parametrize("old, new, needle", [
    ('  person: "0"', '  person: "3"', "3 chooses a menu entry"),
    ('  menu: "*"', '  menu: "0"', "key 0 already does something else"),
    ('  back: "#"', '  back: "ab"', "must be one of 0-9"),
])
def test_keys_that_would_clash_on_a_call_are_errors(content_copy, old, new, needle):
    path = content_copy / "content" / "voice.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    _refused(content_copy, "content/voice.yaml", None, needle)


def test_a_spoken_reply_missing_or_without_911_is_an_error(content_copy):
    path = content_copy / "content" / "es" / "voice.yaml"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("goodbye:")]
    path.write_text("\n".join(line.replace("911", "112") if line.lstrip().startswith("danger:") else line
                              for line in lines) + "\n", encoding="utf-8")
    _refused(content_copy, "content/es/voice.yaml", None, "'goodbye' is missing")
    _refused(content_copy, "content/es/voice.yaml", None, "hang up and call 911")


def test_the_default_language_must_say_what_a_call_says(content_copy):
    (content_copy / "content" / "en" / "voice.yaml").unlink()
    (content_copy / "content" / "es" / "voice.yaml").unlink()
    problems = channels.check(content_copy)
    assert any(p.error and p.file == "content/en/voice.yaml" for p in problems)
    assert any(not p.error and p.file == "content/es/voice.yaml" and "calls do not offer es" in p.message for p in problems)
