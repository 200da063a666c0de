"""Hostile and careless input, through the real command: each case is refused with one line and exit 2,
or builds correctly; never a traceback, a hang past 60 s, or more than 1 GiB of memory.

The cases are grouped by what they attack (the source's bytes, its front matter, the paths, the output
folder, the style, the files given to verify); ``tests/hostile/harness.py`` runs and judges them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from faults import file_size_limit, small_disk, unprivileged

from tests.hostile.harness import ROOT, assert_built, assert_refused, run

SAMPLE = ROOT / "issues" / "zhaotong-2023-11-15.md"


def test_the_sample_builds(tmp_path: Path) -> None:
    outcome = run("build", SAMPLE, "--out", tmp_path / "out", cwd=tmp_path)
    assert_built(outcome)
    assert (tmp_path / "out" / "zhaotong-2023-11-15.pdf").is_file()


@pytest.mark.parametrize("name", ["missing.md"])
def test_a_missing_issue_is_refused(tmp_path: Path, name: str) -> None:
    assert_refused(run("inspect", tmp_path / name, cwd=tmp_path), name, "no such file")


# --- item 5: output faults are one line, exit 2, and the outputs go in together or not at all ---

SMALL = ROOT / "tests" / "issues" / "print-small.md"  # two pages; builds in seconds


def test_an_out_folder_inside_a_folder_reissue_may_not_enter_is_refused(tmp_path: Path) -> None:
    """item 8.5: mode 000 on the folder above --out (as a user bound by mode bits)."""
    locked = tmp_path / "locked"
    locked.mkdir(mode=0)
    outcome = run("build", SMALL, "--out", locked / "out", "--no-verify", cwd=tmp_path, under=unprivileged())
    assert_refused(outcome, f"{locked}/out", "not a folder reissue may write in")


def test_a_read_only_out_folder_is_refused(tmp_path: Path) -> None:
    """item 8.5: an --out folder that may be entered but not written in."""
    out = tmp_path / "out"
    out.mkdir(mode=0o555)
    outcome = run("build", SMALL, "--out", out, "--epub-only", "--no-verify", cwd=tmp_path, under=unprivileged())
    assert_refused(outcome, "not a folder reissue may write in", out_dir=out)


@pytest.mark.parametrize("out", ["print-small.md/out", "/dev/null"], ids=["under a file", "a device"])
def test_an_out_path_that_is_no_folder_is_refused(tmp_path: Path, out: str) -> None:
    """item 8.5: --out through a file, or at a device."""
    (tmp_path / "print-small.md").write_bytes(SMALL.read_bytes())
    outcome = run("build", "print-small.md", "--out", out, "--epub-only", "--no-verify", cwd=tmp_path)
    assert_refused(outcome, "not a folder reissue may write in")


def test_a_folder_where_the_epub_should_go_keeps_the_old_pdf(tmp_path: Path) -> None:
    """item 8.5: with an old PDF in place and the EPUB impossible to write, neither output changes."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "print-small.pdf").write_bytes(b"the old PDF")
    (out / "print-small.epub").mkdir()
    outcome = run("build", SMALL, "--out", out, "--no-verify", cwd=tmp_path)
    assert_refused(outcome, f"{out}/print-small.epub: cannot write it: is a directory", out_dir=out)
    assert (out / "print-small.pdf").read_bytes() == b"the old PDF"
    assert sorted(p.name for p in out.iterdir()) == ["print-small.epub", "print-small.pdf"]


def test_a_full_disk_is_refused_and_keeps_the_old_outputs(tmp_path: Path) -> None:
    """item 8.5: ENOSPC, for real: --out on a file system of 64 KiB."""
    with small_disk(tmp_path / "disk") as out:
        (out / "print-small.pdf").write_bytes(b"the old PDF")
        (out / "print-small.epub").write_bytes(b"the old EPUB")
        outcome = run("build", SMALL, "--out", out, "--no-verify", cwd=tmp_path)
        assert_refused(outcome, "print-small.pdf: cannot write it: no space left on device", out_dir=out)
        assert {p.name: p.read_bytes() for p in out.iterdir()} == {
            "print-small.pdf": b"the old PDF",
            "print-small.epub": b"the old EPUB",
        }


def test_a_limit_on_the_size_of_files_is_refused(tmp_path: Path) -> None:
    """item 8.5: EFBIG, for real: RLIMIT_FSIZE of 100 kB, less than the PDF."""
    out = tmp_path / "out"
    outcome = run(
        "build", SMALL, "--out", out, "--pdf-only", "--no-verify", cwd=tmp_path, under=file_size_limit(100_000)
    )
    assert_refused(outcome, "print-small.pdf: cannot write it: file too large", out_dir=out)
    assert list(out.iterdir()) == []
