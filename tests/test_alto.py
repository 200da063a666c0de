"""The ALTO and METS readers: a library's digitised issue (METS with MODS, one ALTO file per page) or a lone
ALTO page read into the same model as extracted text, on a small fixture of our own (tests/issues/alto/:
a two-page issue, page 1 in ALTO 4 with its namespace, page 2 in ALTO 3 without one) and the NDNP sample."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import etree
from test_parse import assert_matches_golden

from layout.cli import main
from layout.errors import SourceError
from layout.model import Issue, RepairKind, to_dict
from layout.readers import read_issue, reader_for
from layout.readers.alto import DOUBTFUL_CONFIDENCE

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "issues" / "alto"
METS = FIXTURE / "1911051901.xml"
GOLDEN = ROOT / "tests" / "golden" / "alto-harlow-1911-05-19.json"
NDNP = ROOT / "tests" / "issues" / "ndnp"  # the real 1858 NDNP issue (its PROVENANCE.md says whence)


@pytest.fixture(scope="module")
def fixture_issue() -> Issue:
    return read_issue(METS)


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int | str | None, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return exit_.value.code, out, err


def alto_page(blocks: str, *, namespace: str | None = "http://www.loc.gov/standards/alto/ns-v3#") -> bytes:
    """An ALTO page with body text at 9 pt, headlines at 16 pt and a 10 pt style, around ``blocks``."""
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<alto{xmlns}><Styles>'
        '<TextStyle ID="BODY" FONTSIZE="9"/><TextStyle ID="BIG" FONTSIZE="16"/>'
        '<TextStyle ID="TEN" FONTSIZE="10"/><TextStyle ID="BOLD" FONTSIZE="9" FONTSTYLE="bold"/>'
        '</Styles><Layout><Page ID="P1" HEIGHT="10000" WIDTH="8000"><PrintSpace>'
        '<TextBlock ID="NAME" VPOS="100" HEIGHT="400" STYLEREFS="BIG"><TextLine>'
        '<String CONTENT="THE"/><SP/><String CONTENT="EXAMPLE"/><SP/><String CONTENT="STAR"/></TextLine></TextBlock>'
        f"{blocks}</PrintSpace></Page></Layout></alto>\n"
    ).encode()


def text_block(words: str, style: str = "BODY", *, top: int = 1000, lines: int = 2) -> str:
    line = "".join(f'<String CONTENT="{word}"/><SP/>' for word in words.split())
    return f'<TextBlock VPOS="{top}" HEIGHT="{lines * 150}" STYLEREFS="{style}">' + (
        f"<TextLine>{line}</TextLine>" * lines + "</TextBlock>"
    )


# ---- which reader ----


@pytest.mark.parametrize(
    ("opening", "reader"),
    [
        ('<?xml version="1.0"?>\n<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#">', "alto"),
        ("<alto>", "alto"),
        ("<!-- OCR 2019 -->\n<alto:alto xmlns:alto='http://www.loc.gov/standards/alto/ns-v2#'>", "alto"),
        ('<?xml version="1.0"?>\n<mets xmlns="http://www.loc.gov/METS/" LABEL="A paper">', "mets"),
        ('<METS:mets xmlns:METS="http://www.loc.gov/METS/">', "mets"),
    ],
)
def test_alto_and_mets_are_known_by_their_root_element_whatever_the_name(
    tmp_path: Path, opening: str, reader: str
) -> None:
    for name in ("issue.xml", "issue.md", "issue"):
        (tmp_path / name).write_text(opening, encoding="utf-8")
        assert reader_for(tmp_path / name).name == reader


# ---- METS: masthead and pages ----


def test_the_masthead_comes_from_the_issues_mods_and_the_mets_label(fixture_issue: Issue) -> None:
    masthead = fixture_issue.masthead
    # the label less its date, and less the place that qualifies the catalogue's title
    assert (masthead.title, masthead.place) == ("The Harlow Valley courier", "Harlow, Or.")
    assert (masthead.date, masthead.volume, masthead.issue_number, masthead.lccn) == (
        "1911-05-19",
        "12",
        20,
        "sn99063854",
    )
    assert masthead.page_count == 2 and masthead.lines["date"] == 26  # a line of the METS


def test_pages_follow_the_structmap_not_the_filesec(fixture_issue: Issue) -> None:
    """The fixture's fileSec lists page 2 first."""
    assert [(s.page, s.headline) for s in fixture_issue.sections] == [
        (1, "NEW BRIDGE OPENED AT MILL CREEK"),
        (2, "GRANGE WILL HOLD SPRING FAIR"),
    ]


