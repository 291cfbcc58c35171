import numpy as np

def unit(vector):
    return vector / np.linalg.normalize(vector)
