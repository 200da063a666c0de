"""One issue's build on a worker: a ``Job`` in, an ``Outcome`` out (the outputs as bytes, their reports,
what the catalogue keeps), nothing written where the user looks.

The same function runs in a process of the local pool and on a Dask worker. A pool's worker reads the
source where it is; a cluster's worker may share no files with the client, so the client sends the
issue's input files with the job (``bundle``) and the worker builds from a private copy of them, with
the release time the client found (the source's history is the client's). The outputs are verified in
a private folder and returned; the client writes them, so a worker never leaves a file half-written
where the user looks. Whatever goes wrong in one issue (bad input, a fit, a bug) is its outcome's
one-line message: the batch goes on.

A worker process keeps what it loaded between issues (WeasyPrint's fonts, the typesetter's tables, the
styles, EPUBCheck's JVM), which is most of what a single build pays for.
"""

from __future__ import annotations

import logging
import os
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from layout.build import BuildOptions, Built, make, verified
from layout.errors import ReissueError
from layout.identity import issue_urn
from layout.verify import Report

HEADLINES = 6  # of the front page, kept in the catalogue as the issue's summary


@dataclass(frozen=True)
class Job:
    key: str
    source: Path
    options: BuildOptions  # out_dir: the folder its outputs go to, which the reports name
    verify: bool = True
    released: datetime | None = None  # when the client knows it (always with a bundle)
    bundle: dict[str, bytes] | None = None  # the input files by their absolute paths on the client


@dataclass(frozen=True)
class Outcome:
    key: str
    files: dict[str, bytes] = field(default_factory=dict)
    reports: tuple[Report, ...] = ()
    inputs: tuple[Path, ...] = ()  # the files the build read, as the client knows them
    identifier: str | None = None
    paper: str | None = None
    date: str | None = None
    number: int | None = None
    language: str | None = None
    headlines: tuple[str, ...] = ()
    style: str | None = None
    pages: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    cpu: float = 0.0  # CPU seconds of the worker and its children (EPUBCheck's JVM) on this issue
    warnings: tuple[str, ...] = ()
    message: str | None = None  # why the build failed

    @property
    def verified(self) -> str:
        if self.message is not None or not self.reports:
            return "skipped"
        return "passed" if all(report.ok for report in self.reports) else "failed"


def run_job(job: Job) -> Outcome:
    """Build, and verify, one issue; never raises for the issue's own faults."""
    started, cpu = time.perf_counter(), _cpu()
    with quiet() as warnings, _sources(job) as (source, to_client):
        try:
            outcome = _outcome(job, source, to_client)
        except ReissueError as error:
            outcome = Outcome(job.key, message=to_client(str(error)))
        except Exception as error:  # a fault of reissue's own: told, and the batch goes on
            outcome = Outcome(job.key, message=f"{job.source}: reissue failed ({type(error).__name__}: {error})")
    seconds = {**outcome.seconds, "total": time.perf_counter() - started}
    return replace(outcome, seconds=seconds, cpu=_cpu() - cpu, warnings=tuple(to_client(w) for w in warnings))


def _outcome(job: Job, source: Path, to_client: Callable[[str], str]) -> Outcome:
    built = make(source, job.options, released=job.released)
    reports: list[Report] = []
    if job.verify:
        with tempfile.TemporaryDirectory(prefix="reissue-verify-") as folder:
            staged = {}
            for name, data in built.files.items():
                staged[name] = Path(folder, name)
                staged[name].write_bytes(data)
            reports = verified(built, staged, job.options.out_dir)
    return Outcome(
        job.key,
        files=built.files,
        reports=tuple(reports),
        inputs=tuple(Path(to_client(str(path))) for path in built.inputs),
        style=built.style,
        pages=len(built.plan.pages),
        seconds=dict(built.seconds),
        **_about(built),
    )


def _about(built: Built) -> dict:
    issue, masthead = built.issue, built.issue.masthead
    front = dict.fromkeys(issue.sections[piece.section].headline for piece in built.plan.pages[0].pieces)
    return {
        "identifier": issue_urn(masthead),
        "paper": masthead.title,
        "date": masthead.date,
        "number": masthead.issue_number,
        "language": issue.settings.language,
        "headlines": tuple(front)[:HEADLINES],
    }


@contextmanager
def _sources(job: Job) -> Iterator[tuple[Path, Callable[[str], str]]]:
    """The source to build from, and how a path in a message is said to the client: as it is, or, for a
    bundle, with the private copy's folder put back as the client's."""
    if job.bundle is None:
        yield job.source, lambda text: text
        return
    root = os.path.commonpath([os.path.dirname(path) for path in job.bundle])
    with tempfile.TemporaryDirectory(prefix="reissue-job-") as copy:
        for path, data in job.bundle.items():
            target = Path(copy, os.path.relpath(path, root))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        source = Path(copy, os.path.relpath(os.path.abspath(job.source), root))
        yield source, lambda text: text.replace(copy, root)


@contextmanager
def quiet() -> Iterator[list[str]]:
    """The engine's warnings while the block runs, one line each, kept rather than shown."""
    caught: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            caught.append(record.getMessage())

    handler = Keep(logging.WARNING)
    logger = logging.getLogger("layout")
    logger.addHandler(handler)
    logger.propagate = False  # a worker's stderr is the user's terminal, where the runner shows progress
    try:
        yield caught
    finally:
        logger.removeHandler(handler)
        logger.propagate = True


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
