"""The parser's rules, one test each, on the sample issue, a small English paper and inline snippets."""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layout.errors import SourceError
from layout.model import BlockRole, Issue, RepairKind, SectionKind, to_dict
from layout.readers.newspaper import take_masthead_fields
from layout.readers.parse import full_width_punctuation, parse_issue, parse_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "zhaotong-2023-11-15.md"
GOLDEN = ROOT / "tests" / "golden" / "zhaotong-2023-11-15.json"
ISSUES = ROOT / "tests" / "issues"


@pytest.fixture(scope="module")
def sample() -> Issue:
    return parse_issue(SAMPLE)


def parse(text: str) -> Issue:
    return parse_text(text, Path("test.md"))


def nfkc(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "")


def assert_matches_golden(actual: dict, golden: Path) -> None:
    """``actual`` is what ``golden`` holds. With REISSUE_ACCEPT_GOLDEN=1 a golden that differs is rewritten
    and the test still fails, naming the file to review: a run that accepts is green only when nothing changed,
    so a CI run with the variable set cannot pass by accident."""
    expected = json.loads(golden.read_text(encoding="utf-8")) if golden.exists() else None
    if actual == expected:
        return
    if os.environ.get("REISSUE_ACCEPT_GOLDEN") == "1":
        golden.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        pytest.fail(f"{golden} rewritten: review the change (git diff), then test again without REISSUE_ACCEPT_GOLDEN")
    assert actual == expected, f"{golden} differs; after a deliberate change, rewrite it with REISSUE_ACCEPT_GOLDEN=1"


def test_sample_matches_golden(sample: Issue) -> None:
    """The whole model of the sample; REISSUE_ACCEPT_GOLDEN=1 rewrites the golden file after a deliberate change."""
    assert_matches_golden({**to_dict(sample), "source": "issues/zhaotong-2023-11-15.md"}, GOLDEN)


def test_accepting_a_changed_golden_rewrites_it_and_still_fails(tmp_path: Path, monkeypatch) -> None:
    """item 8.21: the accepting run fails once, so that the change is reviewed; the next run passes."""
    golden = tmp_path / "golden.json"
    golden.write_text('{"headline": "old"}', encoding="utf-8")
    monkeypatch.setenv("REISSUE_ACCEPT_GOLDEN", "1")
    with pytest.raises(pytest.fail.Exception, match="rewritten: review the change"):
        assert_matches_golden({"headline": "new"}, golden)
    assert json.loads(golden.read_text(encoding="utf-8")) == {"headline": "new"}
    assert_matches_golden({"headline": "new"}, golden)


def test_a_changed_golden_fails_and_is_left_as_it_was(tmp_path: Path, monkeypatch) -> None:
    """item 8.21: without the switch, a difference fails and the golden file is not touched."""
    golden = tmp_path / "golden.json"
    golden.write_text('{"headline": "old"}', encoding="utf-8")
    monkeypatch.delenv("REISSUE_ACCEPT_GOLDEN", raising=False)
    with pytest.raises(AssertionError, match="differs"):
        assert_matches_golden({"headline": "new"}, golden)
    assert json.loads(golden.read_text(encoding="utf-8")) == {"headline": "old"}


def test_sample_masthead(sample: Issue) -> None:
    m = sample.masthead
    assert (m.title, m.title_romanized, m.date, m.weekday, m.lunar_date) == (
        "昭通日报",
        "ZHAOTONG RIBAO",
        "2023-11-15",
        "星期三",
        "癸卯年十月初三",
    )
    assert (m.sponsor, m.publisher, m.slogan) == (
        "中共昭通市委主管主办",
        "昭通日报社出版",
        "权威传播公信新闻 深情反映大众心声",
    )
    assert (m.serial_number, m.issue_number, m.postal_code, m.website, m.editor_on_duty, m.page_count) == (
        "CN 53-0003",
        9642,
        "63-41",
        "www.ztnews.net",
        "吕翼",
        4,
    )
    assert m.furniture == ("微信公众号", "北纬29° App", "扫码投稿")
    assert m.website_name == "昭通新闻网"
    assert m.furniture_lines == (16, 20, 24)
    assert m.lines["title"] == 3 and m.lines["lunar_date"] == 8 and m.lines["issue_number"] == 26


