# A minimal page that greets the visitor by name:
from flask import Flask, render_template_string, request

app = Flask(__name__)


@app.route("/greet")
def greet():
    name = request.args.get("name", "stranger")
    template = f"""
    <html><body>
      <h1>Hello, {name}!</h1>
      <p>Welcome back.</p>
    </body></html>
    """
    return render_template_string(template)  # vuln
