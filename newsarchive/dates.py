"""Dates and times as the parsers find them, in one place.

Every parser hands the builder a timezone-aware ``published_at`` in the zone the page itself uses (so its
local date is the date the page prints) and, when the page prints only a date, ``published_date``. The
builder stores ``published_at`` in UTC and the local date as ``published_date``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from email.utils import parsedate_to_datetime

HAS_TIME = re.compile(r"\d{1,2}:\d{2}")
ENGLISH_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%B %d %Y", "%b %d %Y")
ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b")
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100
ROC_YEAR_OFFSET = 1911  # Taiwan's Minguo calendar: year 109 is 2020


def parse_datetime(value: str, tz: tzinfo) -> datetime | None:
    """ISO 8601 (with or without offset) or RFC 2822 with a time of day; naive times are in ``tz``.

    None when the value has no time of day or is not a date at all."""
    value = value.strip()
    if not HAS_TIME.search(value):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return when if when.tzinfo else when.replace(tzinfo=tz)


def parse_iso(value: str, tz: tzinfo = UTC) -> datetime | None:
    """An ISO 8601 date or date-time; naive values are in ``tz``. None if unreadable."""
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=tz)


def english_date(value: str) -> date | None:
    """"October 27, 2023", "Oct 27, 2023", "Oct. 27, 2023" or "Dec 4th 2019"."""
    value = ORDINAL.sub("", " ".join(value.split()))
    for date_format in ENGLISH_DATE_FORMATS:
        try:
            return datetime.strptime(value, date_format).date()
        except ValueError:
            continue
    return None


def from_epoch_ms(milliseconds: int) -> datetime | None:
    """A Unix time in milliseconds as a UTC datetime; None when out of range."""
    try:
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=milliseconds)
    except OverflowError:
        return None


def plausible(when: datetime | date) -> bool:
    """A publication date this archive can hold (not a placeholder like year 1 or 9999)."""
    return EARLIEST_YEAR <= when.year <= LATEST_YEAR


def in_zone(when: datetime, tz: tzinfo) -> datetime:
    """The same moment on the clock of ``tz`` (naive datetimes are taken as UTC)."""
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(tz)


def calendar_date(year: int | None, month: int, day: int, near: date | None) -> date | None:
    """A printed day (year optional: "1月15日") as a date; without a year, the one closest to ``near``.

    ``year`` may be a Minguo year (109 → 2020). None when the day does not exist or nothing anchors it."""
    if year is not None and year < 1000:
        year += ROC_YEAR_OFFSET
    if year is not None:
        return _date(year, month, day)
    if near is None:
        return None
    options = [d for y in (near.year - 1, near.year, near.year + 1) if (d := _date(y, month, day))]
    return min(options, key=lambda d: abs((d - near).days), default=None)


def _date(year: int, month: int, day: int) -> date | None:
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if plausible(found) else None
