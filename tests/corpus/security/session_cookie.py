# Store the shopping cart in a cookie so it survives restarts:
import base64
import pickle

from flask import Flask, make_response, request

app = Flask(__name__)


@app.route("/cart")
def view_cart():
    raw = request.cookies.get("cart")
    cart = pickle.loads(base64.b64decode(raw)) if raw else {}  # vuln
    return {"items": cart}


@app.route("/cart/add/<item>")
def add_to_cart(item):
    response = make_response("added")
    response.set_cookie("cart", base64.b64encode(item.encode()).decode())
    return response
