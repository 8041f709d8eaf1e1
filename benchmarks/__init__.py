"""Benchmarks: each module `bench_*.py` measures Legation side by side with a named peer."""
