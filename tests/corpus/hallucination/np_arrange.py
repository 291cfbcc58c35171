import numpy as np

def grid(n: int):
    return np.arrange(n).reshape(-1, 1)
