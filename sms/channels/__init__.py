"""Channels: how a message arrives and how a reply is rendered and sent.

    twilio.py    what every Twilio webhook shares: which URLs Twilio signed, the signature check, TwiML
    paging.py    cutting a text into pieces that each fit a channel's room (channel-neutral)
    sms/         segments.py (GSM-7 / UCS-2 billing), webhook.py (POST /sms)
"""
