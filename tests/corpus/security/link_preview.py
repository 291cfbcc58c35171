# Fetch a page's title for link previews.
import re

import requests
from flask import Flask, request

app = Flask(__name__)


@app.route("/preview")
def preview():
    url = request.args["url"]
    page = requests.get(url, timeout=5)  # vuln
    match = re.search(r"<title>(.*?)</title>", page.text)
    return {"title": match.group(1) if match else None}
