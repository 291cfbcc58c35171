# Download each user's profile from the API:
import requests


def fetch_profiles(user_ids):
    profiles = []
    for user_id in user_ids:
        response = requests.get(f"https://api.example.com/users/{user_id}", timeout=10)
        profiles.append(response.json())
    return profiles
