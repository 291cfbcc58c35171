# Load the settings from the environment and print the non-secret ones at start-up:
import os


def load_settings() -> dict:
    settings = {
        "database_url": os.environ.get("DATABASE_URL", "sqlite:///app.db"),
        "api_key": os.environ["SERVICE_API_KEY"],
        "debug": os.environ.get("DEBUG") == "1",
    }
    print(f"Loaded settings (debug={settings['debug']})")
    return settings
