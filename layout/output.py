"""Atomic output: bytes -> files that are either complete and new, or untouched and old.

Every file is first written to a temporary file beside its target (``.<stem>.tmp-<pid><suffix>``, so it
keeps its type: EPUBCheck warns about an EPUB whose name does not end in .epub), flushed and fsynced,
then renamed over the target with ``os.replace``, which is atomic on one file system. Whatever stops the
build (an exception, Ctrl-C, SIGTERM) removes the temporary files and leaves the old targets as they were.
SIGKILL cannot be caught: it may leave a temporary file, never a damaged target; the next build of the
same target removes temporary files of processes that no longer run.

A build stages all its outputs, verifies the staged files, and then either commits them together or
sets them aside as ``<stem>.failed<suffix>`` (``x.failed.pdf``: the failed file still opens as what it
is), keeping the previous good outputs. Together means all or none: each target's previous content is
kept (a hard link, ``.<stem>.tmp-<pid>-previous<suffix>``) until every rename has succeeded, and when one
fails (a folder where the file should go, a full disk) the targets already renamed get it back::

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
clean-up runs as for Ctrl-C. A file that cannot be written or put in place (no space left, no permission,
a folder in the way) is an ``OutputError`` naming the target, after the clean-up.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from layout.errors import OutputError

log = logging.getLogger(__name__)

OUT_DIR = Path("build")  # where outputs go unless --out says otherwise, and where verify looks for them


def check_writable(folder: Path) -> None:
    """``folder`` exists as a folder we may write in, or can be made in one."""
    existing = next(p for p in (folder, *folder.parents) if _visible(p))
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(
            f"cannot write the outputs here: {existing} is not a folder reissue may write in",
            path=folder,
            hint="give an --out folder you can write to",
        )


def _visible(path: Path) -> bool:
    """``path`` exists and may be looked at (inside a folder we may not enter, nothing may)."""
    try:
        path.stat()
    except OSError:
        return False
    return True


def temp_path(path: Path) -> Path:
    """Where ``path`` is written before it is renamed into place (one name per process)."""
    return path.with_name(f".{path.stem}.tmp-{os.getpid()}{path.suffix}")


def previous_path(path: Path) -> Path:
    """Where the previous content of ``path`` is kept while the outputs of a build are put in place."""
    return path.with_name(f".{path.stem}.tmp-{os.getpid()}-previous{path.suffix}")


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
        try:
            _remove_stale(target)
            with open(staged, "wb") as file:
                file.write(data)
                _sync(file)
        except OSError as error:
            raise _cannot_write(target, error) from None
        return staged

    def commit(self) -> list[Path]:
        """Put every staged file in place, together, and drop older ``.failed`` files of the same targets."""
        moved = self._move(lambda target: target)
        for target in moved:
            _drop_failed(target)
        return moved

    def set_aside(self) -> list[Path]:
        """Keep every staged file as its ``.failed`` file; the targets keep their previous content."""
        return self._move(failed_path)

    def _move(self, destination: Callable[[Path], Path]) -> list[Path]:
        # Signals wait until all renames are done: the outputs of one build go in together or not at all.
        with _signals_blocked():
            moved = _replace_all([(staged, destination(target)) for target, staged in self.staged.items()])
            self.staged.clear()
        _sync_folder(self.folder)
        return moved

    def discard(self) -> None:
        for staged in self.staged.values():
            with suppress(OSError):  # a folder we may no longer write in: the next build removes it
                staged.unlink()
        self.staged.clear()


@contextmanager
def staged_outputs(folder: Path) -> Iterator[Stage]:
    """A ``Stage`` in ``folder`` (created if missing); what is neither committed nor set aside is removed."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _cannot_write(folder, error) from None
    with _sigterm_exits():
        stage = Stage(folder)
        try:
            yield stage
        finally:
            stage.discard()


def _replace_all(moves: list[tuple[Path, Path]]) -> list[Path]:
    """Rename each staged file over its destination, all or none.

    Each destination's previous content is kept until every rename has succeeded; when one fails, the
    destinations already renamed get their previous content back (or are removed if they had none)."""
    done: list[tuple[Path, Path | None]] = []  # destination, its previous content
    try:
        for staged, destination in moves:
            previous = _keep_previous(destination)
            try:
                os.replace(staged, destination)
            except OSError:
                _forget(previous)
                raise
            done.append((destination, previous))
    except OSError as error:
        _roll_back(done)
        raise _cannot_write(moves[len(done)][1], error) from None
    for _, previous in done:
        _forget(previous)
    return [destination for destination, _ in done]


def _keep_previous(destination: Path) -> Path | None:
    """A second name for ``destination``'s present content (None when it has none), to roll back to."""
    if destination.is_dir():  # os.replace would say so too, but only after the other outputs moved
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(destination))
    previous = previous_path(destination)
    try:
        os.link(destination, previous, follow_symlinks=False)
    except FileNotFoundError:
        return None
    except OSError:  # a file system without hard links (FAT): a copy serves as well
        try:
            shutil.copy2(destination, previous, follow_symlinks=False)
        except OSError:
            _forget(previous)
            raise
    return previous


def _roll_back(done: list[tuple[Path, Path | None]]) -> None:
    for destination, previous in reversed(done):
        try:
            if previous is None:
                destination.unlink()
            else:
                os.replace(previous, destination)
        except OSError as error:  # a second fault: say where the previous content is
            log.warning(
                "%s: cannot restore it (%s); its previous content is in %s: move it back", destination, error, previous
            )


def _forget(previous: Path | None) -> None:
    """Remove a kept previous content that is no longer needed (a later build removes it if this cannot)."""
    if previous is not None:
        with suppress(OSError):
            previous.unlink()


def _cannot_write(path: Path, error: OSError) -> OutputError:
    """``error`` (from writing or renaming a file for ``path``) as one line naming ``path``, not a temporary file."""
    reason = os.strerror(error.errno) if error.errno else str(error)
    hint = {
        errno.ENOSPC: "free some space on that disk, or give an --out folder on another",
        errno.EDQUOT: "free some space on that disk, or give an --out folder on another",
        errno.EFBIG: "the system limits the size of files this process may write (ulimit -f)",
        errno.EISDIR: "move that folder away, or give another --out folder",
    }.get(error.errno or 0, "give an --out folder you can write to")
    return OutputError(f"cannot write it: {reason.lower()}", path=path, hint=hint)


def _drop_failed(target: Path) -> None:
    """Remove the ``.failed`` file an earlier build left for ``target``, now that a good one is in place."""
    try:
        failed_path(target).unlink(missing_ok=True)
    except OSError as error:
        log.warning("%s: cannot remove it (%s); it is from an earlier build", failed_path(target), error.strerror)


def _remove_stale(target: Path) -> None:
    """Remove temporary files for ``target`` left by processes that no longer run (killed by SIGKILL)."""
    pattern = re.compile(rf"\.{re.escape(target.stem)}\.tmp-(\d+)(?:-previous)?{re.escape(target.suffix)}")
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
