"""A paper's settings: the nearest ``paper.yaml`` above an issue says what holds for every issue of the
paper. The issue's front matter overrides it, it overrides what the reader infers from the text, and it
is checked as the front matter is, each problem one line naming paper.yaml and its line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pytest

from layout.cli import main
from layout.errors import SourceError
from layout.readers import find_paper_file, read_issue

ROOT = Path(__file__).resolve().parent.parent
GAZETTE = ROOT / "tests" / "issues" / "gazette.md"
UNTITLED = "## 标题\n\n本报讯 正文。\n"  # an issue whose text names no paper


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int | str | None, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return exit_.value.code, out, err


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """The root of a paper's archive, kept in git: the search for paper.yaml ends there."""
    (tmp_path / "archive" / ".git").mkdir(parents=True)
    return tmp_path / "archive"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_nearest_paper_yaml_wins(archive: Path) -> None:
    write(archive / "paper.yaml", "title: 昭通日报\nlanguage: zh-Hant\n")
    nearer = write(archive / "2023" / "paper.yaml", "title: 昭通晚报\n")
    issue = write(archive / "2023" / "11" / "15.md", UNTITLED)
    assert find_paper_file(issue) == nearer
    read = read_issue(issue)
    assert read.masthead.title == "昭通晚报"
    assert read.settings.language == "zh-Hans"  # the nearest file alone counts: its folder's are not merged in


def test_the_search_ends_at_the_repository_root(archive: Path) -> None:
    write(archive.parent / "paper.yaml", "title: 别的报\n")  # above the archive: not its settings
    issue = write(archive / "15.md", "# 昭通日报\n\n" + UNTITLED)
    assert find_paper_file(issue) is None
    assert read_issue(issue).masthead.title == "昭通日报"


def test_paper_yaml_fills_a_title_the_text_lacks(archive: Path) -> None:
    write(archive / "paper.yaml", "title: 昭通日报\ntitle_romanized: ZHAOTONG RIBAO\nserial_number: CN 53-0003\n")
    masthead = read_issue(write(archive / "15.md", UNTITLED)).masthead
    assert (masthead.title, masthead.title_romanized, masthead.serial_number) == (
        "昭通日报",
        "ZHAOTONG RIBAO",
        "CN 53-0003",
    )
    assert "title" not in masthead.lines  # no line of the source gives it


def test_a_title_the_text_gives_that_paper_yaml_replaces_is_kept_as_furniture(archive: Path) -> None:
    write(archive / "paper.yaml", "title: The Riverside Gazette\n")
    masthead = read_issue(write(archive / "15.md", "# Tbe Rivcrside Gazettc\n\nNo. 345\n\n" + UNTITLED)).masthead
    assert masthead.title == "The Riverside Gazette"
    assert (masthead.furniture, masthead.furniture_lines) == (("Tbe Rivcrside Gazettc",), (1,))
    assert masthead.issue_number == 345


def test_the_front_matter_overrides_paper_yaml(archive: Path) -> None:
    write(archive / "paper.yaml", "title: 昭通日报\npublisher: 昭通日报社出版\nrights: © 昭通日报社\npage_count: 8\n")
    issue = read_issue(write(archive / "15.md", "---\ntitle: 昭通日报 特刊\npage_count: 2\n---\n" + UNTITLED))
    assert (issue.masthead.title, issue.page_count) == ("昭通日报 特刊", 2)
    assert issue.masthead.lines["title"] == 2  # the front matter's line
    assert (issue.masthead.publisher, issue.catalogue.rights) == ("昭通日报社出版", "© 昭通日报社")


def test_paper_yaml_overrides_what_the_reader_infers(archive: Path) -> None:
    write(archive / "paper.yaml", "language: zh-Hant\npage_count: 2\nsubjects: [地方新闻]\n")
    issue = read_issue(write(archive / "15.md", "# 昭通日报\n\n今日4版\n\n" + UNTITLED))
    assert (issue.settings.language, issue.page_count, issue.catalogue.subjects) == ("zh-Hant", 2, ("地方新闻",))
    assert "page_count" not in issue.masthead.lines  # 今日4版's line no longer gives the count


