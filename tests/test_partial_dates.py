"""An issue known only by its month or its year (issue 10): an archive that files a day of 申報 under
"1880" names no day, and none is made up. The model holds the date to the precision the source names
(W3CDTF: 1880, 1880-10, 1880-10-04); the page prints it so, the EPUB's dc:date and the PDF's metadata
say it so, and verify finds it there."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from readback import document_info

from layout.build import BuildOptions, build
from layout.calendar_dates import CalendarDate, calendar_date
from layout.pdf import PrintOptions
from layout.readers import read_issue
from layout.verify import verify_epub, verify_pdf

ROOT = Path(__file__).resolve().parent.parent
SHENBAO = ROOT / "tests/issues/days/shenbao-1880/1880-10-4902408.txt"
ENGLISH = "# The Gazette\n\n## Harvest Home\n\nThe farmers of the valley brought in the last of the wheat this week.\n"
CHINESE = "# 申報\n\n## 秋收\n\n　　今歲秋收甚豐農人皆喜。\n"


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("1880-10-04", CalendarDate(1880, 10, 4)),
        ("1880-10", CalendarDate(1880, 10)),
        ("1880", CalendarDate(1880)),
    ],
)
def test_a_date_is_read_to_the_precision_it_is_written_in(text: str, date: CalendarDate) -> None:
    """issue 10: W3CDTF's three precisions of a date, and back to the same text."""
    assert calendar_date(text) == date and date.iso == text


@pytest.mark.parametrize("text", ["1880-13", "1880-02-30", "188", "1880-1", "October 1880", ""])
def test_text_that_names_no_calendar_date_is_refused(text: str) -> None:
    """issue 10: a month or a day no calendar has, or another form, is no date of the model."""
    with pytest.raises(ValueError, match=r"date|month|day"):
        calendar_date(text)


@pytest.mark.parametrize(
    ("name", "date"),
    [
        ("1880-10-4902408.txt", "1880"),  # the year, then the archive's own numbers: no month is named
        ("gazette-1880-10.txt", "1880-10"),
        ("gazette-1880-10-04.txt", "1880-10-04"),
        ("sn86076142-1.txt", None),  # numbers inside a word name no year
    ],
)
def test_a_file_name_dates_an_issue_to_the_precision_it_gives(tmp_path: Path, name: str, date: str | None) -> None:
    """issue 10: archives name issues by their date, sometimes only by the year it was printed in."""
    (tmp_path / name).write_text(ENGLISH, encoding="utf-8")
    assert read_issue(tmp_path / name).masthead.date == date


@pytest.mark.parametrize(
    ("written", "date"), [("1880", "1880"), ("1880-10", "1880-10"), ("'1880-10-04'", "1880-10-04")]
)
def test_front_matter_may_name_only_the_year_or_the_month(tmp_path: Path, written: str, date: str) -> None:
    """issue 10: a year in the front matter (which YAML reads as a number) or a month is the issue's date."""
    (tmp_path / "gazette.md").write_text(f"---\ndate: {written}\n---\n{ENGLISH}", encoding="utf-8")
    assert read_issue(tmp_path / "gazette.md").masthead.date == date


def test_shenbao_filed_under_its_year_is_dated_by_that_year_alone() -> None:
    """issue 10: the archive names the year (1880) and its own numbers, the text no day: the date is 1880."""
    assert read_issue(SHENBAO).masthead.date == "1880"


@pytest.mark.parametrize(
    ("name", "text", "printed", "created"),
    [
        ("gazette-1880-10.txt", ENGLISH, "October 1880", "D:188010"),
        ("shenbao-1880.txt", CHINESE, "1880年", "D:1880"),
    ],
)
def test_an_issue_known_by_its_month_or_year_says_no_more_anywhere(
    tmp_path: Path, name: str, text: str, printed: str, created: str
) -> None:
    """issue 10: the masthead prints the month or year, the EPUB's dc:date and the PDF's XMP dc:date give
    it as W3CDTF, the PDF's CreationDate only as far as it is known, and verify takes both files for this
    issue's (it raises OutputError for a file whose metadata and first page lack the issue's date)."""
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    options = BuildOptions(out_dir=tmp_path / "out", printing=PrintOptions(variant="pdf/ua-1"))
    written = build(source, options, verify=False).written  # a page of one short story is verified near-empty
    issue = read_issue(source)
    date = issue.masthead.date
    pdf = next(path for path in written if path.suffix == ".pdf")
    epub = next(path for path in written if path.suffix == ".epub")
    verify_pdf(issue, pdf), verify_epub(issue, epub)
    reader = PdfReader(pdf)
    info = document_info(reader)
    assert info["/CreationDate"] == created and info.title is not None and printed in info.title
    assert printed in (reader.pages[0].extract_text() or "").replace("\n", " ")
    assert reader.xmp_metadata is not None
    xmp = reader.xmp_metadata.rdf_root.toxml()
    assert re.search(rf"<dc:date>\s*<rdf:Seq>\s*<rdf:li>{date}</rdf:li>", xmp)
    with zipfile.ZipFile(epub) as package:
        opf = package.read("EPUB/content.opf").decode("utf-8")
    assert re.findall(r"<dc:date>([^<]*)</dc:date>", opf) == [date]
    assert f"<dc:title>{text.split()[1]}" in opf and printed in opf
