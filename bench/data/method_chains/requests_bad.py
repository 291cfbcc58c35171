"""Method-chain hallucinations on requests (each marked line must be reported)."""

import requests


def download(url, path):
    with requests.get(url, stream=True, timeout=10) as resp:
        with open(path, "wb") as out:
            for chunk in resp.iter_chunks(8192):  # expect: AS103
                out.write(chunk)


def fetch_json(url):
    return requests.get(url, timeout=10).json_body()  # expect: AS103


def check(url):
    session = requests.Session()
    session.get(url, timeout=5).raise_for_status_code()  # expect: AS103


def post_status(url, data):
    resp = requests.post(url, json=data, timeout=5)
    return resp.status()  # expect: AS103


def _get(url):
    return requests.get(url, timeout=5)


def page_text(url):
    return _get(url).text_content  # expect: AS103


def stream(url):
    r = requests.get(url, timeout=5, stream=True)
    return list(r.iter_content(chunk=1024))  # expect: AS104


class Client:
    def __init__(self):
        self.session = requests.Session()

    def mount(self, adapter):
        self.session.mount_adapter("https://", adapter)  # expect: AS103


def content_type(url):
    return requests.head(url, timeout=3).headers.get_all("content-type")  # expect: AS103
