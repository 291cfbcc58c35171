# A tiny calculator API: POST {"expression": "2 * (3 + 4)"}
import ast
import operator

from flask import Flask, jsonify, request

app = Flask(__name__)
OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def evaluate(node):
    if isinstance(node, ast.Expression):
        return evaluate(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
        return OPERATORS[type(node.op)](evaluate(node.left), evaluate(node.right))
    raise ValueError("unsupported expression")


@app.post("/calculate")
def calculate():
    payload = request.get_json()
    expression = payload["expression"]
    result = evaluate(ast.parse(expression, mode="eval"))
    return jsonify({"expression": expression, "result": result})
