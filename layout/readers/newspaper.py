"""Newspaper rules every reader shares: a line of a masthead -> its fields; a text -> its language.

In: text a reader found (a line above the first headline, a nameplate's lines, the body's text). Out:
the masthead's fields found in a line by their form (a date, an issue number, a serial, a web address),
with the text left around them, and the BCP 47 tag of the language most of the text is in.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from typing import Any

from layout.calendar_dates import MONTHS
from layout.model import MAX_PAGES

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_CHAR = re.compile(f"[{HAN}]")
LATIN_LETTER = re.compile("[A-Za-z]")
WORD = re.compile(f"[A-Za-z{HAN}]")
INDENT = re.compile("^(?: {4}|\t|\u3000\u3000)")  # a paragraph's first-line indent, in any paper's text

# a month written out or cut short, as mastheads set it too (OCT 10 1916, Sept. 30, 1916): a word of its own
MONTH = r"\b(?P<month>" + "|".join(rf"{m[:3].capitalize()}(?:{m[3:]}|\.)?" for m in MONTHS) + r"|Sept\.?)"


def _iso(year: str, month: str | int, day: str) -> str | None:
    try:
        number = _month_number(month) if isinstance(month, str) and not month.isdigit() else int(month)
        return datetime.date(int(year), number, int(day)).isoformat()
    except ValueError:
        return None


def _month_number(name: str) -> int:
    """1 for January, Jan or Jan.; a ValueError for no month's name."""
    key = name.lower().rstrip(".")[:3]
    return next((i for i, month in enumerate(MONTHS, 1) if month.startswith(key)), 0) or int(name)


def _value(match: re.Match[str]) -> str:
    return re.sub(r"\s+", " ", match["value"])


def _date(match: re.Match[str]) -> str | None:
    return _iso(match["year"], match["month"], match["day"])


def _number(match: re.Match[str]) -> int | None:
    """The number matched; a run of more than nine digits is no number a masthead states."""
    return int(match["value"]) if len(match["value"]) <= 9 else None


def _page_count(match: re.Match[str]) -> int | None:
    """A page count the masthead states, if an issue can have it (今日 0 版 or 共 9999 版 is text, not a count)."""
    count = _number(match)
    return count if count is not None and 1 <= count <= MAX_PAGES else None


# Masthead fields found inside a line by their form: (field, pattern, value of the match). A field is
# taken from its first match; what a line holds besides its matches is furniture. Order matters where
# patterns touch: the page count goes before the editor so 今日4版 is not read as part of a name. An
# English weekday takes its comma: it only separates it from the date.
MASTHEAD_FIELDS: tuple[tuple[str, re.Pattern[str], Callable[[re.Match[str]], Any]], ...] = (
    (
        "serial_number",
        # the spaces belong to the optional parts: a pattern that could open with spaces would try
        # every space of a long run as its start, and each way to share the run between two \s*
        re.compile(r"(?:(?:国内统一连续出版物号|国内统一刊号)\s*)?(?:[:：]\s*)?(?P<value>CN\s*\d{2}-\d{4}(?:/[A-Z])?)"),
        _value,
    ),
    ("issue_number", re.compile(r"第\s*(?P<value>\d+)\s*期"), _number),
    ("issue_number", re.compile(r"\b(?:No\.|Issue)\s*(?P<value>\d+)"), _number),
    ("postal_code", re.compile(r"邮发代号\s*(?:[:：]\s*)?(?P<value>\d+-\d+)"), _value),
    ("website_name", re.compile(f"(?P<value>[{HAN}]{{2,10}}网)(?=\\s*(?:https?://|www\\.))"), _value),
    ("website", re.compile(r"(?P<value>(?:https?://|www\.)[\w.\-/~%?=&#]*[\w/])", re.ASCII), _value),
    ("page_count", re.compile(r"(?:今日|本期|共)\s*(?P<value>\d+)\s*版"), _page_count),
    ("page_count", re.compile(r"\b(?P<value>\d+)\s+pages\b", re.IGNORECASE), _page_count),
    (
        "editor_on_duty",
        re.compile(f"(?:值班编审|值班编辑|值班总编|责任编辑|本版编辑)\\s*(?:[:：]\\s*)?(?P<value>[{HAN}·]{{2,5}})"),
        _value,
    ),
    ("editor_on_duty", re.compile(r"\bEditor(?: on duty)?\s*:\s*(?P<value>[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)*)"), _value),
    ("date", re.compile(r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"), _date),
    # a month's name in capitals too (AUGUST 13, 1858): old mastheads and datelines are set so
    # the comma after the day often read as a stop by OCR, or set so (AUGUST 2. 1916)
    ("date", re.compile(MONTH + r"\s+(?P<day>\d{1,2})[,.]?\s+(?P<year>\d{4})", re.IGNORECASE), _date),
    ("date", re.compile(r"(?P<day>\d{1,2})\s+" + MONTH + r"\s+(?P<year>\d{4})", re.IGNORECASE), _date),
    ("date", re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"), _date),
    ("weekday", re.compile(r"(?P<value>(?:星期|礼拜)[一二三四五六日天])"), _value),
    (
        "weekday",
        re.compile(r"\b(?P<value>(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)\b,?", re.IGNORECASE),
        lambda match: match["value"].capitalize(),
    ),
    (
        "lunar_date",
        re.compile(
            r"(?P<value>(?:农历)?[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]年闰?"
            r"[正一二三四五六七八九十冬腊]{1,2}月(?:初|十|廿|卅|二十|三十)[一二三四五六七八九十]?)"
        ),
        _value,
    ),
)


def take_masthead_fields(text: str, line: int, values: dict[str, Any], lines: dict[str, int]) -> list[str]:
    """Take the fields found in ``text`` (source line ``line``) into ``values``, each field not yet there;
    return the text left around them. A weekday is the issue's only on its date's line or on a line of
    fields alone: in a line of words (``Fair Tonight and Thursday``, a forecast) it is the words'."""
    remaining = text
    for name, pattern, read in MASTHEAD_FIELDS:
        match = None if name in values else pattern.search(remaining)
        if match and (value := read(match)) is not None:
            if name == "weekday" and not _states_the_weekday(
                remaining, match, dated="date" in values and lines.get("date") == line
            ):
                continue
            values[name], lines[name] = value, line
            remaining = f"{remaining[: match.start()]}\0{remaining[match.end() :]}"
    return [part.strip() for part in remaining.split("\0") if part.strip()]


def _states_the_weekday(text: str, match: re.Match[str], *, dated: bool) -> bool:
    """Whether the weekday ``match`` in ``text`` is the issue's: the line gave the date, or holds no other
    word than its fields (``Thursday``, ``星期三``, ``今日8版 星期三``)."""
    return dated or not WORD.search(f"{text[: match.start()]}{text[match.end() :]}")


def language_of(texts: Iterable[str]) -> str:
    """``zh-Hans`` when the texts hold at least as many Han characters as Latin letters, else ``en``."""
    han = latin = 0
    for text in texts:  # counted, not listed: a list of every character would be many times the text
        han += len(text) - len(HAN_CHAR.sub("", text))
        latin += len(text) - len(LATIN_LETTER.sub("", text))
    return "zh-Hans" if han >= latin else "en"
