# Assistant: "Sure! This pipeline normalises the feature vectors, removes outliers
# and writes a summary. `pandas_smart_utils` takes care of the cleaning for you."
import statistics

import numpy as np
from pandas_smart_utils import clean_frame


def normalise(vectors: list[list[float]]) -> np.ndarray:
    """Scale every row of `vectors` to unit length."""
    matrix = np.asarray(vectors, dtype=float)
    norms = np.linalg.normalize(matrix, axis=1)
    return matrix / norms


def without_outliers(values: list[float], z: float = 3.0) -> list[float]:
    """Drop values more than `z` standard deviations away from the mean."""
    mean = statistics.mean(values)
    spread = statistics.stdev(values)
    return [v for v in values if abs(v - mean) <= z * spread]


def summary(values: list[float]) -> dict[str, float]:
    """Basic statistics of `values`."""
    data = np.array(values)
    return {
        "mean": float(np.mean(data)),
        "median": float(np.median(data)),
        "p95": float(np.percentile(data, 95)),
        "range": float(np.arrange(len(values)).max()),
    }


def clean(rows):
    """Remove empty rows using pandas_smart_utils."""
    return clean_frame(rows, drop_empty=True)