def test_sample_sections(sample: Issue) -> None:
    kinds = [(s.kind, s.headline) for s in sample.sections]
    assert kinds == [
        (SectionKind.STORY, "昭通前三季度工业投资增速排名全省第一位"),
        (SectionKind.STORY, "高质高效办理建议提案 为昭通经济社会高质量发展赋能"),
        (SectionKind.PHOTO, "苹果飘香 采摘忙"),
        (SectionKind.COMMENTARY, "实调深研推动发展"),
        (SectionKind.FEATURE, "永善：“政策找人”跑出惠民“加速度”"),
    ]
    lead, story, photo, commentary, feature = sample.sections
    assert lead.lead and sample.lead is lead and not any(s.lead for s in sample.sections[1:])
    assert nfkc(lead.byline) == nfkc("本报讯(记者 陈忠华 通讯员 余明象)")
    assert lead.paragraphs[0].text.startswith("今年以来，昭通市工信局") and lead.lines["byline"] == 30
    assert lead.paragraphs[-1].text.startswith("今年前三季度")  # the kicker is not a paragraph of the lead
    assert (story.kicker, story.overline) == (
        "高质量发展调研行",
        "市政府系统办理市人大代表建议、市政协提案工作专题会议强调",
    )
    assert (story.lines["kicker"], story.lines["overline"], story.line) == (42, 44, 46)
    assert nfkc(story.byline) == nfkc("本报讯(记者 钱江)")
    assert photo.credit == "记者 刘建忠 摄" and (photo.caption or "").startswith("近日，在昭阳区") and not photo.blocks
    assert commentary.author == "申正勇" and commentary.byline is None and len(commentary.paragraphs) == 5
    assert feature.byline == "◆通讯员 黄梓 张萍"
    assert [b.text for b in feature.subheads] == [
        "强化组织领导 高位推动“加力度”",
        "创新宣传方式 政策知晓“拓广度”",
        "温情服务群众 排忧解难“显温度”",
    ]


def test_sample_run_in_heads(sample: Issue) -> None:
    lead, feature = sample.sections[0], sample.sections[4]
    assert [b.run_in for b in lead.blocks] == [
        None,
        "厘清发展思路，工业发展重点突出。",
        "成立项目专班，重大项目推进有序。",
        "强化项目储备，投资支撑不断增强。",
        None,
        None,
    ]
    assert [b.run_in for b in feature.blocks if b.run_in] == [
        "入户排查“找人”落实政策。",
        "部门数据联动“找人”落实政策。",
        "通过线上救助平台“找人”落实政策。",
        "典型案例引导“找人”落实政策。",
    ]
    assert all(b.text.startswith(b.run_in) for s in sample.sections for b in s.blocks if b.run_in)


def test_sample_joins(sample: Issue) -> None:
    joins = [r for r in sample.repairs if r.kind is RepairKind.JOIN]
    assert [r.lines for r in joins] == [(89, 91), (102, 104)]
    assert joins[0].after.endswith("一盘棋铺开、一体化推进。")
    feature = sample.sections[4]
    joined = [b for b in feature.blocks if b.line != b.last_line]
    assert [(b.line, b.last_line) for b in joined] == [(89, 91), (102, 104)]
    assert joined[0].text.endswith("一盘棋铺开、一体化推进。") and "入户开展“一月一走访" in joined[1].text


def test_sample_punctuation_repairs(sample: Issue) -> None:
    repairs = [r for r in sample.repairs if r.kind is RepairKind.PUNCTUATION]
    assert repairs and all(len(r.lines) == 1 for r in repairs)
    lead = sample.sections[0]
    assert "11个县（市、区）" in lead.blocks[4].text and "61.2%，" in lead.blocks[5].text
    assert not any("," in b.text for s in sample.sections for b in s.blocks)
    assert sample.masthead.website == "www.ztnews.net"


def test_keep_punctuation(sample: Issue) -> None:
    kept = parse_issue(SAMPLE, normalize_punctuation=False)
    assert not kept.settings.normalize_punctuation
    assert [r.kind for r in kept.repairs] == [RepairKind.JOIN, RepairKind.JOIN]
    assert kept.sections[0].byline == "本报讯(记者 陈忠华 通讯员 余明象)"
    assert nfkc(kept.sections[0].blocks[1].text) == nfkc(sample.sections[0].blocks[1].text)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("今年以来,昭通市", "今年以来，昭通市"),
        ("11个县(市、区),咬定", "11个县（市、区），咬定"),
        ("本报讯(记者 钱江)11月13日", "本报讯（记者 钱江）11月13日"),
        ("邮发代号: 63-41", "邮发代号： 63-41"),
        ("增长61.2%,增速", "增长61.2%，增速"),
        ("“政策找人”,打通", "“政策找人”，打通"),
        ("为什么?因为;所以!", "为什么？因为；所以！"),
        ("www.ztnews.net 1,000 10:30", "www.ztnews.net 1,000 10:30"),
        ("He said, (quietly) no: yes; why? now!", "He said, (quietly) no: yes; why? now!"),
        ("收入1,000元", "收入1,000元"),
    ],
)
def test_full_width_punctuation(before: str, after: str) -> None:
    assert full_width_punctuation(before) == after


