# Members' login endpoint.
from flask import Flask, request
from werkzeug.security import check_password_hash

app = Flask(__name__)
MEMBERS = {}


@app.route("/login", methods=["POST"])
def login():
    username = request.form["username"]
    password = request.form["password"]
    member = MEMBERS.get(username)
    if member is None or not check_password_hash(member["hash"], password):
        return "Invalid username or password", 401
    return "Welcome back"
