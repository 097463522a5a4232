"""Benchmarks: every hot path measured against a floor measured in the same run."""
