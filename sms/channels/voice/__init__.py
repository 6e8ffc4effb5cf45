"""Calls (Twilio Programmable Voice): render.py (the content as a call says it), keys.py (what a key or
spoken words mean), calls.py (one step of a call), twiml.py (prompts, the transfer to a person),
webhook.py (POST /voice, /voice/key, /voice/dialed)."""
