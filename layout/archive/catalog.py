"""The catalogue database: one row per issue of an output folder (``OUT/catalog.sqlite``), what it was
built from and into, and how that went; and one row per volume bound from them (``reissue volume``).

It is what makes builds incremental (``freshness``) and what the library's side reads (volumes, feeds,
catalogues). SQLite in write-ahead-log mode: each issue's row is written in a transaction of its own after
its outputs are in place, so a batch killed at any moment (even by SIGKILL) loses at most the issues in
flight, and a row never names outputs that are not there. Readers may read while a batch writes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from layout.archive.freshness import InputFile, inputs_from_json, inputs_json
from layout.errors import OutputError

CATALOG_NAME = "catalog.sqlite"
SCHEMA_VERSION = 2  # 2: volumes

SCHEMA = """
CREATE TABLE IF NOT EXISTS issues (
    key TEXT PRIMARY KEY,      -- the outputs' path under the output folder, without extension: 1946/05/15
    identifier TEXT,           -- the issue's URN, as its EPUB and PDF give it
    paper TEXT,                -- the paper's title
    date TEXT,                 -- ISO 8601
    number INTEGER,            -- the issue's number
    language TEXT,             -- BCP 47
    headlines TEXT NOT NULL,   -- JSON list: the lead's and the front page's headlines, in order
    source TEXT NOT NULL,      -- the source's absolute path
    source_hash TEXT,          -- SHA-256 of the source file
    inputs TEXT NOT NULL,      -- JSON list of [path, size, mtime_ns, sha256]: every file the build read
    options_hash TEXT NOT NULL,
    style TEXT,
    style_hash TEXT,
    engine TEXT NOT NULL,      -- reissue's version and code fingerprint
    outputs TEXT NOT NULL,     -- JSON {file name: {"sha256": ..., "size": ...}}
    pages INTEGER,
    verified TEXT NOT NULL,    -- passed, failed (the outputs were set aside as .failed files) or skipped
    status TEXT NOT NULL,      -- built or failed
    message TEXT,              -- why it failed, in one line
    warnings TEXT NOT NULL,    -- JSON list of one-line warnings
    timings TEXT NOT NULL,     -- JSON {stage: seconds}
    built_at TEXT NOT NULL     -- ISO 8601, UTC
)
"""

VOLUMES_SCHEMA = """
CREATE TABLE IF NOT EXISTS volumes (
    key TEXT PRIMARY KEY,      -- the volume's name: <paper slug>-<from>-<to>
    paper TEXT NOT NULL,       -- the paper's title
    date_from TEXT NOT NULL,   -- ISO 8601: the range asked for
    date_to TEXT NOT NULL,
    title TEXT NOT NULL,       -- as the EPUB gives it
    identifier TEXT NOT NULL,  -- the volume's URN, as its EPUB gives it
    path TEXT NOT NULL,        -- where the EPUB was written
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    issues TEXT NOT NULL,      -- JSON list: the keys of the issues bound, in order
    built_at TEXT NOT NULL     -- ISO 8601, UTC
)
"""


@dataclass(frozen=True)
class Entry:
    """One issue's row."""

    key: str
    source: str
    inputs: tuple[InputFile, ...]
    options_hash: str
    engine: str
    status: str
    verified: str
    built_at: str
    identifier: str | None = None
    paper: str | None = None
    date: str | None = None
    number: int | None = None
    language: str | None = None
    headlines: tuple[str, ...] = ()
    source_hash: str | None = None
    style: str | None = None
    style_hash: str | None = None
    outputs: dict[str, dict] = field(default_factory=dict)
    pages: int | None = None
    message: str | None = None
    warnings: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def good(self) -> bool:
        return self.status == "built" and self.verified != "failed"


@dataclass(frozen=True)
class VolumeEntry:
    """One volume's row: an EPUB binding issues of one paper (``layout.catalog.volume``)."""

    key: str
    paper: str
    date_from: str
    date_to: str
    title: str
    identifier: str
    path: str
    size: int
    sha256: str
    issues: tuple[str, ...]
    built_at: str


