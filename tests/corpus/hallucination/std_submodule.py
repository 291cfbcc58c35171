import urllib.fetch

def get(url: str) -> bytes:
    return urllib.fetch.urlopen(url).read()
