"""A headline block's secondary line (overline, subheadline, kicker, author) and the width it stands
in -> the lines and size it is set in, never ending on a short line.

The planner counts these lines to make the head's depth and the print templates set exactly them, one
line each, so that what is counted is what is printed. A line of display type that wraps leaving a
word or two alone under a long line (市政协提案工作专题会议 / 强调) reads as a mistake: such a text is
set a little smaller to stand on one line, or else broken where its phrases part, into lines of
about even length.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from layout.typeset import Run, Typesetter

SHORTEST_SHARE = 0.2  # a last line narrower than this share of the width is short
SHORTEST_CHARACTERS = 3  # and so is one of fewer characters
SMALLEST_SCALE = 0.9  # how far a display line may shrink to stand on one line
# where a display line may break between phrases: after a space, or after Chinese punctuation that
# closes a clause or a quotation
PHRASE_END = re.compile(r"(?<=\s)|(?<=[、，；：。！？”’）》」』])")


@dataclass(frozen=True)
class DisplayLines:
    size: float  # pt
    lines: tuple[str, ...]


def display_lines(text: str, width: float, size: float, typesetter: Typesetter) -> DisplayLines:
    """``text`` set in bold at ``size`` pt into ``width`` pt: as the typesetter breaks it unless that
    leaves a short last line; then on one line at up to a tenth smaller, else balanced at phrase
    boundaries, else balanced by narrowing the measure."""
    greedy = _set(text, width, size, typesetter)
    if len(greedy) == 1 or not _short(greedy[-1], width, size, typesetter):
        return DisplayLines(size, greedy)
    smaller = size * width / typesetter.advance(text, size, bold=True) * 0.995
    if smaller >= size * SMALLEST_SCALE:
        return DisplayLines(smaller, _set(text, width, smaller, typesetter))
    return DisplayLines(
        size,
        _by_phrases(text, len(greedy), width, size, typesetter)
        or _narrowed(text, len(greedy), width, size, typesetter),
    )


def _set(text: str, width: float, size: float, typesetter: Typesetter) -> tuple[str, ...]:
    return tuple(line.text for line in typesetter.set_paragraph([Run(text, bold=True)], width, size, indent_em=0))


def _short(line: str, width: float, size: float, typesetter: Typesetter) -> bool:
    return len(line.strip()) < SHORTEST_CHARACTERS or typesetter.advance(line, size, bold=True) < SHORTEST_SHARE * width


def _by_phrases(text: str, count: int, width: float, size: float, typesetter: Typesetter) -> tuple[str, ...] | None:
    """``text`` in ``count`` lines broken only between phrases, each fitting ``width``, the most even
    such breaking (the least difference between its longest and shortest line); None if there is none."""
    cuts = sorted({match.start() for match in PHRASE_END.finditer(text)} - {0, len(text)})
    best: tuple[float, tuple[str, ...]] | None = None
    for chosen in itertools.combinations(cuts, count - 1):
        bounds = (0, *chosen, len(text))
        lines = tuple(text[start:end].strip() for start, end in itertools.pairwise(bounds))
        widths = [typesetter.advance(line, size, bold=True) for line in lines]
        if all(lines) and max(widths) <= width and not _short(lines[-1], width, size, typesetter):
            spread = max(widths) - min(widths)
            if best is None or spread < best[0]:
                best = (spread, lines)
    return best[1] if best else None


def _narrowed(text: str, count: int, width: float, size: float, typesetter: Typesetter) -> tuple[str, ...]:
    """``text`` broken by the typesetter in the narrowest measure that still takes ``count`` lines: the
    lines come out about even (CSS's text-wrap: balance)."""
    low, high = width / count, width
    while high - low > 0.5:
        middle = (low + high) / 2
        if len(_set(text, middle, size, typesetter)) > count:
            low = middle
        else:
            high = middle
    return _set(text, high, size, typesetter)
