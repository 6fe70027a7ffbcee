"""Finding a roster's values in what a page sent (requests, upload bodies, WebSocket frames)."""

from __future__ import annotations

import re


def leaked_values(values: list[str], sent: bytes) -> list[str]:
    """The values found in ``sent``, as typed or in lower case.

    A value made of digits (a birth year, a phone's last four digits) counts only
    as a whole number: "1985" inside a longer number such as a timestamp or a
    message id is chance, not a leak, and made these tests fail now and then.
    """
    found = []
    for value in values:
        for form in dict.fromkeys((value, value.lower())):
            pattern = re.escape(form.encode())
            if form.replace("-", "").isdigit():
                pattern = rb"(?<![0-9])" + pattern + rb"(?![0-9])"
            if re.search(pattern, sent):
                found.append(value)
                break
    return found

