"""Natural order of case references: digits compared as numbers, letters without case
(R-9 before R-10, r-9 next to R-9)."""

from __future__ import annotations

import re
from typing import Final

_DIGITS: Final = re.compile(r"(\d+)")


def natural_key(ref: str) -> str:
    """A text that sorts by code point (Python) or bytes (SQLite's BINARY) exactly as ``ref``
    sorts in natural order; references with the same key (``R-09``, ``r-9``) are equal there.

    The lower-cased text runs each end with ``!`` (below every character a reference may hold);
    each digit run becomes its length without leading zeros (one character from ``"``) and those
    digits, so a longer number sorts after a shorter one.
    """
    parts = _DIGITS.split(ref.lower())
    if len(parts) == 1:
        return parts[0] + "!"
    out = [parts[0], "!"]
    for i in range(1, len(parts), 2):
        digits = parts[i].lstrip("0") or "0"
        out += (chr(0x21 + len(digits)), digits, parts[i + 1], "!")
    return "".join(out)
