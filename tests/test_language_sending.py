"""What each language sends: within the segment budget, Spanish and French in GSM-7, Arabic in UCS-2 with
its phone numbers shown in their own order.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
import unicodedata

import pytest
import yaml
from multilingual import HOTLINE, LANGS

from helpers import ROOT
from sms.channels import written
from sms.channels.sms import segments
from sms.content.referrals import PHONE_LIKE
from sms.understanding.decide import MAX_CHOICES

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
