"""Where a batch's jobs run: ``LocalPool``, worker processes on this machine, or ``DaskPool``, the
workers of a Dask cluster. Either gives each job's outcome as it comes, with at most one job per worker
(``slots``) at a time.

The local pool's workers are forked from a server process that has imported the engine once; each
renders its issues' PDFs in forked children of its own (``layout.forked``), and is replaced after
``RECYCLE`` issues: WeasyPrint does not return memory to the system, so a long-lived worker would grow.
When a worker dies (killed for its memory, say), the issues in hand fail (the pool cannot tell whose was
fatal) and a new pool takes the rest.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import Any

from layout.archive.work import Check, Job, Outcome, quiet, run_check, run_job, serve_client
from layout.errors import ReissueError

# issues a worker builds before it is replaced: its memory grows by some MB an issue even with what it
# frees given back, and a new worker costs a new EPUBCheck JVM (3.6 s of CPU, 0.15 s an issue)
RECYCLE = 25


class LocalPool:
    def __init__(self, jobs: int) -> None:
        self.slots = max(1, jobs)

    def run(
        self, jobs: Iterator[Job | Check], started: Callable[[int, Job | Check], None]
    ) -> Iterator[tuple[Job | Check, Outcome]]:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["layout.archive.work"])
        free = list(range(self.slots, 0, -1))
        pending: dict[Future, tuple[int, Job | Check, ProcessPoolExecutor]] = {}

        def new_pool() -> ProcessPoolExecutor:
            return ProcessPoolExecutor(
                self.slots,
                mp_context=context,
                max_tasks_per_child=RECYCLE,
                initializer=serve_client,
                initargs=(os.getpid(),),
            )

        pool = new_pool()
        try:
            while True:
                while free and (job := next(jobs, None)) is not None:
                    slot = free.pop()
                    pending[pool.submit(_function(job, render_apart=True), job)] = (slot, job, pool)
                    started(slot, job)
                if not pending:
                    return
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    slot, job, held_by = pending.pop(future)
                    free.append(slot)
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        outcome = Outcome(job.key, message=f"{job.source}: a worker died while it was in hand")
                        if held_by is pool:  # the first of the pool's jobs to tell: start a new one
                            pool.shutdown(wait=False, cancel_futures=True)
                            pool = new_pool()
                    yield job, outcome
        finally:
            pool.shutdown(wait=False, cancel_futures=True)


class DaskPool:
    """The workers of the Dask cluster at ``address``. The client sends each job with its input files and
    release time, and gets the outputs back as bytes: the workers need no file system shared with it.
    A worker process keeps what it loaded between tasks (module state); run workers with one thread each
    (``dask worker ADDRESS --nthreads 1``), as WeasyPrint's rendering holds the GIL anyway."""

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise ReissueError(
                "--dask needs the distributed package",
                hint="install reissue with its dask extra: pip install 'reissue[dask]'",
            ) from None
        try:
            self.client = Client(address, set_as_default=False, timeout="20s")
        except OSError as error:
            raise ReissueError(
                f"no Dask scheduler answers at {address} ({error})",
                hint="give the scheduler's address, tcp://host:8786",
            ) from None
        self.slots = max(1, sum(self.client.nthreads().values()))

    def run(
        self, jobs: Iterator[Job | Check], started: Callable[[int, Job | Check], None]
    ) -> Iterator[tuple[Job | Check, Outcome]]:
        from distributed import as_completed

        free = list(range(self.slots, 0, -1))
        pending: dict = {}
        arrivals = as_completed(loop=self.client.loop)  # this client's loop: it is not the process's default

        def hand_out() -> None:
            while free and (job := next(jobs, None)) is not None:
                slot = free.pop()
                future = self.client.submit(_function(job), _bundled(job), pure=False)
                pending[future] = (slot, job)
                arrivals.add(future)
                started(slot, job)

        try:
            hand_out()
            for future in arrivals:
                slot, job = pending.pop(future)
                free.append(slot)
                try:
                    outcome = future.result()
                except Exception as error:  # the worker died or the task was lost
                    outcome = Outcome(job.key, message=f"{job.source}: the cluster did not build it ({error})")
                yield job, outcome
                hand_out()
        finally:
            with suppress(Exception):
                self.client.cancel(list(pending))
            self.client.close()


def _function(job: Job | Check, *, render_apart: bool = False) -> Callable[[Any], Outcome]:
    """What a worker runs on ``job``; ``render_apart``: a build renders its PDF in a forked child, as only a
    worker whose other threads hold no locks may (``layout.forked``)."""
    if isinstance(job, Check):
        return run_check
    return partial(run_job, render_apart=render_apart)


def _bundled(job: Job | Check) -> Job | Check:
    """``job`` with its files (the issue's inputs, and a check's outputs) and an issue's release time,
    read here: what a worker without our files needs."""
    from dataclasses import replace

    from layout.identity import release_time
    from layout.inputs import recorded
    from layout.photos import photo_files
    from layout.readers import read_issue

    released = None
    with recorded() as paths, quiet():  # the worker's build warns of the same things, once
        try:
            format, pages = (job.format, None) if isinstance(job, Check) else (job.options.format, job.options.pages)
            issue = read_issue(job.source, format=format, page_count=pages)
            photo_files(issue)
            released = release_time(issue)
        except ReissueError:  # the worker meets the same fault and reports it
            pass
    paths.add(Path(os.path.abspath(job.source)))
    if isinstance(job, Check):
        paths.update(Path(os.path.abspath(output)) for output in job.outputs)
    bundle = {}
    for path in paths:
        with suppress(OSError):
            bundle[str(path)] = path.read_bytes()
    if not bundle:  # nothing to send: the worker looks for the source itself, and reports it missing
        return job
    if isinstance(job, Check):
        return replace(job, bundle=bundle)
    return replace(job, released=released, bundle=bundle)
