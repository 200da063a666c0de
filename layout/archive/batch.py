"""Issue sources in -> each built, skipped (its last good build still stands) or failed, with the
outputs written under the output folder and the catalogue kept; a ``BatchResult`` out.

The runner hands the issues that need a build to workers, at most one per worker at a time (so a
killed batch has at most that many in flight, and the display knows what each worker is doing), writes
what each returns (atomically, all of an issue's outputs together, as a single build does), and then
records the issue in the catalogue. An issue's fault is its outcome's message; the batch goes on.
Ctrl-C or SIGTERM stops it: nothing more is handed out, the issues in flight are abandoned, and what
was done is kept and summarised.
"""

from __future__ import annotations

import hashlib
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from layout.archive.catalog import Catalog, Entry
from layout.archive.freshness import engine_version, input_files, options_hash, style_hash
from layout.archive.sources import IssueSource
from layout.errors import OutputError
from layout.output import check_writable, failed_path, staged_outputs
from layout.readers.paper import find_paper_file

if TYPE_CHECKING:
    from layout.archive.work import Check, Job, Outcome
    from layout.options import BuildOptions


@dataclass(frozen=True)
class IssueResult:
    key: str
    source: Path
    status: str  # one of its batch's statuses
    message: str | None = None
    pages: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    memory: int = 0  # the worker's resident memory after the issue, in bytes
    peak_memory: int = 0  # the most the worker had held by then, in bytes
    warnings: tuple[str, ...] = ()
    written: tuple[Path, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class BatchResult:
    statuses: tuple[str, ...]  # what an issue may come to: built, skipped or failed; verified or failed when checked
    results: list[IssueResult] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {status: len(self.of(status)) for status in self.statuses}

    def of(self, status: str) -> list[IssueResult]:
        return [result for result in self.results if result.status == status]

    @property
    def failed(self) -> bool:
        return bool(self.of("failed"))


class Display(Protocol):
    """What the user sees while a batch runs (``layout.archive.progress``)."""

    def begin(self, total: int, skipped: int, workers: int) -> None: ...

    def working(self, worker: int, key: str | None) -> None: ...

    def finished(self, result: IssueResult) -> None: ...


class Workers(Protocol):
    """Where jobs run: the local pool or a Dask cluster."""

    slots: int  # jobs run at once

    def run(
        self, jobs: Iterator[Job | Check], started: Callable[[int, Job | Check], None]
    ) -> Iterator[tuple[Job | Check, Outcome]]:
        """Each job's outcome as it comes; ``started`` is told which slot took which job."""
        ...


def run_batch(
    sources: list[IssueSource],
    options: BuildOptions,
    workers_for: Callable[[int], Workers],
    display: Display,
    *,
    verify: bool = True,
    force: bool = False,
) -> BatchResult:
    """Build every issue of ``sources`` into ``options.out_dir`` (their outputs at their keys) that is not
    up to date (``force``: every one). ``workers_for(n)`` gives the workers for n jobs."""
    started = time.perf_counter()
    result = BatchResult(("built", "skipped", "failed"))
    out_dir = options.out_dir
    _make_folder(out_dir)
    with Catalog(out_dir) as catalog, _stopped_by_sigterm():
        todo: list[IssueSource] = []
        seen: dict[str, Path] = {}
        fingerprint = options_hash(options)
        for source in sources:
            if source.key in seen:
                message = f"{source.path}: its outputs would be those of {seen[source.key]} ({source.key}.pdf)"
                result.results.append(IssueResult(source.key, source.path, "failed", message))
                continue
            seen[source.key] = source.path
            entry = catalog.entry(source.key)
            if not force and entry is not None and _up_to_date(entry, source, fingerprint, out_dir):
                result.results.append(IssueResult(source.key, source.path, "skipped", pages=entry.pages or 0))
            else:
                todo.append(source)
        jobs = [_job(source, options, verify) for source in todo]
        by_key = {source.key: source for source in todo}
        _hand_out(
            jobs,
            workers_for,
            display,
            result,
            lambda outcome: _finish(catalog, by_key[outcome.key], options, fingerprint, outcome),
        )
    result.seconds = time.perf_counter() - started
    return result


def run_checks(
    sources: list[IssueSource],
    out_dir: Path,
    format: str | None,
    workers_for: Callable[[int], Workers],
    display: Display,
) -> BatchResult:
    """Verify the built files of every issue of ``sources`` in ``out_dir`` as ``reissue verify`` does one,
    and note each result in the catalogue's row of the issue (when it has one)."""
    from layout.archive.work import Check

    started = time.perf_counter()
    result = BatchResult(("verified", "failed"))
    _make_folder(out_dir)
    with Catalog(out_dir) as catalog, _stopped_by_sigterm():
        checks = []
        for source in sources:
            folder, name = _folder(out_dir, source.key), Path(source.key).name
            outputs = tuple(path for path in (folder / f"{name}.pdf", folder / f"{name}.epub") if path.is_file())
            if outputs:
                checks.append(Check(source.key, source.path, outputs, format))
            else:
                message = f"{source.path}: no {folder / name}.pdf or .epub to verify; build it first"
                result.results.append(IssueResult(source.key, source.path, "failed", message))
        sources_by_key = {source.key: source for source in sources}

        def checked(outcome: Outcome) -> IssueResult:
            source = sources_by_key[outcome.key]
            message = outcome.message or _unfaithful(source, outcome)
            catalog.note_verified(outcome.key, "failed" if message else "passed", message)
            status = "failed" if message else "verified"
            return IssueResult(source.key, source.path, status, message, seconds=outcome.seconds.get("total", 0.0))

        _hand_out(checks, workers_for, display, result, checked)
    result.seconds = time.perf_counter() - started
    return result


def _hand_out(
    jobs: Sequence[Job | Check],
    workers_for: Callable[[int], Workers],
    display: Display,
    result: BatchResult,
    finish: Callable[[Outcome], IssueResult],
) -> None:
    """Run ``jobs`` on the workers, ``finish`` each outcome as it comes; Ctrl-C or SIGTERM stop it."""
    try:
        workers = workers_for(len(jobs)) if jobs else None
        display.begin(len(jobs), len(result.of("skipped")), workers.slots if workers else 0)
        if workers is None:
            return

        def took(slot: int, job: Job | Check) -> None:
            display.working(slot, job.key)

        for _job, outcome in workers.run(iter(jobs), took):
            done = finish(outcome)
            result.results.append(done)
            display.finished(done)
    except KeyboardInterrupt:
        result.interrupted = True


def _unfaithful(source: IssueSource, outcome: Outcome) -> str | None:
    """The one line that says an issue's outputs are not faithful, or None when they are."""
    findings = [finding for report in outcome.reports for finding in report.findings]
    if not findings:
        return None
    return f"{source.path}: the outputs are not faithful ({findings[0].message}; {len(findings)} findings)"


def _make_folder(out_dir: Path) -> None:
    check_writable(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot make the output folder ({error.strerror})", path=out_dir) from None


def _job(source: IssueSource, options: BuildOptions, verify: bool) -> Job:
    from layout.archive.work import Job

    return Job(source.key, source.path, replace(options, out_dir=_folder(options.out_dir, source.key)), verify)


def _folder(out_dir: Path, key: str) -> Path:
    return (out_dir / key).parent


def _up_to_date(entry: Entry, source: IssueSource, fingerprint: str, out_dir: Path) -> bool:
    """Whether the issue's last good build still stands: same inputs, options, style and engine, its
    paper's settings where they were, and its outputs in place."""
    if not entry.good or entry.source != str(source.path.absolute()) or entry.options_hash != fingerprint:
        return False
    if entry.engine != engine_version() or entry.style is None or entry.style_hash != style_hash(entry.style):
        return False
    paper = find_paper_file(source.path)
    read = {file.path for file in entry.inputs}
    if paper is not None and str(paper.absolute()) not in read:  # a paper.yaml that was not there before
        return False
    folder = _folder(out_dir, source.key)
    for name, output in entry.outputs.items():
        path = folder / name
        if not path.is_file() or path.stat().st_size != output["size"]:
            return False
    return all(file.unchanged() for file in entry.inputs)


def _finish(
    catalog: Catalog, source: IssueSource, options: BuildOptions, fingerprint: str, outcome: Outcome
) -> IssueResult:
    """Write the outcome's files, then its catalogue row: a row never names outputs that are not there."""
    folder = _folder(options.out_dir, source.key)
    written: list[Path] = []
    outputs: dict[str, dict] = {}  # the catalogue's record of them, from the bytes in hand
    message = outcome.message
    set_aside = outcome.verified == "failed"
    if message is None and outcome.files:
        with staged_outputs(folder) as stage:
            for name, data in outcome.files.items():
                stage.add(name, data)
                kept_as = failed_path(Path(name)).name if set_aside else name
                outputs[kept_as] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            written = stage.set_aside() if set_aside else stage.commit()
    if set_aside:
        message = f"{_unfaithful(source, outcome)}; kept as {', '.join(path.name for path in written)}"
    status = "failed" if message else "built"
    inputs = input_files(outcome.inputs or (source.path.absolute(),))
    catalog.record(
        Entry(
            key=source.key,
            source=str(source.path.absolute()),
            inputs=inputs,
            options_hash=fingerprint,
            engine=engine_version(),
            status=status,
            verified=outcome.verified,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            identifier=outcome.identifier,
            paper=outcome.paper,
            date=outcome.date,
            number=outcome.number,
            language=outcome.language,
            headlines=outcome.headlines,
            source_hash=next((file.sha256 for file in inputs if file.path == str(source.path.absolute())), None),
            style=outcome.style,
            style_hash=style_hash(outcome.style) if outcome.style else None,
            outputs=outputs,
            pages=outcome.pages or None,
            message=message,
            warnings=outcome.warnings,
            timings={stage: round(seconds, 3) for stage, seconds in outcome.seconds.items()},
        )
    )
    return IssueResult(
        source.key,
        source.path,
        status,
        message,
        pages=outcome.pages,
        seconds=outcome.seconds.get("total", 0.0),
        cpu=outcome.cpu,
        memory=outcome.memory,
        peak_memory=outcome.peak_memory,
        warnings=outcome.warnings,
        written=tuple(written),
        timings=outcome.seconds,
    )


class _stopped_by_sigterm:
    """While a batch runs, SIGTERM stops it as Ctrl-C does: with the summary of what was done."""

    def __enter__(self) -> None:
        self._previous = signal.signal(signal.SIGTERM, self._interrupt)

    def __exit__(self, *exc: object) -> None:
        signal.signal(signal.SIGTERM, self._previous)

    @staticmethod
    def _interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt


def report_dict(result: BatchResult) -> dict:
    """The whole result, as ``--report`` writes it."""
    return {
        "interrupted": result.interrupted,
        "seconds": round(result.seconds, 3),
        "counts": result.counts(),
        "issues": [
            {
                "key": r.key,
                "source": str(r.source),
                "status": r.status,
                "message": r.message,
                "pages": r.pages,
                "seconds": round(r.seconds, 3),
                "cpu_seconds": round(r.cpu, 3),
                "worker_memory_mb": round(r.memory / 1e6, 1),
                "worker_peak_memory_mb": round(r.peak_memory / 1e6, 1),
                "timings": {stage: round(s, 3) for stage, s in r.timings.items()},
                "warnings": list(r.warnings),
                "written": [str(path) for path in r.written],
            }
            for r in result.results
        ],
    }
