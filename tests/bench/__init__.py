"""Benchmarks (`make bench`, docs/performance.md): pages under wrk, the alert fan-out under real workers.

Not part of the test suite: pytest collects only `test_*.py`, and nothing here is named so.
"""
