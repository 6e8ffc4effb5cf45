"""The baseline for bench/load.py: a bare Flask endpoint returning a fixed TwiML, nothing else."""

from flask import Flask, Response

app = Flask(__name__)
TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Hello</Message></Response>'


@app.post("/sms")
def sms():
    """A fixed reply, as cheap as a Flask endpoint gets."""
    return Response(TWIML, mimetype="application/xml")
