"""Method-chain hallucinations on pandas (each marked line must be reported)."""

import pandas as pd


def p90(path):
    df = pd.read_csv(path)
    return df["total"].dropna().percentile(90)  # expect: AS103


def dedupe(path):
    return pd.read_csv(path).drop_duplicate()  # expect: AS103


def ordered(data):
    df = pd.DataFrame(data)
    return df.sort_by("a")  # expect: AS103


def smooth(values):
    s = pd.Series(values)
    return s.rolling(3).average()  # expect: AS103


def has_x(data):
    df = pd.DataFrame(data)
    return df["name"].str.contain("x")  # expect: AS103


def joined(data, other):
    df = pd.DataFrame(data)
    return df.merge(other, on_key="id")  # expect: AS104


def first_rows(data):
    return pd.DataFrame(data).head(n_rows=3)  # expect: AS104


def as_list(values):
    return pd.Series(values).to_array()  # expect: AS103
