"""Atomic output: bytes -> files that are either complete and new, or untouched and old.

Every file is first written to a temporary file beside its target (``.<stem>.tmp-<pid><suffix>``, so it
keeps its type: EPUBCheck warns about an EPUB whose name does not end in .epub), flushed and fsynced,
then renamed over the target with ``os.replace``, which is atomic on one file system. Whatever stops the
build (an exception, Ctrl-C, SIGTERM) removes the temporary files and leaves the old targets as they were.
SIGKILL cannot be caught: it may leave a temporary file, never a damaged target; the next build of the
same target removes temporary files of processes that no longer run.

A build stages all its outputs, verifies the staged files, and then either commits them together or
sets them aside as ``<stem>.failed<suffix>`` (``x.failed.pdf``: the failed file still opens as what it
is), keeping the previous good outputs::

    with staged_outputs(out_dir) as stage:
        pdf = stage.add("x.pdf", pdf_bytes)
        epub = stage.add("x.epub", epub_bytes)
        reports = [verify_pdf(issue, pdf), verify_epub(issue, epub)]
        if all(r.ok for r in reports):
            stage.commit()          # -> out_dir/x.pdf, out_dir/x.epub
        else:
            stage.set_aside()       # -> out_dir/x.failed.pdf, out_dir/x.failed.epub
    # leaving the block any other way (an error, a signal) removes the staged files

While a write or a stage is open, SIGTERM raises ``SystemExit(143)`` in the main thread, so the same
clean-up runs as for Ctrl-C.
"""

from __future__ import annotations

import os
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

OUT_DIR = Path("build")  # where outputs go unless --out says otherwise, and where verify looks for them


def temp_path(path: Path) -> Path:
    """Where ``path`` is written before it is renamed into place (one name per process)."""
    return path.with_name(f".{path.stem}.tmp-{os.getpid()}{path.suffix}")


def failed_path(path: Path) -> Path:
    """Where an output whose verification failed is kept: ``x.pdf`` -> ``x.failed.pdf``."""
    return path.with_name(f"{path.stem}.failed{path.suffix}")


class Stage:
    """The outputs of one build, written and synced beside their targets, not yet in place."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.staged: dict[Path, Path] = {}  # target -> staged file

    def add(self, name: str, data: bytes) -> Path:
        """Stage ``data`` for ``folder/name``; returns the staged file, complete and synced, to verify."""
        target = self.folder / name
        staged = self.staged[target] = temp_path(target)
        _remove_stale(target)
        with open(staged, "wb") as file:
            file.write(data)
            _sync(file)
        return staged

    def commit(self) -> list[Path]:
        """Put every staged file in place, together, and drop older ``.failed`` files of the same targets."""
        return self._move(lambda target: target, drop_failed=True)

    def set_aside(self) -> list[Path]:
        """Keep every staged file as its ``.failed`` file; the targets keep their previous content."""
        return self._move(failed_path, drop_failed=False)

    def _move(self, destination, drop_failed: bool) -> list[Path]:
        # Signals wait until all renames are done: the outputs of one build go in together or not at all.
        with _signals_blocked():
            moved = []
            for target, staged in self.staged.items():
                os.replace(staged, destination(target))
                if drop_failed:
                    failed_path(target).unlink(missing_ok=True)
                moved.append(destination(target))
            self.staged.clear()
        _sync_folder(self.folder)
        return moved

    def discard(self) -> None:
        for staged in self.staged.values():
            staged.unlink(missing_ok=True)
        self.staged.clear()


@contextmanager
def staged_outputs(folder: Path) -> Iterator[Stage]:
    """A ``Stage`` in ``folder`` (created if missing); what is neither committed nor set aside is removed."""
    folder.mkdir(parents=True, exist_ok=True)
    with _sigterm_exits():
        stage = Stage(folder)
        try:
            yield stage
        finally:
            stage.discard()


def _remove_stale(target: Path) -> None:
    """Remove temporary files for ``target`` left by processes that no longer run (killed by SIGKILL)."""
    pattern = re.compile(rf"\.{re.escape(target.stem)}\.tmp-(\d+){re.escape(target.suffix)}")
    for candidate in target.parent.glob(f".{target.stem}.tmp-*"):
        match = pattern.fullmatch(candidate.name)
        if match and int(match.group(1)) != os.getpid() and not _running(int(match.group(1))):
            candidate.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _sync(file: BinaryIO) -> None:
    file.flush()
    os.fsync(file.fileno())


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX: fsync the directory)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _raise_exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def _sigterm_exits() -> Iterator[None]:
    """In the main thread, while the block runs, SIGTERM raises SystemExit instead of killing at once.

    Only the default handler is replaced: a handler the program installed itself is left alone."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return
    signal.signal(signal.SIGTERM, _raise_exit)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextmanager
def _signals_blocked() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends; they are delivered (and handled) right after."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
