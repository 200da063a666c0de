"""Hostile and careless input, through the real command: each case is refused with one line and exit 2,
or builds correctly; never a traceback, a hang past 60 s, or more than 1 GiB of memory.

The cases are grouped by what they attack (the source's bytes, its front matter, the paths, the output
folder, the style, the files given to verify); ``tests/hostile/harness.py`` runs and judges them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.hostile.harness import ROOT, assert_built, assert_refused, run

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
    assert "warning: [bold]issue[draft].md: photo" in stderr and "\n[bold]issue[draft].md: 1 pages of" in stderr


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
    assert "warning" not in outcome.stderr
    assert len(PdfReader(out / "gazette.pdf").pages[0].images) == 1


def test_an_image_that_is_a_loop_of_symlinks_is_refused(tmp_path: Path) -> None:
    """item 8.7: resolving the image's path is part of the check, and a loop is its error, not a traceback."""
    (tmp_path / "loop.png").symlink_to(tmp_path / "loop.png")
    issue = write(
        tmp_path, "issue.md", f"---\nsections:\n  - headline: 苹果飘香 采摘忙\n    image: loop.png\n---\n{CHINESE}"
    )
    assert_refused(run("inspect", issue, cwd=tmp_path), "issue.md:4: image 'loop.png' cannot be opened")
