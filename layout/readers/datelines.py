"""The opening of a story's first paragraph -> its dateline; a story's last line -> its signature (issue 9).

In: a paragraph's text (or a line's). Out: the dateline that opens it (kept exactly as written: it is
printed as the story's byline), or whether a line is a signature (the writer's name set after the
last paragraph).

Datelines, Chinese and English, as papers have set them:

- a paper's own: 本报讯, 本报太原讯, 本报讯（记者 张三）;
- an agency's: 新华社北京3月5日电, 新华社北平五日电（记者 张三）, 中央社南京五日电, and the same in
  brackets: 【新华社延安十日电】, （中央社南京五日电）; any place's 讯 or 电 followed by the writers in
  brackets (昭通讯（通讯员 李四）);
- an English city's: WASHINGTON, April 30.— / LONDON, Feb. 3.— / ST. PAUL, Minn., May 2.— /
  PARIS, March 5 (Reuters) —, optionally after a credit in brackets ((Special to The Herald.)).

A signature is a short line of names: （张三）, （张三 李四）, （记者 张三）, — J. SMITH.
"""

from __future__ import annotations

import re

from layout.readers.dates import MONTH_NAMES
from layout.readers.newspaper import HAN

DAY = r"(?:\d{1,2}|[一二三四五六七八九十廿卅]{1,3})"
WRITERS = r"\s*[（(][^（()）]{1,60}[）)]"  # （记者 张三 通讯员 李四）
CITY = r"[A-Z][A-Z.'\-]*(?: [A-Z][A-Z.'\-]*){0,3}"

CHINESE_DATELINE = (
    rf"本报(?:[{HAN}]{{1,8}}?)?讯(?:{WRITERS})?"
    rf"|【[^【】\n]{{2,40}}[讯电]】(?:{WRITERS})?"
    rf"|[（(][^（()）\n]{{2,30}}{DAY}日(?:专)?电[）)]"
    # an agency (新华社, 中央社: a name ending in 社) or the paper, then the place and the day
    rf"|(?:[{HAN}]{{1,5}}社|本报)[^\s（(，,。【】“”]{{0,12}}?(?:\d{{1,2}}月)?{DAY}日(?:专)?电(?:{WRITERS})?"
    rf"|[^\s（(，,。【】“”]{{2,16}}?[讯电]{WRITERS}"
)
ENGLISH_DATELINE = (
    r"(?:\((?:Special|From|By)\b[^()\n]{2,60}\)\s*)?"
    rf"{CITY},(?: [A-Z][a-z]+\.?,)?\s+(?:{MONTH_NAMES})\s+\d{{1,2}}(?:st|nd|rd|th)?\.?"
    # the dash after the day, or the day's stop alone before the first sentence: OCR often loses the dash
    r"(?:\s*\([A-Za-z .]{2,30}\))?(?:\s*(?:—|–|--|-)|(?<=\.)(?=\s+[A-Z]))"
    r"|\((?:Special|From)\b[^()\n]{2,60}\)"
)
DATELINE = re.compile(rf"^(?:{CHINESE_DATELINE}|{ENGLISH_DATELINE})")

NAME = rf"[{HAN}·]{{2,5}}"
SIGNATURE = re.compile(
    rf"^[（(]\s*(?:[{HAN}]{{0,6}}(?:记者|通讯员)\s*)?{NAME}(?:\s+{NAME}){{0,3}}\s*[）)]$"
    r"|^(?:—|–|--)\s*[A-Z][A-Za-z.'\-]*(?: [A-Z][A-Za-z.'\-]*){0,4}\.?$"
)


def dateline(text: str) -> str | None:
    """The dateline that opens ``text``, as written (its trailing space left out), if it opens with one."""
    match = DATELINE.match(text)
    return match[0].rstrip() if match else None


def is_signature(text: str) -> bool:
    """Whether ``text`` is a signature: a short line of the writers' names, set after the last paragraph."""
    return bool(SIGNATURE.match(text.strip()))
