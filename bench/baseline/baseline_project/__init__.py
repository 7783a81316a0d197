"""The baseline: the least Django can do to serve the product list, for the benchmarks."""
