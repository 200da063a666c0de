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

import ctypes
import ctypes.util
import gc
import logging
import os
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import psutil

from layout.build import Built, make, verified
from layout.errors import ReissueError
from layout.forked import call_forked
from layout.identity import issue_urn
from layout.options import BuildOptions
from layout.pdf import RenderPdf, render_pdf
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
    memory: int = 0  # the worker's resident memory after it, in bytes
    peak_memory: int = 0  # the most the worker has held so far, in bytes
    warnings: tuple[str, ...] = ()
    message: str | None = None  # why the build failed

    @property
    def verified(self) -> str:
        if self.message is not None or not self.reports:
            return "skipped"
        return "passed" if all(report.ok for report in self.reports) else "failed"


@dataclass(frozen=True)
class Check:
    """A check of an issue's built files, as ``reissue verify`` makes it."""

    key: str
    source: Path
    outputs: tuple[Path, ...]  # the PDF and EPUB to verify
    format: str | None = None
    bundle: dict[str, bytes] | None = None  # the source's files and the outputs, by their paths on the client


def serve_client(client: int) -> None:
    """Make this process (a local pool's worker) end when the process it works for ends: a batch killed
    with SIGKILL tells nobody, and its workers would otherwise wait for work forever, holding their memory."""

    def watch() -> None:
        while psutil.pid_exists(client):
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="watch-client", daemon=True).start()


def run_job(job: Job, *, render_apart: bool = False) -> Outcome:
    """Build, and verify, one issue; never raises for the issue's own faults. ``render_apart``: its PDF
    is rendered in a forked child (``layout.forked``), as a local pool's worker renders it."""
    return _run(job, partial(_build, render=partial(call_forked, render_pdf) if render_apart else render_pdf))


def run_check(check: Check) -> Outcome:
    """Verify one issue's built files, with the checks ``reissue verify`` runs; never raises for the
    issue's own faults."""
    return _run(check, _check)


class _Copy:
    """Where a worker finds the client's files: where they are, or, for a bundle, in a private copy."""

    def __init__(self, folder: str | None = None, root: str | None = None) -> None:
        self.folder, self.root = folder, root

    def here(self, path: Path) -> Path:
        if self.folder is None or self.root is None:
            return path
        return Path(self.folder, os.path.relpath(os.path.abspath(path), self.root))

    def told(self, text: str) -> str:
        """``text`` (a message, a path) as the client knows its paths."""
        if self.folder is None or self.root is None:
            return text
        return text.replace(self.folder, self.root)


def _run(job: Job | Check, work: Callable[[Any, _Copy], Outcome]) -> Outcome:
    started, cpu = time.perf_counter(), _cpu()
    gc.disable()  # collected once, after the issue (``_give_back_memory``)
    try:
        with quiet() as warnings, _copied(job) as copy:
            try:
                outcome = work(job, copy)
            except ReissueError as error:
                outcome = Outcome(job.key, message=copy.told(str(error)))
            except Exception as error:  # a fault of reissue's own: told, and the batch goes on
                outcome = Outcome(job.key, message=f"{job.source}: reissue failed ({type(error).__name__}: {error})")
            told = tuple(copy.told(warning) for warning in warnings)
    finally:
        gc.enable()
    seconds = {**outcome.seconds, "total": time.perf_counter() - started}
    _give_back_memory()
    memory = psutil.Process().memory_info().rss
    # the most this process has held, or a child it waited for (a forked render holds the worker's pages
    # and its own), in kB on Linux
    peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) * 1024
    return replace(outcome, seconds=seconds, cpu=_cpu() - cpu, memory=memory, peak_memory=peak, warnings=told)


def _give_back_memory() -> None:
    """Collect what an issue left, once, and return it to the system.

    The cyclic garbage collector's own passes walk every object the worker holds, and a worker holds
    millions that live as long as it does (fonts' tables, styles, templates, caches): during an issue
    they are off, and what outlives an issue's collection is frozen (``gc.freeze``), out of the next
    ones' way. The collector took a third of the NDNP issue's CPU (7-9 s of 23-28 s; 0.8-1.1 s this
    way, with a peak 10 MB higher). A cycle among frozen objects that later becomes garbage stays until
    the worker is replaced (``pools.RECYCLE``).

    CPython and WeasyPrint leave freed memory in malloc's heap, and a worker that builds issue after issue
    would otherwise keep the largest it held (measured on the NDNP issue: 505 MB kept, 401 MB after)."""
    gc.collect()
    gc.freeze()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


_LIBC = ctypes.CDLL(ctypes.util.find_library("c")) if sys.platform.startswith("linux") else None


def _build(job: Job, copy: _Copy, *, render: RenderPdf) -> Outcome:
    built = make(copy.here(job.source), job.options, released=job.released, render=render)
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
        inputs=tuple(Path(copy.told(str(path))) for path in built.inputs),
        style=built.style,
        pages=len(built.plan.pages),
        seconds=dict(built.seconds),
        **_about(built),
    )


def _check(check: Check, copy: _Copy) -> Outcome:
    from layout.readers import read_issue
    from layout.verify import verify_epub, verify_pdf

    started = time.perf_counter()
    issue = read_issue(copy.here(check.source), format=check.format)
    reports = []
    for output in check.outputs:
        verify = verify_pdf if output.suffix == ".pdf" else partial(verify_epub, accessibility=True)
        reports.append(replace(verify(issue, copy.here(output)), path=str(output)))
    return Outcome(check.key, reports=tuple(reports), seconds={"verify": time.perf_counter() - started})


def _about(built: Built) -> dict:
    issue, masthead = built.issue, built.issue.masthead
    headlines = (issue.sections[piece.section].headline for piece in built.plan.pages[0].pieces)
    front = dict.fromkeys(headline for headline in headlines if headline.strip())  # OCR's blocks may have none
    return {
        "identifier": issue_urn(masthead),
        "paper": masthead.title,
        "date": masthead.date,
        "number": masthead.issue_number,
        "language": issue.settings.language,
        "headlines": tuple(front)[:HEADLINES],
    }


@contextmanager
def _copied(job: Job | Check) -> Iterator[_Copy]:
    """The job's files where the worker reads them: a private copy of its bundle, if it has one."""
    if job.bundle is None:
        yield _Copy()
        return
    root = os.path.commonpath([os.path.dirname(path) for path in job.bundle])
    with tempfile.TemporaryDirectory(prefix="reissue-job-") as folder:
        for path, data in job.bundle.items():
            target = Path(folder, os.path.relpath(path, root))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        yield _Copy(folder, root)


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
    """CPU seconds so far of this process and its children, those still running (a long-lived JVM) and
    those that ended."""
    process = psutil.Process()
    times = process.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in process.children(recursive=True):
        try:
            child_times = child.cpu_times()
        except psutil.Error:  # it ended meanwhile: its time is in children_user now
            continue
        total += child_times.user + child_times.system
    return total
