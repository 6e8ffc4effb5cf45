"""Calls (Twilio Programmable Voice): render.py (the content as a call says it), twiml.py (prompts, the
transfer to a person), keys.py (what a key or a spoken answer means), webhook.py (POST /voice...)."""
