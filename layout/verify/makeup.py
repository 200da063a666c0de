"""How a PDF's pages are made up, measured against its glyphs: the pages as ``pdf_pages`` reads them and
the makeup map the PDF carries (``layout.makeup_map``) -> per page a ``PageMakeup``, and the findings of a
module left more than a third empty.

The map says where each module stands; what stands there is read from the page. Per page:

* white inside the modules: in each of a module's columns, the space between the lowest glyph of its
  text (or the foot of a photo's frame) and the module's foot; a page's share is its modules' white
  over their area, and a module whose columns are more than ``MOST_WHITE`` empty fails;
* short stories spread wide: a story of fewer than ``SHORT_STORY`` characters whose piece spans more
  than two columns;
* tombstones: two headlines at the same height in neighbouring modules, or one under another with
  nothing (no text, no photo) between them.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass

import numpy as np

from layout.plan import SHORT_STORY
from layout.verify.pdf_pages import Box, Page
from layout.verify.report import Finding, PageMakeup

MOST_WHITE = 1 / 3  # share of a module's columns that may stand empty below its text
WIDE = 2  # columns a short story may span


@dataclass(frozen=True)
class _Inked:
    """The glyphs that ink a page (not spaces) as arrays, a page's tens of thousands weighed at once:
    their centres, which place them, and their boxes (left edges, feet, right edges, heads)."""

    x: np.ndarray
    y: np.ndarray
    boxes: np.ndarray

    @classmethod
    def of(cls, page: Page) -> _Inked:
        boxes = page.mark_boxes
        return cls((boxes[0] + boxes[2]) / 2, (boxes[1] + boxes[3]) / 2, boxes)

    def held(self, box: Box) -> np.ndarray:
        """Which glyphs the box holds: their centres inside it, edges included."""
        return (box[0] <= self.x) & (self.x <= box[2]) & (box[1] <= self.y) & (self.y <= box[3])


class MapError(ValueError):
    """The makeup map is not one ``layout.makeup_map`` writes."""


@dataclass(frozen=True)
class _Section:
    kind: str
    headline: str
    chars: int  # characters of the story's text
    span: int  # columns its piece spans


@dataclass(frozen=True)
class _Module:
    box: Box
    columns: tuple[tuple[float, float], ...]  # x0, x1 of each column in page space
    heads: tuple[Box, ...]
    frames: tuple[Box, ...]
    sections: tuple[_Section, ...]

    @property
    def name(self) -> str:
        return next((section.headline for section in self.sections if section.headline), "")


def read_map(data: bytes) -> dict:
    """The makeup map; ``MapError`` when it is not one."""
    try:
        makeup = json.loads(data)
        if not isinstance(makeup, dict) or not isinstance(makeup.get("pages"), list):
            raise MapError("no list of pages")
        float(makeup.get("line_height", 0))
        return makeup
    except (ValueError, TypeError, UnicodeDecodeError) as error:
        raise MapError(str(error)) from None


def measure_makeup(pages: list[Page], makeup: dict) -> tuple[tuple[PageMakeup, ...], list[Finding]]:
    """Each page's figures and what fails: a module more than ``MOST_WHITE`` empty; ``MapError`` when the
    map does not describe these pages."""
    if len(makeup["pages"]) != len(pages):
        raise MapError(f"it lists {len(makeup['pages'])} pages, the PDF has {len(pages)}")
    figures, findings = [], []
    line_height = float(makeup.get("line_height", 0))
    for number, (page, listed) in enumerate(zip(pages, makeup["pages"], strict=True), start=1):
        try:
            modules = [_placed(module, page.trim) for module in listed["modules"]]
        except (KeyError, TypeError, ValueError) as error:
            raise MapError(f"page {number}: {type(error).__name__} {error}") from None
        inked = _Inked.of(page)
        white = area = emptiest = 0.0
        for module in modules:
            module_white, module_area = _white(module, inked)
            white, area = white + module_white, area + module_area
            share = module_white / module_area if module_area else 0.0
            emptiest = max(emptiest, share)
            if share > MOST_WHITE:
                findings.append(Finding("makeup", _too_white(number, module, share, module_white, line_height)))
        figures.append(
            PageMakeup(
                number=number,
                ink=round(page.ink, 2),
                white=round(white / area if area else 0.0, 3),
                emptiest=round(emptiest, 3),
                spread=sum(_spread(module) for module in modules),
                tombstones=len(_tombstones(modules, inked)),
            )
        )
    return tuple(figures), findings


def _placed(module: dict, trim: Box) -> _Module:
    """A module of the map in page space (y up), from its rectangles (top left of the trim box, y down)."""

    def box(rect: dict) -> Box:
        left, top = trim[0] + float(rect["x"]), trim[3] - float(rect["y"])
        return (left, top - float(rect["height"]), left + float(rect["width"]), top)

    return _Module(
        box(module),
        tuple((trim[0] + float(c["x"]), trim[0] + float(c["x"]) + float(c["width"])) for c in module["columns"]),
        tuple(box(head) for head in module["heads"]),
        tuple(box(frame) for frame in module["frames"]),
        tuple(
            _Section(str(s["kind"]), str(s["headline"]), int(s["chars"]), int(s["span"])) for s in module["sections"]
        ),
    )


def _white(module: _Module, inked: _Inked) -> tuple[float, float]:
    """The area (pt²) of the module's columns below the lowest of their text, and the columns' area."""
    text = inked.held(module.box)
    for head in module.heads:
        text &= ~inked.held(head)
    centres, feet = inked.x[text], inked.boxes[1][text]
    top, foot = module.box[3], module.box[1]
    white = area = 0.0
    for x0, x1 in module.columns:
        bottoms = [box[1] for box in (*module.heads, *module.frames) if box[0] < x1 and box[2] > x0]
        in_column = feet[(x0 <= centres) & (centres < x1)]  # none when x1 <= x0
        if len(in_column):
            bottoms.append(float(in_column.min()))
        lowest = max(foot, min(bottoms, default=top))
        white += (x1 - x0) * (lowest - foot)
        area += (x1 - x0) * (top - foot)
    return white, area


def _too_white(number: int, module: _Module, share: float, white: float, line_height: float) -> str:
    width = sum(x1 - x0 for x0, x1 in module.columns)
    rows = f" (about {white / width / line_height:.0f} rows a column)" if width and line_height else ""
    return (
        f"page {number}: the module of “{module.name}” is {share:.0%} empty below its text{rows}, "
        f"more than {MOST_WHITE:.0%}: its columns are not filled"
    )


def _spread(module: _Module) -> int:
    """The module's stories shorter than SHORT_STORY characters set across more than WIDE columns."""
    return sum(
        1
        for section in module.sections
        if section.kind != "photo" and section.chars < SHORT_STORY and section.span > WIDE
    )


