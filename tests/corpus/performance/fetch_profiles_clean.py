# Download each user's profile from the API:
import requests


def fetch_profiles(user_ids):
    response = requests.get(
        "https://api.example.com/users",
        params={"ids": ",".join(map(str, user_ids))},
        timeout=10,
    )
    return response.json()
