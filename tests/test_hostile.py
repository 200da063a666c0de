"""Hostile and careless input, through the real command: each case is refused with one line and exit 2,
or builds correctly; never a traceback, a hang past 60 s, or more than 1 GiB of memory.

The cases are grouped by what they attack (the source's bytes, its front matter, the paths, the output
folder, the style, the files given to verify); ``tests/hostile/harness.py`` runs and judges them.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from faults import file_size_limit, small_disk, unprivileged
from hostile import zips
from hostile.harness import ROOT, assert_built, assert_refused, assert_unfaithful, run
from jvms import session_jvms
from pypdf import PdfReader

SAMPLE = ROOT / "issues" / "zhaotong-2023-11-15.md"


def test_the_sample_builds(tmp_path: Path) -> None:
    outcome = run("build", SAMPLE, "--out", tmp_path / "out", cwd=tmp_path)
    assert_built(outcome)
    assert (tmp_path / "out" / "zhaotong-2023-11-15.pdf").is_file()


@pytest.mark.parametrize("name", ["missing.md"])
def test_a_missing_issue_is_refused(tmp_path: Path, name: str) -> None:
    assert_refused(run("inspect", tmp_path / name, cwd=tmp_path), name, "no such file")


# --- items 1-4, 6, 7: the source's bytes and size, its front matter, paths as text, a symlinked issue ---

GERMAN = "# Zeitung\n\n## Über die Straßenbahn\n\nDie Bahn fährt heute nicht. Sie fährt morgen wieder.\n"
CHINESE = "# 昭通日报\n\n## 苹果飘香 采摘忙\n\n近日，果农们忙着采摘苹果，今年的苹果又大又甜。\n"
GAZETTE = ROOT / "tests" / "issues" / "gazette.md"


def write(folder: Path, name: str, data: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_latin1_is_refused_with_its_line_not_published_as_mojibake(tmp_path: Path) -> None:
    """item 8.1: a Latin-1 issue decodes as GB18030 into 躡er; it is refused with what to do instead."""
    issue = write(tmp_path, "zeitung.md", GERMAN.encode("latin-1"))
    outcome = run("build", issue, "--out", tmp_path / "out", cwd=tmp_path)
    assert_refused(outcome, "zeitung.md:3:", "iconv", "encoding:", out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_cyrillic_single_byte_issue_is_refused(tmp_path: Path) -> None:
    """item 8.1: any single-byte encoding, not only Latin-1."""
    text = "# Газета\n\n## Новости дня\n\nСегодня хорошая погода. Завтра будет дождь.\n"
    assert_refused(run("inspect", write(tmp_path, "gazeta.md", text.encode("cp1251")), cwd=tmp_path), ":1:", "iconv")


def test_a_declared_encoding_is_honoured(tmp_path: Path) -> None:
    """item 8.1: the front matter's encoding: is how the whole file is read."""
    issue = write(tmp_path, "zeitung.md", ("---\nencoding: latin-1\n---\n" + GERMAN).encode("latin-1"))
    outcome = run("inspect", issue, cwd=tmp_path)
    assert_built(outcome)
    assert "Über die Straßenbahn" in outcome.stdout and "躡" not in outcome.stdout


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("encoding: latin-9x\n", ":2: 'encoding' must be a text encoding"),
        ("encoding: utf-8\n", ":6: the text is not utf-8"),
    ],
)
def test_a_wrong_encoding_declaration_is_refused_with_its_line(tmp_path: Path, front: str, expected: str) -> None:
    """item 8.1: an unknown encoding, or one the bytes do not fit, is named with its line."""
    issue = write(tmp_path, "zeitung.md", (f"---\n{front}---\n" + GERMAN).encode("latin-1"))
    assert_refused(run("inspect", issue, cwd=tmp_path), expected)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_unicode_with_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    """item 8.1: UTF-16 with a BOM was 'a binary file'."""
    data = CHINESE.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    outcome = run("inspect", write(tmp_path, "bom.md", data), cwd=tmp_path)
    assert_built(outcome)
    assert "苹果飘香 采摘忙" in outcome.stdout