JSON_FIELDS = ("headlines", "outputs", "warnings", "timings")


class Catalog:
    """The catalogue of one output folder, opened (and made, when new) for reading and writing."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / CATALOG_NAME
        with self._said():
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)  # transactions are explicit
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # in WAL mode still safe against a crash of the process
            self._db.execute(SCHEMA)
            self._db.execute(VOLUMES_SCHEMA)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @contextmanager
    def _said(self) -> Iterator[None]:
        """A database error (a full disk, a file that is no catalogue) as the one line the user reads."""
        try:
            yield
        except sqlite3.Error as error:
            raise OutputError(
                f"the catalogue cannot be read or written ({error})",
                path=self.path,
                hint="free space on its disk, or move the file away to start a new catalogue",
            ) from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def entry(self, key: str) -> Entry | None:
        with self._said():
            row = self._db.execute(f"{SELECT} WHERE key = ?", (key,)).fetchone()
        return _entry(row) if row else None

    def entries(self) -> Iterator[Entry]:
        """Every issue's row, by date, then key."""
        with self._said():
            rows = self._db.execute(f"{SELECT} ORDER BY date, key").fetchall()
        for row in rows:
            yield _entry(row)

    def record(self, entry: Entry) -> None:
        """Write the issue's row, in a transaction of its own."""
        values = asdict(entry)
        values["inputs"] = inputs_json(entry.inputs)
        for name in JSON_FIELDS:
            values[name] = json.dumps(values[name], ensure_ascii=False, sort_keys=True)
        with self._said(), self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(INSERT, [values[name] for name in COLUMNS])

    def record_volume(self, volume: VolumeEntry) -> None:
        """Write the volume's row (a rebuilt volume's replaces it), in a transaction of its own."""
        values = {**asdict(volume), "issues": json.dumps(list(volume.issues), ensure_ascii=False)}
        with self._said(), self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(INSERT_VOLUME, [values[name] for name in VOLUME_COLUMNS])

    def volumes(self) -> Iterator[VolumeEntry]:
        """Every volume's row, by paper, then date range."""
        with self._said():
            rows = self._db.execute(f"{SELECT_VOLUMES} ORDER BY paper, date_from, date_to").fetchall()
        for row in rows:
            values = dict(zip(VOLUME_COLUMNS, row))
            yield VolumeEntry(**{**values, "issues": tuple(json.loads(values["issues"]))})

    def note_verified(self, key: str, verified: str, message: str | None) -> None:
        """A later check's result, in the issue's row (if it has one): the build's status stands."""
        with self._said(), self._db:
            self._db.execute("UPDATE issues SET verified = ?, message = ? WHERE key = ?", (verified, message, key))


COLUMNS = [f.name for f in fields(Entry)]
# the statements name the columns of Entry's fields, never anything a user wrote
SELECT = f"SELECT {', '.join(COLUMNS)} FROM issues"  # noqa: S608
INSERT = f"INSERT OR REPLACE INTO issues ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"  # noqa: S608
VOLUME_COLUMNS = [f.name for f in fields(VolumeEntry)]
SELECT_VOLUMES = f"SELECT {', '.join(VOLUME_COLUMNS)} FROM volumes"  # noqa: S608
INSERT_VOLUME = (
    f"INSERT OR REPLACE INTO volumes ({', '.join(VOLUME_COLUMNS)}) VALUES ({', '.join('?' * len(VOLUME_COLUMNS))})"  # noqa: S608
)


def _entry(row: tuple) -> Entry:
    values = dict(zip(COLUMNS, row))
    values["inputs"] = inputs_from_json(values["inputs"])
    for name in JSON_FIELDS:
        values[name] = json.loads(values[name])
    values["headlines"] = tuple(values["headlines"])
    values["warnings"] = tuple(values["warnings"])
    return Entry(**values)
