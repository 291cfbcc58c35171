"""Method-chain hallucinations on numpy (each marked line must be reported)."""

import numpy as np


def size(xs):
    return np.array(xs).length()  # expect: AS103


def dice(seed):
    return np.random.default_rng(seed).randint(1, 7)  # expect: AS103


def norm(n):
    return np.linspace(0, 1, n).norm()  # expect: AS103


def as_list(xs):
    arr = np.asarray(xs)
    return arr.to_list()  # expect: AS103


def draws(seed):
    rng = np.random.default_rng(seed)
    return rng.normal(loc=0, scale=1, shape=10)  # expect: AS104


def total(xs):
    return np.zeros(3).summed()  # expect: AS103
