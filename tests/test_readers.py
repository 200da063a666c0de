"""The registry of readers: a file goes to the reader of the format its content is in, ``--format`` forces
one, ``inspect`` names it, and content no reader claims is refused in one line, never misread as text."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from layout.cli import main
from layout.errors import SourceError
from layout.model import Issue, to_dict
from layout.readers import format_names, read_issue, reader_for, register, registry
from layout.readers.parse import parse_issue
from layout.readers.registry import Reading

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "zhaotong-2023-11-15.md"
GAZETTE = ROOT / "tests" / "issues" / "gazette.md"

TEI = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><div type="article">'
    b"<head>WASHINGTON</head><p>The Senate met at noon.</p></div></body></text></TEI>\n"
)
ALTO = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#"><Layout><Page ID="P1"><PrintSpace>'
    b'<TextBlock ID="B1"><TextLine><String CONTENT="WASHINGTON"/></TextLine></TextBlock>'
    b"</PrintSpace></Page></Layout></alto>\n"
)

# documents in formats reissue does not read yet: whatever their names, no reader claims them
MARKUP = {
    "TEI with an XML declaration": TEI,
    "TEI without one": TEI.split(b"\n", 1)[1],
    "XML in UTF-16 with a byte-order mark": TEI.decode("ascii").encode("utf-16"),
    "a comment before the root element": b"<!-- scanned 1858 -->\n" + TEI.split(b"\n", 1)[1],
    "HTML that is not hOCR": b'<!DOCTYPE html>\n<html lang="en"><body><div class="page"><p>Page one</p>',
}


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int | str | None, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return exit_.value.code, out, err


def test_the_formats_are_text_alto_mets_and_hocr_text_first() -> None:
    assert format_names() == ["text", "alto", "mets", "hocr"]


@pytest.mark.parametrize("name", ["gazette.md", "gazette.txt", "gazette", "gazette.markdown"])
def test_extracted_text_goes_to_the_text_reader_with_any_name(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(GAZETTE.read_bytes())
    assert reader_for(tmp_path / name).name == "text"


@pytest.mark.parametrize(
    "opening",
    [
        "<!-- page 1 -->\n",  # a Markdown comment is text, not markup
        "\ufeff",  # a byte-order mark
        "---\nlanguage: en\n---\n",  # front matter
    ],
)
def test_text_opening_with_a_comment_a_mark_or_front_matter_is_text(tmp_path: Path, opening: str) -> None:
    issue = tmp_path / "issue.md"
    issue.write_text(opening + GAZETTE.read_text(encoding="utf-8"), encoding="utf-8")
    assert reader_for(issue).name == "text"
    assert read_issue(issue).masthead.title == "The Riverside Gazette"


def test_text_in_utf_16_is_text(tmp_path: Path) -> None:
    issue = tmp_path / "issue.md"
    issue.write_text(GAZETTE.read_text(encoding="utf-8"), encoding="utf-16")
    assert reader_for(issue).name == "text"


def test_the_text_reader_reads_what_parse_reads() -> None:
    assert read_issue(SAMPLE) == parse_issue(SAMPLE)
    assert read_issue(SAMPLE, format="text", normalize_punctuation=False, page_count=2) == parse_issue(
        SAMPLE, normalize_punctuation=False, page_count=2
    )


@pytest.mark.parametrize("case", MARKUP)
@pytest.mark.parametrize("name", ["page.xml", "page.md", "page"])
def test_content_no_reader_claims_is_refused_whatever_its_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, case: str, name: str
) -> None:
    """issue 9: an ALTO file was read as Markdown and refused for its missing headings; other XML still is not read."""
    (tmp_path / name).write_bytes(MARKUP[case])
    status, out, err = run(capsys, "inspect", tmp_path / name)
    assert status == 2 and not out and err.count("\n") == 1
    assert f"{name}: no reader reads this content yet (it opens with '<" in err
    assert "formats reissue reads: text (Markdown-like extracted text)" in err
    assert "headings" not in err


def test_the_refusal_is_a_source_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "page.xml").write_bytes(TEI)
    with pytest.raises(SourceError) as refused:
        read_issue(tmp_path / "page.xml")
    assert refused.value.path == tmp_path / "page.xml"
    assert '\'<?xml version="1.0" encoding="UTF-8"?>\'' in refused.value.message


def test_format_text_forces_the_text_reader(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Markdown that opens with an HTML element is not told from markup; --format text reads it as text."""
    issue = tmp_path / "issue.md"
    issue.write_text('<p align="center">Founded 1871</p>\n\n' + GAZETTE.read_text(encoding="utf-8"), encoding="utf-8")
    status, _, err = run(capsys, "inspect", issue)
    assert status == 2 and "no reader reads this content yet" in err
    status, out, err = run(capsys, "inspect", issue, "--format", "text")
    assert status == 0 and not err
    assert out.startswith("read by the text reader") and "Founded 1871" in out