def test_chinese_in_gb18030_is_still_read(tmp_path: Path) -> None:
    """item 8.1: GB18030 stays accepted when it reads as Chinese."""
    outcome = run("inspect", write(tmp_path, "gb.md", CHINESE.encode("gb18030")), cwd=tmp_path)
    assert_built(outcome)
    assert "苹果飘香 采摘忙" in outcome.stdout


@pytest.mark.parametrize(
    ("char", "code"),
    [
        ("\f", "U+000C"),
        ("\ufffe", "U+FFFE"),
        ("\uffff", "U+FFFF"),
        ("\ufdd0", "U+FDD0"),
        ("\U0001ffff", "U+1FFFF"),
        ("\x01", "U+0001"),
        ("\x85", "U+0085"),
    ],
)
def test_characters_xml_forbids_are_refused_with_their_line(tmp_path: Path, char: str, code: str) -> None:
    """item 8.2: a form feed gave a broken EPUB, U+FFFE a traceback inside ebooklib."""
    issue = write(tmp_path, "forbidden.md", CHINESE.replace("苹果，", f"苹果{char}，"))
    outcome = run("build", issue, "--out", tmp_path / "out", cwd=tmp_path)
    assert_refused(outcome, "forbidden.md:5:", code, out_dir=tmp_path / "out")


def test_a_device_is_not_read_as_an_issue(tmp_path: Path) -> None:
    """item 8.3: /dev/zero grew to 3.3 GB."""
    assert_refused(run("inspect", "/dev/zero", cwd=tmp_path), "/dev/zero", "not a regular file")


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    """item 8.3: opening a FIFO to read blocks until someone writes; reissue does not open it that way."""
    os.mkfifo(tmp_path / "pipe.md")
    assert_refused(run("inspect", tmp_path / "pipe.md", cwd=tmp_path), "pipe.md", "not a regular file")


def test_a_source_over_the_limit_is_refused(tmp_path: Path) -> None:
    """item 8.3: the limit is 20 MB unless REISSUE_MAX_SOURCE_MB says otherwise."""
    issue = write(tmp_path, "huge.md", CHINESE + "很长的正文。" * 1_200_000)  # 21.6 MB
    assert_refused(run("inspect", issue, cwd=tmp_path), "huge.md", "20 MB", "REISSUE_MAX_SOURCE_MB")


def test_the_source_limit_is_settable(tmp_path: Path) -> None:
    """item 8.3: a lower limit refuses what the default allows; a limit that is no number is one line."""
    issue = write(tmp_path, "issue.md", CHINESE + "正文。" * 200_000)  # 1.8 MB
    assert_refused(run("inspect", issue, cwd=tmp_path, env={"REISSUE_MAX_SOURCE_MB": "1"}), "more than the 1 MB")
    outcome = run("inspect", issue, cwd=tmp_path, env={"REISSUE_MAX_SOURCE_MB": "lots"})
    assert_refused(outcome, "REISSUE_MAX_SOURCE_MB", "'lots'")


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("page_count: 100000\n", ":2: 'page_count' must be a whole number of pages from 1 to 200"),
        (
            "page_count: 1\nsections:\n  - headline: 苹果飘香 采摘忙\n    page: 99\n",
            ":5: section '苹果飘香 采摘忙' is put on page 99",
        ),
        ("language: english\n", ":2: 'language' must be a BCP 47 language tag"),
        ("language: zh_CN\n", ":2: 'language' must be a BCP 47 language tag"),
    ],
)
def test_front_matter_out_of_bounds_is_refused_before_the_build(tmp_path: Path, front: str, expected: str) -> None:
    """item 8.3: page_count is capped like --pages, a section's page must exist, language must be BCP 47."""
    issue = write(tmp_path, "issue.md", f"---\n{front}---\n{CHINESE}")
    assert_refused(run("build", issue, "--out", tmp_path / "out", cwd=tmp_path), expected, out_dir=tmp_path / "out")


