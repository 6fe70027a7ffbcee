"""Overlap: find the people programmes serve in common.

The library behind the dashboard and the ``overlap`` command. Stages, one
module each: ingest -> mapping -> normalise -> block -> compare -> model ->
cluster -> analyse -> export (see docs/architecture.md).
"""

__version__ = "0.1.0"
