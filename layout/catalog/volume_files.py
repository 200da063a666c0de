"""The volumes the catalogue records (``Catalog.volumes()``) in -> the ones a site can offer out: those whose
EPUB is still where ``reissue volume`` wrote it, byte for byte as recorded (its SHA-256).

A volume moved, deleted or rebuilt elsewhere since is left out with a warning, not an error: the issues'
catalogue stands without it, and ``reissue volume`` binds it again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from pathlib import Path

from layout.archive.catalog import VolumeEntry

log = logging.getLogger(__name__)


def volumes_as_recorded(volumes: Iterable[VolumeEntry]) -> list[VolumeEntry]:
    """The volumes whose file is there and unchanged, in the catalogue's order; a warning for each other."""
    kept = []
    for volume in volumes:
        path = Path(volume.path)
        try:
            sha256 = _sha256(path)
        except OSError as error:
            log.warning("%s: volume %s left out: its EPUB cannot be read (%s)", path, volume.key, error.strerror)
            continue
        if sha256 != volume.sha256:
            log.warning(
                "%s: volume %s left out: its EPUB changed since reissue volume wrote it; bind it again",
                path,
                volume.key,
            )
            continue
        kept.append(volume)
    return kept


def _sha256(path: Path) -> str:
    with path.open("rb") as data:  # a month's volume runs to tens of MB: hashed as it is read, not held
        return hashlib.file_digest(data, "sha256").hexdigest()
