# A tiny calculator API: POST {"expression": "2 * (3 + 4)"}
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.post("/calculate")
def calculate():
    payload = request.get_json()
    expression = payload["expression"]
    result = eval(expression)  # vuln
    return jsonify({"expression": expression, "result": result})
