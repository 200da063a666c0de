"""Atomic output: a build's files are either their old content or all of the new, whatever stops the build."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from faults import small_disk

from layout.errors import OutputError
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


# --- item 8.5: output faults are one-line errors, and the outputs go in together or not at all ---


def contents(folder: Path) -> dict[str, bytes | str]:
    return {p.name: p.read_bytes() if p.is_file() else "a folder" for p in sorted(folder.iterdir())}


@pytest.mark.parametrize(
    ("move", "destination"),
    [("commit", lambda name: name), ("set_aside", lambda name: str(failed_path(Path(name))))],
    ids=["commit", "set aside"],
)
def test_a_folder_where_an_output_should_go_puts_back_the_outputs_already_moved(tmp_path, move, destination):
    """item 8.5: with an old PDF in place and the EPUB impossible to put in place, the old PDF stays and no
    new file is left: the outputs of a build are committed (or set aside) together or not at all."""
    (tmp_path / destination("x.pdf")).write_bytes(b"old pdf")
    (tmp_path / destination("x.epub")).mkdir()
    before = contents(tmp_path)
    with staged_outputs(tmp_path) as stage:
        stage.add("x.html", b"new html")  # a target that had no previous content
        stage.add("x.pdf", b"new pdf")
        stage.add("x.epub", b"new epub")
        with pytest.raises(OutputError, match=rf"{destination('x.epub')}: cannot write it: is a directory"):
            getattr(stage, move)()
    assert contents(tmp_path) == before


def test_a_full_disk_is_an_output_error_naming_the_target_and_leaves_the_old_file(tmp_path):
    """item 8.5: ENOSPC while staging is one OutputError naming the output, not the temporary file."""
    with small_disk(tmp_path / "disk", size="64k") as disk:
        (disk / "x.pdf").write_bytes(b"old pdf")
        with pytest.raises(OutputError) as raised, staged_outputs(disk) as stage:
            stage.add("x.pdf", b"%PDF" * 100_000)
        assert str(raised.value).startswith(f"{disk / 'x.pdf'}: cannot write it: no space left on device; free")
        assert contents(disk) == {"x.pdf": b"old pdf"}


@contextmanager
def file_size_limit(size: int) -> Iterator[None]:
    """RLIMIT_FSIZE for this process; Python ignores SIGXFSZ, so a longer write fails with EFBIG."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def test_a_file_larger_than_the_process_may_write_is_an_output_error(tmp_path):
    """item 8.5: EFBIG (a file size limit) is one OutputError, and the partly written file is removed."""
    with pytest.raises(OutputError, match=r"x\.epub: cannot write it: file too large; .*ulimit -f"):
        with staged_outputs(tmp_path) as stage, file_size_limit(10_000):
            stage.add("x.epub", b"PK" * 100_000)
    assert contents(tmp_path) == {}


def test_an_output_folder_that_cannot_be_made_is_an_output_error(tmp_path):
    """item 8.5: a file where the output folder (or one above it) should be."""
    (tmp_path / "issue.md").write_text("# not a folder")
    with pytest.raises(OutputError, match=r"issue\.md/out: cannot write it: not a directory"):
        with staged_outputs(tmp_path / "issue.md" / "out"):
            pass


def test_the_previous_content_kept_for_a_roll_back_is_gone_after_the_commit(tmp_path):
    """item 8.5: the previous outputs are kept only while the new ones go in."""
    (tmp_path / "x.pdf").write_bytes(b"old pdf")
    with staged_outputs(tmp_path) as stage:
        stage.add("x.pdf", b"new pdf")
        stage.commit()
    assert contents(tmp_path) == {"x.pdf": b"new pdf"}
