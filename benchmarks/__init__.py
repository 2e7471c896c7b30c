"""Benchmarks: scripts that print figures, run from the repo root (`python -m benchmarks.NAME`)."""
