"""Workspaces: what a coalition keeps from season to season, in one encrypted file.

``Workspace`` (``store``) is the file; ``add_rosters`` (``incremental``) links a
season's rosters to the people already known; ``registry`` keeps person IDs
stable; ``views`` turns a workspace into a match result, a match folder or a
summary; ``seasons`` measures change over time. See docs/workspace.md.
"""

from overlap.workspace.incremental import (
    AddReport,
    Arrival,
    add_rosters,
    content_digest,
    default_season,
    read_arrival,
    start_from_match,
)
from overlap.workspace.store import KIND, STORED_PAIR_FLOOR, Upload, Workspace, WorkspaceError
from overlap.workspace.views import apply_session, export_folder, match_result, summary

__all__ = [
    "KIND",
    "STORED_PAIR_FLOOR",
    "AddReport",
    "Arrival",
    "Upload",
    "Workspace",
    "WorkspaceError",
    "add_rosters",
    "apply_session",
    "content_digest",
    "default_season",
    "export_folder",
    "match_result",
    "read_arrival",
    "start_from_match",
    "summary",
]
