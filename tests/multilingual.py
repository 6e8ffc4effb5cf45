"""What the tests of Spanish, French and Arabic share: the texts a speaker of each would send (switch
words, danger, questions, ordinary texts), and helpers that walk the real content. Expected replies come
from the loaded content; only 911 and the hotline number are written here."""

from __future__ import annotations

import pytest
import yaml

from helpers import ROOT, text_step, topic_paths
from sms.conversation import State
from sms.text import strip_accents

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
        "donde consigo ayuda legal gratis en montana": "legal-help",
        "mi patron se quedo con mi pasaporte, eso es legal?": "rights",
    },
    "fr": {
        "quels sont mes droits au travail": "rights",
        "comment signaler un cas de traite sans donner mon nom": "report",
        "c'est quoi les signes de la traite des personnes": "red-flags",
        "où trouver un avocat gratuit au Montana": "legal-help",
    },
    "ar": {
        "ما هي حقوقي في العمل": "rights",
        "كيف أبلغ عن الاتجار بالبشر": "report",
        "ما هي علامات الاتجار بالبشر": "red-flags",
        "أين أجد محاميا مجانيا في مونتانا": "legal-help",
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
