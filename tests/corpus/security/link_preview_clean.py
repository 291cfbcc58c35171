# Fetch a page's title for link previews.
import re
from urllib.parse import urlparse

import requests
from flask import Flask, abort, request

app = Flask(__name__)
ALLOWED_HOSTS = {"blog.example.com", "docs.example.com"}


@app.route("/preview")
def preview():
    url = request.args["url"]
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        abort(400)
    page = requests.get(url, timeout=5)
    match = re.search(r"<title>(.*?)</title>", page.text)
    return {"title": match.group(1) if match else None}
