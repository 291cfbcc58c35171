# Filter application log lines with a user-supplied pattern.
import re

from flask import Flask, request

app = Flask(__name__)


@app.route("/logs")
def logs():
    pattern = re.compile(request.args.get("filter", ".*"))  # vuln
    with open("app.log", encoding="utf-8") as handle:
        return {"lines": [line for line in handle if pattern.search(line)]}
