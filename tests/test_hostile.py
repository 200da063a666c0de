"""Hostile and careless input, through the real command: each case is refused with one line and exit 2,
or builds correctly; never a traceback, a hang past 60 s, or more than 1 GiB of memory.

The cases are grouped by what they attack (the source's bytes, its front matter, the paths, the output
folder, the style, the files given to verify); ``tests/hostile/harness.py`` runs and judges them.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from xml.etree import ElementTree

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


# --- items 8.12, 8.14-8.16: the e-book's catalogue metadata and release time ---


def tiny_issue(folder: Path, front: str = "") -> Path:
    """A one-story issue, with ``front`` as its front matter when given."""
    source = folder / "issue.md"
    head = f"---\n{front}\n---\n" if front else ""
    source.write_text(f"{head}# 测试日报\n\n2024年2月29日\n\n## 一个标题\n\n正文一段。\n", encoding="utf-8")
    return source


@pytest.mark.parametrize(
    "front, key",
    [
        ("rights: [1, 2]", "rights"),
        ("rights: ''", "rights"),
        ("subjects: 工业", "subjects"),
        ("subjects: [工业, 3]", "subjects"),
        ("description: {a: b}", "description"),
    ],
)
def test_a_catalogue_value_of_the_wrong_kind_is_refused(tmp_path: Path, front: str, key: str) -> None:
    source = tiny_issue(tmp_path, front)
    outcome = run("build", source, "--out", tmp_path / "out", cwd=tmp_path)
    assert_refused(outcome, "issue.md:2", f"'{key}' must be", out_dir=tmp_path / "out")


def test_markup_in_the_rights_stays_text_in_the_package(tmp_path: Path) -> None:
    rights = "<script>alert(1)</script> & ]]> © 某某"
    source = tiny_issue(tmp_path, f"rights: '{rights}'")
    assert_built(run("build", source, "--out", tmp_path / "out", "--epub-only", cwd=tmp_path))
    with zipfile.ZipFile(tmp_path / "out" / "issue.epub") as book:
        opf = ElementTree.fromstring(book.read("EPUB/content.opf"))
    assert [e.text for e in opf.iter("{http://purl.org/dc/elements/1.1/}rights")] == [rights]


@pytest.mark.parametrize("epoch", ["yesterday", "-5", "99999999999999"])
def test_a_source_date_epoch_that_is_no_time_is_refused(tmp_path: Path, epoch: str) -> None:
    outcome = run(
        "build", tiny_issue(tmp_path), "--out", tmp_path / "out", cwd=tmp_path, env={"SOURCE_DATE_EPOCH": epoch}
    )
    assert_refused(outcome, "SOURCE_DATE_EPOCH", "not a time", out_dir=tmp_path / "out")


def test_a_source_dated_past_what_a_zip_can_hold_builds(tmp_path: Path) -> None:
    source = tiny_issue(tmp_path)
    year_2200 = 7_258_118_400
    os.utime(source, (year_2200, year_2200))
    assert_built(run("build", source, "--out", tmp_path / "out", "--epub-only", "--no-verify", cwd=tmp_path))


def test_a_broken_git_repository_around_the_source_is_no_obstacle(tmp_path: Path) -> None:
    source = tiny_issue(tmp_path)
    (tmp_path / ".git").write_text("gitdir: /nowhere/at/all\n")
    assert_built(run("build", source, "--out", tmp_path / "out", "--epub-only", "--no-verify", cwd=tmp_path))
