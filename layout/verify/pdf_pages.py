"""A PDF read as a printer would draw it: a file -> its pages (each glyph with its font, box and the
clipping path in force; the fonts and whether they are embedded; the text in reading order; the share
of the page inked), the document's info and the files attached to it; ``OutputError`` when it is not a
PDF.

It reads with pdfminer's interpreter, the content streams' tokens read by qpdf (``content_stream``:
pdfminer's pure-Python parser took most of the time; it still reads a stream qpdf finds malformed), each
glyph's box as pdfminer's ``LTChar`` gives it (worked out by ``_Device`` itself for horizontal writing), and
adds what pdfminer leaves out: the encoding CMaps WeasyPrint embeds for a glyph no font has, clipping
paths (text cut off by ``overflow: hidden``), and what images and painted shapes cover. Ink is the union
of glyph, image and painted-shape boxes. A PDF's right-to-left runs (Arabic, Hebrew), drawn in visual
order, are read back in logical order, line by line.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import numpy as np
from bidi import get_display
from pdfminer.cmapdb import FileCMap, FileUnicodeMap
from pdfminer.converter import PDFLayoutAnalyzer
from pdfminer.layout import LTChar
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdffont import PDFCIDFont, PDFFont, PDFType3Font
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser, PDFStreamParser, PDFSyntaxError
from pdfminer.pdftypes import PDFException, PDFStream, resolve1, stream_value
from pdfminer.psparser import PSException
from pdfminer.utils import apply_matrix_pt, decode_text

from layout.errors import OutputError
from layout.verify.content_stream import tokens
from layout.verify.files import check_regular_file, unreadable
from layout.verify.text import normalize

_pdfminer_log = logging.getLogger("pdfminer.pdfinterp")
_pdfdevice_log = logging.getLogger("pdfminer.pdfdevice")

NAME_TREE_DEPTH = 8  # levels of a name tree read: a real PDF's few files need one or two
EDGE_TOLERANCE = 1.0  # pt a glyph's box may stick out of the trim box (rounding of font boxes)
INK_BAND = 1 << 22  # cells of a page's 1 pt grid laid at once (16 MB of counts): a broadsheet page has 2.6 million

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in page space (y up)
Point = tuple[float, float]
_Cells = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # boxes' left, bottom, right and top cells


@dataclass(frozen=True)
class Glyph:
    text: str
    cid: int
    font: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in page space (y up)
    clip: tuple[float, float, float, float] | None  # bounding box of the clipping path in force


@dataclass
class Page:
    trim: tuple[float, float, float, float]
    glyphs: list[Glyph]
    fonts: dict[str, bool]  # font name -> embedded (Type3 counts as embedded)
    text: str  # normalized, in reading order
    ink: float  # share of the trim box inked (see ``_ink``)

    @functools.cached_property
    def marks(self) -> list[Glyph]:
        """The glyphs that print something (not spaces), in drawing order."""
        return [g for g in self.glyphs if g.text.strip()]

    @functools.cached_property
    def mark_boxes(self) -> np.ndarray:
        """The marks' boxes as ``box_arrays`` gives them, which verify's measures of a page share."""
        return box_arrays([g.box for g in self.marks])


def read_pdf(path: Path) -> tuple[list[Page], dict[str, str], dict[str, bytes]]:
    """The pages' glyphs (in drawing order, with their clipping), fonts and boxes, the document info, and
    the files attached to the PDF by name."""
    data = _read_bytes(path)
    if data.lstrip()[:5] != b"%PDF-":
        raise OutputError("not a PDF file", path=path, hint="give the PDF that `reissue build` wrote")
    try:
        document = _Document(PDFParser(BytesIO(data)))
        info = {k: _decode(v) for d in document.info for k, v in d.items()}
        resources = _Resources()
        pages = [_read_page(resources, page) for page in PDFPage.create_pages(document)]
        attached = _attached_files(document)
    except (PSException, PDFException, ValueError, KeyError, TypeError, AttributeError, AssertionError) as error:
        raise OutputError(
            f"cannot read this PDF ({type(error).__name__}: {error})", path=path, hint="rebuild it with `reissue build`"
        ) from None
    return pages, info, attached


def _attached_files(document: PDFDocument) -> dict[str, bytes]:
    """The embedded files of the document's name tree, by name."""
    names = resolve1(resolve1(document.catalog.get("Names")) or {}).get("EmbeddedFiles")
    files = {}
    for key, spec in _name_tree(resolve1(names)):
        stream = resolve1(resolve1(resolve1(spec).get("EF", {})).get("F"))
        if isinstance(stream, PDFStream):
            files[_decode(key)] = stream.get_data()
    return files


