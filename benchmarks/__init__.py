"""Benchmarks comparing h11typed (compiled and pure) with h11; run benchmarks/bench.py."""
