"""Whether verify reports on a file at all: a path, and once the file is read its title and first text
-> nothing, or an ``OutputError`` (what ``verify`` raises instead of a ``Report``).

A device or a pipe is refused before it is read, an unreadable file is named with the system's reason,
and a file of another issue is refused by its title (the paper's name) and its metadata or first page
(the issue's date, in any of the forms a paper prints it).
"""

from __future__ import annotations

from pathlib import Path

from layout.calendar_dates import MONTHS, calendar_date
from layout.errors import OutputError
from layout.model import Issue
from layout.verify.text import normalize


def check_regular_file(path: Path) -> None:
    """A device or a pipe given as a finished file would be read without end."""
    if path.exists() and not path.is_file():
        raise OutputError("not a regular file", path=path, hint="give the file that `reissue build` wrote")


def unreadable(path: Path, error: OSError) -> OutputError:
    return OutputError(
        f"cannot read the file ({error.strerror})", path=path, hint="run `reissue build` first, or give the right path"
    )


def _date_forms(iso: str) -> set[str]:
    """The ways a date is printed on a page or written in metadata, normalized: to its precision (a
    date the source names only by its month or year is printed and written so)."""
    d = calendar_date(iso)
    if d.month is None:
        forms = {f"{d.year}年", f"D:{d.year}"}
    else:
        month = MONTHS[d.month - 1].capitalize()
        if d.day is None:
            forms = {
                f"{d.year}年{d.month}月",
                f"{d.year}年{d.month:02}月",
                f"{month}{d.year}",
                f"D:{d.year}{d.month:02}",
            }
        else:
            forms = {
                f"{d.year}年{d.month}月{d.day}日",
                f"{d.year}年{d.month:02}月{d.day:02}日",
                f"{month}{d.day},{d.year}",
                f"{d.day}{month}{d.year}",
                f"D:{d.year}{d.month:02}{d.day:02}",
            }
    return {normalize(f).casefold() for f in {iso, *forms}}


def check_identity(issue: Issue, path: Path, title: str, evidence: str, what: str) -> None:
    """Raise OutputError unless ``title`` names this paper and ``evidence`` (metadata, first page) has its date."""
    paper = normalize(issue.masthead.title)
    if paper not in normalize(title):
        raise OutputError(
            f"this {what} is not of {issue.masthead.title} (its title is {title.strip()!r})",
            path=path,
            hint=f"give the {what} built from {issue.source}",
        )
    date = issue.masthead.date
    if date and not any(form in normalize(evidence).casefold() for form in _date_forms(date)):
        raise OutputError(
            f"this {what} is not the {date} issue: that date is neither in its metadata nor on its first page",
            path=path,
            hint=f"give the {what} built from {issue.source}",
        )
