# You can compute the weighted statistics with NumPy like this:
import numpy as np


def weighted_stats(values, weights):
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    total = np.prod(weights.shape)
    mean = np.sum(values * weights) / np.sum(weights)
    return mean, total
