# Here's a script that loads the sales CSV, adds a summary row and prints per-column stats.
import pandas as pd


def build_report(path):
    df = pd.read_csv(path, on_bad_lines="skip")
    totals = {"region": "TOTAL", "revenue": df["revenue"].sum()}
    df = pd.concat([df, pd.DataFrame([totals])], ignore_index=True)
    for name, column in df.items():
        print(name, column.dtype)
    return df
