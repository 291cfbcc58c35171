# Let an admin preview a notification template.
from flask import Flask, request

app = Flask(__name__)


class Order:
    def __init__(self, number):
        self.number = number


@app.route("/notify/preview", methods=["POST"])
def preview():
    template = request.form["template"]
    return template.format(order=Order(42))  # vuln
