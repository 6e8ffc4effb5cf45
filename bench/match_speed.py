"""Matching speed: milliseconds per text, per language, with the model and without it.

    .venv/bin/python bench/match_speed.py [--repeats 3] [--runs 3] [--sample 150] [--cpu N] [--lang CODE ...]

For each language the texts are every topic's title and phrases, each of them again with one typo made
deterministically (a letter swapped, dropped, doubled or replaced by its neighbour on the keyboard, in one
word of 4 letters or more), and out-of-scope texts written here. It prints, per language:

- lexical: the lexical ranker and the decision on its scores alone (the line without its model), every
  text timed alone with time.perf_counter_ns, `--repeats` times after one untimed pass; a text's time is
  the median of its repeats; the table gives the median and p99 over texts.
- semantic: the encoder and its heads on one text (what the model adds to a free text), over an evenly
  spread sample of `--sample` texts (the encoder's cost grows with the length of a text), timed the same way.
- step: conversation.step on the free-text path, as the match command judges a text (the first text from a new
  number, no language chosen), for the sampled texts that reach it: command words, alarm phrases and
  model, language detection, ranking and deciding in every language tried; and the same step without
  the model (the baseline: the line as it was before it), in the same run.
- the match command end to end: `python -m sms match --json` in a subprocess, as tools outside the
  project run it, fed the sampled texts at once: texts per second from its answer to a first text to its
  last answer. Start-up (launch to that first answer: Python, imports, content, the embedding cache, the
  heads) is reported on its own. Both are medians of `--runs` runs.

The whole benchmark, subprocesses included, runs on one CPU (`--cpu`, default the first this process may
use), the model on one thread. The machine may be noisy: compare medians and ratios, and rerun before
trusting a change of a few percent.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sms import content as content_module  # noqa: E402
from sms import conversation, understanding  # noqa: E402
from sms.settings import INSTANCE  # noqa: E402
from sms.understanding import decide  # noqa: E402

NOW = 1_800_000_000.0
FREE_TEXT = ("topic", "clarify", "unknown", "welcome")

# Texts the line has no topic for, as people might send them to a wrong number or to test it.
OUT_OF_SCOPE = {
    "en": [
        "what time does the store close tonight", "can you recommend a good pizza place in billings",
        "whats the weather tomorrow in great falls", "how do i renew my drivers license",
        "my phone screen is cracked where can i fix it", "who won the griz game last night",
        "how much is a bus ticket to denver", "i need a recipe for tamales", "is the library open on sunday",
        "happy birthday mom", "my cat wont eat her food", "how do i fix a flat tire on my truck",
        "what is the capital of france", "tell me a joke", "lol ok thanks", "wrong number sorry",
        "when is the next powwow in browning", "how do i get a fishing license in montana",
    ],
    "es": [
        "a que hora cierra la tienda hoy", "me recomiendas una buena taqueria en billings",
        "como va a estar el clima mañana", "como renuevo mi licencia de manejo",
        "se me rompio la pantalla del celular", "quien gano el partido de anoche",
        "cuanto cuesta el boleto de autobus a denver", "necesito una receta de tamales",
        "la biblioteca abre el domingo", "feliz cumpleaños mama", "mi gato no quiere comer",
        "como cambio una llanta ponchada", "cual es la capital de francia", "cuentame un chiste",
        "jaja ok gracias", "perdon numero equivocado",
    ],
    "fr": [
        "a quelle heure ferme le magasin ce soir", "tu connais une bonne pizzeria a billings",
        "quel temps fera-t-il demain", "comment renouveler mon permis de conduire",
        "l'écran de mon téléphone est cassé", "qui a gagné le match hier soir",
        "combien coute un billet de bus pour denver", "je cherche une recette de couscous",
        "la bibliotheque est ouverte le dimanche", "joyeux anniversaire maman", "mon chat ne mange plus",
        "comment réparer un pneu crevé", "quelle est la capitale de la france", "raconte moi une blague",
        "mdr ok merci", "désolé mauvais numéro",
    ],
    "ar": [
        "متى يغلق المحل الليلة", "هل تعرف مطعم بيتزا جيد في بيلينغز", "كيف سيكون الطقس غدا",
        "كيف أجدد رخصة القيادة", "شاشة هاتفي مكسورة", "من فاز في المباراة أمس",
        "كم سعر تذكرة الحافلة إلى دنفر", "أريد وصفة كبسة", "هل المكتبة مفتوحة يوم الأحد",
        "عيد ميلاد سعيد يا أمي", "قطتي لا تأكل", "كيف أصلح إطار السيارة", "ما هي عاصمة فرنسا",
        "احكي لي نكتة", "شكرا تمام", "آسف رقم خطأ",
    ],
}

KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def _neighbour(c: str, pick: int) -> str:
    """A letter next to c on a QWERTY keyboard (c itself when it is not a plain Latin letter)."""
    for row in KEYBOARD:
        i = row.find(c.lower())
        if i >= 0:
            near = [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
            return near[pick % len(near)]
    return c


def typo(text: str) -> str | None:
    """text with one typo in one of its words of 4 letters or more, always the same for the same text.

    None when text has no such word. The word, the kind of typo and its place come from a CRC of text.
    """
    seed = zlib.crc32(text.encode("utf-8"))
    tokens = text.split(" ")
    long_ones = [i for i, t in enumerate(tokens) if sum(c.isalpha() for c in t) >= 4]
    if not long_ones:
        return None
    k = long_ones[seed % len(long_ones)]
    word = tokens[k]
    p = 1 + (seed >> 8) % (len(word) - 2)  # never the first letter: people rarely get that one wrong
    kind = (seed >> 16) % 4
    if kind == 0:  # two letters swapped
        new = word[:p] + word[p + 1] + word[p] + word[p + 2:]
    elif kind == 1:  # a letter dropped
        new = word[:p] + word[p + 1:]
    elif kind == 2:  # a letter doubled
        new = word[:p] + word[p] + word[p:]
    else:  # a letter replaced by its neighbour on the keyboard (swapped when it has none)
        c = _neighbour(word[p], seed >> 24)
        new = word[:p] + c + word[p + 1:] if c != word[p] else word[:p] + word[p + 1] + word[p] + word[p + 2:]
    tokens[k] = new
    return " ".join(tokens)


def texts_for(content, code: str) -> dict[str, list[str]]:
    """The language's texts by kind: phrases (titles included), phrases with a typo, out of scope."""
    phrases = [p for t in content.languages[code].topics.values() for p in (t.title, *t.phrases)]
    typos = [t for t in (typo(p) for p in phrases) if t and t not in phrases]
    return {"phrases": phrases, "typos": typos, "out of scope": OUT_OF_SCOPE.get(code, [])}