def test_nameplate_dateline_and_running_head_are_furniture_verbatim(fixture_issue: Issue) -> None:
    assert fixture_issue.masthead.furniture == (
        "THE HARLOW VALLEY COURIER.",
        "VOL. XII. HARLOW, OREGON, FRIDAY, MAY 19, 1911. NO. 20.",
        "2 THE HARLOW VALLEY COURIER, FRIDAY, MAY 19, 1911.",
    )


def test_a_word_hyphenated_across_lines_is_rejoined_and_the_rejoin_recorded(fixture_issue: Issue) -> None:
    (repair,) = fixture_issue.repairs
    assert (repair.kind, repair.before, repair.after, repair.lines) == (
        RepairKind.MARKED_HYPHEN,
        "cele- bration",
        "celebration",
        (356, 360),
    )
    assert "and the celebration did not end" in fixture_issue.sections[0].blocks[2].text


def test_the_fixture_matches_its_golden_model(fixture_issue: Issue) -> None:
    """REISSUE_ACCEPT_GOLDEN=1 rewrites the golden file after a deliberate change."""
    assert_matches_golden({**to_dict(fixture_issue), "source": "tests/issues/alto/1911051901.xml"}, GOLDEN)


def test_a_page_file_outside_the_issues_folder_is_refused_with_its_line(tmp_path: Path) -> None:
    mets = METS.read_text(encoding="utf-8").replace('xlink:href="./0002.xml"', 'xlink:href="../elsewhere/0002.xml"')
    (tmp_path / "issue.xml").write_text(mets, encoding="utf-8")
    with pytest.raises(SourceError) as refused:
        read_issue(tmp_path / "issue.xml")
    assert "outside the issue's folder" in refused.value.message and refused.value.line == 65


def test_a_missing_page_file_is_refused_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "issue.xml").write_bytes(METS.read_bytes())
    (tmp_path / "0001.xml").write_bytes((FIXTURE / "0001.xml").read_bytes())
    with pytest.raises(SourceError, match=r"'0002\.xml' is not there") as refused:
        read_issue(tmp_path / "issue.xml")
    assert refused.value.line == 65


# ---- ALTO pages ----


def test_a_block_set_markedly_larger_than_the_body_starts_a_section(tmp_path: Path) -> None:
    page = tmp_path / "page.xml"
    page.write_bytes(
        alto_page(
            text_block("Opening words before any headline.", top=1000)
            + text_block("FLOOD AT THE MILL", "BIG", top=1400, lines=1)
            + text_block("The river rose in the night.", top=1600)
            + text_block("A line set a size larger", "TEN", top=2000, lines=1)
            + text_block("COUNCIL MEETS", "BOLD", top=2200, lines=1)
            + text_block("The council met on Monday.", top=2400)
        )
    )
    issue = read_issue(page)
    assert [s.headline for s in issue.sections] == ["", "FLOOD AT THE MILL", "COUNCIL MEETS"]
    assert issue.sections[1].blocks[1].text.startswith("A line set a size larger")  # 10 pt over 9 is no headline
    assert issue.masthead.title == "THE EXAMPLE STAR"  # a lone page: its nameplate names the paper


def test_a_textlines_style_is_its_strings_when_they_name_none(tmp_path: Path) -> None:
    """ALTO lets a TextLine carry the style (STYLEREFS) its Strings inherit, as the Library of Congress's
    Apex ALTO does: a block whose lines are set at 16 pt over text at 9 pt is a headline."""

    def block(style: str, top: int, *lines: str) -> str:
        text_lines = "".join(
            f'<TextLine STYLEREFS="{style}">'
            + "<SP/>".join(f'<String CONTENT="{word}"/>' for word in line.split())
            + "</TextLine>"
            for line in lines
        )
        return f'<TextBlock VPOS="{top}" HEIGHT="300">{text_lines}</TextBlock>'

    page = tmp_path / "page.xml"
    page.write_bytes(
        alto_page(
            block("BIG", 1000, "LATEST FROM EUROPE")
            + block("BODY", 1200, "The steamer arrived this morning", "with news from London and Paris.")
        )
    )
    assert [s.headline for s in read_issue(page).sections] == ["LATEST FROM EUROPE"]


