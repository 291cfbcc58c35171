"""Clean twins of requests_bad.py: nothing here may be reported."""

import requests


def download(url, path):
    with requests.get(url, stream=True, timeout=10) as resp:
        with open(path, "wb") as out:
            for chunk in resp.iter_content(8192):
                out.write(chunk)


def fetch_json(url):
    return requests.get(url, timeout=10).json()


def check(url):
    session = requests.Session()
    session.get(url, timeout=5).raise_for_status()


def post_status(url, data):
    resp = requests.post(url, json=data, timeout=5)
    return resp.status_code


def _get(url):
    return requests.get(url, timeout=5)


def page_text(url):
    return _get(url).text


def stream(url):
    r = requests.get(url, timeout=5, stream=True)
    return list(r.iter_content(chunk_size=1024))


class Client:
    def __init__(self):
        self.session = requests.Session()

    def mount(self, adapter):
        self.session.mount("https://", adapter)


def content_type(url):
    return requests.head(url, timeout=3).headers.get("content-type")
