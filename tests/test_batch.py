"""Whole archives in one command (issue 11): ``reissue build PATH...`` on folders builds every issue under
them in parallel, mirrors the folders under --out, keeps build/catalog.sqlite, skips what still stands,
survives a kill, goes on past a broken issue, and runs the same on a Dask cluster."""

from __future__ import annotations

import gc
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.dated_variants import gazette_variant, ndnp_variant
from layout.archive.catalog import Catalog
from layout.archive.sources import find_sources
from layout.archive.work import Job, run_job
from layout.options import BuildOptions

REISSUE = [sys.executable, "-m", "layout"]


def reissue(*args: object, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*REISSUE, *map(str, args)], capture_output=True, text=True, check=False, **kwargs)


def gazettes(folder: Path, days: int) -> list[Path]:
    return [gazette_variant(folder, offset) for offset in range(days)]


def rows(out: Path) -> dict[str, dict]:
    with sqlite3.connect(out / "catalog.sqlite") as db:
        db.row_factory = sqlite3.Row
        return {row["key"]: dict(row) for row in db.execute("SELECT * FROM issues")}


def test_a_folder_is_walked_for_issues_and_notes_pages_and_outputs_are_passed_over(tmp_path):
    """A folder's issues are its text files and the markup a reader claims; a METS's ALTO pages, the notes
    kept beside issues, hidden files, settings, images and the output folder are not issues."""
    archive = tmp_path / "in"
    gazettes(archive, 2)
    mets = ndnp_variant(archive, 0)
    for name in ("README.md", "gazette/SOURCE.md", ".hidden.md", "gazette/paper.yaml", "gazette/photo.png"):
        (archive / name).write_text("not an issue", encoding="utf-8")
    (archive / "mods.xml").write_text("<mods xmlns='http://www.loc.gov/mods/v3'/>", encoding="utf-8")
    (archive / "build").mkdir()
    (archive / "build" / "old.md").write_text("# an output folder's file", encoding="utf-8")

    found = find_sources([archive], archive / "build")

    assert [(s.path.relative_to(archive).as_posix(), s.key) for s in found] == [
        ("gazette/2024-03-05.md", "gazette/2024-03-05"),
        ("gazette/2024-03-06.md", "gazette/2024-03-06"),
        (mets.relative_to(archive).as_posix(), "ndnp/1858/08/13/1858081301"),
    ]


def test_a_batch_builds_the_good_issues_reports_the_broken_one_and_exits_1(tmp_path):
    """Outputs mirror the input folders; a broken issue is one line in the summary and the report, with
    exit status 1, and does not stop the others; the catalogue has a row for every issue."""
    archive, out = tmp_path / "in", tmp_path / "out"
    gazettes(archive, 2)
    (archive / "gazette" / "broken.md").write_bytes(b"\x00 not text")

    done = reissue("build", archive, "--out", out, "--jobs", "2", "--report", tmp_path / "report.json")

    assert done.returncode == 1, done.stderr
    assert (out / "gazette" / "2024-03-05.pdf").is_file() and (out / "gazette" / "2024-03-06.epub").is_file()
    assert "broken.md:1: control character U+0000" in done.stderr
    assert "Traceback" not in done.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["counts"] == {"built": 2, "skipped": 0, "failed": 1}
    catalog = rows(out)
    assert {key: row["status"] for key, row in catalog.items()} == {
        "gazette/2024-03-05": "built",
        "gazette/2024-03-06": "built",
        "gazette/broken": "failed",
    }
    good = catalog["gazette/2024-03-05"]
    assert (good["date"], good["number"], good["paper"], good["verified"]) == (
        "2024-03-05",
        345,
        "The Riverside Gazette",
        "passed",
    )
    assert good["identifier"].startswith("urn:uuid:") and good["pages"] == 1
    outputs = json.loads(good["outputs"])
    assert set(outputs) == {"2024-03-05.pdf", "2024-03-05.epub"}
    assert outputs["2024-03-05.pdf"]["size"] == (out / "gazette" / "2024-03-05.pdf").stat().st_size


def test_a_second_run_skips_what_still_stands_and_rebuilds_exactly_what_changed(tmp_path):
    """Unchanged issues are skipped (a touched but unchanged file too); a changed source, a new paper.yaml
    over an issue and --force rebuild just what they affect."""
    archive, out = tmp_path / "in", tmp_path / "out"
    first, second = gazettes(archive / "a", 1)[0], gazettes(archive / "b", 1)[0]
    assert reissue("build", archive, "--out", out, "--no-verify").returncode == 0

    def counts(*extra: object) -> dict[str, int]:
        report = tmp_path / "report.json"
        done = reissue("build", archive, "--out", out, "--no-verify", "--report", report, *extra)
        assert done.returncode == 0, done.stderr
        return json.loads(report.read_text(encoding="utf-8"))["counts"]

    assert counts() == {"built": 0, "skipped": 2, "failed": 0}
    os.utime(first)  # touched, not changed
    assert counts() == {"built": 0, "skipped": 2, "failed": 0}
    first.write_text(first.read_text(encoding="utf-8") + "\nA late paragraph.\n", encoding="utf-8")
    assert counts() == {"built": 1, "skipped": 1, "failed": 0}
    (second.parent / "paper.yaml").write_text("paper: a4\n", encoding="utf-8")
    assert counts() == {"built": 1, "skipped": 1, "failed": 0}
    assert counts("--force") == {"built": 2, "skipped": 0, "failed": 0}


