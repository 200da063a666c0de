"""Who an issue is and when it was made: a masthead in, the identifier and the one time of a build out.

The PDF and the EPUB of one issue carry the same identifier, made from the paper and the issue's
number alone, so every build of the issue names it the same way. Their dates come from the issue, or
from ``SOURCE_DATE_EPOCH`` when it is set (https://reproducible-builds.org/specs/source-date-epoch/),
never from the clock, so the same input gives the same bytes.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime

from layout.model import Masthead

EARLIEST = datetime(1980, 1, 1, tzinfo=UTC)  # for an undated issue: the earliest time a zip entry can carry


def issue_uuid(masthead: Masthead) -> uuid.UUID:
    """A UUID that names this issue of this paper and nothing else, the same on every build."""
    paper = masthead.serial_number or masthead.title
    number = masthead.issue_number if masthead.issue_number is not None else masthead.date
    return uuid.uuid5(uuid.NAMESPACE_URL, f"reissue:{paper}:{number}")


def issue_urn(masthead: Masthead) -> str:
    """``issue_uuid`` as the URN that the EPUB's and the PDF's metadata give as the identifier."""
    return f"urn:uuid:{issue_uuid(masthead)}"


def build_time(masthead: Masthead) -> datetime:
    """The build's one time (UTC): SOURCE_DATE_EPOCH when set, else the issue's date, never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    if masthead.date:
        return datetime.fromisoformat(masthead.date).replace(tzinfo=UTC)
    return EARLIEST
