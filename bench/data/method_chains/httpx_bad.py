"""Method-chain hallucinations on httpx (each marked line must be reported)."""

import httpx


def fetch(url):
    return httpx.get(url).json_data()  # expect: AS103


def with_client(url):
    with httpx.Client() as client:
        return client.fetch(url)  # expect: AS103


async def status(url):
    async with httpx.AsyncClient() as client:
        r = await client.get(url)
        return r.status  # expect: AS103


def chunks(url):
    return list(httpx.Client(timeout=5).get(url).iter_chunks())  # expect: AS103


def follow(url):
    client = httpx.Client()
    return client.get(url, follow_redirect=True)  # expect: AS104


def ok(url):
    resp = httpx.post(url, json={})
    return resp.ok  # expect: AS103
