"""The hOCR reader: Tesseract's HTML output read into the same model as ALTO, by the same rules, on a small
fixture of our own (tests/issues/hocr/: a two-page evening paper of 1924, both pages in one hOCR file)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_parse import assert_matches_golden

from layout.cli import main
from layout.errors import SourceError
from layout.model import Issue, RepairKind, SectionKind, to_dict
from layout.readers import read_issue, reader_for

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "issues" / "hocr" / "ledger-1924-10-09.hocr"
GOLDEN = ROOT / "tests" / "golden" / "hocr-ledger-1924-10-09.json"

HOCR_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title></title>\n'
    "<meta name='ocr-system' content='tesseract 5.3.0'/></head><body>\n"
)


@pytest.fixture(scope="module")
def fixture_issue() -> Issue:
    return read_issue(FIXTURE)


def hocr_page(*pars: str) -> str:
    """An hOCR page holding the paragraphs ``pars``, each given as its lines (a line: ``size|words``)."""
    body = []
    for number, par in enumerate(pars):
        top = 100 + number * 400
        lines = []
        for index, line in enumerate(par.split("\n")):
            size, words = line.split("|")
            spans = "".join(
                f"<span class='ocrx_word' title='bbox 0 0 1 1; x_wconf 90'>{w}</span> " for w in words.split()
            )
            box = f"bbox 100 {top + index * 50} 2000 {top + index * 50 + 40}; x_size {size}"
            lines.append(f"<span class='ocr_line' title='{box}'>{spans}</span>\n")
        bottom = top + 50 * len(lines)
        body.append(f"<p class='ocr_par' title='bbox 100 {top} 2000 {bottom}'>\n{''.join(lines)}</p>\n")
    return f"<div class='ocr_page' title='bbox 0 0 2480 3508'>\n{''.join(body)}</div>\n"


def write_hocr(folder: Path, *pages: str) -> Path:
    path = folder / "page.hocr"
    path.write_text(HOCR_HEAD + "".join(pages) + "</body></html>\n", encoding="utf-8")
    return path


# ---- which reader ----


@pytest.mark.parametrize(
    "opening",
    [
        HOCR_HEAD,
        "<!DOCTYPE html>\n<html><head><title>scan</title></head><body><div class='ocr_page' id='page_1'>",
        '<html lang="en">\n<body>\n<div class="ocr_page" title="bbox 0 0 100 100">',
    ],
)
def test_hocr_is_known_by_its_ocr_system_meta_or_its_pages_whatever_the_name(tmp_path: Path, opening: str) -> None:
    for name in ("page.hocr", "page.html", "page.xml", "page"):
        (tmp_path / name).write_text(opening, encoding="utf-8")
        assert reader_for(tmp_path / name).name == "hocr"


def test_plain_html_is_not_hocr(tmp_path: Path) -> None:
    for name in ("page.hocr", "page.html"):
        (tmp_path / name).write_text(
            "<!DOCTYPE html>\n<html><head><title>Our paper</title></head><body><p class='lead'>Page one</p>",
            encoding="utf-8",
        )
        with pytest.raises(SourceError, match="no reader reads this content yet"):
            reader_for(tmp_path / name)


def test_markdown_that_names_hocrs_classes_is_text(tmp_path: Path) -> None:
    for name in ("page.hocr", "page.md"):
        (tmp_path / name).write_text("# The Ledger\n\nOn the ocr_page class and <meta name='ocr-system'>.\n")
        assert reader_for(tmp_path / name).name == "text"


# ---- the fixture: pages, headlines, furniture, hyphens ----


def test_each_ocr_page_is_a_page_of_the_issue(fixture_issue: Issue) -> None:
    assert fixture_issue.masthead.page_count == 2
    stories = [s for s in fixture_issue.sections if s.kind is not SectionKind.NOTES]  # notes: the edition's
    assert [(s.page, s.headline) for s in stories] == [
        (1, "NEW HIGH SCHOOL OPENS ITS DOORS"),
        (2, "COUNTY FAIR DRAWS RECORD CROWD"),
    ]


def test_the_nameplate_names_the_paper_and_the_dateline_dates_it(fixture_issue: Issue) -> None:
    masthead = fixture_issue.masthead
    assert (masthead.title, masthead.date) == ("THE CEDAR FALLS EVENING LEDGER", "1924-10-09")
    assert masthead.furniture == (
        "VOL. XXXI. NO. 241. CEDAR FALLS, IOWA, THURSDAY, OCTOBER 9, 1924. TWO CENTS",
        "2 THE CEDAR FALLS EVENING LEDGER, THURSDAY, OCTOBER 9, 1924.",
    )


def test_a_word_hyphenated_across_lines_is_rejoined_and_the_rejoin_recorded(fixture_issue: Issue) -> None:
    (repair,) = fixture_issue.repairs
    assert (repair.kind, repair.before, repair.after, repair.lines) == (
        RepairKind.HYPHEN,
        "thou- sand",
        "thousand",
        (130, 133),
    )
    assert "a library of three thousand volumes" in fixture_issue.sections[0].blocks[1].text


def test_the_fixture_matches_its_golden_model(fixture_issue: Issue) -> None:
    """REISSUE_ACCEPT_GOLDEN=1 rewrites the golden file after a deliberate change."""
    assert_matches_golden({**to_dict(fixture_issue), "source": "tests/issues/hocr/ledger-1924-10-09.hocr"}, GOLDEN)


def test_words_tesseract_doubted_are_listed_with_their_page_paragraph_and_line(fixture_issue: Issue) -> None:
    """Issue 9: x_wconf (0..100) is kept as a confidence of 0..1; the words below the threshold are listed
    for proofreading, each with its page, its paragraph's id and its line, and the text keeps them."""
    assert [(w.text, w.confidence, str(w.where)) for w in fixture_issue.doubtful_words] == [
        ("Classes", 0.31, "ledger-1924-10-09.hocr, page 1, block par_1_6, line 183"),
        ("Black", 0.47, "ledger-1924-10-09.hocr, page 2, block par_2_3, line 307"),
        ("Methodist", 0.58, "ledger-1924-10-09.hocr, page 2, block par_2_4, line 381"),
    ]
    assert fixture_issue.sections[0].blocks[2].text.startswith("Classes in manual")


