"""Checks of a finished PDF: an ``Issue`` and a PDF -> a ``Report``; ``OutputError`` when it is not a
PDF of this issue.

The PDF is read as ``pdf_pages`` reads it. Checked: the page count, and no page nearly empty (less
than ``NEAR_EMPTY`` of it inked, or far less than the others); every source unit in the text
(``text``); no source text printed more often than the source has it (a continued story's headline
once more on each page it continues on); jump lines (下转第N版 / 上接第M版, Continued on/from page N)
pair up and point where the story's text really continues; fonts embedded and no .notdef glyph
(tofu); no glyph off the trim box, on top of another, or hidden by a clipping path (text cut off by
``overflow: hidden``); and, when the PDF carries its makeup map, each page's makeup (``makeup``): no
module more than a third empty, and per page the white in its modules, short stories spread wide and
tombstoned headlines.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from pathlib import Path

import numpy as np

from layout.errors import OutputError
from layout.makeup_map import MAKEUP_NAME
from layout.model import Issue, RepairKind
from layout.verify.files import check_identity
from layout.verify.makeup import MapError, measure_makeup, read_map
from layout.verify.pdf_pages import EDGE_TOLERANCE, Glyph, Page, as_read_from_print, intersect, read_pdf
from layout.verify.report import Finding, PageMakeup, Report
from layout.verify.text import CONTEXT, MIN_PIECE, Unit, conservation, normalize, quote, text_units

OVERLAP_LIMIT, OVERLAP_LIMIT_PUNCT = 0.6, 0.9  # share of the smaller glyph box; punctuation may be squeezed
CLIP_VISIBLE = 0.5  # a glyph with less than this share of its box inside its clipping path is clipped
NEAR_EMPTY = 0.12  # share of a page inked below which it is nearly empty, whatever the other pages carry
SPARSE = 0.25  # share of the pages' median ink below which a page carries far less than the others
NOTDEF_CID = 0  # WeasyPrint writes a glyph no font has as a code its encoding maps to CID 0

PDF_CHECKS = ("pages", "text", "jumps", "fonts", "layout")


def verify_pdf(issue: Issue, pdf: Path) -> Report:
    """Check a finished PDF against the issue; OutputError when it is not a PDF of this issue."""
    pages, info, attached = read_pdf(pdf)
    first = pages[0].text if pages else ""
    check_identity(issue, pdf, info.get("Title", ""), " ".join(info.values()) + first, "PDF")
    texts = [p.text for p in pages]
    starts = [sum(len(t) for t in texts[:i]) for i in range(len(texts))]
    findings: list[Finding] = []
    if issue.page_count and len(pages) != issue.page_count:  # an issue that names none has the pages it fills
        findings.append(Finding("pages", f"the PDF has {len(pages)} pages; the issue has {issue.page_count}"))
    findings += near_empty_pages([p.ink for p in pages])
    units = text_units(issue, as_read_from_print)
    text_findings, placed, figures = conservation(units, "".join(texts), "PDF")
    findings += text_findings
    section_pages = {
        index: sorted({_page_of(offset, starts) for offset in offsets}) for index, offsets in placed.items()
    }
    findings += _printed_twice(units, texts, section_pages)
    findings += _jumps(texts, section_pages, issue)
    findings += _fonts(pages, issue)
    findings += _layout(pages)
    makeup, makeup_findings, notes = _makeup(pdf, pages, attached.get(MAKEUP_NAME))
    findings += makeup_findings
    fonts = sorted({name for p in pages for name in p.fonts})
    stats = {
        **figures,
        "pages": len(pages),
        "ink": [round(p.ink, 2) for p in pages],
        "glyphs": sum(len(p.glyphs) for p in pages),
        "fonts": fonts,
    }
    checks = PDF_CHECKS + (("makeup",) if makeup else ())
    return Report("pdf", str(pdf), checks, tuple(findings), stats, makeup, notes)


def _makeup(
    pdf: Path, pages: list[Page], data: bytes | None
) -> tuple[tuple[PageMakeup, ...], list[Finding], tuple[str, ...]]:
    """The pages' makeup measured by the map the PDF carries (``data``); a PDF without one (built by an
    older reissue, or a PDF/A-1 or -2, which may carry no such file) is verified without."""
    if data is None:
        return (), [], (f"makeup not measured: the PDF carries no makeup map ({MAKEUP_NAME})",)
    try:
        figures, findings = measure_makeup(pages, read_map(data))
    except MapError as error:
        raise OutputError(
            f"the PDF's makeup map ({MAKEUP_NAME}) does not describe its pages: {error}",
            path=pdf,
            hint="rebuild it with `reissue build`",
        ) from None
    return figures, findings, ()


def near_empty_pages(inks: list[float]) -> list[Finding]:
    """Pages with little on them: less than NEAR_EMPTY of the page inked, or far less than the others
    (a masthead or a folio over empty columns measures about 0.1, a full newspaper page 0.35 or more)."""
    if not inks:
        return []
    median = statistics.median(inks)
    findings = []
    for number, ink in enumerate(inks, start=1):
        if ink < NEAR_EMPTY:
            findings.append(
                Finding("pages", f"page {number} is nearly empty: {ink:.0%} of it inked, less than {NEAR_EMPTY:.0%}")
            )
        elif ink < SPARSE * median:
            findings.append(
                Finding(
                    "pages",
                    f"page {number} carries far less than the others: {ink:.0%} of it inked, "
                    f"the pages' median {median:.0%}",
                )
            )
    return findings


def _printed_twice(units: list[Unit], texts: list[str], section_pages: dict[int, list[int]]) -> list[Finding]:
    """A story's text printed more often than the source has it (a headline repeated at the top of its
    body, a paragraph set twice). A story continued on later pages repeats its headline there, once a page;
    one that begins after the front page may be named once on the front, in its index of the issue (the
    ear); so does every story whose headline holds the text (a standing head several stories share).
    Fields shorter than MIN_PIECE are left out: the page's own furniture may hold them too."""
    target = "".join(texts)
    findings = []
    for unit in units:
        if unit.section is None or len(unit.text) < MIN_PIECE:
            continue
        on_front = unit.text in texts[0]
        expected = sum(
            other.text.count(unit.text)
            * (1 + (_reprints(other, section_pages, on_front) if unit.kind == "headline" else 0))
            for other in units
        )
        printed = target.count(unit.text)
        if printed > expected:
            findings.append(
                Finding(
                    "text",
                    f"line {unit.line}: {unit.kind} printed {printed} times in the PDF, {expected} expected: "
                    f"{quote(unit.text, 0)}",
                    unit.line,
                )
            )
    return findings