def test_an_issue_with_no_title_anywhere_says_where_to_put_one(archive: Path) -> None:
    with pytest.raises(SourceError) as refused:
        read_issue(write(archive / "15.md", UNTITLED))
    assert refused.value.message == "the paper has no title"
    assert "'title:' in the front matter or in a paper.yaml" in str(refused.value.hint)


@pytest.mark.parametrize(
    ("settings", "line", "problem"),
    [
        ("title: 昭通日报\npage_count: 0\n", 2, "'page_count' must be a whole number of pages from 1 to 200, not 0"),
        ("title: 昭通日报\nlanguage: 中文\n", 2, "'language' must be a BCP 47 language tag"),
        ("title: 昭通日报\n\ndate: 2023-11-15\n", 3, "unknown paper.yaml key 'date'"),  # one issue's, not a paper's
        ("title: 昭通日报\nsections: []\n", 2, "unknown paper.yaml key 'sections'"),
        ("title: [昭通日报\n", 2, "paper.yaml is not valid YAML"),
        ("- title\n", 1, "paper.yaml must be a mapping of keys to values"),
    ],
    ids=["a bad value", "a bad language", "an issue's key", "sections", "bad YAML", "not a mapping"],
)
def test_a_bad_key_or_value_is_one_line_naming_paper_yaml_and_its_line(
    archive: Path, capsys: pytest.CaptureFixture[str], settings: str, line: int, problem: str
) -> None:
    paper = write(archive / "paper.yaml", settings)
    status, _, err = run(capsys, "inspect", write(archive / "15.md", UNTITLED))
    assert status == 2
    assert err.strip().startswith(f"error: {paper}:{line}: {problem}")
    assert len(err.strip().splitlines()) == 1


def test_inspect_names_the_paper_yaml_it_used(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paper = write(archive / "paper.yaml", "title: 昭通日报\n")
    issue = write(archive / "15.md", UNTITLED)
    status, out, _ = run(capsys, "inspect", issue)
    assert status == 0 and out.splitlines()[1] == f"paper settings: {paper}"
    status, out, _ = run(capsys, "inspect", issue, "--json")
    assert status == 0 and json.loads(out)["paper_settings"] == str(paper)


def test_the_build_takes_the_style_and_page_count_from_paper_yaml(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the gazette less its '# The Riverside Gazette' line: nothing in it names the style or the page count
    text = GAZETTE.read_text(encoding="utf-8").split("\n", 1)[1]
    write(archive / "paper.yaml", "title: The Riverside Gazette\nstyle: gazette\nlanguage: en-GB\npage_count: 1\n")
    status, _, err = run(capsys, "build", write(archive / "g.md", text), "--out", archive / "build", "--pdf-only")
    assert status == 0, err  # and verified: one page, none of it nearly empty
    with pdfplumber.open(archive / "build" / "g.pdf") as pdf:
        assert len(pdf.pages) == 1
        front = pdf.pages[0].extract_text() or ""
    assert front.startswith("The Riverside Gazette")
    assert "No. 345 1 page" in front  # the gazette's wording of the page count, not the Chinese daily's 今日1版


def test_paper_yaml_names_the_pages(archive: Path) -> None:
    write(archive / "paper.yaml", "title: 昭通日报\npage_names: [要闻, 综合, 评论, 专题]\n")
    assert read_issue(write(archive / "15.md", UNTITLED)).settings.page_names == ("要闻", "综合", "评论", "专题")


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda path: path.mkdir(), "not a regular file"),
        (lambda path: path.write_bytes(b"title: x\n" + b"#" * 70_000 + b"\n"), "more than the 64 kB"),
        (
            lambda path: path.write_text(
                'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
                + "".join(
                    f"{chr(98 + n)}: &{chr(98 + n)} [*{chr(97 + n)},*{chr(97 + n)},*{chr(97 + n)}]\n" for n in range(8)
                )
            ),
            "paper.yaml uses an anchor or alias",
        ),
    ],
    ids=["a folder", "huge", "an alias bomb"],
)
def test_a_hostile_paper_yaml_is_refused_in_one_line(
    archive: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], object], problem: str
) -> None:
    paper = archive / "paper.yaml"
    make(paper)
    status, _, err = run(capsys, "build", write(archive / "15.md", UNTITLED), "--out", archive / "build")
    assert status == 2
    assert err.strip().startswith(f"error: {paper}:") and problem in err
    assert len(err.strip().splitlines()) == 1
    assert not (archive / "build").exists()
