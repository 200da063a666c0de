"""Front matter: overrides applied to the inferred model, and each kind of mistake named with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from layout.errors import SourceError
from layout.model import Issue, RepairKind, SectionKind
from layout.readers.frontmatter import read_front_matter
from layout.readers.parse import parse_issue, parse_text

ISSUES = Path(__file__).resolve().parent / "issues"
BODY = "# 昭通日报\n\n## 苹果飘香 采摘忙\n\n近日,果农们忙着采摘苹果。\n\n记者 刘建忠 摄\n"


def parse(front: str, body: str = BODY, folder: Path = ISSUES) -> Issue:
    return parse_text(f"---\n{front}---\n{body}", folder / "test.md")


def error(front: str, body: str = BODY) -> SourceError:
    with pytest.raises(SourceError) as caught:
        parse(front, body)
    return caught.value


def test_no_front_matter() -> None:
    front = read_front_matter(BODY, Path("x.md"))
    assert (front.values, front.sections, front.body_line) == ({}, (), 1)


def test_overrides_masthead_settings_and_sections() -> None:
    issue = parse_issue(ISSUES / "gazette-overrides.md")
    m = issue.masthead
    assert (m.title, m.date, m.page_count, issue.page_count) == ("The Riverside Gazette", "2024-03-06", 2, 2)
    assert (m.lines["title"], m.lines["date"], m.lines["page_count"]) == (2, 3, 4)
    assert (issue.settings.paper, issue.settings.style, issue.settings.language) == ("A3", "broadsheet", "en-GB")
    story, rain, fair = issue.sections
    assert (fair.kind, fair.image, fair.alt, fair.page) == (
        SectionKind.PHOTO,
        "fair.png",
        "Stalls and a crowd on the green",
        2,
    )
    assert (fair.lines["image"], fair.lines["page"]) == (10, 12)
    assert rain.lead and not story.lead and issue.lead is rain
    assert (rain.kind, rain.kicker, rain.lines["kicker"]) == (SectionKind.STORY, "Weather", 15)
    assert story.line == 20  # body lines keep their numbers in the file


def test_headline_found_whatever_the_punctuation_width() -> None:
    body = "# 日报\n\n## 永善:“政策找人”\n\n正文。\n"
    issue = parse("sections:\n  - headline: 永善：“政策找人”\n    kind: feature\n", body)
    assert issue.sections[0].kind is SectionKind.FEATURE and issue.sections[0].headline == "永善：“政策找人”"


def test_normalize_punctuation_false() -> None:
    issue = parse("normalize_punctuation: false\n")
    assert not issue.settings.normalize_punctuation
    assert not [r for r in issue.repairs if r.kind is RepairKind.PUNCTUATION]
    assert issue.sections[0].caption == "近日,果农们忙着采摘苹果。"


def test_page_names_are_a_list_first_page_first() -> None:
    assert parse("page_names: [要闻, 评论]\n").settings.page_names == ("要闻", "评论")
    mistake = error("page_names: 要闻\n")
    assert mistake.line == 2 and "a list of page names" in str(mistake)


def test_empty_front_matter_keeps_line_numbers() -> None:
    issue = parse("")
    assert issue.sections[0].line == 5


def test_unknown_key_names_key_allowed_keys_and_line() -> None:
    message = str(error("title: 昭通日报\ncolour: red\n"))
    assert message.startswith(f"{ISSUES / 'test.md'}:3: unknown front matter key 'colour'; use one of ")
    assert "page_count" in message and "sections" in message and "\n" not in message


def test_unknown_section_key() -> None:
    message = str(error("sections:\n  - headline: 苹果飘香 采摘忙\n    size: big\n"))
    assert ":4: unknown section key 'size'; use one of alt, headline, image, kicker, kind, lead, page" in message


def test_unknown_kind() -> None:
    message = str(error("sections:\n  - headline: 苹果飘香 采摘忙\n    kind: gallery\n"))
    assert message.endswith(":4: unknown section kind 'gallery'; use one of story, commentary, photo, feature")


def test_wrong_types() -> None:
    assert "'page_count' must be a whole number" in str(error("page_count: four\n"))
    assert "'normalize_punctuation' must be true or false" in str(error("normalize_punctuation: maybe\n"))
    assert "'date' must be a date" in str(error("date: 2023-13-45\n"))
    assert ":2: 'sections' must be a list" in str(error("sections: 苹果\n"))
    assert "needs a 'headline'" in str(error("sections:\n  - kind: photo\n"))


def test_yaml_error_line() -> None:
    assert (
        str(error("title: 昭通日报\ndate: [2023-11-15\n"))
        .split(": the front matter is not valid YAML")[0]
        .endswith(":3")
    )
    assert "must be a mapping" in str(error("- a\n- b\n"))


def test_unclosed_front_matter() -> None:
    with pytest.raises(SourceError, match="never closed"):
        parse_text("---\ntitle: x\n# 日报\n", Path("x.md"))


def test_headline_matching_no_section() -> None:
    message = str(error("sections:\n  - headline: 不存在的标题\n    kind: photo\n"))
    assert ":3: no section has the headline '不存在的标题'" in message


@pytest.mark.parametrize(
    ("image", "problem"),
    [
        ("../../pyproject.toml", "outside the issue's folder"),
        ("/etc/passwd", "absolute path"),
        ("missing.png", "does not exist"),
    ],
)
def test_image_must_be_a_file_inside_the_folder(image: str, problem: str) -> None:
    message = str(error(f"sections:\n  - headline: 苹果飘香 采摘忙\n    image: {image}\n"))
    assert f":4: image '{image}' is" in message or f":4: image '{image}' does" in message
    assert problem in message


@pytest.mark.parametrize(
    ("front", "what", "line"),
    [
        ("title: &t 昭通日报\npublisher: *t\n", "an anchor or alias (&name, *name)", 2),
        ("title: 昭通日报\npublisher: *t\n", "an anchor or alias (&name, *name)", 3),
        ("sections:\n  - &s {headline: 苹果飘香 采摘忙}\n", "an anchor or alias (&name, *name)", 3),
        ("<<: {title: 昭通日报}\n", "a merge key (<<)", 2),
        ("sections:\n  - headline: 苹果飘香 采摘忙\n    <<: {kind: photo}\n", "a merge key (<<)", 4),
        ("title: [[[[[[[[[[x]]]]]]]]]]\n", "nesting deeper than 8 levels", 2),
    ],
)
def test_anchors_aliases_merge_keys_and_deep_nesting_are_refused(front: str, what: str, line: int) -> None:
    """item 8.4: an alias bomb expands 500 bytes into gigabytes; a merge key gave a KeyError."""
    refused = error(front)
    assert f"the front matter uses {what}, which reissue does not read" in refused.message
    assert refused.line == line and refused.hint == "write each value out in full"


def test_keys_that_are_not_words_are_named_not_looked_up() -> None:
    """item 8.4: a key YAML reads as a number or a list is an error with its line, not a KeyError."""
    assert "unknown front matter key '1'" in str(error("1: x\n"))
    assert ":2: a front matter key must be a word" in str(error("[a, b]: x\n"))
    assert ":4: a section key must be a word" in str(error("sections:\n  - headline: 苹果飘香 采摘忙\n    [a]: b\n"))


def test_a_number_too_long_to_convert_is_an_error() -> None:
    """item 8.4: int() refuses more than 4300 digits with a ValueError that was a traceback."""
    refused = error(f"issue_number: {'9' * 5000}\n")
    assert refused.line == 2 and "is not a value reissue reads" in refused.message
    assert len(str(refused)) < 300


@pytest.mark.parametrize(
    "front",
    [
        f"title: [{', '.join(['很长的标题'] * 10_000)}]\n",
        f"{'colour' * 150}: red\n",  # YAML reads keys of up to 1024 characters
        f"sections:\n  - headline: {'不存在的标题' * 10_000}\n",
        f"sections:\n  - headline: 苹果飘香 采摘忙\n    kind: {'gallery' * 10_000}\n",
        f"sections:\n  - headline: 苹果飘香 采摘忙\n    image: {'a/' * 10_000}x.png\n",
        f"title: {'x' * 100_000}\ndate: {'2023-13-45' * 10_000}\n",
    ],
)
def test_a_message_quotes_a_short_excerpt_of_any_value(front: str) -> None:
    """item 8.4: a long value is cut in the message to its first and last few characters."""
    message = str(error(front))
    assert "..." in message and len(message) < 500


def test_page_count_is_capped_like_the_command_lines() -> None:
    """item 8.3: --pages takes 1 to 200; so does the front matter."""
    assert parse("page_count: 200\n").masthead.page_count == 200
    for count in ("0", "201", "100000"):
        assert "'page_count' must be a whole number of pages from 1 to 200" in str(error(f"page_count: {count}\n"))


def test_a_masthead_page_count_beyond_the_cap_stays_text() -> None:
    """item 8.3: 共 9999 版 in the masthead is no page count an issue can have."""
    issue = parse_text("# 日报\n\n共 9999 版\n\n## 标题\n\n正文。\n", ISSUES / "test.md")
    assert issue.masthead.page_count is None and "共 9999 版" in issue.masthead.furniture


def test_a_section_put_on_a_page_the_issue_does_not_have_is_an_error() -> None:
    """item 8.3: page 99 of a one-page issue was silently ignored."""
    front = "page_count: 1\nsections:\n  - headline: 苹果飘香 采摘忙\n    page: 2\n"
    refused = error(front)
    assert refused.line == 5 and "is put on page 2; the issue's last page is 1" in refused.message
    front = "sections:\n  - headline: 苹果飘香 采摘忙\n    page: 2\n"
    text = f"---\n{front}---\n{BODY}"
    assert parse_text(text, ISSUES / "test.md", page_count=2).sections[0].page == 2
    with pytest.raises(SourceError, match="the issue's last page is 1"):
        parse_text(text, ISSUES / "test.md", page_count=1)  # the command line's --pages 1


@pytest.mark.parametrize("tag", ["zh-Hans", "zh-Hant-TW", "en-GB", "de-1996", "sr-Latn", "yue", "x-private"])
def test_a_language_is_a_bcp_47_tag(tag: str) -> None:
    """item 8.3: what EPUB's dc:language and the PDF's /Lang accept."""
    assert parse(f"language: {tag}\n").settings.language == tag


@pytest.mark.parametrize("tag", ["english", "zh_CN", "en-", "xx", "中文", "en GB", "zz-ZZ"])
def test_a_language_that_is_no_bcp_47_tag_is_refused(tag: str) -> None:
    """item 8.3: checked before the build, with its line."""
    refused = error(f"title: 昭通日报\nlanguage: {tag}\n")
    assert refused.line == 3 and "'language' must be a BCP 47 language tag such as zh-Hans" in refused.message


def test_heading_marks_closing_a_heading_are_not_its_text() -> None:
    """A heading's text is read without backtracking over its spaces (item 8.3), as before."""
    issue = parse_text("# 日报 #\n\n## Title ##  \n\nText.\n\n## C#\n\nMore.\n", ISSUES / "test.md")
    assert issue.masthead.title == "日报"
    assert [s.headline for s in issue.sections] == ["Title", "C#"]
