"""Helpers shared by the tests (and the benchmarks' generated corpus): import, not fixtures."""