def _name_tree(node: object, depth: int = 0) -> Iterator[tuple[object, object]]:
    """The (key, value) pairs of a PDF name tree, its kids' too (a few levels deep: a hostile file may loop)."""
    if not isinstance(node, dict) or depth > NAME_TREE_DEPTH:
        return
    pairs = resolve1(node.get("Names")) or []
    yield from zip(pairs[::2], pairs[1::2])
    for kid in resolve1(node.get("Kids")) or []:
        yield from _name_tree(resolve1(kid), depth + 1)


def _read_bytes(path: Path) -> bytes:
    check_regular_file(path)
    try:
        return path.read_bytes()
    except OSError as error:
        raise unreadable(path, error) from None


def _decode(value: object) -> str:
    value = resolve1(value)
    return decode_text(value) if isinstance(value, bytes) else str(value)


class _Document(PDFDocument):
    """A pdfminer document that parses, of an object stream, only the objects asked for.

    WeasyPrint keeps a tagged PDF's structure tree (an element a paragraph or line: 10,000 on a
    broadsheet page) in the object stream that holds the catalog, the pages and the fonts too; pdfminer
    parses such a stream whole to read the catalog, a third of reading the PDF. The stream's header
    says where each object starts."""

    def __init__(self, parser: PDFParser) -> None:
        self._object_starts: dict[int | None, list[int]] = {}  # object stream -> where its objects start
        super().__init__(parser)

    def _getobj_objstm(self, stream: PDFStream, index: int, objid: int) -> object:
        data = stream.get_data()
        starts = self._starts(stream, data)
        if not 0 <= index < len(starts):
            raise PDFSyntaxError(f"object {objid}: index {index} beyond the {len(starts)} of its object stream")
        parser = PDFStreamParser(data)
        parser.set_document(self)
        parser.seek(starts[index])
        return parser.nextobject()[1]

    def _starts(self, stream: PDFStream, data: bytes) -> list[int]:
        """Where each object of an object stream starts in its data: its header's offsets, after ``First``."""
        if stream.objid not in self._object_starts:
            first, count = stream.get("First"), stream.get("N")
            if not isinstance(first, int) or not isinstance(count, int):
                raise PDFSyntaxError(f"object stream {stream.objid} has no First or N")
            try:
                numbers = [int(number) for number in data[:first].split()]
            except ValueError:
                raise PDFSyntaxError(f"object stream {stream.objid}: its header is not numbers") from None
            if len(numbers) < 2 * count:
                raise PDFSyntaxError(f"object stream {stream.objid}: its header names fewer than {count} objects")
            self._object_starts[stream.objid] = [first + offset for offset in numbers[1 : 2 * count : 2]]
        return self._object_starts[stream.objid]


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
        self.glyphs: list[Glyph] = []
        self.fonts: dict[str, bool] = {}
        self.drawn: dict[PDFFont, _Drawn] = {}  # what the page draws in each font
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

    def render_string_horizontal(
        self, seq, matrix, pos, font, fontsize, scaling, charspace, wordspace, rise, dxscale, ncs, graphicstate
    ):
        """pdfminer's, with each glyph's box worked out here rather than by a ``LTChar`` of its own: the
        same arithmetic on the same numbers in the same order (``translate_matrix``, then ``LTChar``'s
        horizontal box through ``apply_matrix_rect``), so the same floats, with what a string's glyphs
        share (the font's descent, the matrix's terms) taken once a string, and what a code draws once a
        page (``_Drawn``). A page draws tens of thousands of glyphs; a vertical font is drawn by pdfminer's
        own ``render_string_vertical`` through ``render_char``."""
        x, y = pos
        a, b, c, d, e, f = matrix
        low = font.get_descent() * fontsize + rise  # the glyph box's foot and head in text space
        high = low + fontsize
        # its corners (0, low), (adv, low), (adv, high), (0, high) through the matrix: the terms of
        # ``apply_matrix_pt``'s sums that do not depend on the glyph
        left_x_low, left_x_high, left_y_low, left_y_high = (
            a * 0 + c * low,
            a * 0 + c * high,
            b * 0 + d * low,
            b * 0 + d * high,
        )
        c_low, c_high, d_low, d_high = c * low, c * high, d * low, d * high
        y_c, y_d = y * c, y * d
        in_font = self._drawn(font)
        name = in_font.name
        clip = self.clip()
        glyphs = self.glyphs
        before = len(glyphs)
        needcharspace = False
        for obj in seq:
            if isinstance(obj, (int, float)):
                x -= obj * dxscale
                needcharspace = True
            elif isinstance(obj, bytes):
                for cid, text, width in in_font.string(obj):
                    if needcharspace:
                        x += charspace
                    adv = width * fontsize * scaling
                    e1, f1 = x * a + y_c + e, x * b + y_d + f  # translate_matrix(matrix, (x, y))
                    a_adv, b_adv = a * adv, b * adv
                    # in apply_matrix_rect's order: min(left1, left2, right1, right2), min(bottom1, bottom2, top1, top2)
                    xs = (left_x_low + e1, left_x_high + e1, a_adv + c_low + e1, a_adv + c_high + e1)
                    ys = (left_y_low + f1, b_adv + d_low + f1, b_adv + d_high + f1, left_y_high + f1)
                    x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
                    if x1 < x0:
                        x0, x1 = x1, x0
                    if y1 < y0:
                        y0, y1 = y1, y0
                    glyphs.append(Glyph(text, cid, name, (x0, y0, x1, y1), clip))
                    x += adv
                    if cid == 32 and wordspace:
                        x += wordspace
                    needcharspace = True
            else:
                _pdfdevice_log.warning(
                    "Cannot render horizontal string because %r is not a valid int, float or bytes.", obj
                )
        if len(glyphs) > before:
            self.fonts[name] = in_font.embedded
        return (x, y)

    def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate):
        """A glyph of a vertical font, as pdfminer's ``LTChar`` places it."""
        in_font = self._drawn(font)
        text, width = in_font.char(cid)
        char = LTChar(matrix, font, fontsize, scaling, rise, text, width, font.char_disp(cid), ncs, graphicstate)
        self.fonts[in_font.name] = in_font.embedded
        self.glyphs.append(Glyph(text, cid, in_font.name, char.bbox, self.clip()))
        return char.adv

    def _drawn(self, font: PDFFont) -> _Drawn:
        if font not in self.drawn:
            self.drawn[font] = _Drawn(font)
        return self.drawn[font]

    def clip(self) -> Box | None:
        assert self.interpreter is not None, "set by _read_page before drawing"
        return self.interpreter.clip


