"""Benchmarks: Overlap against labelled data and against Splink (not part of the library)."""
