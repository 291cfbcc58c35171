# Weather helper for the dashboard:
from dataclasses import dataclass

import requests


@dataclass
class Forecast:
    city: str
    temperature_c: float
    condition: str


def get_forecast(city: str, days: int = 3) -> list[dict]:
    response = requests.get(
        "https://api.weather.example.com/forecast",
        params={"q": city, "days": days},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["days"]


def to_forecasts(city: str, raw: list[dict]) -> list[Forecast]:
    return [Forecast(city, day["temperature_c"], day["condition"]) for day in raw]
