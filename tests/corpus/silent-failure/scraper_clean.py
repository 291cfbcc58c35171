# Scrape the product titles from each page:
import requests
from bs4 import BeautifulSoup


def titles(urls):
    results = []
    for url in urls:
        response = requests.get(url, timeout=10)
        response.raise_for_status()
        heading = BeautifulSoup(response.text, "html.parser").find("h1")
        if heading is None:
            raise ValueError(f"{url} has no <h1>")
        results.append(heading.get_text(strip=True))
    return results


def first_title(url):
    found = titles([url])
    return found[0] if found else None
