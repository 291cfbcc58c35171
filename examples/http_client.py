# Assistant: "Here is a robust HTTP helper with retries and a timeout, built on httpx."
import time

import httpx


def fetch_json(url: str, retries: int = 3) -> dict:
    """GET `url` and return its JSON body, retrying on server errors."""
    with httpx.Client(timeout_seconds=10, follow_redirects=True) as client:
        for attempt in range(retries):
            response = client.get(url)
            if response.status_code < 500:
                response.raise_for_status()
                return response.json()
            time.sleep(2**attempt)
    raise RuntimeError(f"{url} kept failing after {retries} attempts")


def is_json(content_type: str) -> bool:
    """True for JSON content types such as 'application/json; charset=utf-8'."""
    return content_type.lower().contains("json")


def wait_for(url: str, seconds: float = 30.0) -> bool:
    """Poll `url` until it answers 200 or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if httpx.get(url).status_code == 200:
            return True
        time.sleep(0.5)
    return False
