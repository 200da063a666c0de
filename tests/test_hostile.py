"""Hostile and careless input, through the real command: each case is refused with one line and exit 2,
or builds correctly; never a traceback, a hang past 60 s, or more than 1 GiB of memory.

The cases are grouped by what they attack (the source's bytes, its front matter, the paths, the output
folder, the style, the files given to verify); ``tests/hostile/harness.py`` runs and judges them.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import tests.hostile.zips as zips
from tests.hostile.harness import ROOT, assert_built, assert_refused, assert_unfaithful, run

SAMPLE = ROOT / "issues" / "zhaotong-2023-11-15.md"


def test_the_sample_builds(tmp_path: Path) -> None:
    outcome = run("build", SAMPLE, "--out", tmp_path / "out", cwd=tmp_path)
    assert_built(outcome)
    assert (tmp_path / "out" / "zhaotong-2023-11-15.pdf").is_file()


@pytest.mark.parametrize("name", ["missing.md"])
def test_a_missing_issue_is_refused(tmp_path: Path, name: str) -> None:
    assert_refused(run("inspect", tmp_path / name, cwd=tmp_path), name, "no such file")


# --- items 8, 9, 11, 20: verify reads untrusted files, and leaves nothing running ---


@pytest.fixture(scope="module")
def sample_epub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    assert_built(run("build", SAMPLE, "--epub-only", "--no-verify", "--out", out, cwd=out))
    return out / "zhaotong-2023-11-15.epub"


def _sample_with(sample_epub: Path, path: Path, *extra: zips.Member) -> Path:
    path.write_bytes(zips.archive(zips.members_of(sample_epub) + list(extra)))
    return path


HOSTILE_MEMBERS = {  # made when the case runs: a deflate stream of gigabytes takes a second to make
    "2 GiB of zeros in 2 MB": (lambda: [zips.zeros("EPUB/zeros.xhtml", 2047)], "unpacks to 2047 MiB"),
    "past the archive limit": (lambda: [zips.zeros(f"EPUB/z{n}.bin", 60) for n in range(9)], "540 MiB together"),
    "data past its declared size": (
        lambda: [dataclasses.replace(zips.zeros("EPUB/liar.xhtml", 256), size=100)],
        "'EPUB/liar.xhtml' cannot be unpacked: Bad CRC-32",
    ),
    "corrupt deflate data": (
        lambda: [zips.Member("EPUB/bad.xhtml", b"\x07" * 300, zips.DEFLATED, size=4000)],
        "'EPUB/bad.xhtml' cannot be unpacked: Error -3",
    ),
    "unsupported compression": (lambda: [zips.Member("EPUB/odd.css", b"x", 99)], "uses compression method 99"),
    "a name with ..": (lambda: [zips.stored("../../etc/cron.d/x", b"")], "unsafe member name '../../etc/cron.d/x'"),
    "an absolute name": (lambda: [zips.stored("/etc/passwd", b"")], "unsafe member name '/etc/passwd'"),
    "an encrypted member": (lambda: [zips.Member("EPUB/x.xhtml", b"\0" * 12, flags=0x801)], "is encrypted"),
}


@pytest.mark.parametrize("case", HOSTILE_MEMBERS)
def test_verify_names_a_hostile_member_of_an_epub(sample_epub: Path, tmp_path: Path, case: str) -> None:
    """item 8.8: read in bounded time and memory, reported as a finding, never handed to EPUBCheck."""
    members, expected = HOSTILE_MEMBERS[case]
    epub = _sample_with(sample_epub, tmp_path / "hostile.epub", *members())
    assert_unfaithful(run("verify", SAMPLE, "--epub", epub, cwd=tmp_path), expected)


def test_verify_refuses_an_xml_entity_bomb(sample_epub: Path, tmp_path: Path) -> None:
    """item 8.8: a billion laughs in the package document is refused, not expanded."""
    members = zips.members_of(sample_epub)
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + n]), b"&%s;" % bytes([97 + n]) * 10) for n in range(9))
        + b"]><p>&j;</p>"
    )
    members = [zips.stored(m.name, bomb) if m.name.endswith(".opf") else m for m in members]
    epub = tmp_path / "bomb.epub"
    epub.write_bytes(zips.archive(members))
    assert_refused(run("verify", SAMPLE, "--epub", epub, cwd=tmp_path), "declares XML entities")


@pytest.mark.parametrize(
    "given, expected",
    [("/dev/zero", "not a regular file"), ("truncated.epub", "not an EPUB file (not a zip archive)")],
)
def test_verify_refuses_an_epub_it_cannot_read_as_one(
    sample_epub: Path, tmp_path: Path, given: str, expected: str
) -> None:
    """item 8.8: a device is never read; an archive cut short is not a zip."""
    (tmp_path / "truncated.epub").write_bytes(sample_epub.read_bytes()[: sample_epub.stat().st_size // 2])
    assert_refused(run("verify", SAMPLE, "--epub", tmp_path / given, cwd=tmp_path), expected)


def test_arabic_and_hebrew_quoted_in_chinese_text_build_and_verify(tmp_path: Path) -> None:
    """item 8.9: right-to-left runs (with a number, brackets and a ligature) are found in the PDF."""
    quoted = "（阿拉伯文السلام عليكم，希伯来文שלום，عام 2023）"
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "始终保持57%以上的高速增长态势。", f"始终保持57%以上的高速增长态势{quoted}。"
    )
    assert quoted in text
    issue = tmp_path / "rtl.md"
    issue.write_text(text, encoding="utf-8")
    assert_built(run("build", issue, "--out", tmp_path / "out", cwd=tmp_path))


TINY = """# 昭通日报

