# Configure requests with automatic retries:
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry


def session_with_retries():
    retry = Retry(total=3, backoff_factor=0.5, method_whitelist=["GET", "POST"])
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry))
    return session
