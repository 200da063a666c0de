"""``verify.epubcheck``: one EPUBCheck JVM a process checks EPUB after EPUB, and recovers when it dies
or hangs (issue 11).

The EPUBs are made here with ebooklib: a small valid one, and a copy broken in ways EPUBCheck reports
(an element HTML does not have, a picture the archive lacks).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ebooklib import epub

from layout.verify import epubcheck
from layout.verify.epubcheck import Checker

DRIVER = b"EpubCheckDriver"  # in the command line of the checker's JVM
BROKEN = '<blink>闪</blink><img src="missing.png" alt=""/>'


@pytest.fixture(scope="module")
def valid_epub(tmp_path_factory) -> Path:
    book = epub.EpubBook()
    book.set_identifier("urn:reissue:epubcheck-test")
    book.set_title("昭通日报 2023-11-15")
    book.set_language("zh-Hans")
    page = epub.EpubHtml(title="第1版", file_name="page1.xhtml", lang="zh-Hans")
    page.content = "<html><body><h1>第1版</h1><p>今年以来,昭通市工信局紧扣省委战略发展目标。</p></body></html>"
    book.add_item(page)
    book.toc = [page]
    book.spine = ["nav", page]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    path = tmp_path_factory.mktemp("epub") / "valid.epub"
    epub.write_epub(str(path), book)
    return path


@pytest.fixture(scope="module")
def broken_epub(valid_epub: Path) -> Path:
    """The valid EPUB with an element HTML lacks and a picture the archive lacks on its page."""
    path = valid_epub.with_name("broken.epub")
    with zipfile.ZipFile(valid_epub) as source, zipfile.ZipFile(path, "w") as broken:
        for member in source.infolist():
            data = source.read(member)
            if member.filename.endswith("page1.xhtml"):
                data = data.replace(b"</body>", BROKEN.encode() + b"</body>")
            broken.writestr(member, data)
    return path


@pytest.fixture
def checker() -> Iterator[Checker]:
    checker = Checker()
    yield checker
    checker.close()


@pytest.fixture
def jvms() -> Callable[[], list[int]]:
    """The live EPUBCheck JVMs this process started since the test began (not the process's own checker's,
    which other tests in this process may have started)."""
    before = set(live_jvms())
    return lambda: [pid for pid in live_jvms() if pid not in before]


def live_jvms() -> list[int]:
    """The live EPUBCheck JVMs this process started."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
            command = (entry / "cmdline").read_bytes()
        except (OSError, NotADirectoryError):
            continue
        if fields[0] != "Z" and int(fields[1]) == os.getpid() and DRIVER in command:
            found.append(int(entry.name))
    return found


def assert_broken_findings(messages: list[str]) -> None:
    assert len(messages) == 2, messages
    blink, missing = sorted(messages)
    assert blink.startswith("ERROR RSC-005 EPUB/page1.xhtml:") and 'element "blink" not allowed here' in blink
    assert missing.startswith("ERROR RSC-007 EPUB/page1.xhtml:") and '"EPUB/missing.png" could not be found' in missing


def test_epubs_checked_in_a_row_share_one_jvm_and_get_their_own_findings(checker, jvms, valid_epub, broken_epub):
    """issue 11: the JVM started for the first EPUB checks the next ones; each EPUB gets its own messages."""
    assert checker.messages(valid_epub, seconds=300) == []
    [jvm] = jvms()
    assert_broken_findings(checker.messages(broken_epub, seconds=300))
    assert checker.messages(valid_epub, seconds=300) == []
    assert jvms() == [jvm]


def test_a_checker_whose_jvm_was_killed_starts_another(checker, jvms, valid_epub, broken_epub):
    """issue 11: a JVM that died between two checks is replaced by the next check."""
    assert checker.messages(valid_epub, seconds=300) == []
    [killed] = jvms()
    os.kill(killed, signal.SIGKILL)
    assert_broken_findings(checker.messages(broken_epub, seconds=300))
    [started] = jvms()
    assert started != killed


def test_a_check_over_its_time_limit_is_fatal_and_the_next_check_gets_a_new_jvm(checker, jvms, valid_epub, broken_epub):
    """issue 11: a check that does not finish in time kills its JVM; the next check starts another."""
    assert checker.messages(valid_epub, seconds=0.001) == ["FATAL EPUBCheck did not finish in 0.001 s"]
    assert jvms() == []
    assert_broken_findings(checker.messages(broken_epub, seconds=300))


def test_a_closed_checker_leaves_no_jvm(checker, jvms, valid_epub):
    """issue 11: the JVM ends when its checker is closed (at the process's exit for the process's checker)."""
    checker.messages(valid_epub, seconds=300)
    assert len(jvms()) == 1
    checker.close()
    assert jvms() == []


def test_without_a_prepared_jvm_the_driver_runs_from_its_source_with_the_same_findings(
    checker, jvms, valid_epub, broken_epub, monkeypatch, tmp_path
):
    """issue 11: scripts/setup prepares the JVM for a quick start; a reissue installed without it checks alike."""
    monkeypatch.setattr("layout.verify.epubcheck.PREPARED", tmp_path / "not prepared")
    assert checker.messages(valid_epub, seconds=300) == []
    assert_broken_findings(checker.messages(broken_epub, seconds=300))
    [jvm] = jvms()
    assert (Path("/proc") / str(jvm) / "cmdline").read_bytes().split(b"\0")[-2].endswith(b"EpubCheckDriver.java")


def test_a_warmed_up_checker_checks_the_next_epub_with_its_own_findings(checker, jvms, broken_epub):
    """issue 11: the JVM warms up on an EPUB of its own (a build asks while it renders); its reply is not the next's."""
    checker.start(warm_up=broken_epub.with_name("valid.epub"))
    assert_broken_findings(checker.messages(broken_epub, seconds=300))
    assert len(jvms()) == 1


def check_in_this_process(epub: Path) -> tuple[list[str], list[int]]:
    """The process's messages on ``epub``, and the JVMs the process started."""
    return epubcheck.messages(epub), live_jvms()


def test_a_forked_worker_checks_with_a_jvm_of_its_own_and_leaves_its_parents_alone(valid_epub, broken_epub):
    """issue 11: a batch's workers may be forked from a process whose checker runs: each starts its own JVM."""
    assert epubcheck.messages(valid_epub) == []
    parents = live_jvms()
    with multiprocessing.get_context("fork").Pool(1) as worker:
        messages, workers = worker.apply(check_in_this_process, (broken_epub,))
    assert_broken_findings(messages)
    assert len(workers) == 1 and workers[0] not in parents
    assert_broken_findings(epubcheck.messages(broken_epub))
    assert live_jvms() == parents
