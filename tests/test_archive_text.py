"""Archive text (issue 9, extracted text): what archives keep around a story besides its text, read into
the model instead of printed as paragraphs.

- Lines under a headline: a date line (the issue's date), a page line (the story's page), a column line
  (its kicker), an author line (its byline); a signature after the last paragraph (its byline).
- Page markers between stories (第2版, Page 2, <!-- page 2 -->, a thematic break): the stories after one
  are on its page; the highest page is the issue's page count.
- Deck headlines (引题  主题  副题 on one line) split into overline, headline and subheadline; the decks
  said again at the top of the body are printed once (a REPEAT repair).
- Datelines other than 本报讯: agencies' (【新华社延安十日电】, 新华社北平五日电, （中央社南京五日电）),
  本报太原讯, English cities' (WASHINGTON, April 30.—), credits ((Special to The Star.)).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_dialects import assert_nothing_lost
from test_parse import assert_matches_golden

from layout.model import Issue, RepairKind, SectionKind, to_dict
from layout.readers.datelines import dateline, is_signature
from layout.readers.dates import DateLine, read_date_line
from layout.readers.decks import Decks, repeated_lines, split_decks
from layout.readers.notes import with_notes
from layout.readers.parse import parse_issue, parse_text
from layout.readers.source_pages import Marker, page_marker

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = {
    "decks": "tests/issues/decks/qinghe-1987-04-12.md",
    "metadata-lines": "tests/issues/metadata-lines/jiangnan-1982-09-18.md",
    "page-lines": "tests/issues/page-lines/binhai-2019-06-03.md",
    "datelines": "tests/issues/datelines/beiyue-1948-11-12.md",
    "datelines-english": "tests/issues/datelines/lakeport-1911-03-03.md",
}


def parse(text: str) -> Issue:
    return parse_text(text, Path("test.md"))


def fixture(form: str) -> Issue:
    return parse_issue(ROOT / FIXTURES[form])


@pytest.mark.parametrize("form", sorted(FIXTURES))
def test_each_fixture_matches_its_golden_model(form: str) -> None:
    """issue 9: REISSUE_ACCEPT_GOLDEN=1 rewrites the golden file after a deliberate change."""
    golden = ROOT / "tests" / "golden" / f"text-{form}.json"
    assert_matches_golden({**to_dict(fixture(form)), "source": FIXTURES[form]}, golden)


@pytest.mark.parametrize("form", sorted(FIXTURES))
def test_each_fixture_keeps_its_text_in_the_model(form: str) -> None:
    """issue 9: nothing lost; what the model holds only as a value (a date, a page) is printed from it."""
    issue = fixture(form)
    text = (ROOT / FIXTURES[form]).read_text(encoding="utf-8")
    for date in ("1982年9月18日", "1987年4月12日", "2019年6月3日", "1948年11月12日"):
        text = text.replace(date, "")  # a date line in the form the masthead prints is the masthead's date
    assert_nothing_lost(text, issue)


# ---- date lines ----


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("1950年3月5日", DateLine("1950-03-05", None)),
        ("一九五〇年三月五日", DateLine("1950-03-05", None)),
        ("二〇二三年十一月二十五日 星期六", DateLine("2023-11-25", "星期六")),
        ("March 5, 1950", DateLine("1950-03-05", None)),
        ("5 March 1950", DateLine("1950-03-05", None)),
        ("Thursday, March 5, 1950", DateLine("1950-03-05", "Thursday")),
        ("Sept. 5, 1950", DateLine("1950-09-05", None)),
        ("1946-05-15", DateLine("1946-05-15", None)),
        ("1950.3.5", DateLine("1950-03-05", None)),
        ("FEBRUARY 171824", DateLine("1824-02-17", None)),  # OCR ran the day into the year
        ("MARCH 51903", DateLine("1903-03-05", None)),
    ],
)
def test_a_date_line_is_read_in_any_common_form(line: str, date: DateLine) -> None:
    """issue 9: Chinese and English dates, Chinese numerals, weekdays and OCR's damage to them."""
    assert read_date_line(line) == date