def time_each(call, texts: list[str], repeats: int) -> list[float]:
    """Microseconds per text: each text's median over repeats, after one untimed pass over all."""
    for text in texts:
        call(text)
    samples = [[] for _ in texts]
    clock = time.perf_counter_ns
    for _ in range(repeats):
        gc.collect()
        for i, text in enumerate(texts):
            start = clock()
            call(text)
            samples[i].append(clock() - start)
    return [statistics.median(s) / 1000 for s in samples]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def run_match(texts: list[str]) -> tuple[float, float]:
    """Start-up seconds and texts per second of `python -m sms match --json` over texts, as a tool runs it.

    Start-up: from launching the command to its answer to a first text ("hi"): Python, imports, content,
    language models. Then every text is written at once (a thread writes while this one reads, so no pipe
    fills) and the rate is texts / seconds from that first answer to the last. The command's output is
    unbuffered here (PYTHONUNBUFFERED=1) so the first answer arrives as soon as it is printed.
    """
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    start = time.perf_counter_ns()
    with subprocess.Popen([sys.executable, "-m", "sms", "match", "--json"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True, encoding="utf-8", cwd=ROOT, env=env) as proc:
        proc.stdin.write("hi\n")
        proc.stdin.flush()
        proc.stdout.readline()
        ready = time.perf_counter_ns()

        def write():
            proc.stdin.write("".join(t + "\n" for t in texts))
            proc.stdin.close()

        writer = threading.Thread(target=write)
        writer.start()
        answered = sum(1 for _ in proc.stdout)
        done = time.perf_counter_ns()
        writer.join()
    if proc.returncode or answered != len(texts):
        raise SystemExit(f"the match command failed (exit {proc.returncode}, {answered}/{len(texts)} answers)")
    return (ready - start) / 1e9, len(texts) / ((done - ready) / 1e9)


def sample(texts: list[str], n: int) -> list[str]:
    """n texts spread evenly over texts (all of them when there are fewer)."""
    if len(texts) <= n:
        return texts
    return [texts[i * len(texts) // n] for i in range(n)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed passes over the texts in process")
    parser.add_argument("--runs", type=int, default=3, help="runs of the match command per language")
    parser.add_argument("--sample", type=int, default=150, help="texts per language timed with the model")
    parser.add_argument("--cpu", type=int, default=min(os.sched_getaffinity(0)), help="the CPU to run on")
    parser.add_argument("--lang", action="append", help="only this language (repeatable; default: all)")
    args = parser.parse_args(argv)
    os.sched_setaffinity(0, {args.cpu})  # subprocesses inherit it
    os.environ["OMP_NUM_THREADS"] = "1"

    content = content_module.load(ROOT)
    with_model = conversation.Assets(content, understanding.build(content, INSTANCE))
    if with_model.understanding.problem:
        raise SystemExit(f"the model is not in use: {with_model.understanding.problem}")
    without = conversation.Assets(content, understanding.build(content, INSTANCE, use_model=False))
    codes = args.lang or list(content.languages)
    print(f"CPU {args.cpu} only; Python {sys.version.split()[0]}; {args.repeats} repeats in process, "
          f"{args.runs} runs of the match command; milliseconds per text\n")

    columns = ("lexical", "semantic", "step", "step without model")
    print(f"{'lang':4}  {'texts':>5}  " + "  ".join(f"{c + ' median':>24}  {'p99':>6}" for c in columns)
          + f"  {'match command':>14}")
    startups: list[float] = []
    everything: dict[str, list[float]] = {c: [] for c in columns}
    semantic = with_model.understanding.semantic
    for code in codes:
        groups = texts_for(content, code)
        texts = [t for group in groups.values() for t in group]
        ranker = with_model.understanding.lexical[code]
        some = sample(texts, args.sample)
        fresh = conversation.State()  # as the match command judges a text: the first text from a new number
        free = [t for t in some if conversation.step(fresh, with_model.understanding.read(t), with_model, NOW)[1].kind in FREE_TEXT]
        timed = {
            "lexical": time_each(lambda t: decide.decide(ranker.rank(t)), texts, args.repeats),
            "semantic": time_each(semantic.read, some, args.repeats),
            "step": time_each(lambda t: conversation.step(fresh, with_model.understanding.read(t), with_model, NOW), free, args.repeats),
            "step without model": time_each(lambda t: conversation.step(fresh, without.understanding.read(t), without, NOW), free, args.repeats),
        }
        runs = [run_match(some) for _ in range(args.runs)]
        startups += [startup for startup, _ in runs]
        rate = statistics.median(rate for _, rate in runs)
        cells = []
        for c in columns:
            everything[c] += timed[c]
            cells.append(f"{statistics.median(timed[c]) / 1000:>24.2f}  {percentile(timed[c], 99) / 1000:>6.2f}")
        print(f"{code:4}  {len(texts):>5}  " + "  ".join(cells) + f"  {rate:>14.0f}")
    if len(codes) > 1:
        cells = [f"{statistics.median(everything[c]) / 1000:>24.2f}  {percentile(everything[c], 99) / 1000:>6.2f}"
                 for c in columns]
        print(f"{'all':4}  {'':>5}  " + "  ".join(cells))
    ratio = statistics.median(everything["step"]) / statistics.median(everything["step without model"])
    print(f"\nstep with the model / without it (medians): {ratio:.0f}x")
    print(f"match command start-up (launch to the first answer): median {statistics.median(startups):.2f} s, "
          f"range {min(startups):.2f} to {max(startups):.2f} s over {len(startups)} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
