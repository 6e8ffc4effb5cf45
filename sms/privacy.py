"""What the line does so that nothing it keeps leads back to a texter.

number_key() stands for a phone number everywhere the line keeps anything: an HMAC-SHA256 with the
operator's secret, so the numbers cannot be listed back from the store. scrub() takes the personal
details out of a text before it is kept (only when the operator turns on SMS_KEEP_UNMATCHED, to improve
the content): phone numbers, emails and names. It errs on the side of removing too much: a kept text is
read by people, and the person who wrote it may be in danger.
"""

from __future__ import annotations

import hashlib
import hmac
import re


def number_key(number: str, secret: str) -> str:
    """The keyed hash that stands for a phone number everywhere the line keeps anything."""
    return hmac.new(secret.encode(), "".join(number.split()).encode(), hashlib.sha256).hexdigest()


NUMBER_MARK, EMAIL_MARK, NAME_MARK = "[number]", "[email]", "[name]"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Runs of digits with the separators phone numbers are written with: +1 (406) 555-0123, 406.555.0123, 5550123
DIGIT_RUN = re.compile(r"\+?\(?\d[\d\s()./-]*\d")
MIN_DIGITS = 7  # shorter runs are years, amounts, menu choices and street numbers

# Words that introduce the writer's or someone's name. After a "sure" one the next words are a name whatever
# their case ("my name is maria lopez"); after the others ("I am tired", "soy de Oaxaca", "my boss says")
# only capitalised words are.
SURE_INTROS = ("my name is", "my names", "my name's", "my name", "name is", "me llamo", "mi nombre es",
               "mi nombre", "se llama", "je m'appelle", "mon nom est", "mon nom", "il s'appelle", "elle s'appelle",
               "اسمي", "إسمي", "اسمى", "انا اسمي", "esmi", "ismi")
MAYBE_INTROS = ("i am", "i'm", "this is", "it's", "call me", "soy", "yo soy", "je suis", "c'est", "he is",
                "she is", "my boss", "mi jefe", "mi patron", "mon patron", "my friend", "mi amigo", "mi amiga")
TITLES = {"mr", "mrs", "ms", "miss", "dr", "sr", "sra", "srta", "don", "dona", "doña", "senor", "señor", "señora",
          "mme", "mlle"}
# Words that end a name written in lower case
NOT_NAMES = {"and", "y", "et", "i", "im", "from", "de", "my", "mi", "mon", "ma", "is", "es", "est", "the", "el", "la",
             "le", "in", "en", "at", "a", "who", "que", "qui", "but", "pero", "mais", "not", "no", "please", "por",
             "with", "con", "avec", "to", "so", "pues", "ok"}
MAX_NAME_WORDS = 3
_INTRO = re.compile(
    r"\b(" + "|".join(re.escape(p).replace(r"\ ", r"\s+").replace("'", "['\u2019\u2018 ]?")
                      for p in sorted(SURE_INTROS + MAYBE_INTROS, key=len, reverse=True)) + r")(?:\s*[:=-]\s*|\s+)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")
_GAP, _GAP_AFTER_TITLE = re.compile(r"[ \t]+"), re.compile(r"\.?[ \t]+")  # "Mr. Smith"


def _plain(words: str) -> str:
    return "".join(c for c in words.lower() if c.isalpha())


_SURE = {_plain(p) for p in SURE_INTROS}


def _name_end(text: str, cursor: int, sure: bool, known) -> int | None:
    """Where the name that starts at cursor ends (None: no name there); a lower-case word after a maybe
    intro is a name word when it is not in known (the content's words)."""
    end, count = None, 0
    while count < MAX_NAME_WORDS:
        word = _WORD.match(text, cursor)
        if not word:
            break
        plain = _plain(word.group(0))
        capital = word.group(0)[0].isupper()
        unknown = bool(known) and plain not in known and plain not in NOT_NAMES
        if not (capital or unknown or (sure and (count == 0 or plain not in NOT_NAMES))):
            break
        count, end = count + 1, word.end()
        gap = (_GAP_AFTER_TITLE if plain in TITLES else _GAP).match(text, end)
        if not gap:
            break
        cursor = gap.end()
    return end


def _names(text: str, known) -> str:
    out, pos = [], 0
    for intro in _INTRO.finditer(text):
        if intro.start() < pos:
            continue
        end = _name_end(text, intro.end(), _plain(intro.group(1)) in _SURE, known)
        if end is not None:
            out.append(text[pos:intro.end()] + NAME_MARK)
            pos = end
    out.append(text[pos:])
    return "".join(out)


def _numbers(text: str) -> str:
    def mark(match: re.Match) -> str:
        run = match.group(0)
        return NUMBER_MARK if sum(c.isdigit() for c in run) >= MIN_DIGITS else run

    return DIGIT_RUN.sub(mark, text)


def scrub(text: str, known: frozenset[str] = frozenset()) -> str:
    """text with phone-number-like digit runs, emails and introduced names replaced by [number], [email],
    [name]; known: words that are not names (the content's vocabulary: without it, only capitalised words
    after "I am", "soy", "this is" are taken for a name)."""
    return _names(_numbers(EMAIL.sub(EMAIL_MARK, text)), known)