@pytest.mark.parametrize("line", ["今年3月5日", "March 5, 1950, the council met", "MAY 1950", "1950年2月30日"])
def test_a_line_that_only_holds_a_date_is_no_date_line(line: str) -> None:
    """issue 9: a sentence that mentions a date, a month without a day or no such day stays text."""
    assert read_date_line(line) is None


def test_a_date_line_under_a_headline_is_the_issues_date_when_the_masthead_has_none() -> None:
    """issue 9: the date reaches the masthead (and so the EPUB's metadata), not the story's first paragraph."""
    issue = parse("# 晚报\n\n## 标题\n\n1982年9月18日\n\n正文。\n")
    assert (issue.masthead.date, issue.masthead.lines["date"]) == ("1982-09-18", 5)
    assert [b.text for b in issue.sections[0].blocks] == ["正文。"]
    assert issue.masthead.furniture == ()  # the masthead prints the date as the line writes it


def test_date_lines_under_headlines_give_the_issues_date_and_are_quoted_in_the_notes() -> None:
    """issue 9: the masthead prints the date (1982年9月18日); nothing lost: every date line, as written, is
    a DATE_LINE repair, which the edition's notes quote."""
    issue = parse(
        "# 晚报\n\n## 标题\n\n一九八二年九月十八日\n\n正文。\n\n## 标题二\n\n一九八二年九月十八日\n\n正文二。\n"
    )
    assert (issue.masthead.date, issue.masthead.furniture) == ("1982-09-18", ())
    assert [(r.kind, r.lines, r.before) for r in issue.repairs if r.kind is RepairKind.DATE_LINE] == [
        (RepairKind.DATE_LINE, (5,), "一九八二年九月十八日"),
        (RepairKind.DATE_LINE, (11,), "一九八二年九月十八日"),
    ]
    notes = with_notes(issue).sections[-1]
    assert (notes.notes, notes.blocks[0].text) == (RepairKind.DATE_LINE, "一九八二年九月十八日 · 一九八二年九月十八日")


@pytest.mark.parametrize(("line", "furniture"), [("FEBRUARY 171824", ("FEBRUARY 171824",)), ("1824年2月17日", ())])
def test_a_masthead_line_that_is_a_date_in_any_form_is_the_issues_date(line: str, furniture: tuple[str, ...]) -> None:
    """issue 9: above the first headline too; kept as furniture when the masthead prints it otherwise."""
    masthead = parse(f"# THE COURIER\n\n{line}\n\n## Head\n\nText.\n").masthead
    assert (masthead.date, masthead.lines["date"], masthead.furniture) == ("1824-02-17", 3, furniture)


def test_a_story_dated_otherwise_than_the_issue_keeps_its_date_line() -> None:
    """issue 9: the model has no story dates: another day's date line stays the story's first paragraph."""
    issue = parse("# 晚报\n\n1982年9月18日\n\n## 标题\n\n1982年9月17日\n\n正文。\n")
    assert [b.text for b in issue.sections[0].blocks] == ["1982年9月17日", "正文。"]


def test_lines_under_a_headline_fill_the_sections_fields() -> None:
    """issue 9: archives set them one under another, no blank line between: each line is read on its own."""
    issue = parse("# 晚报\n\n## 标题\n\n1982年9月18日\n第2版\n专栏：工厂通讯\n作者：陈立新\n\n正文。\n")
    section = issue.sections[0]
    assert (section.kicker, section.byline, section.page) == ("专栏：工厂通讯", "作者：陈立新", 2)
    assert (section.lines["kicker"], section.lines["byline"], section.lines["page"]) == (7, 8, 6)
    assert [b.text for b in section.blocks] == ["正文。"]
    assert (issue.masthead.date, issue.masthead.page_count) == ("1982-09-18", 2)


def test_an_empty_label_under_a_headline_is_left_out() -> None:
    """issue 9: an archive's field left empty (专栏：, 作者：) says nothing: a LABEL repair, not a paragraph."""
    issue = parse("# 日报\n\n## 标题\n\n1946-05-15\n第1版()\n专栏：\n作者：\n\n正文。\n")
    section = issue.sections[0]
    assert ([b.text for b in section.blocks], section.kicker, section.byline, section.page) == (
        ["正文。"],
        None,
        None,
        1,
    )
    assert [(r.kind, r.lines, r.before) for r in issue.repairs if r.kind is RepairKind.LABEL] == [
        (RepairKind.LABEL, (7,), "专栏："),
        (RepairKind.LABEL, (8,), "作者："),
    ]
    assert (issue.masthead.date, issue.masthead.furniture) == ("1946-05-15", ())