def test_a_section_page_beyond_the_command_lines_page_count_is_refused(tmp_path: Path) -> None:
    """item 8.3: --pages 1 and a section put on page 3 is an error, not a page silently ignored."""
    issue = write(tmp_path, "issue.md", f"---\nsections:\n  - headline: 苹果飘香 采摘忙\n    page: 3\n---\n{CHINESE}")
    outcome = run("build", issue, "--pages", "1", "--out", tmp_path / "out", cwd=tmp_path)
    assert_refused(outcome, ":4: section '苹果飘香 采摘忙' is put on page 3; the issue's last page is 1")


def test_inspecting_a_6_mb_issue_takes_memory_linear_in_it_and_bounded_time(tmp_path: Path) -> None:
    """item 8.3: inspect of a 50 MB issue took 7.8 GB and 205 s. Here 6 MB of the sample's sections, as the
    tree and as JSON (each rendered whole, they took 36 times the file), and 6 MB of one paragraph in
    wrapped lines (joined line by line, it was quadratic): each within twelve times the file beyond what
    inspecting a small issue takes (bench/bench_inspect.py measures 4 to 8)."""
    sample = SAMPLE.read_text(encoding="utf-8")
    masthead, body = sample.split("\n## ", 1)
    sections = write(tmp_path, "sections.md", masthead + ("\n## " + body) * (6_000_000 // len(body.encode())))
    wrapped = write(
        tmp_path, "wrapped.md", "# 日报\n\n## 标题\n\n" + "昭通市坚持以项目建设为抓手，推动经济发展\n" * 100_000
    )
    small = run("inspect", "--json", SAMPLE, cwd=tmp_path)
    assert_built(small)
    for issue, *options in ((sections,), (sections, "--json"), (wrapped,)):
        outcome = run("inspect", *options, issue, cwd=tmp_path)
        assert_built(outcome)
        grown = outcome.peak_bytes - small.peak_bytes
        assert grown < 12 * issue.stat().st_size, f"{issue.name} {options}: {grown / 2**20:.0f} MiB more"


@pytest.mark.parametrize(
    "line",
    [
        "出版" + " " * 200_000 + "x",  # a masthead line: two \s* sharing a run of spaces was cubic
        "值班编辑" + " " * 200_000 + "x",
        "第" + "9" * 5000 + "期",  # more digits than Python converts to a number
    ],
)
def test_long_runs_in_the_masthead_are_read_in_bounded_time(tmp_path: Path, line: str) -> None:
    """item 8.3: the masthead's patterns on hostile lines."""
    issue = write(tmp_path, "issue.md", f"# 日报\n\n{line}\n\n## 标题\n\n正文。\n")
    assert_built(run("inspect", issue, cwd=tmp_path))


@pytest.mark.parametrize(
    "text",
    [
        "# 日报\n\n## a" + " " * 200_000 + "b\n\n正文。\n",  # a heading: its closing marks were found by backtracking
        "# 日报\n\n## 标题\n\n正文" + " " * 200_000 + "摄影记者\n",  # a credit line's pattern
    ],
)
def test_long_runs_of_spaces_in_the_body_are_read_in_bounded_time(tmp_path: Path, text: str) -> None:
    """item 8.3: the heading and credit patterns on hostile lines."""
    assert_built(run("inspect", write(tmp_path, "issue.md", text), cwd=tmp_path))


ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        (ALIAS_BOMB, ":2: the front matter uses an anchor or alias"),
        ("title: &t 昭通日报\npublisher: *t\n", ":2: the front matter uses an anchor or alias"),
        ("base: {title: 昭通日报}\n<<: {publisher: 昭通日报社}\n", ":3: the front matter uses a merge key (<<)"),
        ("title: " + "[" * 100_000 + "]" * 100_000 + "\n", "the front matter uses nesting deeper than"),
        ("issue_number: " + "9" * 5000 + "\n", ":2: '99999999999999999"),
        ("[a, b]: c\n", ":2: a front matter key must be a word"),
        ("1: c\n", ":2: unknown front matter key '1'"),
    ],
)
def test_yaml_that_no_front_matter_needs_is_refused(tmp_path: Path, front: str, expected: str) -> None:
    """item 8.4: an alias bomb of 500 bytes hung the CLI, a merge key gave a KeyError."""
    issue = write(tmp_path, "issue.md", f"---\n{front}---\n{CHINESE}")
    outcome = run("inspect", issue, cwd=tmp_path)
    assert_refused(outcome, expected)
    assert len(outcome.stderr) < 800