def _reprints(unit: Unit, section_pages: dict[int, list[int]], on_front: bool) -> int:
    """How many more times than its source has it a story's headline may stand in print: atop each page
    it continues on, and in the front page's index (``on_front``) when it begins inside."""
    if unit.kind != "headline" or unit.section is None:
        return 0
    pages = section_pages.get(unit.section, [])
    return max(0, len(pages) - 1) + (bool(pages) and pages[0] > 1 and on_front)


def _page_of(offset: int, starts: list[int]) -> int:
    return max(i for i, start in enumerate(starts) if start <= offset) + 1


_NUMBER = "[0-9一二三四五六七八九十]+"
JUMP_TO = re.compile(rf"(?:下转|转)第?({_NUMBER})版|continuedonpage(\d+)", re.I)
JUMP_FROM = re.compile(rf"(?:上接|接)第?({_NUMBER})版|continuedfrompage(\d+)", re.I)
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def page_number(token: str) -> int:
    """'3' -> 3, '三' -> 3, '十二' -> 12, '二十' -> 20."""
    if token.isdigit():
        return int(token)
    tens, _, ones = token.rpartition("十")
    if "十" not in token:
        return _DIGITS[token] if len(token) == 1 else 0
    return (_DIGITS.get(tens, 0) if tens else 1) * 10 + (_DIGITS.get(ones, 0) if ones else 0)


