"""Benchmarks: datasets (HumanEval) and scoring samples against their hidden tests in the
sandbox (`assay.benchmarks.scoring.score_samples`, pass@k)."""