@pytest.mark.parametrize(
    "front",
    [
        "title: [" + "很长的标题, " * 100_000 + "]\n",
        "colour" + "x" * 1000 + ": red\n",  # YAML reads keys of up to 1024 characters
        "sections:\n  - headline: " + "不存在的标题" * 100_000 + "\n",
        "sections:\n  - headline: 苹果飘香 采摘忙\n    image: " + "a/" * 100_000 + "x.png\n",
    ],
)
def test_an_error_quotes_only_a_short_excerpt_of_a_value(tmp_path: Path, front: str) -> None:
    """item 8.4: no message prints more than a short, truncated excerpt of what the user wrote."""
    issue = write(tmp_path, "issue.md", f"---\n{front}---\n{CHINESE}")
    outcome = run("inspect", issue, cwd=tmp_path)
    assert_refused(outcome, "...")
    assert len(outcome.stderr) < 800


def test_a_path_with_markup_is_printed_as_it_is(tmp_path: Path) -> None:
    """item 8.6: issue[draft].md was reported as issue.md."""
    assert_refused(run("inspect", tmp_path / "issue[draft].md", cwd=tmp_path), "issue[draft].md: no such file")
    issue = write(tmp_path, "[bold]issue[draft].md", "# 日报\n\n## 一张照片\n\n照片的说明。\n\n记者 甲 摄\n")
    outcome = run("build", issue, "--out", tmp_path / "out", "--pages", "1", "--no-verify", "--epub-only", cwd=tmp_path)
    assert_built(outcome)
    stderr = outcome.stderr.replace(f"{tmp_path}/", "")
    assert "warning: [bold]issue[draft].md: photo" in stderr and "\n[bold]issue[draft].md: 1 page of" in stderr


def test_an_out_folder_named_like_markup_builds(tmp_path: Path) -> None:
    """item 8.6: --out 'x[/]y' turned a successful build into a traceback and exit 1."""
    outcome = run("build", GAZETTE, "--style", "gazette", "--pages", "1", "--out", "x[/]y:smile:", cwd=tmp_path)
    assert_built(outcome)
    assert "wrote x[/]y:smile:/gazette.pdf" in outcome.stderr and "wrote x[/]y:smile:/gazette.epub" in outcome.stderr
    assert (tmp_path / "x[" / "]y:smile:" / "gazette.pdf").is_file()


def test_a_symlinked_issue_finds_its_images_beside_the_file_it_links_to(tmp_path: Path) -> None:
    """item 8.7: the front matter's check read the link's folder and the render the file's: they disagreed."""
    real, elsewhere = tmp_path / "archive", tmp_path / "today"
    real.mkdir()
    elsewhere.mkdir()
    (real / "fair.png").write_bytes((ROOT / "tests" / "issues" / "fair.png").read_bytes())
    front = (
        "---\nsections:\n  - headline: Spring fair opens on the green\n    image: fair.png\n    alt: The fair\n---\n"
    )
    write(real, "gazette.md", front + GAZETTE.read_text(encoding="utf-8"))
    (elsewhere / "gazette.md").symlink_to(real / "gazette.md")
    out = tmp_path / "out"
    args = ("--style", "gazette", "--pages", "1", "--pdf-only", "--no-verify", "--out", out)
    outcome = run("build", elsewhere / "gazette.md", *args, cwd=tmp_path)
    assert_built(outcome)
    assert "image" not in outcome.stderr and "photo" not in outcome.stderr  # found, read, and set
    assert len(PdfReader(out / "gazette.pdf").pages[0].images) == 1


