"""Running the ``reissue`` command on hostile or careless input, as a user would, and judging the outcome.

Each case runs the real command in a child process (``python -m layout``) with a time limit, and
reads the child's peak memory from ``wait4``. A case passes when the command either built
correctly (exit 0) or refused with the promised error: exactly one line on stderr, exit status 2,
no traceback, and nothing half-written in the output folder; or, for outputs found not faithful,
reported the findings with exit status 1.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 60  # no input may make the command hang longer than this
MEMORY = 1 << 30  # nor grow past 1 GiB


@dataclass(frozen=True)
class Outcome:
    status: int
    stdout: str
    stderr: str
    seconds: float
    peak_bytes: int

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def run(
    *args: str | Path,
    cwd: Path,
    env: dict[str, str] | None = None,
    stdin: bytes = b"",
    under: Sequence[str] = (),
) -> Outcome:
    """``reissue ARGS`` in ``cwd``; killed (and failed) past ``SECONDS``. ``under`` is a command that
    runs it in other conditions and then execs it (``prlimit --fsize=…``, ``setpriv …``)."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as given:
        given.write(stdin)
        given.seek(0)
        process = subprocess.Popen(
            [*under, sys.executable, "-m", "layout", *map(str, args)],
            cwd=cwd,
            env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", **(env or {})},
            stdin=given,
            stdout=out,
            stderr=err,
            start_new_session=True,  # so a hang is killed with every process it started
        )
        status, peak = _wait(process, args)
        out.seek(0)
        err.seek(0)
        return Outcome(
            status,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            time.monotonic() - started,
            peak,
        )


def _wait(process: subprocess.Popen[bytes], args: tuple[str | Path, ...]) -> tuple[int, int]:
    """The child's exit status and its own peak memory (``wait4`` reports it for that child alone)."""
    deadline = time.monotonic() + SECONDS
    while time.monotonic() < deadline:
        pid, wait_status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(wait_status)
            return process.returncode, usage.ru_maxrss * 1024
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    raise AssertionError(f"reissue {' '.join(map(str, args))} hung for more than {SECONDS} s")


def assert_refused(outcome: Outcome, *expected: str, out_dir: Path | None = None) -> None:
    """The promised error: one line, exit 2, no traceback, each of ``expected`` in it, nothing left
    half-written in ``out_dir``."""
    assert outcome.status == 2, f"exit {outcome.status}, stderr: {outcome.stderr[-2000:]}"
    assert "Traceback" not in outcome.stderr, outcome.stderr[-2000:]
    errors = [line for line in outcome.error_lines if not line.startswith("warning:")]
    assert len(errors) == 1 and errors[0].startswith("error:"), outcome.stderr[-2000:]
    for text in expected:
        assert text in errors[0], f"{text!r} not in {errors[0]!r}"
    assert_bounded(outcome)
    if out_dir is not None:
        assert_nothing_half_written(out_dir)


def assert_unfaithful(outcome: Outcome, *expected: str) -> None:
    """What verify and build promise for outputs they find wrong: the findings, each of ``expected``
    among them, one error line saying so, exit 1, no traceback."""
    assert outcome.status == 1, f"exit {outcome.status}, stderr: {outcome.stderr[-2000:]}"
    assert "Traceback" not in outcome.stderr, outcome.stderr[-2000:]
    errors = [line for line in outcome.error_lines if line.startswith("error:")]
    assert len(errors) == 1 and "not faithful" in errors[0], outcome.stderr[-2000:]
    for text in expected:
        assert text in outcome.stdout + outcome.stderr, f"{text!r} not in the report"
    assert_bounded(outcome)


def assert_built(outcome: Outcome) -> None:
    assert outcome.status == 0, f"exit {outcome.status}, stderr: {outcome.stderr[-2000:]}"
    assert "Traceback" not in outcome.stderr
    assert_bounded(outcome)


def assert_bounded(outcome: Outcome) -> None:
    assert outcome.peak_bytes < MEMORY, f"peak memory {outcome.peak_bytes / 2**20:.0f} MiB"


def assert_nothing_half_written(folder: Path) -> None:
    """No temporary or partial file of a build is left behind."""
    if folder.exists():
        leftovers = [p.name for p in folder.rglob("*") if ".tmp-" in p.name]
        assert not leftovers, leftovers