2023年11月15日 星期三

## 苹果飘香 采摘忙

本报讯(记者 刘建忠)近日,在昭阳区小龙洞回族彝族乡的苹果园里,红彤彤的苹果挂满枝头,果农们忙着采摘苹果。
今年全乡苹果种植面积达到两万亩,预计产量比去年增长一成以上,果农收入稳步提高,乡里正在建设冷库和分拣中心。
"""


def test_a_short_article_spread_over_four_pages_is_not_faithful(tmp_path: Path) -> None:
    """item 8.20: three of the four pages would be blank: the build fails verification and says which."""
    issue = tmp_path / "tiny.md"
    issue.write_text(TINY, encoding="utf-8")
    outcome = run("build", issue, "--pages", "4", "--out", tmp_path / "out", cwd=tmp_path)
    assert_unfaithful(outcome, "page 2 is nearly empty", "page 3 is nearly empty", "page 4 is nearly empty")


EPUBCHECK = "epubcheck.jar"  # in the command line of EPUBCheck's Java process


def _processes_in_session(session: int, name: str) -> list[int]:
    """Live processes (not zombies) of ``session`` whose command line has ``name``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
            command = (entry / "cmdline").read_bytes()
        except OSError:  # ended while we looked
            continue
        state, sid = fields[0], int(fields[3])
        if sid == session and state != "Z" and name.encode() in command:
            found.append(int(entry.name))
    return found


def _wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_a_killed_build_leaves_no_epubcheck_running(tmp_path: Path) -> None:
    """item 8.11: SIGKILL of reissue while EPUBCheck's Java runs ends the Java process too."""
    gazette = ROOT / "tests" / "issues" / "gazette.md"
    build = subprocess.Popen(
        [sys.executable, "-m", "layout", "build", gazette, "--style", "gazette", "--pages", "1", "--out", tmp_path],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its session id marks every process it starts, even once orphaned
    )
    try:
        assert _wait_until(lambda: _processes_in_session(build.pid, EPUBCHECK), 60), "EPUBCheck never started"
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        assert _wait_until(lambda: not _processes_in_session(build.pid, EPUBCHECK), 5), "EPUBCheck outlived reissue"
    finally:
        for pid in _processes_in_session(build.pid, EPUBCHECK):
            os.kill(pid, signal.SIGKILL)
        if build.poll() is None:
            build.kill()
            build.wait()
