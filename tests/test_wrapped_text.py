"""OCR text as it comes, one printed line a source line and no blank lines (issue 9, readers): paragraphs from
the lines' lengths, and words a line's end broke after a hyphen made whole again, or kept where the hyphen
is the word's own. The fixture is an invented small-town weekly of 1887 (tests/issues/ocr-english/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_no_text_lost import model_characters, source_characters
from test_parse import assert_matches_golden

from layout.cli import main
from layout.model import BlockRole, Issue, Repair, RepairKind, to_dict
from layout.readers.hyphens import Hyphenation
from layout.readers.parse import parse_issue, parse_text

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "issues" / "ocr-english" / "millbrook-sentinel-1887-10-15.md"
GOLDEN = ROOT / "tests" / "golden" / "ocr-english-millbrook-sentinel-1887-10-15.json"

WRAPPED_ENGLISH = """# The Lakeside Courier

## Ferry service returns after repairs

The harbour ferry resumed its crossings on
Wednesday after six weeks in dry dock, where
its hull was scraped and its engines were
overhauled at the yard.
The first morning boat carried more than two
hundred passengers, many of them commuters
who had driven round the lake.
The timetable is unchanged.
"""

WRAPPED_CHINESE = """# 江城晚报

## 老街改造完成

历时一年的老街改造工程日前完工，首批居
民已于上周末陆续回迁。改造后的街巷保留
了青石板路面和木门板。
新铺设的雨污管网告别了雨天积水的老问题
，街口的菜市场也同步翻新，摊位由四十个
增至六十个。
"""


def parse(text: str) -> Issue:
    return parse_text(text, Path("test.md"))


def paragraphs(issue: Issue) -> list[tuple[str, int, int]]:
    return [(b.text, b.line, b.last_line) for b in issue.sections[0].blocks]


def story(*lines: str) -> str:
    return "# The Lakeside Courier\n\n## Headline\n\n" + "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def fixture_issue() -> Issue:
    return parse_issue(FIXTURE)


# ---- paragraphs from wrapped lines ----


def test_wrapped_lines_run_on_and_a_short_line_ending_a_sentence_ends_the_paragraph() -> None:
    assert paragraphs(parse(WRAPPED_ENGLISH)) == [
        (
            "The harbour ferry resumed its crossings on Wednesday after six weeks in dry dock, where its hull was "
            "scraped and its engines were overhauled at the yard.",
            5,
            8,
        ),
        (
            "The first morning boat carried more than two hundred passengers, many of them commuters who had "
            "driven round the lake.",
            9,
            11,
        ),
        ("The timetable is unchanged.", 12, 12),
    ]


def test_wrapped_chinese_lines_run_on_without_a_space() -> None:
    assert paragraphs(parse(WRAPPED_CHINESE)) == [
        ("历时一年的老街改造工程日前完工，首批居民已于上周末陆续回迁。改造后的街巷保留了青石板路面和木门板。", 5, 7),
        ("新铺设的雨污管网告别了雨天积水的老问题，街口的菜市场也同步翻新，摊位由四十个增至六十个。", 8, 10),
    ]


def test_a_sentence_ending_at_about_the_columns_width_runs_on() -> None:
    # nothing tells such a line from a full one that happens to end a sentence: the column ended it
    issue = parse(
        story(
            "The harbour ferry resumed its crossings on",
            "Wednesday after six weeks in the dry dock.",
            "The first morning boat carried two hundred",
            "passengers, many of them daily commuters.",
        )
    )
    assert len(paragraphs(issue)) == 1


def test_a_short_line_opening_a_paragraph_without_a_stop_is_a_subhead() -> None:
    blocks = (
        parse(
            story(
                "The harbour ferry resumed its crossings on",
                "Wednesday after six weeks in the dry dock",
                "and the yard's repairs.",
                "New timetable",
                "The first morning boat carried two hundred",
                "passengers, many of them daily commuters",
                "from the far shore.",
            )
        )
        .sections[0]
        .blocks
    )
    assert [(b.role, b.text[:20]) for b in blocks] == [
        (BlockRole.PARAGRAPH, "The harbour ferry re"),
        (BlockRole.SUBHEAD, "New timetable"),
        (BlockRole.PARAGRAPH, "The first morning bo"),
    ]


@pytest.mark.parametrize(
    "lines",
    [
        # too few lines to show a column
        ("The harbour ferry resumed its crossings", "on Wednesday.", "The timetable is unchanged."),
        # lines of no one width: verse, a list
        ("Ferry", "The harbour ferry is back.", "Timetable", "Unchanged.", "Fares", "Up by ten cents."),
    ],
)
def test_a_run_that_does_not_look_wrapped_is_read_as_before(lines: tuple[str, ...]) -> None:
    assert len(paragraphs(parse(story(*lines)))) == 1


# ---- words broken at a line's end ----


@pytest.mark.parametrize(
    ("start", "end", "word"),
    [
        ("Har-", "bor", "Harbor"),
        ("mem-", "bers,", "members,"),  # punctuation after the word stays with it
        ("“legis-", "lature”", "“legislature”"),  # and quotes around it
        ("some-", "thing", "something"),  # parts that are words, broken where the word hyphenates
        ("harbour-", "master", None),  # parts that are words, the joined one not: a compound
        ("well-", "known", None),
        ("thirty-", "four", None),
        ("New-", "York", None),  # a capital after the break: a name written with a hyphen
        ("Anglo-", "Saxon", None),
        ("twenty-sev-", "en", "twenty-seven"),
    ],
)
def test_a_line_end_hyphen_is_the_compositors_when_the_joined_word_is_a_word(
    start: str, end: str, word: str | None
) -> None:
    assert Hyphenation("en").rejoined(start, end) == word


def test_without_a_word_list_a_break_on_a_hyphenation_point_is_the_compositors() -> None:
    # no German word list is installed: pyphen's patterns alone say where a German compositor could break
    assert Hyphenation("de").rejoined("Zei-", "tung") == "Zeitung"
    assert Hyphenation("de").rejoined("Ze-", "itung") is None


def test_a_language_without_hyphenation_joins_nothing() -> None:
    assert Hyphenation("zh-Hans").rejoined("Har-", "bor") is None


def test_a_broken_word_inside_a_line_is_joined_only_on_the_word_lists_evidence() -> None:
    # OCR that ran a line end on keeps "Har- bor"; "pre- and post-war" is a suspended hyphen
    line, joins = Hyphenation("en").rejoined_inside("the Har- bor, pre- and post-war, the Mem- bers")
    assert line == "the Harbor, pre- and post-war, the Members"
    assert joins == [("Har- bor", "Harbor"), ("Mem- bers", "Members")]


def test_each_join_is_a_hyphen_repair_and_a_kept_hyphen_joins_its_lines_without_a_space() -> None:
    issue = parse(
        story(
            "The boats of the Cleveland and New-",
            "York line will call at the new har-",
            "bor twice a week, and the well-known",
            "steamer Mary Ellen lands its mem- bers",
            "at the pier on Fridays.",
        )
    )
    assert paragraphs(issue) == [
        (
            "The boats of the Cleveland and New-York line will call at the new harbor twice a week, "
            "and the well-known steamer Mary Ellen lands its members at the pier on Fridays.",
            5,
            9,
        )
    ]
    assert issue.repairs == (
        Repair(RepairKind.HYPHEN, (6, 7), "har- bor", "harbor"),
        Repair(RepairKind.HYPHEN, (8,), "mem- bers", "members"),
    )


def test_chinese_text_keeps_a_latin_words_line_end_hyphen() -> None:
    issue = parse("# 晚报\n\n## 标题\n\n" + "市民可登录网站查询，或拨打热线电话咨询，网址为www.ex-\nample.cn。\n")
    assert not issue.repairs


# ---- the fixture ----


def test_the_fixture_reads_as_three_stories_of_paragraphs(fixture_issue: Issue) -> None:
    assert [(s.headline, len(s.blocks)) for s in fixture_issue.sections] == [
        ("NEW PIER OPENED AT THE HARBOR", 4),
        ("THE LEGISLATURE AND THE ROADS", 3),
        ("LOCAL AND PERSONAL", 4),
    ]
    assert fixture_issue.sections[0].subheadline == "Steamers Will Land at All Stages of the Lake"
    assert fixture_issue.settings.language == "en"


def test_the_fixtures_hyphens_are_joined_or_kept_and_every_join_recorded(fixture_issue: Issue) -> None:
    text = " ".join(b.text for s in fixture_issue.sections for b in s.blocks)
    for kept in ("New-York", "well-known", "thirty-four", "twenty-two", "Anglo-Saxon", "three-inch"):
        assert kept in text
    for joined in ("harbor", "Hollis", "council", "representative", "members", "Several", "Monday"):
        assert joined in text
    assert "- " not in text and not text.endswith("-")
    joins = [r for r in fixture_issue.repairs if r.kind is RepairKind.HYPHEN]
    assert len(joins) == 11 and all(r.before.replace("- ", "") == r.after for r in joins)


def test_the_fixtures_stories_lose_no_text(fixture_issue: Issue) -> None:
    # the stories, from the first headline: the masthead's date and number are read as fields, their words dropped
    source = FIXTURE.read_text(encoding="utf-8")
    lost = source_characters(source[source.index("## ") :]) - model_characters(fixture_issue)
    assert not lost, f"lost {dict(lost)}"


def test_the_fixture_matches_its_golden_model(fixture_issue: Issue) -> None:
    """REISSUE_ACCEPT_GOLDEN=1 rewrites the golden file after a deliberate change."""
    source = "tests/issues/ocr-english/millbrook-sentinel-1887-10-15.md"
    assert_matches_golden({**to_dict(fixture_issue), "source": source}, GOLDEN)


def test_the_fixture_builds_and_verifies(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["build", str(FIXTURE), "--pages", "2", "--out", str(tmp_path)])
    assert exit_.value.code == 0, capsys.readouterr().err
    assert (tmp_path / f"{FIXTURE.stem}.pdf").is_file() and (tmp_path / f"{FIXTURE.stem}.epub").is_file()
