import numpy as np

def grid(n: int):
    return np.arange(n).reshape(-1, 1)

def unit(vector):
    return vector / np.linalg.norm(vector)
