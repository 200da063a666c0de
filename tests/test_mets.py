"""The METS reader on a generic METS issue as European libraries deliver them (the Europeana Newspapers
profile): a logical structMap whose ARTICLE divisions point at the blocks of the ALTO pages. The fixture
(tests/issues/mets/) is an invented English weekly of Brussels, 1896: two ALTO v2 pages, six articles,
one of them running on from page 1 to page 2, and blocks no article holds (the masthead, a notice)."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from lxml import etree
from test_parse import assert_matches_golden

from layout.cli import main
from layout.model import Issue, to_dict
from layout.readers import read_issue

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "issues" / "mets"
METS = FIXTURE / "continental-mail-1896-10-03.xml"
GOLDEN = ROOT / "tests" / "golden" / "mets-continental-mail-1896-10-03.json"


@pytest.fixture(scope="module")
def issue() -> Issue:
    return read_issue(METS)


def normalized(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def model_text(issue: Issue) -> str:
    """Every string of the model that the outputs print, run together."""
    masthead = issue.masthead
    fields = [masthead.title, *masthead.furniture]
    for section in issue.sections:
        fields += [section.headline, section.subheadline or "", section.byline or ""]
        fields += [block.text for block in section.blocks]
    return normalized("\n".join(fields))


def alto_block_texts(*pages: Path) -> list[str]:
    """Each TextBlock's words, a word hyphenated across lines once (as its SUBS_CONTENT, else as its parts)."""
    texts = []
    for page in pages:
        for block in etree.parse(str(page)).getroot().iter("{*}TextBlock", "TextBlock"):
            words = [
                string.get("SUBS_CONTENT") if string.get("SUBS_TYPE") == "HypPart1" else string.get("CONTENT")
                for string in block.iter("{*}String", "String")
                if string.get("SUBS_TYPE") != "HypPart2"
            ]
            texts.append(normalized(" ".join(words)))
    return texts


def test_the_stories_are_the_articles_of_the_logical_structmap_in_page_order(issue: Issue) -> None:
    """Issue 9: articles come from the logical structMap when there is one, each on the page it starts on."""
    assert [(s.page, s.headline) for s in issue.sections] == [
        (1, "THE NEW QUAY AT OSTEND."),
        (1, "THE AUTUMN EXHIBITION."),
        (1, "CHAPLAINCY NOTES."),
        (1, "NOTICE."),  # no article holds it: read as a page without articles is
        (2, "LETTER FROM LONDON."),
        (2, "Shipping intelligence"),
        (2, "MARKETS."),
    ]
    assert issue.sections[0].lead


def test_an_article_runs_on_to_the_next_page_as_one_story(issue: Issue) -> None:
    """Issue 9: the body is the article's BODY/PARAGRAPH areas in the map's order, whatever page they are on;
    the story starts on the page of its first block."""
    exhibition = issue.sections[1]
    assert exhibition.page == 1
    assert [block.text.split()[:3] for block in exhibition.blocks] == [
        ["The", "exhibition", "of"],
        ["Mr.", "Arthur", "Lowell"],
        ["Among", "the", "water"],  # page 2's first block
    ]


def test_heading_divisions_give_the_headline_subheadline_and_byline(issue: Issue) -> None:
    """Issue 9: TITLE/HEADING areas are the headline, SUBHEADLINE the subheadline, AUTHOR the byline."""
    exhibition, letter = issue.sections[1], issue.sections[4]
    assert exhibition.subheadline == "Pictures by English Residents at the Cercle Artistique."
    assert letter.byline == "(From our own Correspondent.)" and letter.lines["byline"] > 0
    assert not any(block.text.startswith("(From our own") for block in letter.blocks)


def test_an_article_without_a_title_area_is_headed_by_its_label(issue: Issue) -> None:
    (shipping,) = (s for s in issue.sections if s.blocks and s.blocks[0].text.startswith("Arrived at Antwerp"))
    assert shipping.headline == "Shipping intelligence"
    assert shipping.blocks[0].text.startswith("Arrived at Antwerp this week")


def test_the_masthead_comes_from_the_issues_mods_not_an_articles(issue: Issue) -> None:
    """Issue 9: title from the paper's MODS (the dmdSecs of the divisions around the articles), date,
    volume and number from the issue's; the articles' own MODS name articles, not the paper."""
    masthead = issue.masthead
    assert (masthead.title, masthead.date, masthead.volume, masthead.issue_number, masthead.page_count) == (
        "The Continental mail",
        "1896-10-03",
        "3",
        40,
        2,
    )
    assert masthead.place == "Brussels"  # the MODS placeTerm


