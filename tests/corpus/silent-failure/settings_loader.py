# Load settings from a JSON file, falling back to defaults:
import json

DEFAULTS = {"debug": False, "workers": 4}


def load_settings(path):
    try:
        with open(path) as handle:
            settings = json.load(handle)
    except:
        print("could not load settings, using defaults")
        return {}
    return {**DEFAULTS, **settings}