def test_a_head_set_over_two_blocks_is_one_headline_and_a_smaller_block_under_it_its_deck(tmp_path: Path) -> None:
    """OCR often makes each line of a head a block (Tesseract's hOCR of the Mustang Daily, 1988): the
    second is the head's next line, or its deck when set smaller; never a story with no text."""
    page = tmp_path / "page.xml"
    page.write_bytes(
        alto_page(
            text_block("The election draws near.", top=800)
            + text_block("Poly students watch", "BIG", top=1000, lines=1)
            + text_block("hopefuls first debate", "BIG", top=1200, lines=1)
            + text_block("The debate was watched at the union.", top=1400)
            + text_block("FLOOD AT THE MILL", "BIG", top=2000, lines=1)
            + text_block("Waters rise in night", "TWELVE", top=2200, lines=1)
            + text_block("The river rose in the night.", top=2400)
        ).replace(b'<TextStyle ID="TEN"', b'<TextStyle ID="TWELVE" FONTSIZE="12"/><TextStyle ID="TEN"')
    )
    stories = read_issue(page).sections
    assert [(s.headline, s.subheadline, len(s.blocks)) for s in stories] == [
        ("", None, 1),
        ("Poly students watch hopefuls first debate", None, 1),
        ("FLOOD AT THE MILL", "Waters rise in night", 1),
    ]


def test_a_lone_page_finds_its_date_in_its_dateline_by_the_shared_masthead_rules(tmp_path: Path) -> None:
    page = tmp_path / "page.xml"
    page.write_bytes(
        alto_page(
            text_block("HARLOW, OREGON, FRIDAY, MAY 19, 1911.", top=600, lines=1)
            + text_block("The river rose in the night.", top=1000)
        )
    )
    masthead = read_issue(page).masthead
    assert (masthead.title, masthead.date) == ("THE EXAMPLE STAR", "1911-05-19")
    assert masthead.furniture == ("HARLOW, OREGON, FRIDAY, MAY 19, 1911.",)  # kept whole


def test_alto_without_a_namespace_reads_as_with_one(tmp_path: Path) -> None:
    """ALTO 1.x has no namespace; a HYP at a line's end, without SUBS_CONTENT, still rejoins the word."""
    body = (
        '<TextBlock VPOS="1000" HEIGHT="300" STYLEREFS="BODY"><TextLine><String CONTENT="The"/><SP/>'
        '<String CONTENT="news"/><SP/><String CONTENT="paper"/><HYP CONTENT="-"/></TextLine>'
        '<TextLine><String CONTENT="man"/><SP/><String CONTENT="came."/></TextLine></TextBlock>'
    )
    models = []
    for namespace in (None, "http://www.loc.gov/standards/alto/ns-v4#"):
        page = tmp_path / "page.xml"
        page.write_bytes(alto_page(body, namespace=namespace))
        models.append(read_issue(page))
    assert models[0] == models[1]
    assert models[0].sections[0].blocks[0].text == "The news paperman came."
    assert [(r.kind, r.before, r.after) for r in models[0].repairs] == [
        (RepairKind.MARKED_HYPHEN, "paper- man", "paperman")
    ]


def test_an_external_entity_is_refused_never_read(tmp_path: Path) -> None:
    page = tmp_path / "page.xml"
    doctype = b'<!DOCTYPE alto [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    page.write_bytes(doctype + alto_page(text_block("Read &secret; here.")).split(b"\n", 1)[1])
    with pytest.raises(SourceError, match="external entity") as refused:
        read_issue(page)
    assert "root:" not in str(refused.value)


def test_xml_that_is_not_well_formed_is_refused_with_its_line(tmp_path: Path) -> None:
    page = tmp_path / "page.xml"
    page.write_bytes(b"<alto>\n<Layout>\n<Page></Layout>\n</alto>\n")
    with pytest.raises(SourceError, match="not well-formed XML") as refused:
        read_issue(page)
    assert refused.value.line == 3


