# Log in and remember the session in a cookie.
import secrets

from flask import Flask, make_response

app = Flask(__name__)


@app.route("/session", methods=["POST"])
def start_session():
    response = make_response("ok")
    response.set_cookie(
        "session_token", secrets.token_urlsafe(32), httponly=True, secure=True, samesite="Lax"
    )
    return response
