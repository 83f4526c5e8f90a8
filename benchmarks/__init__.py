"""Benchmarks (run on demand: `python -m benchmarks.run`), never part of the test suite's timing."""