def test_english_paper() -> None:
    issue = parse_issue(ISSUES / "gazette.md")
    m = issue.masthead
    assert (m.title, m.date, m.weekday, m.issue_number, m.slogan) == (
        "The Riverside Gazette",
        "2024-03-05",
        "Tuesday",
        345,
        '"All the news that fits"',
    )
    assert issue.settings.language == "en" and not any(r.kind is RepairKind.PUNCTUATION for r in issue.repairs)
    story, rain, fair = issue.sections
    assert story.lead and story.byline == "By Jane Doe"
    assert [b.run_in for b in story.blocks] == [None, "Roads first.", "Schools next."]
    # the original edition's jump line is dropped, and the repair says so: the reissue sets its own
    assert [(r.kind, r.lines, r.before) for r in issue.repairs] == [
        (RepairKind.JOIN, (15, 17), "traffic into the\n\ncity centre and "),
        (RepairKind.JUMP, (21,), "Continued on page 3"),
    ]
    assert "into the city centre" in story.blocks[1].text
    assert (rain.kicker, rain.overline) == ("Weather Watch", "Storm warning for the weekend")
    assert (fair.kind, fair.credit) == (SectionKind.PHOTO, "Photo by John Smith")


def test_join_needs_a_cut_sentence() -> None:
    issue = parse("# 日报\n\n## 标题\n\n第一段结束了。\n\n第二段开始\n\n第三段。\n")
    # a stop ends a paragraph; a short line without one is a subhead, not half a sentence
    assert [(b.role, b.text) for b in issue.sections[0].blocks] == [
        (BlockRole.PARAGRAPH, "第一段结束了。"),
        (BlockRole.SUBHEAD, "第二段开始"),
        (BlockRole.PARAGRAPH, "第三段。"),
    ]
    assert not issue.repairs


def test_join_after_a_comma_and_english_lowercase() -> None:
    issue = parse("# Daily\n\n## Headline\n\nThe vote was close,\n\nand the mayor\n\nwas pleased.\n\nNext day.\n")
    assert [b.text for b in issue.sections[0].blocks] == ["The vote was close, and the mayor was pleased.", "Next day."]
    assert [r.lines for r in issue.repairs] == [(5, 7), (7, 9)]


def test_hard_break_subhead_and_deeper_heading() -> None:
    text = "# 日报\n\n## 标题\n\n导语段落。\n\n小标题一  \n正文一。\n\n### 小标题二\n\n正文二。\n"
    section = parse(text).sections[0]
    assert [(b.role.value, b.text, b.line) for b in section.blocks] == [
        ("paragraph", "导语段落。", 5),
        ("subhead", "小标题一", 7),
        ("paragraph", "正文一。", 8),
        ("subhead", "小标题二", 10),
        ("paragraph", "正文二。", 12),
    ]
    assert section.kind is SectionKind.FEATURE


def test_a_run_of_short_lines_is_a_list_not_subheads() -> None:
    """issue 10: a price list, a table of contents or verse is short lines one under another; each is a line
    of the list (a paragraph), while a short line over text is still a subhead."""
    text = (
        "# 日报\n\n## 书目\n\n各书实价如左\n\n中英和约　洋一角\n\n瀚海尺牍　洋四角\n\n红楼梦补　洋五角\n\n"
        "附记\n\n以上各书均在本馆发售。\n"
    )
    section = parse(text).sections[0]
    assert [(b.role.value, b.text) for b in section.blocks] == [
        ("paragraph", "各书实价如左"),
        ("paragraph", "中英和约　洋一角"),
        ("paragraph", "瀚海尺牍　洋四角"),
        ("paragraph", "红楼梦补　洋五角"),
        ("subhead", "附记"),
        ("paragraph", "以上各书均在本馆发售。"),
    ]
    assert section.kind is SectionKind.STORY


def test_subheadline_and_dateline() -> None:
    text = "# 日报\n\n## 主题\n\n——副题在这里\n\n新华社北京11月14日电(记者 张三)正文开始。\n"
    section = parse(text).sections[0]
    assert section.subheadline == "——副题在这里"
    assert section.byline == "新华社北京11月14日电（记者 张三）" and section.blocks[0].text == "正文开始。"