def _jumps(texts: list[str], section_pages: dict[int, list[int]], issue: Issue) -> list[Finding]:
    """Jump lines pair up (p -> N on page p, N <- p on page N) and follow a story that really continues;
    the original edition's jump lines the notes quote are not the edition's own."""
    for repair in issue.repairs:
        if repair.kind is RepairKind.JUMP:
            texts = [text.replace(normalize(repair.before), "") for text in texts]
    to, frm = set(), set()
    for number, text in enumerate(texts, start=1):
        to |= {(number, page_number(m.group(1) or m.group(2))) for m in JUMP_TO.finditer(text)}
        frm |= {(page_number(m.group(1) or m.group(2)), number) for m in JUMP_FROM.finditer(text)}
    findings = []
    for src, dst in sorted(to):
        if dst == src or not 1 <= dst <= len(texts):
            findings.append(
                Finding("jumps", f"page {src} says continued on page {dst}, which is not another page of this PDF")
            )
        elif (src, dst) not in frm:
            findings.append(
                Finding(
                    "jumps",
                    f"page {src} says continued on page {dst}, but page {dst} has no line continued from page {src}",
                )
            )
    for src, dst in sorted(frm - to):
        findings.append(
            Finding(
                "jumps",
                f"page {dst} says continued from page {src}, but page {src} has no line continued on page {dst}",
            )
        )
    runs: dict[tuple[int, int], int] = {}
    for index, numbers in section_pages.items():
        for a, b in zip(numbers, numbers[1:]):
            runs.setdefault((a, b), index)
    for (a, b), index in sorted(runs.items()):
        if (a, b) not in to:
            section = issue.sections[index]
            findings.append(
                Finding(
                    "jumps",
                    f"line {section.line}: the story “{section.headline}” runs from page "
                    f"{a} on page {b} without a line continued on page {b}",
                    section.line,
                )
            )
    for src, dst in sorted(to & frm):
        if (src, dst) not in runs:
            findings.append(
                Finding(
                    "jumps",
                    f"page {src} says continued on page {dst}, but no story's text "
                    f"continues from page {src} on page {dst}",
                )
            )
    return findings


def _fonts(pages: list[Page], issue: Issue) -> list[Finding]:
    findings = []
    missing = sorted({name for p in pages for name, embedded in p.fonts.items() if not embedded})
    findings += [Finding("fonts", f"font {name} is not embedded") for name in missing]
    for number, page in enumerate(pages, start=1):
        tofu = [g for g in page.glyphs if g.cid == NOTDEF_CID]
        if tofu:
            chars = "".join(sorted({g.text for g in tofu}))
            line = next((u.line for u in text_units(issue) for c in normalize(chars) if c in u.text), None)
            where = f"line {line}: " if line else ""
            findings.append(
                Finding(
                    "fonts",
                    f"{where}page {number}: {len(tofu)} glyphs drawn as .notdef (tofu) "
                    f"in {tofu[0].font}, for {chars!r}: no font has them",
                    line,
                )
            )
    return findings


def _layout(pages: list[Page]) -> list[Finding]:
    findings = []
    for number, page in enumerate(pages, start=1):
        glyphs, boxes = page.marks, page.mark_boxes
        off = [glyphs[k] for k in np.flatnonzero(~_inside(boxes, page.trim, EDGE_TOLERANCE))]
        clipped = [g for g in glyphs if g.clip is not None and _share_inside(g.box, g.clip) < CLIP_VISIBLE]
        pairs = _overlaps(glyphs, boxes)
        if off:
            findings.append(
                Finding(
                    "layout",
                    f"page {number}: {len(off)} glyphs outside the trim box, first “{_run(off)}” at {_at(off[0])}",
                )
            )
        if clipped:
            findings.append(
                Finding(
                    "layout",
                    f"page {number}: {len(clipped)} glyphs hidden by a clipping path "
                    f"(text overflowing its box), first “{_run(clipped)}” at "
                    f"{_at(clipped[0])}",
                )
            )
        if pairs:
            a, b = pairs[0]
            findings.append(
                Finding(
                    "layout",
                    f"page {number}: {len(pairs)} pairs of glyphs drawn over each "
                    f"other, first “{a.text}” and “{b.text}” at {_at(a)}",
                )
            )
    return findings


def _run(glyphs: list[Glyph]) -> str:
    return "".join(g.text for g in glyphs[:CONTEXT])


def _at(glyph: Glyph) -> str:
    return f"({glyph.box[0]:.0f}, {glyph.box[1]:.0f}) pt"


def _inside(boxes: np.ndarray, frame, tolerance: float) -> np.ndarray:
    """Which of the boxes (as ``box_arrays`` gives them) lie inside the frame, give or take the tolerance."""
    return (
        (boxes[0] >= frame[0] - tolerance)
        & (boxes[1] >= frame[1] - tolerance)
        & (boxes[2] <= frame[2] + tolerance)
        & (boxes[3] <= frame[3] + tolerance)
    )


