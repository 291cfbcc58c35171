# Scrape the product titles from each page:
import requests
from bs4 import BeautifulSoup


def titles(urls):
    results = []
    for url in urls:
        try:
            html = requests.get(url, timeout=10).text
            soup = BeautifulSoup(html, "html.parser")
            results.append(soup.find("h1").get_text(strip=True))
        except Exception as e:
            continue
    return results


def first_title(url):
    try:
        return titles([url])[0]
    except Exception as e:
        return None