def test_soft_wrapped_lines_are_one_paragraph() -> None:
    section = parse("# 日报\n\n## 标题\n\n第一行\n第二行。\n").sections[0]
    assert [(b.text, b.line, b.last_line) for b in section.blocks] == [("第一行第二行。", 5, 6)]


def test_title_from_first_line_without_title_heading() -> None:
    issue = parse("The Evening Post\n\nMonday, 4 March 2024\n\n## A headline\n\nSome text.\n")
    assert (issue.masthead.title, issue.masthead.date, issue.masthead.weekday) == (
        "The Evening Post",
        "2024-03-04",
        "Monday",
    )


def test_no_headings_is_an_error() -> None:
    with pytest.raises(SourceError, match="no headings"):
        parse("只有一段文字。\n")


def test_missing_title_and_empty_heading_are_errors() -> None:
    with pytest.raises(SourceError, match="no title"):
        parse("## 标题\n\n正文。\n")
    with pytest.raises(SourceError, match="heading has no text") as caught:
        parse("# 日报\n\n## \n\n正文。\n")
    assert caught.value.line == 3


def test_decodings(tmp_path: Path) -> None:
    text = "# 昭通日报\n\n## 苹果飘香 采摘忙\n\n近日,果农们忙着采摘苹果。\n"
    for name, data in (
        ("bom.md", b"\xef\xbb\xbf" + text.encode()),
        ("gb.md", text.encode("gb18030")),
        ("crlf.md", text.replace("\n", "\r\n").encode()),
    ):
        (tmp_path / name).write_bytes(data)
        issue = parse_issue(tmp_path / name)
        assert issue.masthead.title == "昭通日报" and issue.sections[0].line == 3
        assert issue.sections[0].blocks[0].text == "近日，果农们忙着采摘苹果。"


MARKUP_SOUP = st.lists(
    st.sampled_from(
        list("# \n-:[]{}'\"本报讯记者摄()（）,。abcA1—◆") + ["---\n", "## ", "sections:\n  - headline: x\n", "  \n"]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(MARKUP_SOUP)
def test_any_text_gives_a_model_or_one_line_error(text: str) -> None:
    try:
        parse_text(text, Path("soup.md"))
    except SourceError as error:
        assert "\n" not in str(error)


def test_a_masthead_date_with_its_month_in_capitals_is_read() -> None:
    """Old mastheads and datelines set the month in capitals (AUGUST 13, 1858)."""
    issue = parse("# The Daily Star\n\nFRIDAY, AUGUST 13, 1858\n\n## Headline\n\nThe text of the story.\n")
    assert issue.masthead.date == "1858-08-13"


@pytest.mark.parametrize(
    ("lines", "date", "weekday"),
    [
        # capitals, and the comma after the day read (or set) as a stop
        (["TONOPAH, NEVADA, WEDNESDAY EVENING, AUGUST 2. 1916"], "1916-08-02", "Wednesday"),
        # a weekday in a line of words is the words' (a forecast), not the issue's
        (
            ["Fair Tonight and Thursday", "TONOPAH, NEVADA, WEDNESDAY EVENING, AUGUST 2. 1916"],
            "1916-08-02",
            "Wednesday",
        ),
        (["Fair Tonight and Thursday"], None, None),
        # a weekday alone on its line, or beside the other fields, is the issue's
        (["Saturday", "March 7, 1908"], "1908-03-07", "Saturday"),
        (["今日8版 星期三"], None, "星期三"),
    ],
)
def test_the_masthead_weekday_is_the_dates_or_stands_alone(
    lines: list[str], date: str | None, weekday: str | None
) -> None:
    """issue 10: a real day's masthead (Tonopah Daily Bonanza, 1916) carries a forecast above its date line."""
    values: dict[str, object] = {}
    for number, line in enumerate(lines, 1):
        take_masthead_fields(line, number, values, {})
    assert (values.get("date"), values.get("weekday")) == (date, weekday)


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("TIISTAINA LOKAK 10 P — TUES OCT 10 1916", "1916-10-10"),  # Toveritar, Astoria, 1916
        ("BARRE, VT., SEPT. 30, 1916", "1916-09-30"),
        ("SEPT 30 1916", "1916-09-30"),
        ("Remark 10, 1916", None),  # a month's name is a word of its own
    ],
)
def test_a_mastheads_month_may_be_cut_short(line: str, date: str | None) -> None:
    values: dict[str, object] = {}
    take_masthead_fields(line, 1, values, {})
    assert values.get("date") == date