class _Drawn:
    """What a page draws in a font, each read once (a page draws tens of thousands of glyphs in a few
    fonts, each code many times): the font's name, whether it is embedded, each glyph's text and width
    by CID, and the glyphs each string decodes to (a font's decoding depends on nothing else)."""

    def __init__(self, font: PDFFont) -> None:
        self.font = font
        self.embedded = isinstance(font, PDFType3Font) or _embedded(font.descriptor)
        # pdfminer's Type1, TrueType and CID fonts have a base font; a Type3 font (WeasyPrint draws a bitmap
        # or colour font's glyphs as one) has only the name its descriptor may give
        self.name: str = getattr(font, "basefont", None) or font.fontname
        self.chars: dict[int, tuple[str, float]] = {}
        self.strings: dict[bytes, tuple[tuple[int, str, float], ...]] = {}

    def string(self, code: bytes) -> tuple[tuple[int, str, float], ...]:
        """The glyphs a string draws: each one's CID, text and width."""
        if code not in self.strings:
            self.strings[code] = tuple((cid, *self.char(cid)) for cid in self.font.decode(code))
        return self.strings[code]

    def char(self, cid: int) -> tuple[str, float]:
        """A glyph's text (none where the font maps it to none) and width in text space."""
        if cid not in self.chars:
            try:
                text = self.font.to_unichr(cid)
            except Exception:  # pdfminer's PDFUnicodeNotDefined, and KeyErrors of broken maps
                text = ""
            self.chars[cid] = text, self.font.char_width(cid)
        return self.chars[cid]


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
            self.clip = intersect(self.clip, (min(xs), min(ys), max(xs), max(ys)))

    do_W_a = do_W

    def execute(self, streams):
        """pdfminer's, but with the streams' tokens read by qpdf (``content_stream``), in a fraction of the
        time; streams qpdf finds malformed are read by pdfminer's parser, as they always were. A page's
        several streams are read as one, each ending a token (the PDF standard's rule, and pdfminer's)."""
        self.stream_ids.clear()
        unvisited = []  # pdfminer's guard, and its warnings: a form drawn inside itself is not drawn again
        for stream in map(stream_value, streams):
            if stream.objid is None:
                _pdfminer_log.warning("Execute called on non-indirect object (inline image?) %r", stream)
            elif stream.objid in self.parent_stream_ids:
                _pdfminer_log.warning("Refusing to execute circular reference to content stream %d", stream.objid)
            else:
                unvisited.append(stream)
                self.stream_ids.add(stream.objid)
        read = tokens(b"\n".join(stream.get_data() for stream in unvisited))
        if read is None:
            super().execute(unvisited)
            return
        for token in read:
            if not isinstance(token, str):
                self.argstack.append(token)
                continue
            method = getattr(self, _method_name(token), None)
            if method is None:
                continue  # an operator pdfminer does not draw (marked content, colour spaces) or none at all
            count = method.__code__.co_argcount - 1
            if count == 0:
                method()
            elif len(arguments := self.pop(count)) == count:
                method(*arguments)


