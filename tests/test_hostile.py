"""Hostile and careless input, through the real command: each case is refused with one line and exit 2,
or builds correctly; never a traceback, a hang past 60 s, or more than 1 GiB of memory.

The cases are grouped by what they attack (the source's bytes, its front matter, the paths, the output
folder, the style, the files given to verify); ``tests/hostile/harness.py`` runs and judges them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hostile.harness import ROOT, assert_built, assert_refused, run

SAMPLE = ROOT / "issues" / "zhaotong-2023-11-15.md"


def test_the_sample_builds(tmp_path: Path) -> None:
    outcome = run("build", SAMPLE, "--out", tmp_path / "out", cwd=tmp_path)
    assert_built(outcome)
    assert (tmp_path / "out" / "zhaotong-2023-11-15.pdf").is_file()


@pytest.mark.parametrize("name", ["missing.md"])
def test_a_missing_issue_is_refused(tmp_path: Path, name: str) -> None:
    assert_refused(run("inspect", tmp_path / name, cwd=tmp_path), name, "no such file")


# --- items 8, 9, 11, 20: verify reads untrusted files, and leaves nothing running ---


EPUBCHECK = "epubcheck.jar"  # in the command line of EPUBCheck's Java process


def _processes_in_session(session: int, name: str) -> list[int]:
    """Live processes (not zombies) of ``session`` whose command line has ``name``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
            command = (entry / "cmdline").read_bytes()
        except OSError:  # ended while we looked
            continue
        state, sid = fields[0], int(fields[3])
        if sid == session and state != "Z" and name.encode() in command:
            found.append(int(entry.name))
    return found


def _wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_a_killed_build_leaves_no_epubcheck_running(tmp_path: Path) -> None:
    """item 8.11: SIGKILL of reissue while EPUBCheck's Java runs ends the Java process too."""
    gazette = ROOT / "tests" / "issues" / "gazette.md"
    build = subprocess.Popen(
        [sys.executable, "-m", "layout", "build", gazette, "--style", "gazette", "--pages", "1", "--out", tmp_path],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its session id marks every process it starts, even once orphaned
    )
    try:
        assert _wait_until(lambda: _processes_in_session(build.pid, EPUBCHECK), 60), "EPUBCheck never started"
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        assert _wait_until(lambda: not _processes_in_session(build.pid, EPUBCHECK), 5), "EPUBCheck outlived reissue"
    finally:
        for pid in _processes_in_session(build.pid, EPUBCHECK):
            os.kill(pid, signal.SIGKILL)
        if build.poll() is None:
            build.kill()
            build.wait()