@pytest.mark.parametrize("command", ["inspect", "build", "verify"])
def test_an_unknown_format_is_one_line_listing_the_formats(capsys: pytest.CaptureFixture[str], command: str) -> None:
    status, out, err = run(capsys, command, GAZETTE, "--format", "tei")
    assert status == 2 and not out
    assert err.count("\n") == 1 and "--format" in err and "'tei' is not one of 'text', 'alto', 'mets', 'hocr'" in err


def test_an_unknown_format_name_is_a_source_error_listing_the_formats() -> None:
    with pytest.raises(SourceError) as refused:
        read_issue(GAZETTE, format="tei")
    assert str(refused.value) == (
        f"{GAZETTE}: 'tei' is not a format reissue reads; "
        "name one of those it reads: text (Markdown-like extracted text), "
        "alto (an ALTO page (OCR layout XML, 1.x-4.x)), mets (a METS issue with ALTO pages), "
        "hocr (an hOCR file (OCR layout HTML, as Tesseract writes it))"
    )


def test_inspect_names_the_reader_first(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "inspect", SAMPLE)
    assert status == 0
    assert out.splitlines()[0] == "read by the text reader (Markdown-like extracted text)"
    assert out.splitlines()[1] == "paper settings: none (no paper.yaml)"
    assert out.splitlines()[2].startswith("昭通日报")


def test_inspect_json_adds_the_reader_and_the_paper_settings_and_nothing_else_to_the_model(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(capsys, "inspect", SAMPLE, "--json")
    shown = json.loads(out)
    assert status == 0 and shown.pop("reader") == "text" and shown.pop("paper_settings") is None
    assert shown == json.loads(json.dumps(to_dict(parse_issue(SAMPLE)), ensure_ascii=False))


def test_verify_and_build_read_through_the_registry(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "page.xml").write_bytes(TEI)
    for command in (["verify"], ["build", "--out", tmp_path / "out"]):
        status, _, err = run(capsys, command[0], tmp_path / "page.xml", *command[1:])
        assert status == 2 and "no reader reads this content yet" in err
    assert not (tmp_path / "out").exists()
    status, _, err = run(capsys, "verify", GAZETTE, "--format", "text", "--pdf", tmp_path / "none.pdf")
    assert status == 2 and "none.pdf" in err and "reader" not in err  # read, then the missing PDF refused


# ---- the registry's rules, with readers of formats made up for the test ----


@dataclass
class MadeUpReader:
    """A reader of a format made up for a test: it claims what opens with ``claims``, and reads nothing."""

    name: str
    file_extensions: tuple[str, ...]
    claims: bytes
    description: str = "a format made up for a test"

    def sniff(self, head: bytes) -> bool:
        return head.startswith(self.claims)

    def read(self, path: Path, reading: Reading) -> Issue:
        raise AssertionError("these tests only pick readers")


@pytest.fixture
def readers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry with the text reader alone, for a test to register readers of made-up formats in."""
    monkeypatch.setattr(registry, "_READERS", {"text": registry._READERS["text"]})


@pytest.mark.usefixtures("readers")
def test_content_decides_before_the_extension(tmp_path: Path) -> None:
    register(MadeUpReader("alto", (".xml",), b"<?xml"))
    (tmp_path / "page.md").write_bytes(ALTO)
    (tmp_path / "gazette.xml").write_bytes(GAZETTE.read_bytes())
    assert reader_for(tmp_path / "page.md").name == "alto"
    assert reader_for(tmp_path / "gazette.xml").name == "text"


@pytest.mark.usefixtures("readers")
def test_the_extension_breaks_a_tie_between_readers_claiming_the_content(tmp_path: Path) -> None:
    register(MadeUpReader("alto", (".alto",), b"<?xml"))
    register(MadeUpReader("mets", (".mets", ".xml"), b"<?xml"))
    for name, reader in [("page.alto", "alto"), ("issue.xml", "mets"), ("issue", "alto")]:
        (tmp_path / name).write_bytes(ALTO)
        assert reader_for(tmp_path / name).name == reader  # with no extension of theirs, the first registered


@pytest.mark.usefixtures("readers")
def test_the_refusal_lists_every_format(tmp_path: Path) -> None:
    register(MadeUpReader("alto", (".xml",), b"<alto"))
    (tmp_path / "page.xml").write_bytes(ALTO)
    with pytest.raises(SourceError) as refused:
        read_issue(tmp_path / "page.xml")
    assert str(refused.value.hint).endswith("text (Markdown-like extracted text), alto (a format made up for a test)")


def test_an_alto_page_goes_to_the_alto_reader_whatever_its_name(tmp_path: Path) -> None:
    for name in ("page.xml", "page.md", "page"):
        (tmp_path / name).write_bytes(ALTO)
        assert reader_for(tmp_path / name).name == "alto"