@functools.lru_cache(maxsize=256)  # PDF has 73 operators; a hostile stream may make up any number
def _method_name(operator: str) -> str:
    """The interpreter's method for a content stream's operator, named as pdfminer names them."""
    return "do_" + operator.replace("*", "_a").replace('"', "_w").replace("'", "_q")


def _read_page(resources: PDFResourceManager, page: PDFPage) -> Page:
    device = _Device(resources)
    device.interpreter = _Interpreter(resources, device)
    try:
        device.interpreter.process_page(page)
    finally:  # the two refer to each other: a cycle would keep the page's glyphs for the garbage collector
        device.interpreter = None
    x0, y0 = page.mediabox[0], page.mediabox[1]
    trim = [float(resolve1(v)) for v in resolve1(page.attrs.get("TrimBox") or page.mediabox)]
    box = (trim[0] - x0, trim[1] - y0, trim[2] - x0, trim[3] - y0)
    text = normalize(_reading_order(device.glyphs))
    inked = [g.box for g in device.glyphs if not g.text.isspace()]
    return Page(box, device.glyphs, device.fonts, text, _ink(box, inked, device.shapes))


# Right-to-left text (Arabic, Hebrew) is drawn in visual order, so a PDF holds each line's right-to-left
# runs reversed, as pdfminer reads them. WeasyPrint lays out each line as a paragraph of its own, left to
# right (Pango restarts the bidi algorithm at the line's start), so the Unicode bidi algorithm run on the
# line as drawn puts its runs back in logical order. Where two logical orders draw alike (a number after
# an Arabic word, before Chinese, is drawn left of the word either way), both sides are read the same way:
# the source's text is drawn and read back (``as_read_from_print``) before it is compared.


def _reading_order(glyphs: list[Glyph]) -> str:
    """The glyphs' text in logical order: as drawn where the page has no right-to-left text (each line's
    text is then its glyphs' text as drawn), else line by line."""
    drawn = "".join(g.text for g in glyphs)
    if not _right_to_left(drawn):
        return drawn
    return "".join(map(_logical_order, _lines(glyphs)))


