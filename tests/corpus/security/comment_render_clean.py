# Render the user's comment with the author's name in bold:
from flask import Flask, request
from markupsafe import escape

app = Flask(__name__)


@app.post("/preview")
def preview():
    author = request.form["author"]
    comment = request.form["comment"]
    return f"<p><b>{escape(author)}</b>: {escape(comment)}</p>"
