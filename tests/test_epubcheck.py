"""``verify.epubcheck``: one EPUBCheck JVM a process checks EPUB after EPUB, and recovers when it dies
or hangs; a lasting one that commands share, one after another (issue 11).

The EPUBs are made here with ebooklib: a small valid one, and a copy broken in ways EPUBCheck reports
(an element HTML does not have, a picture the archive lacks).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ebooklib import epub
from jvms import lasting_jvms, live_jvms

from layout.verify import epubcheck
from layout.verify.epubcheck import Checker, LastingChecker

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


@pytest.fixture
def folder() -> Iterator[Path]:
    """A private runtime folder for lasting JVMs, whose JVMs end with the test (right in the temporary
    folder: a socket's path is short)."""
    made = Path(tempfile.mkdtemp(prefix="reissue-lasting-"))
    yield made
    for pid in lasting_jvms(made):
        os.kill(pid, signal.SIGKILL)
    shutil.rmtree(made)


def check_as_a_command(epub: Path, runtime: Path) -> list[str]:
    """The messages a separate ``reissue`` process gets on ``epub``, checking with the lasting JVM, after
    which it has ended."""
    script = "import json, sys; from pathlib import Path; from layout.verify import epubcheck\n"
    script += "epubcheck.last_between_commands(); print(json.dumps(epubcheck.messages(Path(sys.argv[1]))))"
    ran = subprocess.run(
        [sys.executable, "-c", script, str(epub)],
        env={**os.environ, "XDG_RUNTIME_DIR": str(runtime)},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(ran.stdout)


def test_commands_one_after_another_check_with_one_lasting_jvm(folder, valid_epub, broken_epub):
    """issue 11: the first command starts the lasting JVM, which outlives it; the next command's check
    goes to that JVM, with its own findings (a cold build does not pay the JVM's start again)."""
    assert check_as_a_command(valid_epub, folder) == []
    [jvm] = lasting_jvms(folder)
    assert_broken_findings(check_as_a_command(broken_epub, folder))
    assert lasting_jvms(folder) == [jvm]


def test_a_command_checks_in_its_own_jvm_unless_its_runtime_folder_is_private(folder, valid_epub, monkeypatch):
    """issue 11: whoever reaches the lasting JVM's socket has EPUBCheck read files as the user, so it is
    only ever in a folder nobody else may enter."""
    (folder / "reissue").mkdir(mode=0o777)
    os.chmod(folder / "reissue", 0o777)  # the umask leaves it narrower
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    assert epubcheck.lasting_folder() is None
    assert check_as_a_command(valid_epub, folder) == []
    assert lasting_jvms(folder) == []


def test_a_lasting_jvm_that_was_killed_is_replaced_by_the_next_check(folder, valid_epub, broken_epub):
    """issue 11: a JVM killed (or ended) leaves its socket behind; the next check starts another on it."""
    assert LastingChecker(folder).messages(valid_epub, seconds=300) == []
    [killed] = lasting_jvms(folder)
    os.kill(killed, signal.SIGKILL)
    assert_broken_findings(LastingChecker(folder).messages(broken_epub, seconds=300))
    [started] = lasting_jvms(folder)
    assert started != killed


def test_a_lasting_check_over_its_time_limit_is_fatal_and_ends_its_jvm(folder, valid_epub, broken_epub):
    """issue 11: a check that does not finish in time kills the lasting JVM, which would serve nobody else
    meanwhile; the next check starts another."""
    checker = LastingChecker(folder)
    assert checker.messages(valid_epub, seconds=0.001) == ["FATAL EPUBCheck did not finish in 0.001 s"]
    deadline = time.monotonic() + 10
    while lasting_jvms(folder) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert lasting_jvms(folder) == []
    assert_broken_findings(checker.messages(broken_epub, seconds=300))


def test_commands_starting_at_once_start_one_lasting_jvm(folder, valid_epub, broken_epub):
    """issue 11: two commands that find no JVM at the same time start one between them."""
    found: dict[str, list[str]] = {}

    def check(epub: Path) -> None:
        found[epub.name] = LastingChecker(folder).messages(epub, seconds=300)

    threads = [threading.Thread(target=check, args=(epub,)) for epub in (valid_epub, broken_epub)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found["valid.epub"] == []
    assert_broken_findings(found["broken.epub"])
    assert len(lasting_jvms(folder)) == 1


def test_a_lasting_jvm_ends_after_its_idle_time(folder, valid_epub, monkeypatch):
    """issue 11: the lasting JVM ends by itself when no check has come for ``LASTING_SECONDS``."""
    monkeypatch.setattr("layout.verify.epubcheck.LASTING_SECONDS", 1)
    assert LastingChecker(folder).messages(valid_epub, seconds=300) == []
    assert len(lasting_jvms(folder)) == 1
    deadline = time.monotonic() + 30
    while lasting_jvms(folder) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert lasting_jvms(folder) == []


@pytest.mark.parametrize("lasting", [False, True], ids=["own JVM", "lasting JVM"])
def test_without_java_a_check_says_so_in_one_fatal_message(folder, valid_epub, monkeypatch, lasting):
    """issue 11: a machine without the Java runtime gets EPUBCheck's finding that it did not run, and what to
    do, not a traceback."""
    monkeypatch.setattr("epubcheck.const.JAVA", "/nonexistent/java")
    checker = LastingChecker(folder) if lasting else Checker()
    assert checker.messages(valid_epub, seconds=300) == [
        "FATAL EPUBCheck did not run: cannot run /nonexistent/java: No such file or directory"
        " (scripts/setup installs Java)"
    ]


def test_a_report_on_another_file_is_no_answer(valid_epub):
    """issue 11: a reply counts only as the report on the EPUB asked about (EPUBCheck names the file it
    checked): a stray report fails the check rather than pass it on another EPUB's findings."""
    stray = json.dumps({"messages": [], "checker": {"path": "/elsewhere/other.epub"}}).encode()
    assert epubcheck._findings(stray, valid_epub) == [
        "FATAL EPUBCheck's report is on '/elsewhere/other.epub', not on this EPUB"
    ]


def test_a_file_epubcheck_cannot_open_is_no_pass(tmp_path):
    """issue 11: EPUBCheck reports a file it cannot open (here: gone) as an EPUB without a message; that is no
    pass."""
    gone = tmp_path / "gone.epub"
    assert epubcheck.messages(gone) == ["FATAL EPUBCheck read no publication from this EPUB"]
