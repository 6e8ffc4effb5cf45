"""The SMS channel: segments (how carriers bill a text) and the Twilio SMS webhook."""
