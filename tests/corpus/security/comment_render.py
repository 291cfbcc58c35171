# Render the user's comment with the author's name in bold:
from flask import Flask, request
from markupsafe import Markup

app = Flask(__name__)


@app.post("/preview")
def preview():
    author = request.form["author"]
    comment = request.form["comment"]
    return Markup(f"<p><b>{author}</b>: {comment}</p>")  # vuln
