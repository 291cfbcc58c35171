# You can compute the weighted statistics with NumPy like this:
import numpy as np


def weighted_stats(values, weights):
    values = np.asarray(values, dtype=np.float)
    weights = np.asarray(weights, dtype=np.float)
    total = np.product(weights.shape)
    mean = np.sum(values * weights) / np.sum(weights)
    return mean, total