def _area(box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _share_inside(box, frame) -> float:
    area = _area(box)
    return _area(intersect(box, frame)) / area if area else 1.0


def _overlaps(glyphs: list[Glyph], boxes: np.ndarray, cell: float = 24.0) -> list[tuple[Glyph, Glyph]]:
    """Pairs of glyphs whose boxes cover more than OVERLAP_LIMIT of the smaller one, in drawing order.
    A grid keeps it linear: a pair is weighed once, in the cell that holds the lower left corner of
    where the two meet, and a cell's glyphs are taken by their left edges, so that each is weighed only
    against those that start before it ends. A page has tens of thousands of glyphs: the grid is worked
    as arrays (``_neighbours``), and the pairs' shares in float64, the same arithmetic as Python's floats."""
    lefts, feet, rights, heads = boxes  # the glyphs', as ``box_arrays`` gives them
    i, j = _neighbours(lefts, feet, rights, heads, cell)
    areas = np.maximum(0.0, rights - lefts) * np.maximum(0.0, heads - feet)
    smaller = np.minimum(areas[i], areas[j])
    met = np.maximum(0.0, np.minimum(rights[i], rights[j]) - np.maximum(lefts[i], lefts[j])) * np.maximum(
        0.0, np.minimum(heads[i], heads[j]) - np.maximum(feet[i], feet[j])
    )
    some = smaller > 0
    i, j, shares = i[some], j[some], met[some] / smaller[some]
    likely = shares > min(OVERLAP_LIMIT, OVERLAP_LIMIT_PUNCT)  # only these few glyphs' punctuation is looked up
    pairs = sorted(
        (min(a, b), max(a, b))
        for a, b, share in zip(i[likely].tolist(), j[likely].tolist(), shares[likely].tolist())
        if share > (OVERLAP_LIMIT_PUNCT if _is_punct(glyphs[a].text) or _is_punct(glyphs[b].text) else OVERLAP_LIMIT)
    )
    return [(glyphs[a], glyphs[b]) for a, b in pairs]


def _neighbours(
    lefts: np.ndarray, feet: np.ndarray, rights: np.ndarray, heads: np.ndarray, cell: float
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of glyphs (two arrays of their indices) that may meet, each once: an entry for each
    grid cell a glyph covers, the entries sorted by cell, then left edge, then drawing order; each
    weighed against the entries one, two, ... further along its cell while one of them starts before it
    ends, and kept in the cell where the two meet: the higher foot's row, the right glyph's column."""
    columns, rows = (lefts // cell).astype(np.int64), (feet // cell).astype(np.int64)
    tall = np.maximum(0, (heads // cell).astype(np.int64) - rows + 1)
    counts = np.maximum(0, (rights // cell).astype(np.int64) - columns + 1) * tall
    owner = np.repeat(np.arange(len(lefts)), counts)
    if not len(owner):
        return owner, owner
    nth = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)  # of the cells its glyph covers
    cell_columns, cell_rows = columns[owner] + nth // tall[owner], rows[owner] + nth % tall[owner]
    cells = (cell_columns - cell_columns.min()) * (cell_rows.max() - cell_rows.min() + 1) + cell_rows - cell_rows.min()
    place = np.empty(len(lefts), np.int64)  # by left edge, then drawing order: one key sorts quicker than lexsort
    place[np.argsort(lefts, kind="stable")] = np.arange(len(lefts))
    order = np.argsort(cells * len(lefts) + place[owner])
    owner, cells, cell_columns, cell_rows = owner[order], cells[order], cell_columns[order], cell_rows[order]
    entry_lefts, entry_rights = lefts[owner], rights[owner]
    firsts, seconds = [], []
    ahead = np.arange(len(owner))  # entries that may still meet one further along their cell
    step = 1
    while len(ahead):
        ahead = ahead[: np.searchsorted(ahead, len(owner) - step)]
        later = ahead + step
        ahead = ahead[(cells[later] == cells[ahead]) & (entry_lefts[later] < entry_rights[ahead])]
        firsts.append(ahead)
        seconds.append(ahead + step)
        step += 1
    first, second = np.concatenate(firsts), np.concatenate(seconds)
    i, j = owner[first], owner[second]
    meet_here = (columns[j] == cell_columns[first]) & (
        np.where(feet[i] >= feet[j], rows[i], rows[j]) == cell_rows[first]
    )
    return i[meet_here], j[meet_here]


def _is_punct(text: str) -> bool:
    return bool(text) and unicodedata.category(text[0])[0] in "PSZ"
