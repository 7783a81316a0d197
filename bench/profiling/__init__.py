"""Profiling hooks of the benchmarks."""
