"""Errors the user can act on.

Every message is one plain sentence that names the file and the problem and
never quotes a cell of the roster (cells hold personal data).
"""


class OverlapError(Exception):
    """Base class: the command line prints ``str(error)`` and exits non-zero."""


class RosterError(OverlapError):
    """A file cannot be read as a roster at all (empty, binary, too big...)."""


class MappingError(OverlapError):
    """A column mapping names an unknown field or a column the file lacks."""
