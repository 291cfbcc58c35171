"""Clean twins of httpx_bad.py: nothing here may be reported."""

import httpx


def fetch(url):
    return httpx.get(url).json()


def with_client(url):
    with httpx.Client() as client:
        return client.get(url)


async def status(url):
    async with httpx.AsyncClient() as client:
        r = await client.get(url)
        return r.status_code


def chunks(url):
    return list(httpx.Client(timeout=5).get(url).iter_bytes())


def follow(url):
    client = httpx.Client()
    return client.get(url, follow_redirects=True)


def ok(url):
    resp = httpx.post(url, json={})
    return resp.is_success
