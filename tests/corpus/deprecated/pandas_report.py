# Here's a script that loads the sales CSV, adds a summary row and prints per-column stats.
import pandas as pd


def build_report(path):
    df = pd.read_csv(path, error_bad_lines=False)
    totals = {"region": "TOTAL", "revenue": df["revenue"].sum()}
    df = df.append(totals, ignore_index=True)
    for name, column in df.iteritems():
        print(name, column.dtype)
    return df
