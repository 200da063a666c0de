"""Photos: an issue in; each section's image file, read once and recognised, out.

Both editions place the same files: the print edition links them, the e-book carries their bytes.
An image that is missing, unreadable or not a PNG, JPEG or GIF (the raster types EPUB 3 allows) is
left out of both, once, with a warning naming it; its figure keeps caption and credit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from layout.errors import quoted
from layout.inputs import note
from layout.model import Issue, Section, SectionKind, issue_folder

log = logging.getLogger(__name__)

SIGNATURES = (  # (leading bytes, media type, extension)
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
)


@dataclass(frozen=True)
class PhotoFile:
    path: Path
    media_type: str
    extension: str
    data: bytes


def photo_files(issue: Issue) -> dict[int, PhotoFile]:
    """The image of each section that has a usable one, by the section's index."""
    files = {}
    for index, section in enumerate(issue.sections):
        if section.image:
            file = _read(issue, section, section.image)
            if file is not None:
                files[index] = file
        elif section.kind is SectionKind.PHOTO:
            log.warning(
                "%s: photo %s has no image; its caption and credit stand without it",
                issue.source,
                quoted(section.headline),
            )
    return files


def _read(issue: Issue, section: Section, image: str) -> PhotoFile | None:
    path = (issue_folder(issue.source) / image).resolve()
    where = f"{issue.source}:{section.lines.get('image', section.line)}"
    note(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        log.warning(
            "%s: image %s cannot be read (%s); its figure keeps caption and credit without it",
            where,
            quoted(image),
            error.strerror,
        )
        return None
    for signature, media_type, extension in SIGNATURES:
        if data.startswith(signature):
            return PhotoFile(path, media_type, extension, data)
    log.warning(
        "%s: %s is not a PNG, JPEG or GIF image; its figure keeps caption and credit without it", where, quoted(image)
    )
    return None
