"""The EPUBCheck JVMs running, as the tests find them in /proc: a process's own, and the lasting ones."""

from __future__ import annotations

import os
from pathlib import Path

DRIVER = b"EpubCheckDriver"  # in the command line of the checker's JVM


def live_jvms() -> list[int]:
    """The live EPUBCheck JVMs this process started."""
    return [pid for pid, parent, _ in _jvms() if parent == os.getpid()]


def lasting_jvms(folder: Path) -> list[int]:
    """The live lasting EPUBCheck JVMs whose socket is in ``folder`` (whoever started them)."""
    return [pid for pid, _, command in _jvms() if b"--serve" in command and str(folder).encode() in command]


def _jvms() -> list[tuple[int, int, bytes]]:
    """Each live EPUBCheck JVM's pid, parent's pid and command line."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
            command = (entry / "cmdline").read_bytes()
        except (OSError, NotADirectoryError):
            continue
        if fields[0] != "Z" and DRIVER in command:
            found.append((int(entry.name), int(fields[1]), command))
    return found
