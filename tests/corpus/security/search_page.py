# Product search page.
from flask import Flask, request

app = Flask(__name__)


def no_results(term):
    return "<p>No products match <b>" + term + "</b>.</p>"


@app.route("/search")
def search():
    term = request.args.get("q", "")
    return no_results(term)  # vuln