def _lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs in drawing order, cut where the next glyph is not to the right on the same line."""
    lines: list[list[Glyph]] = []
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


def _logical_order(line: list[Glyph]) -> str:
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
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in set(text))  # a page's few thousand characters


# A page's ink: the union of the boxes its glyphs, images and painted shapes cover (``_Device`` collects
# them), as a share of the trim box. A glyph counts by its whole em box, as a reader sees a line of type.


def _points(segment: tuple) -> list[Point]:
    """The points of a path segment ("m", x, y), ("l", x, y), ("c", x1, y1, x2, y2, x3, y3), ("h",)."""
    numbers = segment[1:]
    return [(numbers[i], numbers[i + 1]) for i in range(0, len(numbers) - 1, 2)]


def _bounds(points: list[Point]) -> Box:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _ink(trim: Box, boxes: list[Box], shapes: list[list[Box]]) -> float:
    """The share of the trim box that boxes (the glyphs') and shapes cover, on a grid of 1 pt cells. A
    shape's own boxes combine even-odd (a ring is two boxes); a shape of one box is one more box. The grid
    is laid a band of rows at a time (``INK_BAND``; a newspaper page is one band), so that a page of any
    size takes bounded memory."""
    width, height = math.ceil(trim[2] - trim[0]), math.ceil(trim[3] - trim[1])
    if width <= 0 or height <= 0:
        return 0.0
    single = _cells(boxes + [shape[0] for shape in shapes if len(shape) == 1], trim, width, height)
    several = [_cells(shape, trim, width, height) for shape in shapes if len(shape) > 1]
    rows = max(1, INK_BAND // width)
    inked = sum(_band_ink(single, several, foot, min(height, foot + rows), width) for foot in range(0, height, rows))
    return inked / (width * height)


def _band_ink(single: _Cells, several: list[_Cells], foot: int, head: int, width: int) -> int:
    """How many cells of the rows from foot to head the boxes ink. Each box's corners go in a difference
    array (+1 at its lower left and upper right, -1 at the others), summed along the rows, then up the
    columns: the count of boxes covering each cell."""
    left, bottom, right, top = _in_band(single, foot, head)
    covers = np.zeros((head - foot + 1, width + 1), np.int32)
    corners = np.concatenate((bottom, bottom, top, top)), np.concatenate((left, right, left, right))
    np.add.at(covers, corners, np.repeat(np.array([1, -1, -1, 1], np.int32), len(left)))
    covers.cumsum(axis=1, out=covers)
    for row in range(1, head - foot):  # numpy's cumsum up the columns of a row-major array is several times slower
        covers[row] += covers[row - 1]
    inked = covers[:-1, :-1] > 0
    for shape in several:
        left, bottom, right, top = _in_band(shape, foot, head)
        if len(left):  # the cells an odd number of the shape's boxes cover
            region = inked[bottom.min() : top.max(), left.min() : right.max()]
            painted = np.zeros_like(region)
            for box in zip(left - left.min(), bottom - bottom.min(), right - left.min(), top - bottom.min()):
                painted[box[1] : box[3], box[0] : box[2]] ^= True
            region |= painted
    return int(np.count_nonzero(inked))


def _in_band(cells: _Cells, foot: int, head: int) -> _Cells:
    """The cells of the rows from foot to head, rows counted from foot."""
    left, bottom, right, top = cells
    some = (bottom < head) & (top > foot)
    return left[some], np.maximum(bottom[some], foot) - foot, right[some], np.minimum(top[some], head) - foot


def _cells(boxes: list[Box], trim: Box, width: int, height: int) -> _Cells:
    """The 1 pt cells of the trim box each box covers, as arrays of their left, bottom, right and top
    cells (right and top the first not covered); boxes that cover none left out."""
    corners = box_arrays(boxes)
    left = np.maximum(0, np.floor(corners[0] - trim[0])).astype(np.int64)
    bottom = np.maximum(0, np.floor(corners[1] - trim[1])).astype(np.int64)
    right = np.minimum(width, np.ceil(corners[2] - trim[0])).astype(np.int64)
    top = np.minimum(height, np.ceil(corners[3] - trim[1])).astype(np.int64)
    some = (left < right) & (bottom < top)
    return left[some], bottom[some], right[some], top[some]


def box_arrays(boxes: list[Box]) -> np.ndarray:
    """Boxes as four arrays (rows of one): their left edges, feet, right edges and heads."""
    flat = itertools.chain.from_iterable(boxes)  # np.fromiter reads a page's floats in half np.array's time
    return np.fromiter(flat, np.float64, count=4 * len(boxes)).reshape(-1, 4).T


def _embedded(descriptor: Mapping) -> bool:
    return any(key in descriptor for key in ("FontFile", "FontFile2", "FontFile3"))


def intersect(a, b):
    if a is None:
        return b
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
