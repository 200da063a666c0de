"""An issue a reader found no date for -> the same issue dated where archives keep the date otherwise.

In: an ``Issue`` whose masthead has no date. Out: the issue with the date of the first of the front
page's headlines and furniture lines that holds one (an OCR'd nameplate line such as ``MARYSVILLE,
CALIFORNIA, FRIDAY MORNING, AUGUST 13, 1858.``, read as a headline when the text marks nothing), else
the date its file's name says (``1858081301.xml``, ``democrat-1858-08-13.txt``: archives name issues by
their date), to the precision the name gives it (``shenbao-1880-10.txt`` names a month; ``1880-10-4902408.txt``
only a year, the numbers after it an archive's own), else the issue unchanged. The text itself is not
changed: the line stays where it was.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from pathlib import Path

from layout.model import Issue
from layout.readers.newspaper import take_masthead_fields

# a year of print (1600-2099), month and day, with or without dashes, not inside a longer number
FILE_NAME_DATE = re.compile(r"(?<!\d)(?P<year>1[6-9]\d\d|20\d\d)-?(?P<month>[01]\d)-?(?P<day>[0-3]\d)")
# a run of numbers in a file's name (1880-10-4902408, 1880-10), not inside a word (sn86076142)
NAME_NUMBERS = re.compile(r"(?<![\dA-Za-z])\d+(?:[-_]\d+)*")
YEAR_OF_PRINT = re.compile(r"1[6-9]\d\d|20\d\d")
FRONT_HEADLINES = 12  # of the front page's headlines, those a nameplate's date line can be among


def dated(issue: Issue) -> Issue:
    """``issue``, dated by its front page's lines or its file's name when its masthead has no date."""
    if issue.masthead.date is not None:
        return issue
    values: dict[str, object] = {}
    lines: dict[str, int] = {}
    front = [s for s in issue.sections if (s.page or 1) == 1][:FRONT_HEADLINES]
    candidates = [
        *zip(issue.masthead.furniture, issue.masthead.furniture_lines),
        *((s.headline, s.line) for s in front),
    ]
    for text, line in candidates:
        take_masthead_fields(text, line, values, lines)
        if "date" in values:
            return _with_date(issue, str(values["date"]), lines["date"])
    named = _date_of_name(Path(issue.source).name)
    return _with_date(issue, named, None) if named else issue


def _date_of_name(name: str) -> str | None:
    for match in FILE_NAME_DATE.finditer(name):
        try:
            return datetime.date(int(match["year"]), int(match["month"]), int(match["day"])).isoformat()
        except ValueError:
            continue
    return _month_or_year_of_name(name)


def _month_or_year_of_name(name: str) -> str | None:
    """The month or the year a name gives when it gives no day: of a run of numbers that opens with a
    year of print, the year and month when the run is those two alone (1880-10), else the year (in
    1880-10-4902408 what follows the year makes no date: an archive's numbering, not a month)."""
    for run in NAME_NUMBERS.finditer(name):
        year, *rest = re.split("[-_]", run[0])
        if YEAR_OF_PRINT.fullmatch(year):
            month = rest[0] if len(rest) == 1 and len(rest[0]) == 2 and 1 <= int(rest[0]) <= 12 else None
            return f"{year}-{month}" if month else year
    return None


def _with_date(issue: Issue, date: str, line: int | None) -> Issue:
    masthead_lines = {**issue.masthead.lines, "date": line} if line is not None else issue.masthead.lines
    masthead = dataclasses.replace(issue.masthead, date=date, lines=masthead_lines)
    return dataclasses.replace(issue, masthead=masthead)
