"""Clean twins of pandas_bad.py: nothing here may be reported."""

import pandas as pd


def p90(path):
    df = pd.read_csv(path)
    return df["total"].dropna().quantile(0.9)


def dedupe(path):
    return pd.read_csv(path).drop_duplicates()


def ordered(data):
    df = pd.DataFrame(data)
    return df.sort_values("a")


def smooth(values):
    s = pd.Series(values)
    return s.rolling(3).mean()


def has_x(data):
    df = pd.DataFrame(data)
    return df["name"].str.contains("x")


def joined(data, other):
    df = pd.DataFrame(data)
    return df.merge(other, on="id")


def first_rows(data):
    return pd.DataFrame(data).head(n=3)


def as_list(values):
    return pd.Series(values).to_numpy()


def column(data):
    df = pd.DataFrame(data)
    return df.total + df.price.fillna(0)
