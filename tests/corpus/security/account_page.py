# Show the signed-in customer's account summary.
from flask import Flask, session

app = Flask(__name__)


def render_summary(name, card_number):
    return f"<h2>{name}</h2><p>Card on file: {card_number}</p>"


@app.route("/account/summary")
def summary():
    customer = session["customer"]
    return render_summary(customer["name"], customer["card_number"])  # vuln