def test_noise_tesseract_read_in_the_nameplate_is_left_out_of_the_title(tmp_path: Path) -> None:
    """Issue 9: the ALTO reader's rule for hOCR too: a doubtful word of few letters, or of punctuation, in
    the nameplate is an ornament read as text; the nameplate as read is kept with the furniture."""
    page = hocr_page("80|»~ THE EXAMPLE STAR ii", "30|Body text\n30|on two lines.")
    page = page.replace("x_wconf 90'>»~", "x_wconf 21'>»~").replace("x_wconf 90'>ii", "x_wconf 35'>ii")
    issue = read_issue(write_hocr(tmp_path, page))
    assert issue.masthead.title == "THE EXAMPLE STAR"
    assert issue.masthead.furniture == ("»~ THE EXAMPLE STAR ii",)
    assert [(r.kind, r.after) for r in issue.repairs] == [(RepairKind.NOISE, "THE EXAMPLE STAR")]


def test_a_page_without_confidences_has_no_doubtful_words(tmp_path: Path) -> None:
    page = hocr_page("80|THE EXAMPLE STAR", "30|Body text\n30|on two lines.").replace("; x_wconf 90", "")
    assert read_issue(write_hocr(tmp_path, page)).doubtful_words == ()


# ---- the rules, on pages of their own ----


def test_a_paragraph_set_markedly_larger_than_the_body_is_a_headline(tmp_path: Path) -> None:
    """x_size gives a line's size: 48 over a body of 30 is a headline, 33 is not."""
    path = write_hocr(
        tmp_path,
        hocr_page(
            "80|THE EXAMPLE STAR",
            "30|Opening words before any headline\n30|run on a second line.",
            "48|FLOOD AT THE MILL",
            "30|The river rose in the night\n30|and the mill was shut.",
            "33|A line set a size larger",
        ),
    )
    issue = read_issue(path)
    assert issue.masthead.title == "THE EXAMPLE STAR"
    assert [s.headline for s in issue.sections] == ["", "FLOOD AT THE MILL"]
    assert issue.sections[1].blocks[1].text == "A line set a size larger"


def test_without_x_size_a_lines_size_is_the_height_of_its_box(tmp_path: Path) -> None:
    page = hocr_page(
        "80|THE EXAMPLE STAR", "30|Body text\n30|on two lines.", "60|COUNCIL MEETS", "30|It met\n30|on Monday."
    )
    page = page.replace("; x_size 60", "").replace("bbox 100 900 2000 940", "bbox 100 900 2000 980")
    issue = read_issue(write_hocr(tmp_path, page.replace("; x_size 30", "")))
    assert [s.headline for s in issue.sections] == ["", "COUNCIL MEETS"]


def test_a_hyphen_before_a_capital_is_kept_and_a_paragraphs_last_hyphen_stays(tmp_path: Path) -> None:
    path = write_hocr(
        tmp_path, hocr_page("80|THE EXAMPLE STAR", "30|He came from New-\n30|York by the morn-\n30|ing boat, well-")
    )
    issue = read_issue(path)
    assert issue.sections[0].blocks[0].text == "He came from New-York by the morning boat, well-"
    assert [(r.before, r.after) for r in issue.repairs] == [("New- York", "New-York"), ("morn- ing", "morning")]


def test_html_entities_are_read_and_nothing_is_fetched(tmp_path: Path) -> None:
    page = hocr_page("80|THE EXAMPLE STAR", "30|Smith &amp; Sons\n30|caf&eacute; opened.")
    issue = read_issue(write_hocr(tmp_path, page))
    assert issue.sections[0].blocks[0].text == "Smith & Sons café opened."


# ---- the fixture builds ----


def test_the_fixture_builds_and_verifies(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_:
        main(["build", str(FIXTURE), "--style", "gazette", "--out", str(out)])
    assert exit_.value.code == 0, capsys.readouterr().err
    assert (out / "ledger-1924-10-09.pdf").is_file() and (out / "ledger-1924-10-09.epub").is_file()
