"""Reading an issue's source: which bytes are text in which encoding, which characters no edition can
carry, which files are no issue at all, and the folder an issue's images are read from."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from layout.errors import ReissueError, SourceError
from layout.model import issue_folder
from layout.photos import photo_files
from layout.readers.parse import parse_issue
from layout.readers.source import read_source

ISSUES = Path(__file__).resolve().parent / "issues"
GERMAN = "# Zeitung\n\n## Über die Straßenbahn\n\nDie Bahn fährt heute nicht. Sie fährt morgen wieder.\n"
CHINESE = "# 昭通日报\n\n## 苹果飘香 采摘忙\n\n近日，果农们忙着采摘苹果，今年的苹果又大又甜。\n"


def source(tmp_path: Path, data: bytes, name: str = "issue.md") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refusal(path: Path) -> SourceError:
    with pytest.raises(SourceError) as caught:
        read_source(path)
    return caught.value


@pytest.mark.parametrize(
    ("encoding", "mark"),
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-32-le", b"\xff\xfe\x00\x00"),
        ("gb18030", b""),
    ],
)
def test_unicode_and_chinese_encodings_are_read(tmp_path: Path, encoding: str, mark: bytes) -> None:
    """item 8.1: UTF-8 with or without its mark, UTF-16 and UTF-32 by their mark, Chinese in GB18030."""
    assert read_source(source(tmp_path, mark + CHINESE.encode(encoding))) == CHINESE


@pytest.mark.parametrize(
    ("text", "encoding", "line"),
    [
        (GERMAN, "latin-1", 3),
        ("# Café\n\nLe journal\n\n## Économie\n\nLa situation s'améliore.\n", "cp1252", 1),
        ("# Газета\n\n## Новости дня\n\nСегодня хорошая погода.\n", "cp1251", 1),
        ("# 新聞\n\n## 東京の天気\n\n今日は晴れです。明日は雨が降るでしょう。\n", "shift_jis", 1),
    ],
)
def test_single_byte_and_other_text_is_refused_not_read_as_gb18030(
    tmp_path: Path, text: str, encoding: str, line: int
) -> None:
    """item 8.1: a German issue became 躡er, Stra遝nbahn, f鋒rt; now one line names where UTF-8 fails and
    how to convert the file or declare its encoding."""
    error = refusal(source(tmp_path, text.encode(encoding)))
    assert error.line == line
    assert "neither UTF-8 nor Chinese in GB18030" in error.message
    assert "iconv -f" in str(error) and "'encoding: " in str(error)


def test_the_front_matters_encoding_is_how_the_file_is_read(tmp_path: Path) -> None:
    """item 8.1: the file declares its encoding once, and every command reads it the same way."""
    text = "---\nencoding: latin-1\ntitle: Die Zeitung für Sie\n---\n" + GERMAN
    issue = parse_issue(source(tmp_path, text.encode("latin-1")))
    assert issue.sections[0].headline == "Über die Straßenbahn"
    assert issue.masthead.title == "Die Zeitung für Sie"


@pytest.mark.parametrize(
    ("declared", "problem", "line"),
    [
        ("latin-9x", "'encoding' must be a text encoding", 2),
        ("base64", "'encoding' must be a text encoding", 2),
        ("utf-8", "the text is not utf-8, as its front matter declares", 6),
    ],
)
def test_a_wrong_declaration_is_named_with_its_line(tmp_path: Path, declared: str, problem: str, line: int) -> None:
    """item 8.1: an encoding Python does not know, or one the bytes do not fit."""
    error = refusal(source(tmp_path, f"---\nencoding: {declared}\n---\n{GERMAN}".encode("latin-1")))
    assert problem in error.message and error.line == line


@pytest.mark.parametrize(
    "char", ["\x00", "\x01", "\x0b", "\f", "\x1f", "\x7f", "\x85", "\ufdd0", "\ufdef", "\ufffe", "\uffff", "\U0010ffff"]
)
def test_characters_xml_forbids_are_refused_with_their_line(tmp_path: Path, char: str) -> None:
    """item 8.2: a form feed gave a broken EPUB and U+FFFE a traceback inside ebooklib."""
    error = refusal(source(tmp_path, CHINESE.replace("苹果，", f"苹果{char}，").encode("utf-8")))
    assert error.line == 5 and f"U+{ord(char):04X}" in error.message and "XML" in error.message


def test_tabs_and_every_kind_of_line_end_are_text(tmp_path: Path) -> None:
    """item 8.2: what XML allows stays; CR LF and CR become LF."""
    text = read_source(source(tmp_path, "# 日报\r\n\r## 标题\n\n正文\t。\n".encode()))
    assert text == "# 日报\n\n## 标题\n\n正文\t。\n"


def test_a_device_or_a_folder_is_no_issue(tmp_path: Path) -> None:
    """item 8.3: /dev/zero was read until memory ran out."""
    for path in (Path("/dev/zero"), tmp_path):
        assert "not a regular file" in refusal(path).message


def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    """item 8.3: opening a FIFO waits for a writer; the source is opened without waiting."""
    os.mkfifo(tmp_path / "pipe.md")
    assert "not a regular file" in refusal(tmp_path / "pipe.md").message


def test_the_size_limit_is_20_mb_unless_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """item 8.3: a source over the limit is refused, naming its size, the limit and how to raise it."""
    issue = source(tmp_path, (CHINESE + "正文。" * 120_000).encode())  # 1.1 MB
    monkeypatch.setenv("REISSUE_MAX_SOURCE_MB", "1")
    error = refusal(issue)
    assert "the file is 1.1 MB, more than the 1 MB reissue reads" in error.message
    assert "REISSUE_MAX_SOURCE_MB" in str(error.hint)
    monkeypatch.setenv("REISSUE_MAX_SOURCE_MB", "1.5")
    assert read_source(issue).startswith(CHINESE)
    monkeypatch.delenv("REISSUE_MAX_SOURCE_MB")
    assert read_source(issue).startswith(CHINESE)


@pytest.mark.parametrize("value", ["lots", "0", "-3", "inf", "nan"])
def test_a_limit_that_is_no_size_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """item 8.3: the variable is checked, not trusted."""
    monkeypatch.setenv("REISSUE_MAX_SOURCE_MB", value)
    with pytest.raises(ReissueError, match="REISSUE_MAX_SOURCE_MB is"):
        read_source(source(tmp_path, CHINESE.encode()))


def test_a_symlinked_issue_reads_its_images_from_the_folder_of_the_file_it_links_to(tmp_path: Path) -> None:
    """item 8.7: the front matter's check read the link's folder, the renderer the file's; both now read
    ``issue_folder``, the real folder of the file, which is also the folder rendering may read."""
    archive, today = tmp_path / "archive", tmp_path / "today"
    archive.mkdir()
    today.mkdir()
    (archive / "fair.png").write_bytes((ISSUES / "fair.png").read_bytes())
    front = "---\nsections:\n  - headline: 一张照片\n    image: fair.png\n---\n"
    (archive / "issue.md").write_text(front + "# 日报\n\n## 一张照片\n\n照片的说明。\n\n记者 甲 摄\n", encoding="utf-8")
    (today / "issue.md").symlink_to(archive / "issue.md")
    assert issue_folder(today / "issue.md") == archive.resolve()
    issue = parse_issue(today / "issue.md")
    assert issue.sections[0].image == "fair.png"
    assert photo_files(issue)[0].path == archive.resolve() / "fair.png"