# ---- the fixture builds; the NDNP sample reads ----


def test_the_fixture_builds_and_verifies(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The English style: the default's nameplate is made for four Chinese characters (issue 9 lets the
    language choose the style)."""
    out = tmp_path / "out"
    status, _, err = run(capsys, "build", METS, "--style", "gazette", "--out", out)
    assert status == 0, err
    pdf, epub = out / "1911051901.pdf", out / "1911051901.epub"
    status, _, err = run(capsys, "verify", METS, "--pdf", pdf, "--epub", epub)
    assert status == 0, err


def test_inspect_of_the_ndnp_issue_shows_its_masthead_and_both_pages(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "inspect", NDNP / "1858081301.xml", "--json")
    shown = json.loads(out)
    assert status == 0 and shown["reader"] == "mets"
    assert shown["masthead"]["date"] == "1858-08-13" and shown["masthead"]["lccn"] == "sn84038814"
    assert {section["page"] for section in shown["sections"]} == {1, 2}
    model = "\n".join(
        [shown["masthead"]["title"], *shown["masthead"]["furniture"]]
        + [text for s in shown["sections"] for text in (s["headline"], *s["paragraphs"])]
    )
    repaired = "\n".join(repair["before"] for repair in shown["repairs"])
    for page in ("0006.xml", "0007.xml"):
        for word in etree.parse(NDNP / page).getroot().iter("{*}String"):
            assert word.get("CONTENT") in model or word.get("CONTENT") in repaired, word.get("ID")


def test_a_papers_settings_apply_to_a_mets_issue_over_what_its_mods_say(tmp_path: Path) -> None:
    """Issue 9, paper settings: every reader is given the paper's settings; they override the METS."""
    folder = tmp_path / "courier" / "1911"
    shutil.copytree(FIXTURE, folder)
    (tmp_path / "courier" / "paper.yaml").write_text(
        "title: The Harlow Valley Courier\nlanguage: en-US\nstyle: gazette\nrights: Public domain\n",
        encoding="utf-8",
    )
    issue = read_issue(folder / METS.name)
    assert issue.masthead.title == "The Harlow Valley Courier" and "title" not in issue.masthead.lines
    assert (issue.settings.language, issue.settings.style, issue.catalogue.rights) == (
        "en-US",
        "gazette",
        "Public domain",
    )
    assert issue.masthead.lccn == "sn99063854"  # what the paper does not say, the METS still does


# ---- lone pages of our own: ALTO v3 with its namespace, ALTO v4 without (issue 9) ----

V3 = ROOT / "tests" / "issues" / "alto-v3" / "sentinel-1897-06-24.xml"
V4 = ROOT / "tests" / "issues" / "alto-v4" / "gazette-1908-03-07.xml"


@pytest.mark.parametrize("page", [V3, V4], ids=["v3", "v4"])
def test_a_lone_page_fixture_matches_its_golden_model(page: Path) -> None:
    """Issue 9: REISSUE_ACCEPT_GOLDEN=1 rewrites the golden file after a deliberate change."""
    name = f"{page.parent.name}-{page.stem}"
    source = page.relative_to(ROOT).as_posix()
    assert_matches_golden({**to_dict(read_issue(page)), "source": source}, ROOT / "tests" / "golden" / f"{name}.json")


@pytest.mark.parametrize("page", [V3, V4], ids=["v3", "v4"])
def test_every_text_block_of_a_lone_page_reaches_the_model(page: Path) -> None:
    """Issue 9: nothing lost, the nameplate's noise and the blocks of a ComposedBlock included."""
    from test_mets import alto_block_texts, model_text

    text = model_text(read_issue(page))
    for block in alto_block_texts(page):
        assert block in text


