"""Who an issue is, which version of it this is, and who made it: an issue in, its identifiers, dates
and catalogue names out.

The PDF and the EPUB of one issue carry the same identifier, made from the paper and the issue's
number alone, so every build of the issue names it the same way. A corrected rebuild is told apart
by its release time (``dcterms:modified``, the PDF's ModDate) and, in the PDF, by an instance
identifier made from the source's bytes. Both come from the source, never from the clock, so the
same input gives the same bytes: the release time is ``SOURCE_DATE_EPOCH`` when it is set
(https://reproducible-builds.org/specs/source-date-epoch/), else the time of the last commit that
touched the source when git holds it unchanged, else the source file's modification time; never
earlier than the issue's date, which stays the date the issue was printed.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import uuid
from datetime import UTC, datetime, time
from pathlib import Path

from layout import __version__
from layout.calendar_dates import calendar_date
from layout.errors import ReissueError, SourceError
from layout.model import Issue, Masthead

EARLIEST = datetime(1980, 1, 1, tzinfo=UTC)  # for an undated issue: the earliest time a zip entry can carry
LATEST = datetime(2107, 12, 31, 23, 59, 58, tzinfo=UTC)  # the latest one
GIT_SECONDS = 10  # a git that does not answer in this time is taken as no git

# a masthead line naming its publisher or sponsor with the verb: 昭通日报社出版, 中共昭通市委主管主办, Published by …
VERB = re.compile(
    r"^(?:published by\s+)?(?P<name>.+?)\s*(?:主管主办|编辑出版|出版发行|主办|主管|出版)?$", re.IGNORECASE
)
ISSN = re.compile(r"ISSN\s*(?P<number>\d{4}-?\d{3}[\dX])", re.IGNORECASE)
# ONIX code list 13, the identifier types of a series: 02 an ISSN, 01 any other (a national serial number, CN …)
SERIES_ID_TYPE = {"issn": "02", "other": "01"}


def issue_uuid(masthead: Masthead) -> uuid.UUID:
    """A UUID that names this issue of this paper and nothing else, the same on every build."""
    paper = masthead.serial_number or masthead.title
    number = masthead.issue_number if masthead.issue_number is not None else masthead.date
    return uuid.uuid5(uuid.NAMESPACE_URL, f"reissue:{paper}:{number}")


def issue_urn(masthead: Masthead) -> str:
    """``issue_uuid`` as the URN that the EPUB's and the PDF's metadata give as the identifier."""
    return f"urn:uuid:{issue_uuid(masthead)}"


def instance_urn(issue: Issue) -> str:
    """A URN for this content of the issue, as this version of reissue makes it: a new one when the
    source's bytes change (a corrected rebuild), the same one when they do not."""
    try:
        digest = hashlib.sha256(Path(issue.source).read_bytes()).hexdigest()
    except OSError as error:
        raise SourceError(f"cannot read the source again: {error.strerror}", path=issue.source) from None
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'reissue:{__version__}:{digest}')}"


def issue_time(masthead: Masthead) -> datetime:
    """The day the issue was printed, at midnight UTC: the first day of its month or year when the source
    names no more (the issue was printed no earlier); ``EARLIEST`` for an undated issue."""
    if not masthead.date:
        return EARLIEST
    return datetime.combine(calendar_date(masthead.date).first_day, time(), tzinfo=UTC)


def release_time(issue: Issue) -> datetime:
    """When the issue's content last changed (UTC, whole seconds), never before the issue's date."""
    source = Path(issue.source)
    released = _source_date_epoch() or _last_commit(source) or _modified(source)
    printed = issue_time(issue.masthead)
    return max(released, printed) if released is not None else printed


def _source_date_epoch() -> datetime | None:
    """``SOURCE_DATE_EPOCH`` when it is set; a value that is not a time stops the build, as the
    specification asks."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if value.isdigit():
        try:
            return datetime.fromtimestamp(int(value), tz=UTC)
        except (OverflowError, ValueError, OSError):
            pass
    raise ReissueError(
        f"SOURCE_DATE_EPOCH is {value[:20]!r}, not a time",
        hint="unset it, or give the seconds since 1970-01-01 UTC, such as 1700000000",
    )


def _last_commit(source: Path) -> datetime | None:
    """The commit time of the last commit that touched ``source``, when git holds it without changes."""
    folder, name = source.resolve().parent, source.resolve().name

    def git(*args: str) -> subprocess.CompletedProcess[str] | None:
        try:
            return subprocess.run(
                ["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=GIT_SECONDS, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return None

    changed = git("status", "--porcelain", "--", name)
    if changed is None or changed.returncode != 0 or changed.stdout.strip():  # not in git, untracked or edited
        return None
    last = git("log", "-1", "--format=%ct", "--", name)
    return _time(int(last.stdout)) if last is not None and last.stdout.strip().isdigit() else None


def _modified(source: Path) -> datetime | None:
    try:
        return _time(int(source.stat().st_mtime))
    except OSError:  # a model made without a file behind it
        return None


def _time(seconds: int) -> datetime | None:
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, ValueError, OSError):  # a file time no calendar holds
        return None


def organisation(line: str) -> str:
    """The organisation a masthead line names, without the verb it is printed with (昭通日报社出版 ->
    昭通日报社); the masthead keeps the line as printed."""
    match = VERB.match(line.strip())
    return match["name"] if match else line.strip()


def series_identifier(serial_number: str) -> tuple[str, str]:
    """The paper's serial number as an identifier and its ONIX code list 13 type: an ISSN as its URN,
    any other (China's CN 53-0003) as printed."""
    issn = ISSN.search(serial_number)
    if issn:
        number = issn["number"].upper().replace("-", "")
        return f"urn:issn:{number[:4]}-{number[4:]}", SERIES_ID_TYPE["issn"]
    return serial_number.strip(), SERIES_ID_TYPE["other"]


def generator() -> str:
    """What the outputs name as the software that made them."""
    return f"reissue {__version__}"
