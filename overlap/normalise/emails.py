"""Emails: trimmed and lower case, or "" for anything not an address or a placeholder.

``normalise_email`` reads one value: it is the reference. ``_emails_fast``
decides the printable-ASCII single emails of a column in pyarrow (nearly all
of them) and leaves the rest to the reference.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from overlap.normalise._text import _first_valid

if TYPE_CHECKING:  # annotations only: the vectorised paths import these where they run
    import pyarrow as pa

_EMAIL = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$"
)
_EMAIL_PLACEHOLDER_USERS = {
    "none",
    "noemail",
    "no.email",
    "no_email",
    "no-email",
    "nomail",
    "no",
    "na",
    "n.a",
    "null",
    "unknown",
    "noreply",
    "no-reply",
    "donotreply",
    "declined",
    "refused",
    "nobody",
}
_EMAIL_PLACEHOLDER_DOMAINS = {
    "none.com",
    "noemail.com",
    "nomail.com",
    "na.com",
    "none.none",
    "unknown.com",
    "test.com",
    "noreply.com",
}


_EMAIL_PLACEHOLDER_PATTERN = (
    "(?:"
    + "|".join(re.escape(u) for u in sorted(_EMAIL_PLACEHOLDER_USERS))
    + ")@.*|.*@(?:"
    + "|".join(re.escape(d) for d in sorted(_EMAIL_PLACEHOLDER_DOMAINS))
    + ")"
)


def _email_one(value: str) -> str:
    text = value.strip().strip("<>").strip().lower()
    if text.startswith("mailto:"):
        text = text[7:]
    if len(text) > 254 or not _EMAIL.match(text):
        return ""
    user, _, domain = text.rpartition("@")
    if user in _EMAIL_PLACEHOLDER_USERS or domain in _EMAIL_PLACEHOLDER_DOMAINS:
        return ""
    return text


def normalise_email(value: str) -> str:
    """Trimmed lower-case email, or "" if it does not look like one or is a placeholder."""
    return _first_valid(value, _email_one)


def _emails_fast(values: pa.Array) -> pa.Array:
    """Vectorised path for printable-ASCII single emails; null where it cannot decide."""
    import pyarrow.compute as pc

    from overlap.normalise._arrow import _NOTHING, _UNDECIDED, _fullmatch

    plain = pc.and_(
        _fullmatch(values, "[ -~]*"), pc.invert(pc.match_substring_regex(values, "[|<>]"))
    )
    text = pc.utf8_lower(pc.utf8_trim(values, " "))
    plain = pc.and_(plain, pc.invert(pc.starts_with(text, "mailto:")))
    looks = pc.and_(
        _fullmatch(text, _EMAIL.pattern[1:-1]), pc.less_equal(pc.utf8_length(text), 254)
    )
    good = pc.and_(looks, pc.invert(_fullmatch(text, _EMAIL_PLACEHOLDER_PATTERN)))
    return pc.if_else(plain, pc.if_else(good, text, _NOTHING), _UNDECIDED)
