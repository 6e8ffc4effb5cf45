"""Spanish, French and Arabic end to end, with the real content: switching, commands, danger, detection,
segments, right-to-left numbers; and a further language added by content alone.

Expected texts come from the loaded content; only 911 and the hotline number are written here.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
import shutil
import unicodedata

import pytest
import yaml

from helpers import ROOT, messages, one_message, text_step, topic_paths, twilio_form
from sms import cli, conversation
from sms import content as content_module
from sms import line as line_module
from sms.alarms import Alarm
from sms.channels import written
from sms.channels.sms import render, segments
from sms.content import STRINGS
from sms.content.referrals import PHONE_LIKE
from sms.conversation import State
from sms.text import fold, strip_accents
from sms.understanding import Understanding
from sms.understanding.decide import MAX_CHOICES

NOW = 1_800_000_000.0
HOTLINE = "1-888-373-7888"
LANGS = ["es", "fr", "ar"]
SHORT = ["ok", "si", "no", "menu", "gracias"]

# Words a texter types to switch: each language's name in its own language and script, with and without
# accents (harakat for Arabic), in any case, with stray punctuation.
SWITCH_WORDS = {
    "es": ["ESPAÑOL", "Español", "español", "espanol", "ESPANOL.", " Es "],
    "fr": ["FRANÇAIS", "Français", "français", "francais", "Francais!", "fr"],
    "ar": ["العربية", "عربي", "العَرَبِيَّة", "عَرَبِي", "العربية."],
}

# Texts from someone in danger now: typos, no accents, indirect wording, dialect.
DANGER = {
    "es": [
        "no me dejan salir",
        "me tienen encerrada",
        "no me dejan salir del rancho, el patron tiene mis papeles",
        "estoy atrapao en la troca",
        "el patron me golpio ayer y dice q me va a matar",
        "me estan golpiando",
        "ayudenme porfavor me quieren llevar a la fuerza",
        "nos tienen encerados en un cuarto",
        "no se donde estoy nos subieron a una troca",
        "el jefe nos quito los papeles y no nos deja ir",
    ],
    "fr": [
        "on m'empêche de partir",
        "ils me frappent",
        "on m'empeche de sortir de la ferme",
        "je suis enfermée dans la maison",
        "mon patron ma frapé hier soir",
        "au secour aidez moi vite",
        "il a un couteau et veut me tuer",
        "je sais pas ou je suis, ils nous ont pris de force",
        "je suis bloquée dans la maison",
        "ils nous gardent enfermés la nuit",
    ],
    "ar": [
        "أنا محبوس",
        "يضربونني",
        "المدير يضربني كل يوم",
        "لا أستطيع الخروج من البيت",
        "ساعدوني الآن",
        "خطفوني ولا أعرف أين أنا",
        "انا محبوسة في البيت",
        "أخذوا جوازي ولا يسمحون لي بالخروج",
        "مقفلين علينا الباب",
        "ما يخلونا نطلع من البيت",
    ],
}

# Full questions, as a first text or later, and the topic that answers each.
QUESTIONS = {
    "es": {
        "cuales son mis derechos como trabajador": "rights",
        "como puedo denunciar a mi patron sin dar mi nombre": "report",
        "donde consigo ayuda legal gratis en montana": "resources",
        "mi patron se quedo con mi pasaporte, eso es legal?": "rights",
    },
    "fr": {
        "quels sont mes droits au travail": "rights",
        "comment signaler un cas de traite sans donner mon nom": "report",
        "c'est quoi les signes de la traite des personnes": "red-flags",
        "où trouver un avocat gratuit au Montana": "resources",
    },
    "ar": {
        "ما هي حقوقي في العمل": "rights",
        "كيف أبلغ عن الاتجار بالبشر": "report",
        "ما هي علامات الاتجار بالبشر": "red-flags",
        "أين أجد محاميا مجانيا في مونتانا": "resources",
    },
}

# Ordinary questions, some with words that also appear in danger phrases: never danger.
ORDINARY = {
    "es": ["me pagan muy poco en el rancho que puedo hacer", "que es la trata de personas",
           "puede mi patron quedarse con mis papeles", "necesito un abogado para mi visa",
           "como salir de una deuda con mi patron"],
    "fr": ["est-ce que mon patron peut garder mon passeport", "c'est quoi la traite des personnes",
           "je ne suis pas payé pour mes heures, que faire", "comment aider une voisine",
           "quels sont les signes du travail forcé"],
    "ar": ["هل يحق للمدير أن يأخذ جوازي", "ما هو الاتجار بالبشر", "لم يدفعوا لي أجري ماذا أفعل",
           "كيف أساعد جاري", "أريد محاميا للتأشيرة"],
}


def run(assets, texts, state=None, now=NOW, gap=10.0):
    """Send texts one after another (gap seconds apart); the final state and every reply."""
    state = state or State()
    replies = []
    for i, text in enumerate(texts):
        state, reply = text_step(state, text, assets, now + i * gap)
        replies.append(reply)
    return state, replies


def command_words(code: str) -> dict[str, list[str]]:
    """The command words of content/<code>/keywords.yaml, as written there."""
    data = yaml.safe_load((ROOT / "content" / code / "keywords.yaml").read_text(encoding="utf-8"))
    return {name: [str(w) for w in words] for name, words in data["commands"].items()}


def switch_words(code: str) -> list[str]:
    data = yaml.safe_load((ROOT / "content" / code / "language.yaml").read_text(encoding="utf-8"))
    return [str(w) for w in data["switch"]]


def with_harakat(word: str) -> str:
    """An Arabic word with a fatha on every letter (how some phones' keyboards add vowel marks)."""
    return "".join(c + "\u064e" if "\u0621" <= c <= "\u064a" else c for c in word)


def variants(word: str) -> list[str]:
    """How a texter may type word: any case, without accents (or, in Arabic, with vowel marks), noise."""
    out = [word, word.lower(), word.upper(), word.capitalize(), strip_accents(word), f" {word.lower()}. ",
           f"{word}!"]
    if any("\u0600" <= c <= "\u06ff" for c in word):
        out.append(with_harakat(word))
    return list(dict.fromkeys(out))


def in_topic(assets, code):
    """A conversation in code, on page 1 of its first topic with 3 or more pages: state, topic, menu."""
    lang = assets.content.languages[code]
    for topic_id, (numbers, menu) in topic_paths(assets.content).items():
        if len(lang.topics[topic_id].pages) >= 3:
            state, replies = run(assets, [SWITCH_WORDS[code][0], *numbers])
            assert replies[-1].text == lang.topics[topic_id].pages[0]
            return state, topic_id, menu
    pytest.fail(f"no {code} topic has 3 pages")


def places(assets, code_from):
    """States all over a conversation in code_from: new, welcome, a sub-menu, a topic's page 2, a question."""
    numbers, _ = topic_paths(assets.content)["report"]
    out = {"new": State(), "new, language kept": State(lang=code_from)}
    state, _ = run(assets, [SWITCH_WORDS.get(code_from, ["ENGLISH"])[0]])
    out["welcome"] = state
    out["sub-menu"], _ = run(assets, numbers[:1], state=state)
    out["topic page 2"], _ = run(assets, [*numbers, "MORE"], state=state)
    out["did-you-mean"] = State(lang=code_from, menu=("main",), choices=("rights", "report"), seen=NOW)
    return out


# -- choosing a language -------------------------------------------------------------------------------


def test_each_welcome_offers_the_other_languages_or_english(content):
    for code, lang in content.languages.items():
        offered = {content.content.switches.get(fold(word)) for word in lang.menus["main"].split()}
        wanted = set(content.languages) - {code} if code == content.default else {content.default}
        assert wanted <= offered, (code, lang.menus["main"])


@pytest.mark.parametrize("code", LANGS)
def test_switch_words_switch_from_anywhere(assets, content, code):
    lang = content.languages[code]
    words = list(dict.fromkeys(SWITCH_WORDS[code] + [v for w in switch_words(code) for v in variants(w)]))
    for word in words:
        assert assets.understanding.read(word).switch == code, word
    for origin in ("en", *(c for c in LANGS if c != code)):
        for where, state in places(assets, origin).items():
            for word in words:
                new, reply = text_step(state, word, assets, NOW + 60)
                assert reply.text == lang.menus["main"], (origin, where, word)
                assert new.lang == code and new.menu == ("main",) and new.topic is None, (origin, where, word)
                assert f"lang:{code}" in reply.events


@pytest.mark.parametrize("code", LANGS)
def test_a_chosen_language_sticks_for_the_session_and_the_next(assets, content, code):
    lang = content.languages[code]
    numbers, menu = topic_paths(content)["rights"]
    state, replies = run(assets, ["hi", SWITCH_WORDS[code][1], *numbers, "hi"])
    assert [r.text for r in replies[1:]] == [lang.menus["main"], lang.menus[menu], lang.topics["rights"].pages[0],
                                             lang.strings["unknown"]]
    assert state.lang == code
    for minutes in (31, 60 * 24 * 3):  # the session expired: the welcome, in the chosen language
        new, reply = text_step(state, "hi", assets, NOW + 600 + minutes * 60)
        assert reply.text == lang.menus["main"], minutes
        assert new.lang == code
    new, reply = text_step(state, "1", assets, NOW + 600 + 31 * 60)  # a number after expiry: main menu's entry
    assert reply.text == lang.menus[content.menus["main"][0].target]


@pytest.mark.parametrize("code", [None, "en", *LANGS])
@pytest.mark.parametrize("text", SHORT)
def test_short_ambiguous_texts_never_flip_the_language(assets, content, code, text):
    lang = content.languages[code or content.default]
    for state in (State(lang=code), State(lang=code, menu=("main",), seen=NOW)):
        new, reply = text_step(state, text, assets, NOW + 60)
        assert new.lang == code, (code, text)
        assert not any(e.startswith("lang:") for e in reply.events)
        assert reply.kind != "topic", (code, text, reply.topic)  # no confident answer to a bare word
        if assets.understanding.read(text).command == "menu":
            assert reply.text == lang.menus["main"]


@pytest.mark.parametrize("code", LANGS)
def test_a_first_question_in_another_language_is_answered_in_it(assets, content, code):
    lang = content.languages[code]
    for question, topic_id in QUESTIONS[code].items():
        new, reply = text_step(State(), question, assets, NOW)
        assert (reply.kind, reply.topic) == ("topic", topic_id), question
        assert reply.text == f"{lang.topics[topic_id].pages[0]}\n{lang.strings['detected'].format(code='EN')}", question
        assert segments.fits(reply.text, content.budget)
        assert new.lang == code and f"lang:{code}" in reply.events
        # the conversation goes on in that language
        _, again = text_step(new, "hi", assets, NOW + 31 * 60)
        assert again.text == lang.menus["main"]


def test_a_first_question_in_the_webhook_is_answered_in_its_language(client, content):
    for i, code in enumerate(LANGS):
        lang = content.languages[code]
        number = f"+1406555019{i}"
        question, topic_id = next(iter(QUESTIONS[code].items()))
        text = one_message(client.post("/sms", data=twilio_form(question, number=number)))
        assert text == f"{lang.topics[topic_id].pages[0]}\n{lang.strings['detected'].format(code='EN')}"
        assert one_message(client.post("/sms", data=twilio_form("0", number=number))) == lang.menus["main"]


# -- commands ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", LANGS)
def test_each_language_has_its_own_commands(assets, code):
    words = command_words(code)
    assert set(words) == {"menu", "more", "back", "help", "exit", "stop", "start"}
    for name, listed in words.items():
        assert listed, f"{code} has no word for {name}"
        for word in listed:
            for typed in variants(word):
                assert assets.understanding.read(typed).command == name, (code, typed)


@pytest.mark.parametrize("code", LANGS)
def test_commands_work_in_the_conversation_language(assets, content, code):
    lang = content.languages[code]
    state, topic_id, menu = in_topic(assets, code)
    pages = lang.topics[topic_id].pages
    for name, listed in command_words(code).items():
        for word in listed:
            for typed in variants(word):
                new, reply = text_step(state, typed, assets, NOW + 120)
                where = (code, name, typed)
                if name == "menu":
                    assert reply.text == lang.menus["main"] and new.menu == ("main",) and new.topic is None, where
                elif name == "more":
                    assert reply.text == pages[1] and new.page == 1, where
                elif name == "back":
                    assert reply.text == lang.menus[menu] and new.topic is None, where
                elif name == "help":
                    assert reply.text == lang.strings["help"] and (new.topic, new.page) == (topic_id, 0), where
                elif name == "exit":
                    assert reply.text == lang.strings["quick_exit"] and reply.forget and new == State(seen=new.seen), where
                elif name == "stop":
                    assert reply.text == lang.strings["stopped"] and new.opted_out and new.lang == code, where
                    _, silent = text_step(new, "hi", assets, NOW + 180)
                    assert silent.text is None, where
                elif name == "start":  # not opted out: the welcome
                    assert reply.text == lang.menus["main"] and new.lang == code, where
    opted_out = State(lang=code, opted_out=True, seen=NOW)
    for word in command_words(code)["start"]:
        for typed in variants(word):
            new, reply = text_step(opted_out, typed, assets, NOW + 60)
            assert reply.text == f"{lang.strings['started']}\n{lang.menus['main']}", typed
            assert not new.opted_out and new.lang == code


@pytest.mark.parametrize("code", LANGS)
def test_more_pages_through_every_topic_to_its_contacts(assets, content, code):
    lang = content.languages[code]
    more = command_words(code)["more"][0]
    for topic_id, (numbers, _) in topic_paths(content).items():
        pages = lang.topics[topic_id].pages
        state, replies = run(assets, [SWITCH_WORDS[code][0], *numbers, *[more] * len(pages)])
        got = [r.text for r in replies[len(numbers):]]
        assert got == [*pages, lang.strings["no_more"]], topic_id
        assert lang.strings["contacts_intro"] in pages[-1] and HOTLINE in pages[-1], topic_id


# -- danger -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", LANGS)
def test_danger_in_each_language_gets_911_and_the_hotline_in_that_language(assets, content, code):
    lang = content.languages[code]
    assert len(DANGER[code]) >= 5
    assert "911" in lang.strings["danger"] and HOTLINE in lang.strings["danger"]
    for text in DANGER[code]:
        assert assets.understanding.alarm(assets.understanding.read(text), "en") == (Alarm.DANGER, code), text
        for where, state in places(assets, code).items():
            new, reply = text_step(state, text, assets, NOW + 60)
            assert reply.kind == "danger", (text, where)
            assert reply.text == lang.strings["danger"], (text, where)
            assert new.lang == code and "danger" in reply.events


@pytest.mark.parametrize("code", LANGS)
def test_ordinary_questions_in_each_language_are_not_danger(assets, content, code):
    for text in [*QUESTIONS[code], *ORDINARY[code]]:
        assert assets.understanding.alarm(assets.understanding.read(text), code) is None, text
        for state in (State(), State(lang=code, menu=("main",), seen=NOW)):
            _, reply = text_step(state, text, assets, NOW + 60)
            assert reply.kind != "danger", text


def test_danger_through_the_webhook_in_each_language(client, content):
    for i, code in enumerate(LANGS):
        number = f"+1406555018{i}"
        one_message(client.post("/sms", data=twilio_form(SWITCH_WORDS[code][0], number=number)))
        one_message(client.post("/sms", data=twilio_form("1", number=number)))
        text = one_message(client.post("/sms", data=twilio_form(DANGER[code][0], number=number)))
        assert text == content.languages[code].strings["danger"]
        assert "911" in text and HOTLINE in text


# -- end to end, through the webhook ------------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """The line's clock, moved by hand: clock[0] is the time the next text arrives."""
    now = [NOW]
    monkeypatch.setattr(line_module, "time", type("Clock", (), {"time": staticmethod(lambda: now[0])}))
    return now


@pytest.mark.parametrize("code", LANGS)
def test_a_speaker_goes_end_to_end_in_their_language(client, content, clock, code):
    lang, en = content.languages[code], content.languages[content.default]
    words = command_words(code)
    numbers, menu = topic_paths(content)["report"]
    pages = lang.topics["report"].pages
    question, topic_id = list(QUESTIONS[code].items())[-1]

    def send(text):
        clock[0] += 20
        return messages(client.post("/sms", data=twilio_form(text)))

    assert send("hi") == [en.menus["main"]]  # the welcome, offering the language
    assert send(SWITCH_WORDS[code][0]) == [lang.menus["main"]]
    assert send(numbers[0]) == [lang.menus[menu]]
    assert send(numbers[1]) == [pages[0]]
    for page in pages[1:]:
        assert send(words["more"][-1]) == [page]
    assert lang.strings["contacts_intro"] in pages[-1] and HOTLINE in pages[-1]
    assert send(words["back"][0]) == [lang.menus[menu]]
    assert send(question) == [lang.topics[topic_id].pages[0]]  # no "detected" line: already in the language
    assert send(words["help"][0]) == [lang.strings["help"]]
    clock[0] += 31 * 60  # the session expires; the language stays
    assert send("hi") == [lang.menus["main"]]
    assert send(words["stop"][0]) == [lang.strings["stopped"]]
    for later in ("hi", words["menu"][0], question, DANGER[code][0]):
        assert send(later) == [], later
    assert send(words["start"][0]) == [f"{lang.strings['started']}\n{lang.menus['main']}"]


# -- segments ---------------------------------------------------------------------------------------------


def replies_of(content, code) -> dict[str, str]:
    """Every text the line can send in one language, by name."""
    lang = content.languages[code]
    out = {f"strings.{k}": v for k, v in lang.strings.items()}
    out.update({f"menu {k}": v for k, v in lang.menus.items()})
    out.update({f"{t.id} page {i}": p for t in lang.topics.values() for i, p in enumerate(t.pages, 1)})
    out.update({f"{t.id} title": t.title for t in lang.topics.values()})
    out["started + welcome"] = f"{lang.strings['started']}\n{lang.menus['main']}"
    longest = sorted((t.title for t in lang.topics.values()), key=len, reverse=True)[:MAX_CHOICES]
    out["did-you-mean, longest titles"] = "\n".join(
        [lang.strings["clarify"], *(f"{n} {t}" for n, t in enumerate(longest, 1)), lang.strings["clarify_footer"]])
    return out


@pytest.mark.parametrize("code", LANGS)
def test_every_reply_fits_the_budget(content, code):
    for name, text in replies_of(content, code).items():
        assert segments.segments(text) <= content.budget, (code, name, segments.encode(text))


@pytest.mark.parametrize("code", ["es", "fr"])
def test_spanish_and_french_are_sent_in_gsm7(content, code):
    for name, text in replies_of(content, code).items():
        assert segments.is_gsm(text), (code, name, segments.non_gsm_chars(text))
    pages = [p for t in content.languages[code].topics.values() for p in t.pages]
    assert max(len(p) for p in pages) > 3 * 67, "pages as short as UCS-2 ones: plain_letters is not used"


def test_plain_letters_keeps_gsm_accents_and_drops_the_others():
    assert segments.plain_letters("ayuda médica") == "ayuda médica"
    assert segments.plain_letters("está aquí, ¿sí? ¡Señor! pingüino") == "esta aqui, ¿si? ¡Señor! pingüino"
    assert segments.plain_letters("être là, ça coûte") == "etre là, ca coute"
    assert segments.plain_letters("ساعدني") == "ساعدني"


def test_arabic_pages_are_ucs2_within_three_segments(content):
    units = 67 * content.budget if content.budget > 1 else 70
    for name, text in replies_of(content, "ar").items():
        if name.startswith("strings.page_") or name.startswith("strings.contact") or text.strip() in ("", "{web}"):
            continue  # pieces of pages, not texts sent on their own
        enc = segments.encode(text)
        assert enc.name == "UCS-2", name
        assert enc.units <= units and enc.segments <= content.budget, (name, enc)


# -- Arabic: numbers, right to left --------------------------------------------------------------------------


def arabic_lines_with_numbers(content):
    for name, text in replies_of(content, "ar").items():
        for line in text.split("\n"):
            if PHONE_LIKE.search(line) or re.search(r"(?<!\d)911(?!\d)", line):
                yield name, line


def _strong_before(line: str, index: int) -> str | None:
    """The bidi class (L, R or AL) of the last strongly directional character before index, if any."""
    for c in reversed(line[:index]):
        kind = unicodedata.bidirectional(c)
        if kind in ("L", "R", "AL"):
            return kind
    return None


def test_arabic_phone_numbers_are_intact(content):
    ar = content.languages["ar"]
    for topic_id, topic in ar.topics.items():
        data = yaml.safe_load((ROOT / "content" / "ar" / "topics" / f"{topic_id}.yaml").read_text(encoding="utf-8"))
        last = topic.pages[-1]
        for cid in data["contacts"]:
            contact = content.content.contacts[cid]
            for number in (contact.phone, contact.text):
                if number:
                    assert number in last, (topic_id, cid, number)
    assert HOTLINE in ar.menus["main"] and HOTLINE in ar.strings["danger"] and "911" in ar.strings["danger"]


def test_every_arabic_line_with_a_number_also_has_arabic_words(content):
    seen = 0
    for name, line in arabic_lines_with_numbers(content):
        seen += 1
        assert re.search(r"[\u0621-\u064a]{2,}", line), (name, line)
    assert seen > 20


def test_arabic_phone_numbers_are_shown_in_their_own_order(content):
    """After an Arabic word, a phone app's bidi layout shows "1-888-373-7888" as "7888-373-888-1" unless
    the number follows a left-to-right character (the invisible LRM the loader puts there)."""
    checked = 0
    for name, line in arabic_lines_with_numbers(content):
        for found in PHONE_LIKE.finditer(line):
            if not found.group(0).isdigit():
                checked += 1
                assert _strong_before(line, found.start()) in (None, "L"), (name, line)
    assert checked > 20


def test_ltr_numbers_marks_only_numbers_after_right_to_left_words():
    lrm = written.LRM
    assert written.ltr_numbers("اتصل 1-888-373-7888 الآن") == f"اتصل {lrm}1-888-373-7888 الآن"
    assert written.ltr_numbers("الخط: 1-888-373-7888\nرسالة 233733") == f"الخط: {lrm}1-888-373-7888\nرسالة 233733"
    for unchanged in ("1-888-373-7888 الخط", "اتصل 911 أو 233733", "HSI: 1-866-347-2423 الخط",
                      "Call 1-888-373-7888 now", "Llama al 1-888-373-7888", f"اتصل {lrm}1-888-373-7888"):
        assert written.ltr_numbers(unchanged) == unchanged


def _fribidi():
    name = ctypes.util.find_library("fribidi")
    try:
        return ctypes.CDLL(name or "libfribidi.so.0")
    except OSError:
        return None


@pytest.mark.skipif(_fribidi() is None, reason="libfribidi (Debian: libfribidi0) is not installed")
def test_arabic_numbers_read_right_in_a_real_bidi_layout(content):
    """The layout GNU FriBidi (the Unicode bidi algorithm) gives each line: every number shows as written."""
    lib = _fribidi()

    def visual(line: str) -> str:
        n = len(line)
        logical = (ctypes.c_uint32 * n)(*map(ord, line))
        shown = (ctypes.c_uint32 * n)()
        direction = ctypes.c_uint32(0x40)  # FRIBIDI_PAR_ON: from the first strong letter, as phones do
        lib.fribidi_log2vis(logical, n, ctypes.byref(direction), shown, None, None, None)
        return "".join(map(chr, shown))

    assert "7888-373-888-1" in visual("اتصل 1-888-373-7888")  # what the check guards against
    for name, line in arabic_lines_with_numbers(content):
        for number in PHONE_LIKE.findall(line):
            assert number in visual(line), (name, line, visual(line))


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
    problems = render.check(with_swahili)
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
    problems = render.check(ROOT)
    messages_ = [p.message for p in problems]
    for code, lang in content.languages.items():
        complete = [m for m in messages_ if m.startswith(f"language {code}: ")]
        assert len(complete) == 1 and "missing" not in complete[0], complete
        unreviewed = f"language {code} ({lang.name}): not reviewed by a fluent speaker"
        assert (unreviewed in messages_) == (not content.content.languages[code].reviewed), code
    assert all(not p.error for p in problems if p.message.startswith("language "))


def test_a_command_word_of_one_other_language_answers_in_it(assets, content):
    es = content.languages["es"]
    en = content.languages["en"]
    state, _ = text_step(State(), "hi", assets, NOW)
    state, reply = text_step(state, "AYUDA", assets, NOW + 1)
    assert reply.text == es.strings["help"] and state.lang == "es"
    state, reply = text_step(state, "MENU", assets, NOW + 2)  # shared by several languages: stays
    assert reply.text == es.menus["main"]
    state, reply = text_step(state, "STOP", assets, NOW + 3)  # the carriers' words never switch away
    assert reply.text == es.strings["stopped"] and state.lang == "es"
    state, reply = text_step(state, "START", assets, NOW + 4)
    assert reply.text.startswith(es.strings["started"]) and state.lang == "es"
    assert en.strings["help"] != es.strings["help"]