def test_noise_read_in_the_nameplate_is_left_out_of_the_title_and_kept_with_the_furniture() -> None:
    """Issue 9: ornaments the OCR read as words (punctuation, or doubtful and of few letters) are no part
    of the paper's name; the nameplate as read is furniture, verbatim, and the change a NOISE repair."""
    issue = read_issue(V3)
    assert issue.masthead.title == "THE ASHBY WEEKLY SENTINEL."
    assert issue.masthead.furniture[1] == ",~ THE ASHBY WEEKLY SENTINEL. ;'"
    noise = [repair for repair in issue.repairs if repair.kind is RepairKind.NOISE]
    assert [(r.before, r.after, r.lines) for r in noise] == [
        (",~ THE ASHBY WEEKLY SENTINEL. ;'", "THE ASHBY WEEKLY SENTINEL.", (36,))
    ]


def test_an_ornament_read_as_text_is_no_nameplate_however_large() -> None:
    """The largest one-line block above the text is a 34 pt engraving read as `'^, :.`: it stays furniture."""
    issue = read_issue(V3)
    assert issue.masthead.furniture[0] == "'^, :."
    assert issue.masthead.date == "1897-06-24"


def test_doubtful_words_are_listed_with_where_they_are_and_the_text_kept() -> None:
    """Issue 9: words whose WC is below DOUBTFUL_CONFIDENCE, in reading order, with file, page, block and line."""
    issue = read_issue(V4)
    assert DOUBTFUL_CONFIDENCE == 0.6
    assert [(w.text, w.confidence, str(w.where)) for w in issue.doubtful_words] == [
        ("Hosmer", 0.49, "gazette-1908-03-07.xml, page 1, block PAGE1_TB00005, line 184"),
        ("KEMP.", 0.58, "gazette-1908-03-07.xml, page 1, block PAGE1_TB00010, line 385"),
    ]
    assert "Wilbur Hosmer and Frank Tenney" in issue.sections[0].blocks[1].text


def test_a_word_rejoined_across_lines_is_as_doubtful_as_its_less_sure_part(tmp_path: Path) -> None:
    body = (
        '<TextBlock ID="TB1" VPOS="1000" HEIGHT="300" STYLEREFS="BODY"><TextLine>'
        '<String CONTENT="The" WC="0.95"/><SP/><String CONTENT="news" WC="0.97"/><SP/>'
        '<String CONTENT="paper" WC="0.91"/><HYP CONTENT="-"/></TextLine>'
        '<TextLine><String CONTENT="man" WC="0.32"/><SP/><String CONTENT="came." WC="0.6"/></TextLine></TextBlock>'
    )
    page = tmp_path / "page.xml"
    page.write_bytes(alto_page(body))
    issue = read_issue(page)
    assert [(w.text, w.confidence) for w in issue.doubtful_words] == [("paperman", 0.32)]  # 0.6 is not below


def test_alto_v4_without_a_namespace_reads_hyp_hyphens_bold_capitals_and_composed_blocks() -> None:
    """Issue 9: the v4 page has no namespace, marks its hyphens by HYP alone (no SUBS_CONTENT), heads a story
    with a line of bold capitals set at body size, and groups a notice in a ComposedBlock."""
    issue = read_issue(V4)
    assert reader_for(V4).name == "alto"
    assert [s.headline for s in issue.sections] == ["TOWN MEETING VOTES NEW ROAD", "SUGARING BEGINS EARLY"]
    assert [(r.before, r.after) for r in issue.repairs] == [("ex- ceed", "exceed"), ("begin- ning.", "beginning.")]
    assert [block.text[:8] for block in issue.sections[1].blocks] == ["The warm", "Maple su", "Auction.", "At publi"]


def test_inspect_lists_the_doubtful_words_and_the_nameplate_noise(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 9: `reissue inspect` shows what to proofread; `--json` has it with where each word is."""
    status, out, _ = run(capsys, "inspect", V3)
    assert status == 0
    assert "doubtful words (9, to proofread against the scan)" in out
    assert "44% Dahl  sentinel-1897-06-24.xml, page 1, block P1_TB00010, line 311" in out
    assert "nameplate noise line 36" in out
    status, out, _ = run(capsys, "inspect", V3, "--json")
    word = json.loads(out)["doubtful_words"][0]
    assert word == {
        "text": "'^,",
        "confidence": 0.12,
        "where": {"file": "sentinel-1897-06-24.xml", "line": 31, "page": 1, "block": "P1_TB00001"},
    }
