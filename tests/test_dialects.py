"""Text dialects of extracted text (issue 9, readers): paragraphs marked by a first-line indent rather than
by blank lines, and numbered section heads (一、 （一） II. 1.) inside a story's body read as subheads."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_no_text_lost import model_characters, source_characters
from test_parse import assert_matches_golden

from layout.cli import main
from layout.model import BlockRole, Issue, SectionKind, to_dict
from layout.readers import read_issue
from layout.readers.parse import parse_text

INDENTED_CHINESE = """# 江城晚报

## 老街改造完成 居民陆续回迁

　　历时一年的老街改造工程日前完工，首批居民已于上周末陆续回迁。改造后的街巷保留了青石板路面和
临街铺面的木门板，
　　新铺设的雨污管网告别了雨天积水的老问题。街口的菜市场也同步翻新，摊位由四十个增至六十个。
　　社区负责人介绍，第二批居民将在月底前回迁，届时老街将重新开放夜市。
"""

INDENTED_ENGLISH = """# The Lakeside Courier

## Ferry service returns after repairs

    The harbour ferry resumed its crossings on Wednesday after six weeks in dry dock, where its hull
was scraped and its engines overhauled.
\tThe first morning boat carried more than two hundred passengers, many of them commuters who had
driven the long way round the lake since March.
    The operator says the timetable is unchanged.
"""


def parse(text: str) -> Issue:
    return parse_text(text, Path("test.md"))


def paragraphs(issue: Issue) -> list[tuple[str, int, int]]:
    return [(b.text, b.line, b.last_line) for b in issue.sections[0].blocks]


def assert_nothing_lost(text: str, issue: Issue) -> None:
    """Every non-space character of the source is in the model's text, its furniture or its repairs."""
    lost = source_characters(text) - model_characters(issue)
    assert not lost, f"lost {dict(lost)}"


# ---- paragraphs marked by a first-line indent ----


def test_an_indented_line_begins_a_paragraph_in_chinese_text() -> None:
    issue = parse(INDENTED_CHINESE)
    assert paragraphs(issue) == [
        (
            "历时一年的老街改造工程日前完工，首批居民已于上周末陆续回迁。改造后的街巷保留了青石板路面和"
            "临街铺面的木门板，",
            5,
            6,
        ),
        ("新铺设的雨污管网告别了雨天积水的老问题。街口的菜市场也同步翻新，摊位由四十个增至六十个。", 7, 7),
        ("社区负责人介绍，第二批居民将在月底前回迁，届时老街将重新开放夜市。", 8, 8),
    ]
    # an indent is a deliberate paragraph break, not a column break: nothing is joined across it
    assert not issue.repairs


def test_an_indented_line_begins_a_paragraph_in_english_text() -> None:
    issue = parse(INDENTED_ENGLISH)
    texts = [text for text, _, _ in paragraphs(issue)]
    assert len(texts) == 3
    assert texts[0].startswith("The harbour ferry") and texts[0].endswith("its engines overhauled.")
    assert texts[1].startswith("The first morning boat") and "who had driven the long way" in texts[1]
    assert texts[2] == "The operator says the timetable is unchanged."


def test_wrapped_lines_without_indents_stay_one_paragraph() -> None:
    text = "# Courier\n\n## Headline\n\nThe harbour ferry resumed its crossings\non Wednesday after six weeks\n"
    assert paragraphs(parse(text)) == [("The harbour ferry resumed its crossings on Wednesday after six weeks", 5, 6)]


def test_one_indented_line_is_not_the_indent_dialect() -> None:
    # a single indented first line is a paragraph's own indent: its wrapped lines still join to it
    text = "# 晚报\n\n## 标题\n\n　　第一行文字\n第二行文字。\n"
    assert paragraphs(parse(text)) == [("第一行文字第二行文字。", 5, 6)]


@pytest.mark.parametrize("text", [INDENTED_CHINESE, INDENTED_ENGLISH])
def test_indented_paragraphs_lose_no_text(text: str) -> None:
    # the indents (spaces, tabs, U+3000) are white space, so dropping them needs no recorded repair
    assert_nothing_lost(text, parse(text))


