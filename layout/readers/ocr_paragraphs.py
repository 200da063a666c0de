"""Where each line of an OCR text block stands -> the lines that begin the paragraphs the compositor set.

In: a block's lines in order, each with its left and right edge, its height and whether it ends in a word
broken by a hyphen. Out: the indices of the lines (after the first) that begin a paragraph; none when the
block's edges are not those of a justified column. The ALTO and hOCR readers use it: an OCR engine often
makes one block of a column-long article, and a reader of the reissue should get its paragraphs.

- Sizes are measured in the block's own line height (the median of its lines' heights), never in the
  file's units: an ALTO page may be in pixels at any resolution, in tenths of a millimetre or 1/1200 inch.
- A column's usual edges are where most of its lines stand, at each line measured on the lines around
  it (a scan is often skewed or its paper curved, so a column's edge drifts by an em or so down a page):
  the upper quartile of their right ends, the lower quartile of their starts, as a paragraph's last line
  and its indented first stand inside them.
- An edge is a justified one when most lines stand on it (within a tolerance), as in a column of
  justified type; only such an edge tells anything. A left edge of OCR noise (a scan's ragged margin read
  as marks) or a ragged right edge (flush-left type) says nothing, and the other edge is read alone.
- A line begins a paragraph when it is indented from a justified left edge, or when the line before it
  ends clearly short of a justified right edge. A line ending in a hyphen continues its word on the next
  line, so it never ends a paragraph, however it stands.
- Lines where the column's edges are not justified around them (a poem or a table set inside a column of
  prose: fewer than half the lines around stand on an edge) begin no paragraph.
- A block that is no justified column is left whole: verse (every line indented or short), centred
  lines, tables, an advertisement's display lines, a block whose lines stand in two columns (their left
  edges form two clusters). It shows as lines standing out of the column's measure (further from its
  left edge than a paragraph's indent, or out past its right edge), or as too large a share of lines
  that would begin a paragraph: a compositor's paragraphs are several lines long.
- Text set right to left (Hebrew, Arabic, Yiddish: most of its letters are) is read in its mirror image:
  its paragraphs are indented from the right, and their last lines end short on the left.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

MIN_LINES = 4  # fewer lines show no usual edge
NEIGHBOURS = 10  # lines either side of a line that show where the column's edges stand there
EDGE_QUANTILE = 0.75  # the column's edge: this quantile of the line ends (of the starts, mirrored) around a line
EDGE_TOLERANCE = 0.4  # line heights: a line this near an edge stands on it (OCR boxes wobble)
ON_EDGE_SHARE = 0.6  # an edge is justified when at least this share of lines stands on it
# ... and still is around a line when this share of the lines around it does: paragraphs of two lines, no shorter
ON_EDGE_SHARE_NEAR = 0.5
INDENT = 0.6  # line heights: a line this far right of the left edge is indented (an em is about a line height)
SHORT = 2.0  # line heights: a line ending this far short of the right edge ends a paragraph
# line heights: a paragraph's indent is a few ems; a line standing further in (or out) than this from the
# block's edges is centred, or in another column
OUT_OF_MEASURE = 6.0
OUT_OF_MEASURE_SHARE = 0.08  # more lines than this out of the measure: no justified column
BREAK_SHARE = 0.4  # more paragraph starts than this share of the lines: no justified column


@dataclass(frozen=True)
class LineBox:
    """Where one line of a block stands, in its file's units, and whether its last word runs on to the next line."""

    left: float
    right: float
    height: float
    hyphenated: bool


def paragraph_starts(lines: Sequence[LineBox], text: str) -> tuple[int, ...]:
    """The indices of the ``lines`` (after the first) of a block of ``text`` that begin a paragraph; none when
    they are no justified column."""
    if len(lines) < MIN_LINES:
        return ()
    if _right_to_left(text):
        lines = [LineBox(-line.right, -line.left, line.height, line.hyphenated) for line in lines]
    unit = statistics.median(line.height for line in lines)
    if unit <= 0:
        return ()
    lefts, rights = [line.left for line in lines], [line.right for line in lines]
    # how far inside the column's edges, where it stands, each line starts and ends, in line heights
    indents = [(left - edge) / unit for left, edge in zip(lefts, _edges_near(lefts, 1 - EDGE_QUANTILE), strict=True)]
    shortfalls = [(edge - right) / unit for right, edge in zip(rights, _edges_near(rights, EDGE_QUANTILE), strict=True)]
    left_justified = _on_edge_share(indents) >= ON_EDGE_SHARE
    right_justified = _on_edge_share(shortfalls) >= ON_EDGE_SHARE
    if not (left_justified or right_justified):
        return ()
    out_of_measure = _out_of_measure(lefts if left_justified else [], rights if right_justified else [], unit)
    if out_of_measure > OUT_OF_MEASURE_SHARE * len(lines):
        return ()
    # a poem or a table set inside a column of prose: its lines tell nothing, though the block's edges do
    column_near = [
        (not left_justified or left_near) and (not right_justified or right_near)
        for left_near, right_near in zip(_justified_near(indents), _justified_near(shortfalls), strict=True)
    ]
    starts = tuple(
        index
        for index in range(1, len(lines))
        if column_near[index]
        and not lines[index - 1].hyphenated
        and ((left_justified and indents[index] >= INDENT) or (right_justified and shortfalls[index - 1] >= SHORT))
    )
    return starts if len(starts) <= BREAK_SHARE * len(lines) else ()


def _right_to_left(text: str) -> bool:
    """Whether most of the letters of ``text`` are of a script written right to left."""
    directions = [unicodedata.bidirectional(character) for character in text]
    strong_rtl = sum(direction in ("R", "AL") for direction in directions)
    return strong_rtl * 2 > strong_rtl + directions.count("L")


def _edges_near(edges: list[float], quantile: float) -> list[float]:
    """Where the column's edge stands at each line: the ``quantile`` of the ``edges`` of the lines around it."""
    return [_quantile(edges[max(0, at - NEIGHBOURS) : at + NEIGHBOURS + 1], quantile) for at in range(len(edges))]


def _out_of_measure(lefts: list[float], rights: list[float], unit: float) -> int:
    """How many lines start further than a paragraph's indent from the block's left edge, or end past its right
    edge, measured on the whole block (line by line, two columns in one block are each a column: together none)."""
    starting = ending = 0
    if lefts:
        left = _quantile(lefts, 1 - EDGE_QUANTILE)
        starting = sum(abs(at - left) > OUT_OF_MEASURE * unit for at in lefts)
    if rights:
        right = _quantile(rights, EDGE_QUANTILE)
        ending = sum(at - right > OUT_OF_MEASURE * unit for at in rights)  # a short line is a paragraph's last
    return max(starting, ending)


def _quantile(values: list[float], quantile: float) -> float:
    ordered = sorted(values)
    return ordered[round(quantile * (len(ordered) - 1))]


def _justified_near(offsets: list[float]) -> list[bool]:
    """Whether the edge is still a justified one around each line: half the lines around it stand on it."""
    return [
        _on_edge_share(offsets[max(0, at - NEIGHBOURS) : at + NEIGHBOURS + 1]) >= ON_EDGE_SHARE_NEAR
        for at in range(len(offsets))
    ]


def _on_edge_share(offsets: list[float]) -> float:
    """The share of lines standing on an edge, given how far each stands from it in line heights."""
    return sum(abs(offset) <= EDGE_TOLERANCE for offset in offsets) / len(offsets)
