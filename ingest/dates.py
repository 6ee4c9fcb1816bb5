"""Danish dates as web pages print them, turned into ISO yyyy-mm-dd.

Handles "15. MAR. 2023", "9. november 2021", "9-11-2021", "09.11.2021", "9/11/2021" and
"2021-11-09". Two-digit years are refused: "09.11.21" could be either century and either order.
"""

from __future__ import annotations

import datetime as dt
import re

# Month names and the abbreviations Danish sites use, lower case, without the trailing dot.
MONTHS = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "marts": 3, "mar": 3, "april": 4, "apr": 4,
    "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
# Words that may stand before a date on a line of its own ("Skrevet d. 9-11-2021").
DATE_LINE_PREFIXES = (
    "skrevet", "udgivet", "publiceret", "offentliggjort", "opdateret", "dato", "den", "d",
)

_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_PATTERNS = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<d>\d{1,2})[-./](?P<m>\d{1,2})[-./](?P<y>\d{4})"),
    re.compile(rf"(?P<d>\d{{1,2}})\.?\s*(?P<name>{_MONTH_ALT})\.?\s+(?P<y>\d{{4}})", re.IGNORECASE),
)
_PREFIX = re.compile(
    rf"^(?:(?:{'|'.join(DATE_LINE_PREFIXES + WEEKDAYS)})\b\.?:?,?\s*)+",
    re.IGNORECASE,
)
# A clock time after the date: "KL. 15:27", ", 15.27".
_TIME_SUFFIX = re.compile(r"(?:,?\s*(?:kl\.?)?\s*\d{1,2}[:.]\d{2})$", re.IGNORECASE)


def _to_iso(match: re.Match[str]) -> str | None:
    parts = match.groupdict()
    month = MONTHS[parts["name"].lower()] if parts.get("name") else int(parts["m"])
    try:
        return dt.date(int(parts["y"]), month, int(parts["d"])).isoformat()
    except ValueError:  # 31-02-2021 and the like: not a date
        return None


def parse_danish_date(text: str) -> str | None:
    """ISO date when `text` is exactly one date in a known form, else None."""
    text = text.strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return _to_iso(match)
    return None


def find_danish_date(text: str) -> str | None:
    """ISO date of the first date anywhere in `text` (for dates inside a longer label)."""
    found = []
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if match and (iso := _to_iso(match)):
            found.append((match.start(), iso))
    return min(found)[1] if found else None


def parse_date_line(line: str) -> str | None:
    """ISO date when a line is a stamp ("15. MAR. 2023 KL. 15:27", "Skrevet d. 9-11-2021")."""
    core = _PREFIX.sub("", line.strip())
    core = _TIME_SUFFIX.sub("", core).strip()
    return parse_danish_date(core)


def parse_iso_datetime(value: str) -> str | None:
    """Date part of an ISO timestamp from HTML metadata ("2021-11-09T10:00:00+01:00")."""
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None
