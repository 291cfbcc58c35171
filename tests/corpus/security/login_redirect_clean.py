# After a successful login, send the user back where they came from:
from urllib.parse import urlparse

from flask import Flask, redirect, request, session, url_for

from .auth import check_credentials

app = Flask(__name__)


@app.route("/login", methods=["POST"])
def login():
    user = check_credentials(request.form["username"], request.form["password"])
    if user is None:
        return redirect(url_for("login_page", error="1"))
    session["user_id"] = user.id
    next_url = request.args.get("next") or url_for("dashboard")
    if urlparse(next_url).netloc or not next_url.startswith("/"):
        return redirect(url_for("dashboard"))
    return redirect(next_url)
