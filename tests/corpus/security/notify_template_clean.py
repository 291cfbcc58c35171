# Let an admin preview a notification template.
from string import Template

from flask import Flask, request

app = Flask(__name__)


@app.route("/notify/preview", methods=["POST"])
def preview():
    template = Template(request.form["template"])
    return template.safe_substitute(order_number=42)
