"""GSM-7 / UCS-2 detection, segment counts as carriers bill them, and paging to a budget."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sms.channels import paging
from sms.channels.sms import segments

CURLY = "\u2019"  # the apostrophe phones and word processors put in
EMOJI = "\U0001F600"
CYRILLIC = "\u0436"  # one UCS-2 unit, not GSM


@pytest.mark.parametrize("text", [
    "Hello, call 1-888-373-7888 or text 233733.",
    "@ £ $ ¥ è é ù ì ò Ç Ø ø Å å Δ _ Φ Γ Λ Ω Π Ψ Σ Θ Ξ Æ æ ß É ¡ Ä Ö Ñ Ü § ¿ ä ö ñ ü à",
    "line one\nline two",
    "^ { } \\ [ ] ~ | €",
    "",
])
def test_gsm_text_is_gsm(text):
    assert segments.is_gsm(text)
    assert segments.encode(text).name == "GSM-7"
    assert segments.non_gsm_chars(text) == []


@pytest.mark.parametrize("char", [CURLY, "\u201c", "\u2014", EMOJI, CYRILLIC, "á", "ç", "\u0639", "\u00a0"])
def test_one_non_gsm_character_is_ucs2(char):
    text = f"Free help 24/7{char} call 1-888-373-7888."
    assert not segments.is_gsm(text)
    assert segments.encode(text).name == "UCS-2"
    assert segments.non_gsm_chars(text) == [char]


def test_non_gsm_chars_lists_each_character_once_in_order():
    assert segments.non_gsm_chars(f"a{CURLY}b{EMOJI}c{CURLY}") == [CURLY, EMOJI]


@pytest.mark.parametrize("length, expected", [
    (0, 0), (1, 1), (160, 1), (161, 2), (153 * 2, 2), (153 * 2 + 1, 3), (153 * 3, 3), (153 * 3 + 1, 4),
])
def test_gsm_segment_edges(length, expected):
    encoding = segments.encode("a" * length)
    assert encoding.name == "GSM-7"
    assert encoding.units == length
    assert encoding.segments == expected
    assert segments.segments("a" * length) == expected


def test_extension_characters_cost_two_septets():
    assert segments.encode("€" * 80) == segments.Encoding("GSM-7", 160, 1)
    assert segments.encode("€" * 80 + "a") == segments.Encoding("GSM-7", 161, 2)
    assert segments.encode("{" + "a" * 159).segments == 2  # 161 septets, though only 160 characters
    for char in "^{}\\[~]|€":
        assert segments.encode(char).units == 2


def test_extension_character_never_straddles_a_part_boundary():
    # 152 + 2 + 152 = 306 septets would fit two parts of 153, but the euro cannot be split:
    # part 1 holds 152 septets, part 2 the euro and 151 letters, part 3 the last letter.
    text = "a" * 152 + "€" + "a" * 152
    assert segments.encode(text) == segments.Encoding("GSM-7", 306, 3)
    assert segments.segments("a" * 153 + "€" + "a" * 151) == 2  # the euro opens part 2 exactly


@pytest.mark.parametrize("length, expected", [
    (1, 1), (70, 1), (71, 2), (67 * 2, 2), (67 * 2 + 1, 3), (67 * 3, 3), (67 * 3 + 1, 4),
])
def test_ucs2_segment_edges(length, expected):
    encoding = segments.encode(CYRILLIC * length)
    assert encoding.name == "UCS-2"
    assert encoding.units == length
    assert encoding.segments == expected


def test_emoji_costs_two_units():
    assert segments.encode(EMOJI * 35) == segments.Encoding("UCS-2", 70, 1)
    assert segments.encode(EMOJI * 35 + "a") == segments.Encoding("UCS-2", 71, 2)


def test_emoji_never_straddles_a_part_boundary():
    # 66 + 2 + 66 = 134 units would fit two parts of 67, but the surrogate pair cannot be split.
    text = "a" * 66 + EMOJI + "a" * 66
    assert segments.encode(text) == segments.Encoding("UCS-2", 134, 3)
    assert segments.segments("a" * 67 + EMOJI + "a" * 65) == 2


@pytest.mark.parametrize("char", [CURLY, EMOJI])
def test_one_character_switches_the_whole_message_to_ucs2(char):
    plain = "a" * 159
    assert segments.encode(plain).segments == 1
    switched = segments.encode(plain + char)
    assert switched.name == "UCS-2"
    assert switched.segments == 3  # 160 (or 161) UCS-2 units: 67 + 67 + the rest


def test_fits():
    assert segments.fits("a" * 459, 3)
    assert not segments.fits("a" * 460, 3)
    assert segments.fits(CYRILLIC * 201, 3)
    assert not segments.fits(CYRILLIC * 202, 3)


@given(st.text(alphabet="abc xyz.,\n", max_size=1200))
@settings(max_examples=200, deadline=None)
def test_plain_gsm_count_matches_the_carrier_formula(text):
    n = len(text)
    expected = 0 if n == 0 else 1 if n <= 160 else math.ceil(n / 153)
    assert segments.segments(text) == expected


# -- paging ---------------------------------------------------------------------------------------

TEXT = ("A boss keeps your passport or ID. You owe a debt that keeps growing! Are you free to leave? "
        "Someone else speaks for you: they watch you.\nMany people live in one house.")


def _words(pieces):
    return " ".join(pieces).split()


def test_pack_keeps_everything_in_one_piece_when_it_fits():
    assert paging.pack(TEXT, lambda piece: True) == [" ".join(TEXT.split())]


def test_pack_cuts_at_sentence_and_line_boundaries():
    room = lambda piece: len(piece) <= 70  # noqa: E731
    pieces = paging.pack(TEXT, room)
    assert len(pieces) > 1
    assert all(room(p) for p in pieces)
    assert _words(pieces) == TEXT.split()
    sentences = set(paging.split_sentences(TEXT))
    for piece in pieces:  # every piece is whole sentences (or whole lines)
        assert re.search(r"[.!?:;]$", piece) or piece in sentences, piece
        assert piece.split()[0][0].isupper(), piece


def test_split_sentences_keeps_punctuation_and_splits_lines():
    assert paging.split_sentences("One. Two? Three!\nFour") == ["One.", "Two?", "Three!", "Four"]


def test_pack_cuts_a_long_sentence_between_words_never_inside_one():
    sentence = " ".join(f"word{i}" for i in range(120)) + "."
    room = lambda piece: segments.fits(piece, 1)  # noqa: E731
    pieces = paging.pack(sentence, room)
    assert len(pieces) >= 4
    assert all(room(p) for p in pieces)
    assert _words(pieces) == sentence.split()


def test_pack_counts_the_callers_header_and_footer():
    header, footer = "Signs of trafficking (1/3)\n", "\nReply MORE for the rest, or MENU."
    room = lambda body: segments.fits(header + body + footer, 1)  # noqa: E731
    pieces = paging.pack(TEXT * 3, room)
    assert all(segments.segments(header + p + footer) == 1 for p in pieces)
    assert _words(pieces) == (TEXT * 3).split()


def test_pack_uses_as_few_pieces_as_a_greedy_fill_allows():
    room = lambda piece: len(piece) <= 40  # noqa: E731
    pieces = paging.pack("Aa bb. Cc dd. Ee ff. Gg hh. Ii jj. Kk ll. Mm nn.", room)
    assert pieces == ["Aa bb. Cc dd. Ee ff. Gg hh. Ii jj.", "Kk ll. Mm nn."]


@given(st.lists(st.lists(st.text(alphabet="abcdefgh", min_size=1, max_size=12), min_size=1, max_size=15),
                min_size=1, max_size=12),
       st.integers(min_value=14, max_value=200),
       st.sampled_from([". ", "! ", "? ", "\n", " "]))
@settings(max_examples=200, deadline=None)
def test_pack_property_pieces_fit_and_words_are_never_cut(sentences, width, separator):
    text = separator.join(" ".join(words) for words in sentences)
    room = lambda piece: len(piece) <= width  # noqa: E731  (a word and its punctuation: at most 13 characters)
    pieces = paging.pack(text, room)
    assert all(room(p) for p in pieces)
    assert _words(pieces) == text.split()
