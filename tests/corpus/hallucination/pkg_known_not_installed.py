# Load MNIST with TensorFlow Datasets.
import tensorflow_datasets as tfds

def mnist():
    return tfds.load("mnist", split="train")
