# Assistant: "Here's a complete script: it loads the sales export, appends a totals row,
# stamps the report with the current UTC time and asks GPT-4 for a one-line summary."
import datetime

import numpy as np
import openai
import pandas as pd


def load_sales(path: str) -> pd.DataFrame:
    """Read the CSV export, skipping malformed lines."""
    df = pd.read_csv(path, error_bad_lines=False)
    totals = {"region": "TOTAL", "revenue": df["revenue"].sum()}
    df = df.append(totals, ignore_index=True)
    return df


def growth_rates(revenue: list[float]) -> np.ndarray:
    """Period-over-period growth as fractions."""
    values = np.asarray(revenue, dtype=np.float)
    return np.diff(values) / values[:-1]


def stamp() -> str:
    return datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC")


def summarise(df: pd.DataFrame) -> str:
    response = openai.ChatCompletion.create(
        model="gpt-4",
        messages=[{"role": "user", "content": f"Summarise these sales: {df.to_dict()}"}],
    )
    return response["choices"][0]["message"]["content"]
