# Small admin app: profile page and a maintenance action.
from functools import wraps

from flask import Flask, redirect, session

app = Flask(__name__)


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if "user" not in session:
            return redirect("/login")
        return view(*args, **kwargs)

    return wrapper


@app.route("/profile")
@login_required
def profile():
    return "your profile"


@app.route("/maintenance/purge", methods=["POST"])
def purge_cache():  # vuln
    return "cache purged"
