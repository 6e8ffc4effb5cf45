"""The TwiML a call gets, built with the twilio library (no Flask): the greeting and language choice,
a prompt that gathers one key or a few words, the transfer to a person, and what follows it.

Every prompt is said twice at most (the second time after "I did not hear anything"), then the call
ends with the hotline's number: a silent call does not run up minutes. Twilio never dials 911: the
danger reply tells the caller to hang up and dial it, and the call is connected to the hotline.
"""

from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

KEY_SECONDS = 6  # how long a prompt waits for a key after it is said
DIAL_SECONDS = 30  # how long the hotline may ring before the caller hears its number instead


def _say(parent, rendition, lang: str, text: str) -> None:
    voice = rendition.voice(lang)
    parent.say(text, voice=voice.voice, language=voice.language)


def _gather(response, rendition, lang: str, action: str, speech: bool):
    voice = rendition.voice(lang)
    spoken = speech and voice.speech
    return response.gather(input="dtmf speech" if spoken else "dtmf", num_digits=1, finish_on_key="",
                           timeout=KEY_SECONDS, action=action, method="POST",
                           **({"language": voice.speech, "speech_timeout": "auto"} if spoken else {}))


def greeting(rendition, action: str) -> str:
    """The start of every call: the greeting in the default language, then one line per offered
    language in its own voice; no key means the default language (action without Digits); words said
    are heard in the default language ("español", or danger)."""
    response = VoiceResponse()
    gather = _gather(response, rendition, rendition.default, action, speech=True)
    _say(gather, rendition, rendition.default, rendition.languages[rendition.default].strings["greeting"])
    for code, voice in rendition.voices.items():
        _say(gather, rendition, code, voice.choose)
    response.redirect(action, method="POST")
    return str(response)


def prompt(rendition, lang: str, text: str, action: str) -> str:
    """text said in lang's voice, waiting for one key or a few words (posted to action), said once more
    when nothing comes, then the goodbye."""
    strings = rendition.languages[lang].strings
    response = VoiceResponse()
    for said in (text, f"{strings['no_input']} {text}"):
        _say(_gather(response, rendition, lang, action, speech=True), rendition, lang, said)
    _say(response, rendition, lang, strings["goodbye"])
    response.hangup()
    return str(response)


def transfer(rendition, lang: str, text: str, number: str, action: str) -> str:
    """text said (the danger reply, or 'connecting'), then the call connected to number; Twilio posts
    how that went to action."""
    response = VoiceResponse()
    _say(response, rendition, lang, text)
    response.dial(number, action=action, method="POST", timeout=DIAL_SECONDS)
    return str(response)


def goodbye(rendition, lang: str) -> str:
    """The end of a call: the hotline's number, and hang up."""
    response = VoiceResponse()
    _say(response, rendition, lang, rendition.languages[lang].strings["goodbye"])
    response.hangup()
    return str(response)


def failure(rendition) -> str:
    """What a call hears when the line fails: sorry, the hotline's number, 911, goodbye."""
    response = VoiceResponse()
    _say(response, rendition, rendition.default, rendition.languages[rendition.default].strings["error"])
    response.hangup()
    return str(response)
