"""Benchmarks: speed and memory targets, measured side by side and written to BENCHMARKS.md."""