def test_the_printed_nameplate_is_kept_verbatim_when_the_catalogue_names_the_paper(issue: Issue) -> None:
    """Issue 9: the masthead's title is what the catalogue calls the paper; the nameplate as printed, and the
    masthead's other lines (a TITLE_SECTION, no article), are furniture."""
    assert issue.masthead.furniture == (
        "THE CONTINENTAL MAIL.",
        "A WEEKLY JOURNAL FOR ENGLISH RESIDENTS IN BELGIUM AND HOLLAND.",
        "No. 40. BRUSSELS, SATURDAY, OCTOBER 3, 1896. PRICE 20 CENTIMES.",
        "2 THE CONTINENTAL MAIL, SATURDAY, OCTOBER 3, 1896.",
    )


def test_every_text_block_reaches_the_model(issue: Issue) -> None:
    """Issue 9: nothing lost, whether an article holds the block or not."""
    text = model_text(issue)
    for block in alto_block_texts(*sorted((FIXTURE / "alto").glob("*.xml"))):
        assert block in text


def test_doubtful_words_name_their_file_page_block_and_line(issue: Issue) -> None:
    """Issue 9: ALTO's WC kept; words below the threshold listed for proofreading, their text unchanged."""
    assert [(w.text, w.confidence, str(w.where)) for w in issue.doubtful_words] == [
        ("Ourthe", 0.51, "00001.xml, page 1, block P1_TB00005, line 221"),
        ("Campine", 0.48, "00001.xml, page 1, block P1_TB00010, line 491"),
        ("Marsden", 0.55, "00001.xml, page 1, block P1_TB00014, line 694"),
        ("Gent", 0.46, "00002.xml, page 2, block P2_TB00007, line 401"),
    ]
    assert "the quarries of the Ourthe valley" in issue.sections[0].blocks[0].text


def test_an_area_naming_a_composed_block_holds_all_its_text_blocks_once(tmp_path: Path) -> None:
    """ALTO groups blocks in ComposedBlocks; an area whose BEGIN names one holds every TextBlock in it, and a
    block an article already holds is not taken again."""
    shutil.copytree(FIXTURE, tmp_path / "issue")
    page = tmp_path / "issue" / "alto" / "00002.xml"
    alto = page.read_text(encoding="utf-8")
    start, end = alto.index('<TextBlock ID="P2_TB00005"'), alto.index('<TextBlock ID="P2_TB00007"')
    page.write_text(
        alto[:start] + '<ComposedBlock ID="P2_CB00001">' + alto[start:end] + "</ComposedBlock>" + alto[end:],
        encoding="utf-8",
    )
    mets = tmp_path / "issue" / METS.name
    # both paragraphs of the letter now named as the ComposedBlock that holds them
    mets.write_text(re.sub('BEGIN="P2_TB0000[56]"', 'BEGIN="P2_CB00001"', METS.read_text(encoding="utf-8")))
    letter = read_issue(mets).sections[4]
    assert [block.text.split()[0] for block in letter.blocks] == ["London", "At", "The", "Parliament"]


def test_pages_follow_the_physical_structmap_also_when_its_fptrs_hold_areas(tmp_path: Path) -> None:
    """Some profiles point at a page's files through areas (<fptr><par><area FILEID=…/>); the fileSec here
    lists page 2 first, so the order can only come from the physical structMap."""
    shutil.copytree(FIXTURE, tmp_path / "issue")
    mets = tmp_path / "issue" / METS.name
    text = METS.read_text(encoding="utf-8")
    text = re.sub(
        r'<mets:fptr FILEID="(\w+)"/>', r'<mets:fptr><mets:par><mets:area FILEID="\1"/></mets:par></mets:fptr>', text
    )
    first, second = (re.search(rf'<mets:file ID="ALTO0000{n}".*?</mets:file>', text, re.DOTALL) for n in (1, 2))
    assert first is not None and second is not None
    text = text.replace(first[0], "\0").replace(second[0], first[0]).replace("\0", second[0])
    mets.write_text(text, encoding="utf-8")
    assert [(s.page, s.headline) for s in read_issue(mets).sections] == [
        (s.page, s.headline) for s in read_issue(METS).sections
    ]


def test_the_fixture_matches_its_golden_model(issue: Issue) -> None:
    """REISSUE_ACCEPT_GOLDEN=1 rewrites the golden file after a deliberate change."""
    assert_matches_golden({**to_dict(issue), "source": "tests/issues/mets/continental-mail-1896-10-03.xml"}, GOLDEN)


def test_the_fixture_builds_and_verifies(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    pdf, epub = out / f"{METS.stem}.pdf", out / f"{METS.stem}.epub"
    for command in (["build", METS, "--out", out], ["verify", METS, "--pdf", pdf, "--epub", epub]):
        with pytest.raises(SystemExit) as exit_:
            main([str(part) for part in command])
        assert exit_.value.code == 0, capsys.readouterr().err
