"""Benchmarks: each module prints its figures; none is a test (see README, "Benchmarks")."""
