"""What reaching a topic's contacts costs on each channel, for every topic in every language:

    python bench/costs.py

- SMS: the segments of all the topic's pages (its contacts are on the last one), with the welcome and
  the menus on the way;
- WhatsApp: the messages (the welcome, the menus on the way, the topic's messages);
- a call: the minutes Twilio bills (rounded up per call), from the words said at SPEECH_WPM (words per
  minute, a usual text-to-speech rate) plus WAIT_SECONDS per key pressed: the greeting, the menus on
  the way, every part of the topic.
Prints the median and the largest per language and channel, and the cost of a median call at
VOICE_US_PRICE dollars a minute.
"""

from __future__ import annotations

import math
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from helpers import topic_paths  # noqa: E402
from sms import channels  # noqa: E402
from sms import content as content_module  # noqa: E402
from sms.channels.sms import segments  # noqa: E402

SPEECH_WPM = 150  # Polly reads about 150 words a minute
WAIT_SECONDS = 3  # a caller's time to press a key after a prompt
VOICE_US_PRICE = 0.0085  # about Twilio's US price for a minute of an inbound call to a local number: check
                         # twilio.com/en-us/voice/pricing/us before budgeting


def _words(text: str) -> int:
    return len(text.split())


def main() -> int:
    content = content_module.load(ROOT)
    renditions, _ = channels.render_all(content, 3)
    sms, whatsapp, voice = renditions["sms"], renditions["whatsapp"], renditions["voice"]
    paths = topic_paths(sms)
    print(f"{'lang':5} {'SMS segments':>22} {'WhatsApp messages':>22} {'call minutes':>22}")
    for code in content.languages:
        costs = {"sms": [], "wa": [], "call": []}
        for topic, (path, _) in paths.items():
            menus = ["main"]
            for digit in path[:-1]:
                menus.append(sms.menus[menus[-1]][int(digit) - 1].target)
            sms_pages = [sms.languages[code].menus[m] for m in menus] + list(sms.languages[code].topics[topic].pages)
            costs["sms"].append(sum(segments.segments(p) for p in sms_pages))
            costs["wa"].append(len(menus) + len(whatsapp.languages[code].topics[topic].pages))
            spoken = voice.languages[code]
            said = [spoken.strings["greeting"], *(v.choose for v in voice.voices.values()),
                    *(spoken.menus[m] for m in menus), *spoken.topics[topic].pages]
            seconds = sum(map(_words, said)) / SPEECH_WPM * 60 + WAIT_SECONDS * (len(path) + len(said))
            costs["call"].append(seconds / 60)

        def shown(values):
            return f"median {statistics.median(values):5.1f}, max {max(values):5.1f}"
        print(f"{code:5} {shown(costs['sms']):>22} {shown(costs['wa']):>22} {shown(costs['call']):>22}")
        minutes = math.ceil(statistics.median(costs["call"]))
        print(f"{'':5} a median call is billed {minutes} minutes: ${minutes * VOICE_US_PRICE:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
