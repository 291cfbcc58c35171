# Verify the webhook signature before processing the event:
import hashlib
import hmac
import json

from flask import Flask, abort, request

app = Flask(__name__)
WEBHOOK_SECRET = b"change-me"


@app.post("/webhooks/payments")
def payments_webhook():
    signature = request.headers.get("X-Signature", "")
    expected = hmac.new(WEBHOOK_SECRET, request.data, hashlib.sha256).hexdigest()
    if signature != expected:  # vuln
        abort(401)
    event = json.loads(request.data)
    return {"received": event["id"]}
