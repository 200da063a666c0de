"""Atomic output: a build's files are either their old content or all of the new, whatever stops the build."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from layout.output import failed_path, staged_outputs, temp_path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name)


def test_temporary_file_keeps_the_type_and_failed_file_too():
    assert temp_path(Path("build/x.epub")).name == f".x.tmp-{os.getpid()}.epub"
    assert failed_path(Path("build/x.epub")) == Path("build/x.failed.epub")


def test_staged_outputs_commit_together_and_drop_old_failed_files(tmp_path):
    (tmp_path / "x.pdf").write_bytes(b"old pdf")
    (tmp_path / "x.failed.epub").write_bytes(b"an earlier failure")
    with staged_outputs(tmp_path) as stage:
        pdf = stage.add("x.pdf", b"new pdf")
        stage.add("x.epub", b"new epub")
        assert pdf.read_bytes() == b"new pdf"  # the staged file is complete: verify reads it
        assert (tmp_path / "x.pdf").read_bytes() == b"old pdf"
        assert stage.commit() == [tmp_path / "x.pdf", tmp_path / "x.epub"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.epub", "x.pdf"]
    assert (tmp_path / "x.pdf").read_bytes() == b"new pdf"


def test_staged_outputs_set_aside_keeps_the_previous_good_ones(tmp_path):
    (tmp_path / "x.pdf").write_bytes(b"good pdf")
    (tmp_path / "x.epub").write_bytes(b"good epub")
    with staged_outputs(tmp_path) as stage:
        stage.add("x.pdf", b"bad pdf")
        stage.add("x.epub", b"bad epub")
        stage.set_aside()
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {
        "x.pdf": b"good pdf",
        "x.epub": b"good epub",
        "x.failed.pdf": b"bad pdf",
        "x.failed.epub": b"bad epub",
    }


@pytest.mark.parametrize(
    "interruption", [RuntimeError("verification crashed"), KeyboardInterrupt()], ids=["an error", "ctrl-c"]
)
def test_staged_outputs_left_by_an_interruption_leave_nothing(tmp_path, interruption):
    (tmp_path / "x.pdf").write_bytes(b"good pdf")
    with pytest.raises(type(interruption)), staged_outputs(tmp_path) as stage:
        stage.add("x.pdf", b"new pdf")
        raise interruption
    assert [p.name for p in tmp_path.iterdir()] == ["x.pdf"]
    assert (tmp_path / "x.pdf").read_bytes() == b"good pdf"


WRITER = """
import sys, time
from pathlib import Path
from layout.output import staged_outputs
target = Path(sys.argv[1])
with staged_outputs(target.parent) as stage:
    stage.add(target.name, b"%PDF-1.7 " * 200_000)
    while True:  # a build that has staged its PDF and is still at work, until a signal stops it
        time.sleep(0.01)
"""


def start_writer(target: Path) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], cwd=Path(__file__).parent.parent)
    staged = target.with_name(f".{target.stem}.tmp-{process.pid}{target.suffix}")
    deadline = time.monotonic() + 20
    while not (staged.exists() and staged.stat().st_size > 1_000_000):
        assert process.poll() is None and time.monotonic() < deadline, "the writer did not start writing"
        time.sleep(0.02)
    return process


def test_sigterm_while_writing_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "x.pdf"
    target.write_bytes(b"old")
    process = start_writer(target)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 128 + signal.SIGTERM
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_sigkill_while_writing_keeps_the_old_file_and_the_next_write_removes_the_leftover(tmp_path):
    target = tmp_path / "x.pdf"
    target.write_bytes(b"old")
    process = start_writer(target)
    process.kill()
    process.wait(timeout=20)
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == [f".x.tmp-{process.pid}.pdf"]  # SIGKILL cannot be caught
    with staged_outputs(tmp_path) as stage:
        stage.add("x.pdf", b"new")
        stage.commit()
    assert target.read_bytes() == b"new"
    assert leftovers(tmp_path) == []
