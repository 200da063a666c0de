"""A headline of decks on one line -> overline, headline and subheadline; the decks repeated in the body
-> how many of the body's first lines repeat them (issue 9, archive text).

In: a headline's text (``引题  主题  副题``: decks set apart by two or more spaces, or an ideographic
space) and the texts of the body's first pieces. Out: ``Decks`` (the overline, the main head, the
subheadline), and the count of leading body pieces that say the decks again.

Which deck is the main head follows Chinese newspaper practice: a full head is 引题 (the lead-in, above),
主题 (the main head, set largest) and 副题 (the subhead, below), so of three decks the middle is the main
head. Of two, a deck opening with a dash (——) is the 副题; otherwise the shorter is the main head (the
主题 states the news in the fewest words; the 引题 or 副题 gives the circumstances at length), the first
on a tie, since the main head is read first when nothing marks a lead-in. More decks than three: the
first is the overline, the last the subheadline, those between the head.

A gap inside brackets is the bracketed title's own, not one between decks (archives bracket a head:
``[题某君手卷　并序]``). Only a Chinese head is read as decks: Chinese archives set a head's decks on
one line so, while in English OCR two spaces are a justified line's gaps, and English decks stand on
lines of their own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

DECK_SEPARATOR = re.compile(r"\s*\u3000\s*|\s{2,}")
DASH = re.compile(r"^(?:——|—|--)")
CJK = re.compile(r"[\u3400-\u9fff]")
OPENING_BRACKETS = "([{（［｛【〔〖《〈「『"
CLOSING_BRACKETS = ")]}）］｝】〕〗》〉」』"


@dataclass(frozen=True)
class Decks:
    headline: str
    overline: str | None = None
    subheadline: str | None = None


def split_decks(text: str) -> Decks:
    """The decks of a headline line; a headline of one deck is the headline alone."""
    decks = [deck for deck in _outside_brackets(text.strip()) if deck]
    if len(decks) < 2 or not CJK.search(text):
        return Decks(text)
    if len(decks) == 2:
        first, second = decks
        if DASH.match(second) or (not DASH.match(first) and _width(first) <= _width(second)):
            return Decks(first, subheadline=second)
        return Decks(second, overline=first)
    return Decks(" ".join(decks[1:-1]), overline=decks[0], subheadline=decks[-1])


def _outside_brackets(text: str) -> list[str]:
    """``text`` split at the deck separators that stand outside brackets: the spaces inside ``[新印书目] [  本馆发售]``
    or ``《题某君手卷　并序》`` are the bracketed title's own, not a gap between decks."""
    parts, start, depth, at = [], 0, 0, 0
    for match in DECK_SEPARATOR.finditer(text):
        depth += _bracket_depth(text[at : match.start()])
        at = match.start()
        if depth <= 0:
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return parts


def _bracket_depth(text: str) -> int:
    opened = sum(text.count(opening) for opening in OPENING_BRACKETS)
    return opened - sum(text.count(closing) for closing in CLOSING_BRACKETS)


def repeated_lines(decks: Decks, texts: Sequence[str]) -> int:
    """How many of ``texts`` (the body's first pieces, in order) say the headline's decks again.

    The repeat may set the decks one a line or several on one; spaces and the width of punctuation do
    not count. It says the decks in order from the first, through the main head at least (a lone
    overline is no repeat); the subheadline may be left out."""
    parts = [_key(deck) for deck in (decks.overline, decks.headline, decks.subheadline) if deck]
    wanted = "".join(parts)
    enough = len(wanted) - (len(_key(decks.subheadline)) if decks.subheadline else 0)
    said, lines = "", 0
    for text in texts:
        key = _key(text)
        if not key or not wanted.startswith(said + key):
            break
        said, lines = said + key, lines + 1
    return lines if len(said) >= enough and said in _boundaries(parts) else 0


def _boundaries(parts: list[str]) -> set[str]:
    """The texts that end between two decks: a repeat ends there, not inside a deck."""
    return {"".join(parts[: end + 1]) for end in range(len(parts))}


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _width(text: str) -> float:
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text if not c.isspace())
