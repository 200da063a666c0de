"""A line of text -> the date it states, when the whole line is a date (issue 9, archive text).

In: one line of an issue's text (a date line under a headline, as archives keep them). Out: a
``DateLine`` (ISO date, weekday as written) when the line is a date and nothing else, else None.

The forms are those of Chinese and English papers, not of one archive: 1950年3月5日, 一九五〇年三月五日,
1950-03-05 (1950.3.5, 1950/3/5), March 5, 1950, 5 March 1950, Thursday, March 5, 1950, Mar. 5, 1950,
and OCR's damage to them: the comma before the year lost, or the space too, so that day and year run
together (FEBRUARY 171824 is February 17, 1824; MARCH 51903 is March 5, 1903: the year is the last
four digits, the day what is left, which is unambiguous because a day has one or two digits).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from layout.readers.newspaper import MONTHS

CHINESE_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0}
# a month written out or cut short, as papers write it: March, Mar., Mar, Sept.
MONTH_NAMES = "|".join(rf"{m[:3].capitalize()}(?:{m[3:]}|\.)?" for m in MONTHS) + r"|Sept\."
WEEKDAY_EN = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
WEEKDAY_ZH = r"(?:星期|礼拜)[一二三四五六日天]"

CHINESE_DATE = re.compile(
    r"^(?P<year>\d{4}|[〇零○Ｏ一二三四五六七八九]{4})\s*年\s*(?P<month>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"\s*(?P<day>\d{1,2}|[一二三四五六七八九十廿卅]{1,3})\s*日"
)
NUMERIC_DATE = re.compile(r"^(?P<year>\d{4})(?P<sep>[-./])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})")  # 1946-05-15
ENGLISH_DATES = (
    # March 5, 1950; MARCH 5 1950; Mar. 5. 1950 (OCR's full stop for a comma)
    re.compile(rf"^(?P<month>{MONTH_NAMES})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?[,.]?\s+(?P<year>\d{{4}})", re.I),
    # 5 March 1950
    re.compile(rf"^(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{MONTH_NAMES})[,.]?\s+(?P<year>\d{{4}})", re.I),
    # FEBRUARY 171824: OCR ran the day into the year
    re.compile(rf"^(?P<month>{MONTH_NAMES})\s+(?P<day>\d{{1,2}})(?P<year>\d{{4}})\b", re.I),
)
WEEKDAY = re.compile(rf"(?P<weekday>{WEEKDAY_EN}|{WEEKDAY_ZH})", re.I)
LEFT_OVER = re.compile(r"^[\s,.，、（）()]*$")  # what may stand around a date on a line of its own


@dataclass(frozen=True)
class DateLine:
    iso: str
    weekday: str | None

    def prints_as_written(self, text: str) -> bool:
        """Whether the masthead prints the date line ``text`` as the source writes it: in the styles'
        forms, 1950年3月5日 (星期日) or (Sunday,) March 5, 1950. A line in any other form (一九五〇年三月五日,
        5 March 1950, OCR's FEBRUARY 171824) is kept as written among the masthead's furniture too, so
        that none of it is lost."""
        chinese, english = printed_forms(self.iso)
        if self.weekday:
            chinese, english = f"{chinese} {self.weekday}", f"{self.weekday}, {english}"
        return re.sub(r"\s+", "", text) in {re.sub(r"\s+", "", form) for form in (chinese, english)}


def printed_forms(iso: str) -> tuple[str, str]:
    """The forms the styles' mastheads print the date ``iso`` in: 1950年3月5日 and March 5, 1950."""
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{year}年{month}月{day}日", f"{MONTHS[month - 1].capitalize()} {day}, {year}"


def read_date_line(text: str) -> DateLine | None:
    """The date ``text`` states, when the line is a date (and perhaps its weekday) and nothing else."""
    rest = text.strip()
    weekday = WEEKDAY.search(rest)
    if weekday:
        rest = f"{rest[: weekday.start()]} {rest[weekday.end() :]}".strip(" ,，")
    rest = rest.strip("（）() ")
    for pattern in (CHINESE_DATE, NUMERIC_DATE, *ENGLISH_DATES):
        if (match := pattern.match(rest)) and LEFT_OVER.match(rest[match.end() :]):
            iso = _iso(match["year"], match["month"], match["day"])
            if iso is not None:
                return DateLine(iso, weekday["weekday"] if weekday else None)
    return None


def _iso(year: str, month: str, day: str) -> str | None:
    try:
        return datetime.date(_number(year, digits=True), _month(month), _number(day)).isoformat()
    except (ValueError, KeyError):  # no such day (February 30), or numerals that make no number (十十)
        return None


def _month(text: str) -> int:
    if text[0].isalpha() and text.isascii():
        key = text.lower()[:3]
        return next(i for i, name in enumerate(MONTHS, 1) if name.startswith(key))
    return _number(text)


def _number(text: str, *, digits: bool = False) -> int:
    """A number in Arabic or Chinese numerals: 1950, 一九五〇 (``digits``: read digit by digit), 十二, 二十五, 廿五."""
    if text.isascii():
        return int(text)
    if digits:
        return int("".join(str(CHINESE_DIGITS[c]) for c in text))
    text = text.replace("廿", "二十").replace("卅", "三十")
    tens, _, units = text.rpartition("十")
    if "十" not in text:
        if len(text) != 1:
            raise ValueError(f"{text} is no number of a month or a day")
        return CHINESE_DIGITS[text]
    return (CHINESE_DIGITS.get(tens, 1) if tens else 1) * 10 + (CHINESE_DIGITS[units] if units else 0)
