"""Nothing lost: every non-space character of the source's text lines is in the model or a recorded repair.

A property test over generated issues (mastheads, display lines, bylines, credits, cut paragraphs, hard
breaks, mixed Chinese and Latin text with half-width punctuation), and the sample itself, where the only
characters the model does not hold are the masthead's labels, which the templates print.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from layout.model import QUOTED_IN_NOTES, Issue, RepairKind
from layout.readers.parse import parse_issue, parse_text

SAMPLE = Path(__file__).resolve().parent.parent / "issues" / "zhaotong-2023-11-15.md"
MASTHEAD_TEXT = (
    "title",
    "title_romanized",
    "weekday",
    "lunar_date",
    "sponsor",
    "publisher",
    "slogan",
    "serial_number",
    "postal_code",
    "website_name",
    "website",
    "editor_on_duty",
)
SECTION_TEXT = ("headline", "kicker", "overline", "subheadline", "byline", "author", "caption", "credit")
HEADING_MARK = re.compile(r"^ {0,3}#{1,6}\s")

# No masthead labels (年 期 版 …) and no digits in masthead lines: those are read as fields and their labels
# dropped on purpose (see test_sample_loses_only_masthead_labels).
HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可发展政策找"
MASTHEAD_ALPHABET = HAN + "abcxyzABC ,()：;?!。，、“”"
BODY_ALPHABET = MASTHEAD_ALPHABET + "0123456789.%-"


def characters(text: str) -> Counter[str]:
    return Counter(c for c in text if not c.isspace())


def source_characters(text: str) -> Counter[str]:
    """The text lines' characters: heading marks are markup, not text."""
    return characters("\n".join(HEADING_MARK.sub("", line) for line in text.split("\n")))


def model_characters(issue: Issue) -> Counter[str]:
    m = issue.masthead
    texts = [getattr(m, name) or "" for name in MASTHEAD_TEXT] + list(m.furniture)
    texts += [str(value) for value in (m.date, m.issue_number, m.page_count) if value is not None]
    for section in issue.sections:
        texts += [getattr(section, name) or "" for name in SECTION_TEXT] + [b.text for b in section.blocks]
    counted = characters("".join(texts))
    for repair in issue.repairs:
        # the marks it replaced, the line, the hyphen, the repeated head, the page marker or the empty label it dropped
        kinds = (RepairKind.PUNCTUATION, *QUOTED_IN_NOTES)
        if repair.kind in kinds:
            counted += characters(repair.before) - characters(repair.after)
    return counted


def phrase(alphabet: str, max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet, min_size=1, max_size=max_size).map(str.strip).filter(bool)


SPECIAL = st.sampled_from(
    [
        "本报讯(记者 张三)今年以来,发展很快。",
        "◆通讯员 李四 王五",
        "记者 刘建忠 摄",
        "Photo by Ann Lee",
        "申正勇",
        "——副题在这里",
        "Continued on page 3",
        "By Jane Doe",
        "小标题在这里  \n正文在这里。",
        "the end of a cut",
    ]
)
PARAGRAPH = st.one_of(
    phrase(BODY_ALPHABET, 80),
    st.tuples(phrase(BODY_ALPHABET, 60), st.sampled_from(["。", "、", ",", "", "？"])).map("".join),
    SPECIAL,
)


@st.composite
def issues(draw: st.DrawFn) -> str:
    lines = [f"# {draw(phrase(MASTHEAD_ALPHABET, 8))}", ""]
    for line in draw(st.lists(phrase(MASTHEAD_ALPHABET, 20), max_size=3)):
        lines += [line, draw(st.sampled_from(["", "  "]))]
    for _ in range(draw(st.integers(1, 4))):
        for line in draw(st.lists(phrase(BODY_ALPHABET, 20), max_size=2)):
            lines += [line, ""]
        lines += [f"## {draw(phrase(BODY_ALPHABET, 24))}", ""]
        for paragraph in draw(st.lists(PARAGRAPH, min_size=1, max_size=6)):
            lines += [paragraph, draw(st.sampled_from(["", "", "  "]))]
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None)
@given(issues(), st.booleans())
def test_no_text_lost(text: str, normalize: bool) -> None:
    issue = parse_text(text, Path("generated.md"), normalize_punctuation=normalize)
    lost = source_characters(text) - model_characters(issue)
    assert not lost, f"lost {dict(lost)}"


def test_sample_loses_only_masthead_labels() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    lost = source_characters(text) - model_characters(parse_issue(SAMPLE))
    # the wording around the masthead fields: 国内统一连续出版物号 CN…, 第…期, 邮发代号:, 值班编审:, 今日…版, …年…月…日
    assert lost == characters("国内统一连续出版物号第期邮发代号:值班编审:今日版年月日")
