"""Clean twins of numpy_bad.py: nothing here may be reported."""

import numpy as np


def size(xs):
    return np.array(xs).size


def dice(seed):
    return np.random.default_rng(seed).integers(1, 7)


def norm(n):
    return np.linalg.norm(np.linspace(0, 1, n))


def as_list(xs):
    arr = np.asarray(xs)
    return arr.tolist()


def draws(seed):
    rng = np.random.default_rng(seed)
    return rng.normal(loc=0, scale=1, size=10)


def total(xs):
    return np.zeros(3).sum() + np.add.reduce(np.ones(2))
