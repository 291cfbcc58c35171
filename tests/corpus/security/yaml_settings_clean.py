# Accept a YAML settings document from the admin UI:
import yaml
from flask import Flask, request

app = Flask(__name__)


@app.post("/admin/settings")
def upload_settings():
    settings = yaml.safe_load(request.data)
    app.config.update(settings)
    return {"updated": sorted(settings)}
