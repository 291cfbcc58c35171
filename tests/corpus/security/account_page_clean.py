# Show the signed-in customer's account summary.
from flask import Flask, session

app = Flask(__name__)


def render_summary(name, card_tail):
    return f"<h2>{name}</h2><p>Card on file: **** {card_tail}</p>"


@app.route("/account/summary")
def summary():
    customer = session["customer"]
    return render_summary(customer["name"], customer["card_number"][-4:])
