# Load settings from a JSON file, falling back to defaults when it does not exist:
import json

DEFAULTS = {"debug": False, "workers": 4}


def load_settings(path):
    try:
        with open(path) as handle:
            settings = json.load(handle)
    except FileNotFoundError:
        return dict(DEFAULTS)
    return {**DEFAULTS, **settings}
