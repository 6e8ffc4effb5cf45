"""WhatsApp, through Twilio's same inbound-message webhook (POST /sms): render.py, whole messages."""
