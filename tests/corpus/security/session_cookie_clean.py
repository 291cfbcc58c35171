# Store the shopping cart in a cookie so it survives restarts:
import base64
import json

from flask import Flask, make_response, request

app = Flask(__name__)


@app.route("/cart")
def view_cart():
    raw = request.cookies.get("cart")
    cart = json.loads(base64.b64decode(raw)) if raw else {}
    return {"items": cart}


@app.route("/cart/add/<item>")
def add_to_cart(item):
    response = make_response("added")
    response.set_cookie("cart", base64.b64encode(json.dumps([item]).encode()).decode())
    return response