def test_a_lone_name_under_a_headline_is_a_commentarys_author() -> None:
    """issue 9: after the archive's lines too, as directly under the headline."""
    section = parse("# 晚报\n\n## 节约一度电\n\n1982年9月18日\n专栏：短评\n林 涛\n\n正文。\n").sections[0]
    assert (section.kind, section.author, section.kicker) == (SectionKind.COMMENTARY, "林 涛", "专栏：短评")


@pytest.mark.parametrize("signature", ["（周红）", "（记者 周红 李明）", "— H. R. WELLS.", "--J. Smith"])
def test_a_signature_after_the_last_paragraph_is_the_byline(signature: str) -> None:
    """issue 9: kept exactly, printed as the byline."""
    section = parse(f"# Star\n\n## Head\n\nThe first paragraph.\n\nThe last paragraph.\n\n{signature}\n").sections[0]
    assert (section.byline, len(section.blocks)) == (signature, 2)


def test_a_signature_stays_the_last_paragraph_of_a_story_with_a_byline() -> None:
    """issue 9: one byline a story; the signature is printed where the source has it."""
    section = parse("# 晚报\n\n## 标题\n\n本报太原讯 正文一。\n\n正文二。\n\n（李文华）\n").sections[0]
    assert section.byline == "本报太原讯"
    assert section.blocks[-1].text == "（李文华）"


def test_a_signature_above_the_next_headline_is_not_its_overline() -> None:
    issue = parse("# 晚报\n\n## 标题\n\n正文一。\n\n正文二。\n\n（周红）\n\n## 标题二\n\n正文三。\n")
    assert (issue.sections[0].byline, issue.sections[1].overline) == ("（周红）", None)


# ---- page markers ----


@pytest.mark.parametrize(
    ("line", "marker"),
    [
        ("第2版", Marker(2)),
        ("第二版", Marker(2)),
        ("第十二版", Marker(12)),
        ("2版", Marker(2)),
        ("第2版：要闻", Marker(2, "要闻")),
        ("第3版 国际新闻", Marker(3, "国际新闻")),
        ("第2版（要闻）", Marker(2, "要闻")),
        ("第1版()", Marker(1)),  # an archive's page line with its page name left empty
        ("Page 2", Marker(2)),
        ("PAGE 4", Marker(4)),
        ("<!-- page 5 -->", Marker(5)),
        ("-----", Marker(None)),  # a thematic break, as PDF-to-Markdown tools write between pages
        ("***", Marker(None)),
    ],
)
def test_page_markers(line: str, marker: Marker) -> None:
    """issue 9: a line of its own that names a page, or breaks to the next."""
    assert page_marker(line) == marker


@pytest.mark.parametrize("line", ["今日4版", "第2版刊登了读者来信。", "Page 2 of the report was missing."])
def test_a_line_that_mentions_a_page_is_no_marker(line: str) -> None:
    assert page_marker(line) is None


def test_stories_after_a_marker_are_on_its_page_and_the_front_page_needs_none() -> None:
    """issue 9: the page-lines fixture: three pages, the front page unmarked; the highest page is the count."""
    issue = fixture("page-lines")
    assert [s.page for s in issue.sections] == [1, 1, 2, 2, 2, 3, 3]
    assert issue.masthead.page_count == 3
    assert not any("版" == b.text[-1:] for s in issue.sections for b in s.blocks)


@pytest.mark.parametrize("marker", ["Page {n}", "<!-- page {n} -->", "第{n}版"])
def test_each_marker_form_places_the_stories_after_it(marker: str) -> None:
    text = "# Star\n\n## One\n\nText one.\n\n" + marker.format(n=2) + "\n\n## Two\n\nText two.\n\n"
    text += marker.format(n=3) + "\n\n## Three\n\nText three.\n"
    assert [s.page for s in parse(text).sections] == [1, 2, 3]


