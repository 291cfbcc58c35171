# Here's a Flask app that documents itself with GPT:
from flask_autodoc_gpt import AutoDoc

def create_app():
    return AutoDoc(title="My API")
