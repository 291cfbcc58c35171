import httpx

def client() -> httpx.Client:
    return httpx.Client(base_url="https://api.example.org", timeout=10)
