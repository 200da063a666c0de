"""Real faults for the tests of writing outputs: a disk that fills up, a folder that may not be entered,
a limit on the size of a file. Each is made by the kernel, never imitated; a case the machine cannot
make (mounting needs root) is skipped with the reason.

- A full disk: a tmpfs of a few KiB mounted on a test's folder (``small_disk``); writing past it fails
  with ENOSPC exactly as on a full partition.
- A folder that may not be entered: mode bits. Root passes them (CAP_DAC_OVERRIDE), and the tests run
  as root, so the command runs ``under`` ``setpriv`` with those capabilities dropped (``UNPRIVILEGED``);
  it stays root by uid, so it still reads the checkout.
- A file size limit: RLIMIT_FSIZE (``prlimit --fsize``); Python ignores SIGXFSZ, so a write past the
  limit fails with EFBIG instead of killing the process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

_DROP_DAC = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]


@contextmanager
def small_disk(folder: Path, size: str = "64k") -> Iterator[Path]:
    """``folder`` as a file system of ``size`` (a tmpfs), unmounted after the block."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, text=True
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def unprivileged() -> list[str]:
    """The command that runs a program bound by mode bits like any user (empty when it already is)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None or subprocess.run([*_DROP_DAC, "true"], capture_output=True).returncode:
        pytest.skip("cannot drop root's right to pass mode bits here (setpriv)")
    return _DROP_DAC


def file_size_limit(size: int) -> list[str]:
    """The command that runs a program allowed to write files of at most ``size`` bytes."""
    return ["prlimit", f"--fsize={size}"]