def test_a_thematic_break_begins_the_next_page() -> None:
    issue = parse("# Star\n\n## One\n\nText one.\n\n-----\n\n## Two\n\nText two.\n\n-----\n\n## Three\n\nText three.\n")
    assert [s.page for s in issue.sections] == [1, 2, 3]
    assert issue.masthead.page_count == 3


def test_a_thematic_break_after_the_last_story_or_in_the_masthead_begins_no_page() -> None:
    """issue 9: tools write a break after the last page too; a masthead may be ruled off with one."""
    issue = parse("# Star\n\n***\n\n## One\n\nText one.\n\n---\n\n## Two\n\nText two.\n\n---\n")
    assert [s.page for s in issue.sections] == [1, 2]
    assert (issue.masthead.page_count, issue.masthead.furniture) == (2, ("***",))


def test_a_marker_naming_its_page_names_the_page() -> None:
    """issue 9: 第2版：要闻 gives page 2 its name (版名); unnamed pages before it stay the style's."""
    issue = parse("# 晚报\n\n## 一\n\n正文一。\n\n第2版：要闻\n\n## 二\n\n正文二。\n")
    assert issue.settings.page_names == ("", "要闻")


def test_the_masthead_or_the_front_matter_page_count_wins_over_the_markers() -> None:
    issue = parse("# 晚报\n\n今日4版\n\n## 一\n\n正文一。\n\n第2版\n\n## 二\n\n正文二。\n")
    assert issue.masthead.page_count == 4


def test_no_marker_no_pages() -> None:
    """issue 9: without markers nothing is placed: the planner places the stories as before."""
    assert [s.page for s in parse("# Star\n\n## One\n\nText.\n\n## Two\n\nText.\n").sections] == [None, None]


# ---- deck headlines ----


@pytest.mark.parametrize(
    ("line", "decks"),
    [
        (
            "春灌时节水先行  三十万亩麦田喝上返青水  ——五个乡镇提前完成春灌",
            Decks("三十万亩麦田喝上返青水", "春灌时节水先行", "——五个乡镇提前完成春灌"),
        ),
        # two decks: the one opening with a dash is the 副题
        (
            "工厂新添流水线  ——县农机厂今年计划产脱粒机两千台",
            Decks("工厂新添流水线", None, "——县农机厂今年计划产脱粒机两千台"),
        ),
        # two decks: else the shorter is the main head (主题), the first on a tie
        ("迎着春风走进新学期  开学了", Decks("开学了", "迎着春风走进新学期")),
        ("开学了　迎着春风走进新学期", Decks("开学了", None, "迎着春风走进新学期")),
        # English: two spaces are OCR's gaps in a justified line, not decks
        ("FIRE AT  THE MILLS", Decks("FIRE AT  THE MILLS")),
        # one space between phrases is one head set on two lines, not decks
        ("高质高效办理建议提案 为经济社会发展赋能", Decks("高质高效办理建议提案 为经济社会发展赋能")),
        # issue 10: a gap inside brackets is the bracketed title's own; one outside still parts decks
        ("[题某君手卷即用其原韵　并序]", Decks("[题某君手卷即用其原韵　并序]")),
        ("[新印各种书籍价目] [  本馆发售]", Decks("[新印各种书籍价目] [  本馆发售]")),
        ("《题某君手卷　并序》  诗两首", Decks("诗两首", "《题某君手卷　并序》")),
    ],
)
def test_deck_headlines_split(line: str, decks: Decks) -> None:
    """issue 9: decks set apart by two spaces or an ideographic space; which is the main head, by practice."""
    assert split_decks(line) == decks


def test_the_decks_repeated_at_the_top_of_the_body_are_printed_once() -> None:
    """issue 9: the deck fixture: the repeat is a REPEAT repair, left out of the body."""
    issue = fixture("decks")
    lead = issue.sections[0]
    assert (lead.overline, lead.headline, lead.subheadline) == (
        "春灌时节水先行",
        '清河灌区三十万亩麦田喝上"返青水"',
        "——沿渠五个乡镇提前十天完成春灌",
    )
    assert lead.byline == "本报讯" and lead.blocks[0].text.startswith("入春以来")
    repeats = [r for r in issue.repairs if r.kind is RepairKind.REPEAT]
    assert [(r.lines, r.after) for r in repeats] == [((7, 9, 11), ""), ((21,), "")]
    assert issue.sections[1].blocks[0].text.startswith("城关镇东街")