def _tombstones(modules: list[_Module], inked: _Inked) -> list[tuple[Box, Box]]:
    """Pairs of headline blocks (their glyphs' bounds) that read as one: side by side at the same height
    in neighbouring modules, or one under the other with nothing between them."""
    heads: list[tuple[int, Box, Box]] = []  # module, the head's rectangle, its glyphs' bounds
    for index, module in enumerate(modules):
        for rect in module.heads:
            held = inked.held(rect)
            if held.any():
                heads.append((index, rect, _union(inked.boxes[:, held])))
    narrowest = min((x1 - x0 for m in modules for x0, x1 in m.columns), default=0.0)
    frames = [frame for m in modules for frame in m.frames]
    pairs = []
    for (a, rect_a, ink_a), (b, rect_b, ink_b) in itertools.combinations(heads, 2):
        if a != b and _overlap(ink_a[1], ink_a[3], ink_b[1], ink_b[3]) > 0:
            gap = max(modules[a].box[0], modules[b].box[0]) - min(modules[a].box[2], modules[b].box[2])
            if 0 <= gap < narrowest:  # neighbours: no column stands between them
                pairs.append((ink_a, ink_b))
        elif _overlap(rect_a[0], rect_a[2], rect_b[0], rect_b[2]) > 0:
            upper, lower = (ink_a, ink_b) if ink_a[1] > ink_b[1] else (ink_b, ink_a)
            band = (max(rect_a[0], rect_b[0]), lower[3], min(rect_a[2], rect_b[2]), upper[1])
            between = inked.held(band).any() or any(_meets(band, f) for f in frames)
            if band[3] > band[1] and not between:
                pairs.append((upper, lower))
    return pairs


def _meets(a: Box, b: Box) -> bool:
    return _overlap(a[0], a[2], b[0], b[2]) > 0 and _overlap(a[1], a[3], b[1], b[3]) > 0


def _overlap(low_a: float, high_a: float, low_b: float, high_b: float) -> float:
    return min(high_a, high_b) - max(low_a, low_b)


def _union(boxes: np.ndarray) -> Box:
    """The bounds of boxes given as four arrays."""
    return (float(boxes[0].min()), float(boxes[1].min()), float(boxes[2].max()), float(boxes[3].max()))
