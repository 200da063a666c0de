"""An issue's date as the model holds it -> its year, month and day, for wording and metadata (issue 10).

In: ISO 8601 date text of the precision its source names, as W3C's profile of ISO 8601 (W3CDTF) allows:
``1880-01-07``, or ``1880-01`` when the source names only the month, or ``1880`` only the year (an archive
that files an issue under its year). Out: a ``CalendarDate`` whose missing parts are None, so that what
prints and what the metadata says name the same date and never a day the source does not.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

MONTHS = (  # lower case: readers match them in any case, styles capitalise them
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
W3CDTF_DATE = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?")


@dataclass(frozen=True)
class CalendarDate:
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def iso(self) -> str:
        """The date as W3CDTF writes it, to its precision: 1880, 1880-01, 1880-01-07."""
        parts = [f"{self.year:04}", *(f"{part:02}" for part in (self.month, self.day) if part is not None)]
        return "-".join(parts)

    @property
    def first_day(self) -> datetime.date:
        """The earliest day the date can be: the issue was printed no earlier."""
        return datetime.date(self.year, self.month or 1, self.day or 1)


def calendar_date(text: str) -> CalendarDate:
    """The date ``text`` (W3CDTF, to any precision) names; ValueError when it names none."""
    match = W3CDTF_DATE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is no date such as 1880-01-07, 1880-01 or 1880")
    year, month, day = (int(match[part]) if match[part] else None for part in ("year", "month", "day"))
    assert year is not None  # the pattern's one part that is not optional
    datetime.date(year, month or 1, day or 1)  # ValueError for a month or a day no calendar has
    return CalendarDate(year, month, day)