def test_a_repeat_may_join_decks_on_one_line_and_leave_out_the_subheadline() -> None:
    decks = Decks("主题", "引题", "副题")
    assert repeated_lines(decks, ["引题  主题", "正文。"]) == 1
    assert repeated_lines(decks, ["引题", "主题", "副题", "正文。"]) == 3
    assert repeated_lines(decks, ["引题", "正文。"]) == 0  # a lone overline is no repeat
    assert repeated_lines(decks, ["主题", "正文。"]) == 0  # nor the decks out of order


# ---- datelines ----


@pytest.mark.parametrize(
    ("paragraph", "opening"),
    [
        ("本报讯（记者 陈忠华 通讯员 余明象）今年以来，", "本报讯（记者 陈忠华 通讯员 余明象）"),
        ("本报太原讯 城郊各村农民", "本报太原讯"),
        ("【新华社延安十日电】本市各界", "【新华社延安十日电】"),
        ("新华社北平五日电 华北各地", "新华社北平五日电"),
        ("新华社北京3月5日电（记者 张三）今天", "新华社北京3月5日电（记者 张三）"),
        ("（中央社南京五日电）此间米价", "（中央社南京五日电）"),
        ("WASHINGTON, April 30.—The Senate", "WASHINGTON, April 30.—"),
        ("LONDON, Feb. 3.—Parliament", "LONDON, Feb. 3.—"),
        ("ST. PAUL, Minn., May 2.—The", "ST. PAUL, Minn., May 2.—"),
        ("PARIS, March 5 (Reuters) - The", "PARIS, March 5 (Reuters) -"),
        ("(Special to The Star.) CHICAGO, March 4.—The", "(Special to The Star.) CHICAGO, March 4.—"),
        # issue 10: OCR often loses the dash; the day's stop before the first sentence still ends it
        ("SAN FRANCISCO, August 2. The county grand jury", "SAN FRANCISCO, August 2."),
    ],
)
def test_datelines(paragraph: str, opening: str) -> None:
    """issue 9: kept exactly as written: it is printed as the byline."""
    assert dateline(paragraph) == opening


@pytest.mark.parametrize(
    "paragraph",
    ["今年3月5日电价上涨。", "近日，在昭阳区", "The Senate voted.", "WASHINGTON is cold.", "CHICAGO, August 2."],
)
def test_no_dateline(paragraph: str) -> None:
    assert dateline(paragraph) is None


def test_a_dateline_opening_the_first_paragraph_is_the_byline() -> None:
    """issue 9: the dateline fixtures, Chinese and English."""
    assert [s.byline for s in fixture("datelines").sections] == [
        "【新华社石家庄十一日电】",
        "新华社北平十日电",
        "本报太原讯",
        "（中央社南京十日电）",
    ]
    english = fixture("datelines-english")
    assert [s.byline for s in english.sections] == [
        "WASHINGTON, March 2.—",
        "LONDON, March 2.—",
        "(Special to The Evening Star.)",
        "By Thomas Barrow",
    ]
    assert english.sections[0].blocks[0].text.startswith("The Senate to-day passed")
    # the damaged date line under the first headline: the issue's date, its text kept with the masthead
    assert (english.masthead.date, english.masthead.furniture) == ("1911-03-03", ())


def test_a_dateline_alone_on_its_line_is_the_byline() -> None:
    section = parse("# 日报\n\n## 标题\n\n【新华社延安十日电】\n\n正文。\n").sections[0]
    assert (section.byline, [b.text for b in section.blocks]) == ("【新华社延安十日电】", ["正文。"])


def test_signature_shapes() -> None:
    assert is_signature("（张三）") and is_signature("（新华社记者 张三）") and is_signature("— J. SMITH.")
    assert not is_signature("（完）") and not is_signature("（一）") and not is_signature("— and so it ended.")
