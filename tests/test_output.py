"""Atomic output: a file is either its old content or all of the new, whatever stops the writing."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from layout.output import atomic_file, failed_path, staged_outputs, temp_path, write_atomic, write_failed


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name)


def test_write_atomic_replaces_the_file(tmp_path):
    target = tmp_path / "x.pdf"
    target.write_bytes(b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("interruption", [RuntimeError("the renderer failed"), KeyboardInterrupt()],
                         ids=["an error", "ctrl-c"])
def test_an_interrupted_write_keeps_the_old_file_and_removes_the_temporary_one(tmp_path, interruption):
    target = tmp_path / "x.pdf"
    target.write_bytes(b"old")
    with pytest.raises(type(interruption)), atomic_file(target) as file:
        file.write(b"half of the new")
        raise interruption
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_temporary_file_keeps_the_type_and_failed_file_too():
    assert temp_path(Path("build/x.epub")).name == f".x.tmp-{os.getpid()}.epub"
    assert failed_path(Path("build/x.epub")) == Path("build/x.failed.epub")


def test_write_failed_leaves_the_good_file_alone(tmp_path):
    target = tmp_path / "x.pdf"
    target.write_bytes(b"good")
    assert write_failed(target, b"bad") == tmp_path / "x.failed.pdf"
    assert target.read_bytes() == b"good"
    assert (tmp_path / "x.failed.pdf").read_bytes() == b"bad"


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
        "x.pdf": b"good pdf", "x.epub": b"good epub", "x.failed.pdf": b"bad pdf", "x.failed.epub": b"bad epub"}


def test_staged_outputs_left_by_an_error_leave_nothing(tmp_path):
    (tmp_path / "x.pdf").write_bytes(b"good pdf")
    with pytest.raises(RuntimeError), staged_outputs(tmp_path) as stage:
        stage.add("x.pdf", b"new pdf")
        raise RuntimeError("verification crashed")
    assert [p.name for p in tmp_path.iterdir()] == ["x.pdf"]
    assert (tmp_path / "x.pdf").read_bytes() == b"good pdf"


WRITER = """
import sys, time
from pathlib import Path
from layout.output import atomic_file
with atomic_file(Path(sys.argv[1])) as file:
    while True:  # a large file, written until a signal stops it
        file.write(b"%PDF-1.7 " * 100_000)
        file.flush()
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
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert leftovers(tmp_path) == []
