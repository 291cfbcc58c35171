# Weather helper for the dashboard:
from dataclasses import dataclass


@dataclass
class Forecast:
    city: str
    temperature_c: float
    condition: str


def get_forecast(city: str, days: int = 3) -> list[dict]:
    # Example data; replace with a call to your weather provider.
    return [
        {"day": 1, "temperature_c": 18.5, "condition": "cloudy"},
        {"day": 2, "temperature_c": 21.0, "condition": "sunny"},
        {"day": 3, "temperature_c": 16.0, "condition": "rain"},
    ]


def to_forecasts(city: str, raw: list[dict]) -> list[Forecast]:
    return [Forecast(city, day["temperature_c"], day["condition"]) for day in raw]
