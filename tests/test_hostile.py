"""Hostile and careless input, through the real command: each case is refused with one line and exit 2,
or builds correctly; never a traceback, a hang past 60 s, or more than 1 GiB of memory.

The cases are grouped by what they attack (the source's bytes, its front matter, the paths, the output
folder, the style, the files given to verify); ``tests/hostile/harness.py`` runs and judges them.
"""

from __future__ import annotations

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


# --- items 17-19: the archival PDF ---


def test_attach_with_a_variant_that_may_embed_no_files_is_refused(tmp_path: Path) -> None:
    """item 8.19: a PDF/A-2 may embed only PDF/A files; the source and model are never dropped silently."""
    out = tmp_path / "out"
    outcome = run("build", SAMPLE, "--attach", "--pdf-variant", "pdf/a-2b", "--out", out, cwd=tmp_path)
    assert_refused(outcome, "pdf/a-2b", "--attach", out_dir=out)
    assert not out.exists()
