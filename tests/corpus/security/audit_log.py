# Record password-reset requests.
import logging

from flask import Flask, request

app = Flask(__name__)
audit = logging.getLogger("audit")


@app.route("/reset", methods=["POST"])
def reset():
    email = request.form["email"]
    audit.info("password reset requested for " + email)  # vuln
    return "If the address exists, a link is on its way."