def test_an_image_that_is_a_loop_of_symlinks_is_refused(tmp_path: Path) -> None:
    """item 8.7: resolving the image's path is part of the check, and a loop is its error, not a traceback."""
    (tmp_path / "loop.png").symlink_to(tmp_path / "loop.png")
    issue = write(
        tmp_path, "issue.md", f"---\nsections:\n  - headline: 苹果飘香 采摘忙\n    image: loop.png\n---\n{CHINESE}"
    )
    assert_refused(run("inspect", issue, cwd=tmp_path), "issue.md:4: image 'loop.png' cannot be opened")


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


def _wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_a_killed_build_leaves_no_epubcheck_running(tmp_path: Path) -> None:
    """item 8.11: SIGKILL of reissue while EPUBCheck's Java runs ends the Java processes too: a batch's
    workers' (a single build's checks go to the lasting JVM, which outlives every command by design and
    ends by itself: tests/test_epubcheck.py)."""
    issues = tmp_path / "in"
    issues.mkdir()
    for name in ("a.md", "b.md"):
        shutil.copyfile(ROOT / "tests" / "issues" / "gazette.md", issues / name)
    build = subprocess.Popen(
        [sys.executable, "-m", "layout", "build", issues, "--style", "gazette", "--pages", "1", "--out", tmp_path],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its session id marks every process it starts, even once orphaned
    )
    try:
        assert _wait_until(lambda: session_jvms(build.pid), 60), "EPUBCheck never started"
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        assert _wait_until(lambda: not session_jvms(build.pid), 5), "EPUBCheck outlived reissue"
    finally:
        for pid in session_jvms(build.pid):
            os.kill(pid, signal.SIGKILL)
        if build.poll() is None:
            build.kill()
            build.wait()


# --- item 10: style errors are errors: one line naming the style file and the key or template line ---


def engine_with_style(tmp_path: Path, name: str, files: dict[str, str]) -> dict[str, str]:
    """A copy of reissue whose styles/ holds one more style, ``name``, made of ``files`` (path -> text);
    returns the environment that runs the copy. The repository's own styles/ is never written."""
    root = tmp_path / "engine"
    shutil.copytree(ROOT / "layout", root / "layout", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "styles", root / "styles")
    for relative, text in files.items():
        path = root / "styles" / name / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return {"PYTHONPATH": str(root)}


def edited(template: str, old: str, new: str) -> str:
    """The default style's ``template`` with ``old`` replaced by ``new`` (once, and it must be there)."""
    text = (ROOT / "styles" / "zhaotong-daily" / template).read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {template}"
    return text.replace(old, new, 1)


def build_with_style(tmp_path: Path, files: dict[str, str], *options: str):
    env = engine_with_style(tmp_path, "broken", {"style.yaml": "extends: zhaotong-daily\n", **files})
    out = tmp_path / "out"
    outcome = run("build", SMALL, "--style", "broken", "--out", out, "--no-verify", *options, cwd=tmp_path, env=env)
    return outcome, tmp_path / "engine" / "styles" / "broken", out


def test_a_wrong_value_in_style_yaml_is_refused_naming_the_file_line_and_key(tmp_path: Path) -> None:
    """item 8.10: `gutter: wide`."""
    outcome, style, out = build_with_style(tmp_path, {"style.yaml": "extends: zhaotong-daily\ngutter: wide\n"})
    assert_refused(outcome, f"{style}/style.yaml:2: gutter should be a valid number, not 'wide'", out_dir=out)


def test_a_misspelt_key_in_style_yaml_is_refused_with_the_key_it_meant(tmp_path: Path) -> None:
    """item 8.10: `guter: 1.2`."""
    outcome, style, out = build_with_style(tmp_path, {"style.yaml": "extends: zhaotong-daily\nguter: 1.2\n"})
    assert_refused(outcome, f"{style}/style.yaml:2: guter is not a setting (did you mean gutter?)", out_dir=out)


