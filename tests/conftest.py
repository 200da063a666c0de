"""Test-wide settings: CI runs the property tests on a fixed set of examples, so that a landing is
never decided by the luck of a draw; runs elsewhere keep exploring new examples. The lasting EPUBCheck JVMs
the tests' commands start, and what they keep in a cache folder, are the tests' own, and end with them."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from jvms import lasting_jvms

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session", autouse=True)
def own_runtime_folder() -> Iterator[Path]:
    """A runtime folder of the tests' own, for the lasting EPUBCheck JVMs the commands they run start
    (``layout.verify.epubcheck``): not the user's, and those JVMs end with the tests. (Right in the
    temporary folder: a socket's path is short.)"""
    folder = Path(tempfile.mkdtemp(prefix="reissue-tests-"))
    os.environ["XDG_RUNTIME_DIR"] = str(folder)
    yield folder
    for pid in lasting_jvms(folder):
        os.kill(pid, signal.SIGKILL)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def own_cache_folder() -> Iterator[Path]:
    """A cache folder of the tests' own (``layout.user_folders``): the figures and compiled templates the
    tests' builds keep are not the user's, and not left behind."""
    folder = Path(tempfile.mkdtemp(prefix="reissue-tests-cache-"))
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def built_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A batch build (issue 11) to read, as the library's side reads one (issue 12): three days of the
    English test issue and two of the sample, in build/ with its catalog.sqlite (not verified: the tests
    of the batch verify)."""
    from bench.dated_variants import gazette_variant, zhaotong_variant

    root = tmp_path_factory.mktemp("archive")
    for offset in range(3):
        gazette_variant(root / "in", offset)
    for offset in range(2):
        zhaotong_variant(root / "in", offset)
    out = root / "build"
    command = [sys.executable, "-m", "layout", "build", str(root / "in"), "--out", str(out), "--no-verify"]
    subprocess.run(command, check=True, capture_output=True)
    return out


@pytest.fixture(scope="session")
def built_entries(built_archive: Path) -> list:
    """The catalogue's rows of ``built_archive``, as the library's side reads them."""
    from layout.archive.catalog import Catalog

    with Catalog(built_archive) as catalog:
        return list(catalog.entries())
