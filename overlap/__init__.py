"""Overlap: find the people programmes serve in common.

The library behind the dashboard and the ``overlap`` command. Stages, one
module each: ingest -> mapping -> normalise -> block -> compare -> model ->
cluster -> analyse -> export (see docs/architecture.md).

The few functions a Python user needs are importable from here (each
documented with an example; the examples follow on from one another and run
from the repository's root, on its sample rosters; docs/api.md puts them
together):

- reading and mapping: ``read_roster``, ``map_rosters``;
- matching: ``match_files``, ``match_rosters``, ``recluster``;
- the files of a match: ``save_result``, ``load_result``, ``overlap_document``;
- lists of people to contact: ``TargetConditions``, ``build_target_list``,
  ``display_targets``, ``write_table``;
- the types they take and give: ``Roster``, ``MappedRoster``, ``MatchResult``,
  ``FittedModel`` (``to_dict``/``from_dict``: a model as plain JSON-able data),
  ``LoadedResult``, ``OverlapError``.

Names are loaded on first use, so ``import overlap`` (and the command's
start) stays quick.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

#: the public names, in the order their examples run
__all__ = [
    "read_roster",
    "map_rosters",
    "match_rosters",
    "recluster",
    "match_files",
    "save_result",
    "load_result",
    "overlap_document",
    "build_target_list",
    "display_targets",
    "write_table",
    "Roster",
    "MappedRoster",
    "MatchResult",
    "FittedModel",
    "LoadedResult",
    "TargetConditions",
    "OverlapError",
]

#: the module that defines each public name (loaded on first use)
_HOME = {
    "read_roster": "overlap.ingest",
    "Roster": "overlap.ingest",
    "map_rosters": "overlap.inputs",
    "MappedRoster": "overlap.mapping",
    "match_rosters": "overlap.pipeline",
    "recluster": "overlap.pipeline",
    "match_files": "overlap.pipeline",
    "MatchResult": "overlap.pipeline",
    "FittedModel": "overlap.model",
    "save_result": "overlap.results",
    "load_result": "overlap.results",
    "overlap_document": "overlap.results",
    "LoadedResult": "overlap.results",
    "build_target_list": "overlap.outreach",
    "display_targets": "overlap.outreach",
    "TargetConditions": "overlap.outreach",
    "write_table": "overlap.export",
    "OverlapError": "overlap.errors",
}

if TYPE_CHECKING:  # what type checkers see (the package carries py.typed)
    from overlap.errors import OverlapError
    from overlap.export import write_table
    from overlap.ingest import Roster, read_roster
    from overlap.inputs import map_rosters
    from overlap.mapping import MappedRoster
    from overlap.model import FittedModel
    from overlap.outreach import TargetConditions, build_target_list, display_targets
    from overlap.pipeline import MatchResult, match_files, match_rosters, recluster
    from overlap.results import LoadedResult, load_result, overlap_document, save_result


def __getattr__(name: str):
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'overlap' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