def test_every_problem_of_style_yaml_is_named_in_one_line(tmp_path: Path) -> None:
    """item 8.10: the problems are collected, not reported one per run."""
    settings = (
        "extends: zhaotong-daily\n"
        "gutter: wide\n"
        "body_size: {min: 14, max: 9}\n"
        "papers:\n"
        "  a4: {width: 210mm, height: 2ft, margin: 11mm, columns: 3}\n"
        "headline_size: {lead: 2.5}\n"
        "folio_height: 2.4\n"
    )
    outcome, style, _ = build_with_style(tmp_path, {"style.yaml": settings})
    assert_refused(
        outcome,
        f"{style}/style.yaml: 5 problems: gutter (line 2) should be a valid number",
        "body_size (line 3) min 14 is larger than max 9",
        "papers.a4.height (line 5) should be a length greater than 0, such as 210mm, 8.5in or 595pt, not '2ft'",
        "headline_size (line 6) lacks story, commentary, photo, continuation",
        "folio_height (line 7) should be a valid integer, not 2.4",
    )


def test_a_syntax_error_in_a_print_template_is_refused_naming_its_line(tmp_path: Path) -> None:
    """item 8.10: a print/ template that does not compile."""
    page = edited("print/page.html.j2", "{% endfor %}", "{% endfro %}")
    outcome, style, out = build_with_style(tmp_path, {"print/page.html.j2": page}, "--pdf-only")
    line = page.splitlines().index("{% endfro %}") + 1
    assert_refused(outcome, f"{style}/print/page.html.j2:{line}: template syntax: Encountered unknown tag", out_dir=out)


def test_an_include_of_a_template_that_does_not_exist_is_refused_naming_the_line(tmp_path: Path) -> None:
    """item 8.10: a print/ template that includes one the style lacks."""
    page = edited("print/page.html.j2", '"print/folio.html.j2"', '"print/foilo.html.j2"')
    outcome, style, out = build_with_style(tmp_path, {"print/page.html.j2": page}, "--pdf-only")
    assert_refused(
        outcome, f"{style}/print/page.html.j2:3: no template 'print/foilo.html.j2' in style 'broken'", out_dir=out
    )


def test_an_undefined_name_in_an_epub_template_is_refused_naming_the_line(tmp_path: Path) -> None:
    """item 8.10: an epub/ template that renders a name it is not given."""
    title = edited("epub/title.xhtml.j2", "{{ masthead.title }}", "{{ masthead.titel }}")
    outcome, style, out = build_with_style(tmp_path, {"epub/title.xhtml.j2": title}, "--epub-only")
    line = next(n for n, text in enumerate(title.splitlines(), start=1) if "masthead.titel" in text)
    assert_refused(outcome, f"{style}/epub/title.xhtml.j2:{line}: template error:", "no attribute 'titel'", out_dir=out)


def test_an_undefined_name_in_a_wording_macro_is_refused_naming_the_line(tmp_path: Path) -> None:
    """item 8.10: a macro of epub/wording.j2 that the engine calls for the book's metadata."""
    wording = edited("epub/wording.j2", "{% macro toc_title() %}目录", "{% macro toc_title() %}{{ contents }}")
    outcome, style, out = build_with_style(tmp_path, {"epub/wording.j2": wording}, "--epub-only")
    line = next(n for n, text in enumerate(wording.splitlines(), start=1) if "{{ contents }}" in text)
    assert_refused(outcome, f"{style}/epub/wording.j2:{line}: template error: 'contents' is undefined", out_dir=out)


# --- items 12, 14-16: the e-book's catalogue metadata and release time ---


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


# --- items 17-19: the archival PDF ---


def test_attach_with_a_variant_that_may_embed_no_files_is_refused(tmp_path: Path) -> None:
    """item 8.19: a PDF/A-2 may embed only PDF/A files; the source and model are never dropped silently."""
    out = tmp_path / "out"
    outcome = run("build", SAMPLE, "--attach", "--pdf-variant", "pdf/a-2b", "--out", out, cwd=tmp_path)
    assert_refused(outcome, "pdf/a-2b", "--attach", out_dir=out)
    assert not out.exists()
