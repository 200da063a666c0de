"""Extracted text with no markup at all (issue 9): OCR output and archive dumps carry no '#'; their
headlines are known by their shape, the paper's title comes from its settings, the date from the front
page's lines or the file's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from layout.errors import SourceError
from layout.model import RepairKind
from layout.readers import read_issue
from layout.readers.bare_headings import marked_headings

CHINESE_DUMP = """新建水厂开始供水
1956年7月2日
第1版
城南新建的自来水厂本月一日开始供水，城区居民用上了干净卫生的自来水。
过去，城里不少居民靠挑河水、井水过日子。
夏季防暑要注意
1956年7月2日
第2版
专栏：卫生常识
入夏以来，天气炎热，要注意防暑降温。
"""

ENGLISH_OCR = """THE LAKEPORT HERALD.

LATEST FROM THE CAPITAL.
THE BILL PASSED.
The Senate to-day passed the bill for the
new roads by a vote of twenty to eleven.
The members from the north voted with
the majority, as was expected.

LOCAL MATTERS.
The ferry resumes its crossings on Monday.
"""


def write(folder: Path, name: str, text: str, paper: str | None = None) -> Path:
    if paper is not None:
        (folder / "paper.yaml").write_text(paper, encoding="utf-8")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_line_over_an_archives_date_and_page_lines_is_a_headline(tmp_path: Path) -> None:
    issue = read_issue(write(tmp_path, "dump.txt", CHINESE_DUMP, "title: 江南日报\n"))
    stories = [s for s in issue.sections if s.notes is None]
    assert [(s.headline, s.page, s.kicker) for s in stories] == [
        ("新建水厂开始供水", 1, None),
        ("夏季防暑要注意", 2, "专栏：卫生常识"),
    ]
    assert issue.masthead.title == "江南日报" and issue.masthead.date == "1956-07-02"


def test_capital_lines_standing_apart_are_headlines_and_the_capitals_under_them_their_decks(tmp_path: Path) -> None:
    issue = read_issue(write(tmp_path, "herald.txt", ENGLISH_OCR))
    stories = [s for s in issue.sections if s.notes is None]
    assert issue.masthead.title == "THE LAKEPORT HERALD."  # the first line, short and no headline's shape
    assert [(s.headline, s.subheadline) for s in stories] == [
        ("LATEST FROM THE CAPITAL.", "THE BILL PASSED."),
        ("LOCAL MATTERS.", None),
    ]
    assert stories[0].blocks[0].text.startswith("The Senate to-day passed the bill for the new roads")


def test_text_that_marks_its_headings_is_read_as_marked() -> None:
    lines = ["# The Herald", "", "## Council meets", "", "LOCAL MATTERS.", "Text."]
    assert marked_headings(lines, title_declared=False) == lines


def test_a_lone_hash_line_in_ocr_text_is_text_not_a_heading() -> None:
    lines = ["THE HERALD", "", "NEWS.", "# 3 dozen eggs at the store.", "More text."]
    assert marked_headings(lines, title_declared=False)[3] == "    # 3 dozen eggs at the store."


def test_strong_emphasis_marks_are_markup_not_text(tmp_path: Path) -> None:
    issue = read_issue(write(tmp_path, "x.md", "# The Herald\n\n## News\n\nThe **new** pier is open.\n"))
    assert issue.sections[0].blocks[0].text == "The new pier is open."


def test_an_issue_dated_nowhere_in_its_text_takes_the_date_its_file_name_says(tmp_path: Path) -> None:
    issue = read_issue(write(tmp_path, "herald-1911-03-03.txt", ENGLISH_OCR))
    assert issue.masthead.date == "1911-03-03" and "date" not in issue.masthead.lines
    assert not any(r.kind is RepairKind.DATE_LINE for r in issue.repairs)


def test_in_text_of_indented_paragraphs_a_short_line_over_an_indent_is_a_headline(tmp_path: Path) -> None:
    text = (
        "城郊农业社抢收早稻\n　　连日晴好，各社抓紧抢收早稻。\n　　社员们天不亮就下田。\n"
        "新建的自来水厂开始供水\n　　城南新建的自来水厂本月一日开始供水。\n"
    )
    issue = read_issue(write(tmp_path, "songjiang.txt", text, "title: 松江日报\n"))
    assert [(s.headline, len(s.paragraphs)) for s in issue.sections] == [
        ("城郊农业社抢收早稻", 2),
        ("新建的自来水厂开始供水", 1),
    ]


# a real day's front page as Chronicling America's OCR reads it (Tonopah Daily Bonanza, 1916), shortened:
# furniture in capitals above the date line, the first head right under the price, decks wrapped over
# lines, a head OCR set right under a paragraph's last line, the dash after the dateline lost
DAILY_OCR = """Tonopah Daily Bonanza
THE WEATHER
METAL QUOTATIONS
Fair Tonight and Thursday
TONOPAH, NEVADA, WEDNESDAY EVENING, AUGUST 2. 1916
PRICE 10 CENTS
PRIVATE LETTERS
IMPLICATE SUSPECTS
SAN FRANCISCO, August 2. The
county grand jury returned five in
dictments this afternoon charging
the defendants with the murder
of eight persons who lost their lives.
Mooney kept carbon copies of most
of the letters he wrote to Billings
THREE THOUSAND CULINARY
WORKERS CAUSE FAMINE
IN SAN FRANCISCO
SAN FRANCISCO, August 2. Union
pickets swarmed in the down town
district at the noon hour today.
"""


def test_a_real_days_front_page_reads_story_by_story(tmp_path: Path) -> None:
    """issue 10: the masthead runs to its date line (its capitals are furniture, its price no head); a run of
    three lines in capitals heads a story wherever OCR set it; a deck wrapped over lines is one deck; a
    dateline whose dash OCR lost still opens the story."""
    issue = read_issue(write(tmp_path, "bonanza.txt", DAILY_OCR, "title: Tonopah Daily Bonanza\n"))
    stories = [s for s in issue.sections if s.notes is None]
    assert (issue.masthead.date, issue.masthead.weekday) == ("1916-08-02", "Wednesday")
    assert [(s.headline, s.subheadline, s.byline) for s in stories] == [
        ("PRIVATE LETTERS", "IMPLICATE SUSPECTS", "SAN FRANCISCO, August 2."),
        ("THREE THOUSAND CULINARY", "WORKERS CAUSE FAMINE IN SAN FRANCISCO", "SAN FRANCISCO, August 2."),
    ]
    assert stories[0].blocks[0].text.startswith("The county grand jury returned five in dictments this afternoon")
    assert "PRICE 10 CENTS" in issue.masthead.furniture and "THE WEATHER" in issue.masthead.furniture
    # the date line, which the masthead prints in its own form, is kept as written: none of it is lost
    assert "TONOPAH, NEVADA, WEDNESDAY EVENING, AUGUST 2. 1916" in issue.masthead.furniture


ITALIAN_OCR = """anno xiv
La guerra sociale nei bacini dell'antracite
E' un fenomeno poco ordinario il gran-
de sciopero che divampa nei bacini del-
l'antracite e minaccia, a dispetto di ogni
pia amara avversità degli uomini e delle
cose, paralizzarlo intieramente.
Scoppiato ad Old Forge or sono due
settimane ad opera di non più che tre-
cento minatori conta oggi un contin-
gente di quaranta o quarantacinque
mila scioperanti.
"""


def test_ocr_text_with_no_line_of_a_headlines_shape_is_one_story_under_no_headline(tmp_path: Path) -> None:
    issue = read_issue(write(tmp_path, "cronaca.txt", ITALIAN_OCR, "title: Cronaca\nlanguage: it\n"))
    stories = [s for s in issue.sections if s.notes is None]
    assert [(s.headline, s.line) for s in stories] == [("", 1)]
    text = " ".join(block.text for block in stories[0].blocks)
    assert text.startswith("anno xiv La guerra sociale") and text.endswith("quarantacinque mila scioperanti.")
    assert stories[0].label == "anno xiv"  # its opening words name it in a table of contents


def test_a_short_text_with_no_headings_is_still_asked_to_mark_them(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no headings found"):
        read_issue(write(tmp_path, "note.txt", "The Herald\n\nOne line of news.\n"))


FRONT_PAGE_OCR = """Vt?> - ____
WASHINGTON, D. C., WEDNESDAY, MARCH 15, 1916.-TWENTY-FOUR PAGES. ONE CENT.
?OF 120,000
GETS SENATE 0.t
Unanimously Approves Emer
gency Resolution Adopted
Yesterday by House.
DEPARTMENT MOVES QUICKLY
Steps Taken to Begin Recruiting.
An immediate increase of the army was authorized today.
"""


def test_the_text_between_the_mastheads_date_line_and_the_first_headline_is_a_story_not_furniture(
    tmp_path: Path,
) -> None:
    issue = read_issue(write(tmp_path, "star.txt", FRONT_PAGE_OCR, "title: Evening Star\n"))
    assert issue.masthead.date == "1916-03-15"
    assert issue.masthead.furniture == (
        "Vt?> - ____",
        "WASHINGTON, D. C., WEDNESDAY, MARCH 15, 1916.-TWENTY-FOUR PAGES. ONE CENT.",
    )
    stories = [s for s in issue.sections if s.notes is None]
    assert [(s.headline, s.line) for s in stories] == [("", 3), ("DEPARTMENT MOVES QUICKLY", 8)]
    assert " ".join(block.text for block in stories[0].blocks).startswith("?OF 120,000 GETS SENATE")


MASTHEAD_UNDER_A_CAPITAL_LINE = """.A WEEKLY NEWSPAPER
LE MESCHACEBE.
LUCY (PARISH OF ST. JOHN THE BAPTIST), LOUISIANA, SATURDAY. FEBRUARY 12, 1916. No. 7.
Dance For Benefit
Circulars are out announcing a grand dance which will
take place at the Edgard High School on Saturday
the twelfth, for the special benefit of the Edgard
High School Improvement Fund. A large crowd is
expected to attend this worthy affair.
AGENTS WANTED.
Apply at this office.
"""


def test_a_first_line_in_capitals_over_the_mastheads_date_line_is_the_nameplate_not_a_headline(tmp_path: Path) -> None:
    issue = read_issue(write(tmp_path, "meschacebe.txt", MASTHEAD_UNDER_A_CAPITAL_LINE, "title: Le Meschacébé\n"))
    # the date line ends in a stop (No. 7.), but its words are in capitals, as a sentence's are not
    assert (issue.masthead.date, issue.masthead.issue_number) == ("1916-02-12", 7)
    assert issue.masthead.furniture[:2] == (".A WEEKLY NEWSPAPER", "LE MESCHACEBE.")
    stories = [s for s in issue.sections if s.notes is None]
    assert [s.headline for s in stories] == ["", "AGENTS WANTED."]


def test_a_dated_sentence_deep_in_a_text_is_not_a_mastheads_date_line() -> None:
    lines = ["THE HERALD", "", "NEWS.", "The meeting was held on Monday, March 5, 1916.", "More text."]
    assert marked_headings(lines, title_declared=False)[2] == "## NEWS."


PARAGRAPH_A_LINE = """Campus Daily News
Volume 53.
Students watch the first debate
About twenty members of the Young Democrats turned out at the Rose and Crown to watch the debate.
The College Republicans gathered in the University Union lounge to cheer their candidate.
Tuesday, September 27, 1988
CAMPUS CALENDAR
The accounting club meets at noon.
"""


def test_paragraphs_above_the_first_headline_are_a_story_never_the_mastheads_furniture(tmp_path: Path) -> None:
    issue = read_issue(write(tmp_path, "daily.txt", PARAGRAPH_A_LINE, "title: Campus Daily\n"))
    assert issue.masthead.furniture == ()
    stories = [s for s in issue.sections if s.notes is None]
    assert [(s.headline, s.line) for s in stories] == [("", 1), ("CAMPUS CALENDAR", 7)]
    assert stories[0].blocks[-1].text == "Tuesday, September 27, 1988"  # a date among paragraphs is theirs


def test_the_papers_name_over_its_date_line_and_a_headline_is_the_nameplate_not_a_story() -> None:
    lines = ["THE HERALD", "", "MONDAY, MARCH 6, 1916", "", "NEWS OF THE DAY.", "The council met."]
    assert marked_headings(lines, title_declared=False) == [
        "# THE HERALD",
        "",
        "MONDAY, MARCH 6, 1916",
        "",
        "## NEWS OF THE DAY.",
        "The council met.",
    ]
    assert marked_headings(lines, title_declared=True)[0] == "THE HERALD"  # the masthead's furniture


def test_a_capital_line_right_under_a_headline_is_its_deck_even_when_the_headline_ends_a_sentence() -> None:
    """An ad's heads (THREE DAYS ONLY! / BONUS COUPONS): the second stands apart after the first's '!',
    but a headline with no text under it is no story: the line is its deck."""
    lines = ["THE HERALD", "", "NEWS.", "Text.", "", "THREE DAYS ONLY!", "BONUS COUPONS", "Ten per cent off."]
    assert marked_headings(lines, title_declared=False)[5:7] == ["## THREE DAYS ONLY!", "### BONUS COUPONS"]
