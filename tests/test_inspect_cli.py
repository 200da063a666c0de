"""``reissue inspect`` through ``layout.cli.main``: the tree, the JSON, and one line with status 2 for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from layout.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "zhaotong-2023-11-15.md"
ISSUES = ROOT / "tests" / "issues"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int | str | None, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(["inspect", *args])
    out, err = capsys.readouterr()
    return exit_.value.code, out, err


def test_tree(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, str(SAMPLE))
    assert status == 0 and not err
    for text in (
        "昭通日报",
        "ZHAOTONG RIBAO",
        "kicker: 高质量发展调研行",
        "author: 申正勇",
        "subhead",
        "join",
        "lines 89, 91",
        "run-in",
        "本报讯（记者 陈忠华 通讯员 余明象）",
    ):
        assert text in out


def test_a_dropped_jump_line_is_shown_as_a_jump(capsys: pytest.CaptureFixture[str]) -> None:
    """item 8.21: the original edition's jump line, left out of the model, is listed as that, not as punctuation."""
    status, out, _ = run(capsys, str(ISSUES / "gazette.md"))
    assert status == 0
    assert "jump line 21: “Continued on page 3” left out; the reissue prints its own" in out
    assert "0 marks made full width" not in out


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, str(SAMPLE), "--json")
    model = json.loads(out)
    assert status == 0
    assert model["masthead"]["issue_number"] == 9642 and model["masthead"]["page_count"] == 4
    assert [s["kind"] for s in model["sections"]] == ["story", "story", "photo", "commentary", "feature"]
    assert model["sections"][4]["subheads"][0] == "强化组织领导 高位推动“加力度”"
    assert [r["lines"] for r in model["repairs"] if r["kind"] == "join"] == [[89, 91], [102, 104]]


def test_keep_punctuation(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, str(SAMPLE), "--json", "--keep-punctuation")
    model = json.loads(out)
    assert model["settings"]["normalize_punctuation"] is False
    assert {r["kind"] for r in model["repairs"]} == {"join"}
    assert model["sections"][0]["byline"] == "本报讯(记者 陈忠华 通讯员 余明象)"


BAD_BYTES = {
    "latin1.md": "# Café\n\n## Über\n\nTexte très café.\n".encode("latin-1"),
    "empty.md": b"",
    "blank.md": b"\n  \n\n",
    "binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("latin1.md", "latin1.md:1: the text is neither UTF-8 nor Chinese in GB18030"),
        ("empty.md", "empty.md: the file is empty"),
        ("blank.md", "blank.md: the file is empty"),
        ("binary.md", "binary.md: this is a binary file, not text"),
        ("missing.md", "missing.md: no such file"),
    ],
)
def test_unreadable_files(capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, expected: str) -> None:
    if name in BAD_BYTES:
        (tmp_path / name).write_bytes(BAD_BYTES[name])
    status, out, err = run(capsys, str(tmp_path / name))
    assert status == 2 and not out
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bad-no-headings.md", "bad-no-headings.md: no headings found; mark the paper's title with '# '"),
        ("bad-yaml.md", "bad-yaml.md:3: the front matter is not valid YAML"),
        ("bad-unknown-key.md", "bad-unknown-key.md:3: unknown front matter key 'colour'; use one of"),
        (
            "bad-unknown-kind.md",
            "bad-unknown-kind.md:4: unknown section kind 'gallery'; use one of story, commentary, photo, feature",
        ),
        ("bad-image-outside.md", "bad-image-outside.md:4: image '../../pyproject.toml' is outside the issue's folder"),
    ],
)
def test_bad_issues(capsys: pytest.CaptureFixture[str], name: str, expected: str) -> None:
    status, out, err = run(capsys, str(ISSUES / name))
    assert status == 2 and not out
    assert err.startswith("error: ") and expected in err and err.count("\n") == 1


def test_a_mistyped_command_line_is_one_line_and_exit_2(capsys):
    for argv in (["bild", "x.md"], ["build"], ["build", "x.md", "--bleed", "abc"]):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("error:") and "reissue --help" in err


def test_an_output_folder_that_cannot_be_written_is_one_line_and_exit_2(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(SystemExit) as stop:
        main(["build", str(ISSUES / "gazette.md"), "--out", str(blocker / "out")])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write the outputs here" in err and "--out" in err


def test_paths_are_printed_as_text_not_as_markup(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """item 8.6: issue[draft].md was reported as issue.md; rich read [draft] as a style."""
    status, _, err = run(capsys, str(tmp_path / "issue[draft].md"))
    assert status == 2 and "issue[draft].md: no such file" in err
    (tmp_path / "[bold]x[red].md").write_text("# 日报\n\n## [red]标题[/red]\n\n正文。\n", encoding="utf-8")
    status, out, _ = run(capsys, str(tmp_path / "[bold]x[red].md"))
    assert status == 0 and "[bold]x[red].md" in out and "[red]标题[/red]" in out
