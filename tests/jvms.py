"""The EPUBCheck JVMs running, as the tests find them in /proc: a process's own, a session's, and the lasting
ones."""

from __future__ import annotations

import os
from pathlib import Path

DRIVER = b"EpubCheckDriver"  # in the command line of the checker's JVM


def live_jvms() -> list[int]:
    """The live EPUBCheck JVMs this process started."""
    return [pid for pid, parent, _, _ in _jvms() if parent == os.getpid()]


def session_jvms(session: int) -> list[int]:
    """The live EPUBCheck JVMs of ``session`` (its id marks every process started in it, even once orphaned)."""
    return [pid for pid, _, sid, _ in _jvms() if sid == session]


def lasting_jvms(folder: Path) -> list[int]:
    """The live lasting EPUBCheck JVMs whose socket is in ``folder`` (whoever started them)."""
    return [pid for pid, _, _, command in _jvms() if b"--serve" in command and str(folder).encode() in command]


def _jvms() -> list[tuple[int, int, int, bytes]]:
    """Each live EPUBCheck JVM's pid, parent's pid, session id and command line."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
            command = (entry / "cmdline").read_bytes()
        except OSError:  # ended while we looked
            continue
        if fields[0] != "Z" and DRIVER in command:
            found.append((int(entry.name), int(fields[1]), int(fields[3]), command))
    return found