def test_a_batch_killed_midway_finishes_only_the_rest_next_time(tmp_path):
    """SIGKILL in the middle of a batch: the catalogue holds what was finished, every row's outputs are in
    place and whole, and the next run builds only the rest."""
    archive, out = tmp_path / "in", tmp_path / "out"
    gazettes(archive, 5)
    batch = _in_its_middle(archive, out)
    batch.send_signal(signal.SIGKILL)
    batch.wait()
    finished = _finished_rows(out)
    assert 1 <= len(finished) < 5, "the batch was not killed in its middle"
    with Catalog(out) as catalog:
        for entry in catalog.entries():
            for name, output in entry.outputs.items():
                assert (out / entry.key).with_name(name).stat().st_size == output["size"]

    report = tmp_path / "report.json"
    assert reissue("build", archive, "--out", out, "--no-verify", "--report", report).returncode == 0
    again = json.loads(report.read_text(encoding="utf-8"))
    built = {issue["key"] for issue in again["issues"] if issue["status"] == "built"}
    assert again["counts"]["skipped"] == len(finished)
    assert built == {f"gazette/2024-03-{day:02d}" for day in range(5, 10)} - finished


def test_sigterm_stops_a_batch_cleanly_with_the_summary_of_what_was_done(tmp_path):
    """SIGTERM (as Ctrl-C) stops handing out issues: the summary says it was interrupted, exit status 130,
    and its workers end with it."""
    archive, out = tmp_path / "in", tmp_path / "out"
    gazettes(archive, 4)
    batch = _in_its_middle(archive, out, stderr=subprocess.PIPE)
    batch.send_signal(signal.SIGTERM)
    _, stderr = batch.communicate(timeout=60)
    assert batch.returncode == 130, stderr
    assert "interrupted: what was done" in stderr
    assert "Traceback" not in stderr


def _in_its_middle(archive: Path, out: Path, stderr: int = subprocess.DEVNULL) -> subprocess.Popen[str]:
    """A batch of one worker over ``archive``, once it has finished its first issue."""
    batch = subprocess.Popen(
        [*REISSUE, "build", archive, "--out", out, "--jobs", "1", "--no-verify"],
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        text=True,
    )
    deadline = time.monotonic() + 240
    while not _finished_rows(out) and time.monotonic() < deadline and batch.poll() is None:
        time.sleep(0.2)
    return batch


def _finished_rows(out: Path) -> set[str]:
    if not (out / "catalog.sqlite").exists():
        return set()
    try:
        return {key for key, row in rows(out).items() if row["status"] == "built"}
    except sqlite3.OperationalError:  # the table is being made
        return set()


@pytest.mark.slow
def test_a_dask_cluster_builds_the_same_bytes_as_the_local_pool(tmp_path):
    """--dask: a LocalCluster on 127.0.0.1 gets the sources' bytes and returns the outputs' bytes; they are
    the local pool's, byte for byte."""
    from distributed import LocalCluster

    archive = tmp_path / "in"
    gazettes(archive, 2)
    local = reissue("build", archive, "--out", tmp_path / "local", "--jobs", "2")
    assert local.returncode == 0, local.stderr
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster:
        on_dask = reissue("build", archive, "--out", tmp_path / "dask", "--dask", cluster.scheduler_address)
    assert on_dask.returncode == 0, on_dask.stderr
    local_files = (tmp_path / "local").rglob("*.*")
    built = sorted(p.relative_to(tmp_path / "local") for p in local_files if p.suffix in (".pdf", ".epub"))
    assert len(built) == 4
    for path in built:
        assert (tmp_path / "dask" / path).read_bytes() == (tmp_path / "local" / path).read_bytes(), path


def test_verify_checks_a_batch_and_notes_each_result_in_the_catalogue(tmp_path):
    """``reissue verify DIR --out OUT`` checks every built issue as ``reissue verify`` checks one; an
    unfaithful output fails with its one line and exit status 1, its catalogue row says so, and the next
    build rebuilds that issue."""
    archive, out = tmp_path / "in", tmp_path / "out"
    gazettes(archive, 2)
    assert reissue("build", archive, "--out", out, "--no-verify").returncode == 0
    damaged = out / "gazette" / "2024-03-06.epub"
    damaged.write_bytes(b"not an EPUB")

    checked = reissue("verify", archive, "--out", out, "--jobs", "2", "--report", tmp_path / "report.json")

    assert checked.returncode == 1, checked.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["counts"] == {"verified": 1, "failed": 1}
    assert "2024-03-06.epub: not an EPUB file" in checked.stderr
    verified = {key: row["verified"] for key, row in rows(out).items()}
    assert verified == {"gazette/2024-03-05": "passed", "gazette/2024-03-06": "failed"}
    rebuilt = reissue("build", archive, "--out", out, "--no-verify", "--report", tmp_path / "again.json")
    assert rebuilt.returncode == 0, rebuilt.stderr
    again = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert [i["key"] for i in again["issues"] if i["status"] == "built"] == ["gazette/2024-03-06"]


def test_a_worker_collects_once_after_an_issue_and_sets_aside_what_it_keeps(tmp_path):
    """The collector's passes are off while an issue is built, also when it fails, and on again after;
    what outlives the issue's one collection is frozen, out of the next issues' collections."""
    broken = tmp_path / "broken.md"
    broken.write_bytes(b"\x00\x01 not an issue's text")
    frozen = gc.get_freeze_count()
    try:
        outcome = run_job(Job("broken", broken, BuildOptions(out_dir=tmp_path / "out")))
        assert outcome.message is not None
        assert gc.isenabled()
        assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()  # the test process is no worker
