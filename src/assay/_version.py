"""The version of assay, in one place that imports nothing (so no module inside the package
needs to import the package root, which imports every stage)."""

__version__ = "0.1.0"