def test_an_indented_issue_builds_and_verifies(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "jiangcheng-2024-04-02.md"
    source.write_text(INDENTED_CHINESE, encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_:
        main(["build", str(source), "--pages", "1", "--out", str(out)])
    assert exit_.value.code == 0, capsys.readouterr().err
    assert (out / "jiangcheng-2024-04-02.pdf").is_file() and (out / "jiangcheng-2024-04-02.epub").is_file()


# ---- numbered section heads ----

NUMBERED_CHINESE = """# 江城晚报

## 关于做好今年防汛工作的通知

各区、各部门：

　　为切实做好今年防汛工作，现就有关事项通知如下。
一、压实防汛责任
　　各区要落实行政首长负责制，层层明确责任人。
二、加强隐患排查
（一）排查重点部位
　　对水库、堤防和地下空间逐一排查。
　　三、各区要在五月底前完成全部隐患点的整改，并将整改情况书面报送市防汛办公室。
"""


def test_numbered_heads_are_subheads_in_chinese_text() -> None:
    issue = parse(NUMBERED_CHINESE)
    section = issue.sections[0]
    assert [(b.role, b.text[:8]) for b in section.blocks] == [
        (BlockRole.PARAGRAPH, "各区、各部门："),
        (BlockRole.PARAGRAPH, "为切实做好今年防"),
        (BlockRole.SUBHEAD, "一、压实防汛责任"),
        (BlockRole.PARAGRAPH, "各区要落实行政首"),
        (BlockRole.SUBHEAD, "二、加强隐患排查"),
        (BlockRole.SUBHEAD, "（一）排查重点部"),
        (BlockRole.PARAGRAPH, "对水库、堤防和地"),
        # a numbered sentence is a paragraph, not a head
        (BlockRole.PARAGRAPH, "三、各区要在五月"),
    ]
    assert section.kind is SectionKind.FEATURE
    assert_nothing_lost(NUMBERED_CHINESE, issue)


def test_numbered_heads_are_subheads_in_english_text() -> None:
    text = (
        "# The Lakeside Courier\n\n## What the new plan says\n\nThe council published its plan on Monday.\n\n"
        "I. Roads\n\nThe ring road is widened first.\n\nII. Schools\n\nTwo schools get new roofs.\n\n"
        "1. The levy rises by two per cent in April.\n\n"
        "2 Budget and borrowing\n"
    )
    blocks = parse(text).sections[0].blocks
    assert [(b.role, b.text) for b in blocks] == [
        (BlockRole.PARAGRAPH, "The council published its plan on Monday."),
        (BlockRole.SUBHEAD, "I. Roads"),
        (BlockRole.PARAGRAPH, "The ring road is widened first."),
        (BlockRole.SUBHEAD, "II. Schools"),
        (BlockRole.PARAGRAPH, "Two schools get new roofs."),
        # a numbered sentence ends with a stop: a paragraph
        (BlockRole.PARAGRAPH, "1. The levy rises by two per cent in April."),
        (BlockRole.PARAGRAPH, "2 Budget and borrowing"),
    ]


def test_a_numbered_head_marked_as_a_headline_is_a_subhead_of_the_story_above() -> None:
    text = "# 晚报\n\n## 防汛工作通知\n\n导语在这里。\n\n## 一、压实责任\n\n正文一。\n\n## 二、排查隐患\n\n正文二。\n"
    issue = parse(text)
    assert [s.headline for s in issue.sections] == ["防汛工作通知"]
    assert [(b.role, b.text) for b in issue.sections[0].blocks] == [
        (BlockRole.PARAGRAPH, "导语在这里。"),
        (BlockRole.SUBHEAD, "一、压实责任"),
        (BlockRole.PARAGRAPH, "正文一。"),
        (BlockRole.SUBHEAD, "二、排查隐患"),
        (BlockRole.PARAGRAPH, "正文二。"),
    ]


def test_a_long_numbered_line_without_a_stop_stays_a_paragraph() -> None:
    line = "1. " + "the council will consider the levy and the borrowing limit together " * 2
    blocks = parse(f"# Courier\n\n## Headline\n\n{line.strip()}\n\nNext.\n").sections[0].blocks
    assert blocks[0].role is BlockRole.PARAGRAPH


INDENTED_FIXTURE = Path(__file__).parent / "issues" / "indented" / "songjiang-1956-07-02.md"


def test_the_indented_fixture_has_a_paragraph_at_each_indent_and_matches_its_golden_model() -> None:
    """issue 9: archive text with 　　 indents and no blank lines: each indent begins a paragraph, the lines
    under it run on (without a space, in Chinese)."""
    issue = read_issue(INDENTED_FIXTURE)
    assert [len(section.paragraphs) for section in issue.sections] == [4, 3, 2]
    assert issue.sections[0].paragraphs[0].text.endswith("到六月底，全区已收割早稻三万四千多亩，占应收面积的六成以上。")
    model = {**to_dict(issue), "source": "tests/issues/indented/songjiang-1956-07-02.md"}
    assert_matches_golden(model, INDENTED_FIXTURE.parents[2] / "golden" / "text-indented-songjiang-1956-07-02.json")
