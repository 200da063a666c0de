"""Body text broken into lines by our own hand, so that every line can be truly justified.

In: a paragraph as runs of text (body face or its bold), a column width and a font size, in pt.
Out: its ``Line``s: the text of each line, the CSS ``letter-spacing`` (Chinese) or ``word-spacing``
(text set in words) that makes the line reach the column's right edge, the first line's indent,
whether the line ends the paragraph and whether it ends in a hyphen the breaker added; and where
each line begins in the paragraph's text (``line_starts``).

The body's faces are the style's ``body_faces``, in CSS fallback order: each character is measured
in the first face that has it, as Pango picks it (a space stays in the face of the character before
it). A face without Han characters (a Latin face) sets its characters as narrow, proportional text.
The first face sets the headlines and run-in heads and must have a Bold; a later one, there for the
few characters the faces before it lack (CJK Extension B and beyond), may have none: Pango then sets
its bold with the Regular's glyphs and advances, and so the Regular's advances measure it.

Text in a language with a hyphenation dictionary (pyphen's; English, German...) is set in words:
lines break at spaces, after a hyphen or dash between letters, and inside a word at a dictionary
point, with a hyphen drawn at the break; the breaks are chosen for the whole paragraph at once, so
that its lines are as even as they can be (``_Clusters.word_breaks``). A line is justified by its
word spaces, within limits: a space may shrink to ``MIN_WORD_SPACE`` of its width to take one more
word or syllable, and grow by ``MAX_WORD_STRETCH`` em at most; what is still short after that goes
between the letters, at most ``MAX_LETTER_SPACING`` em each (too little to see as spaced letters),
and the rest is left ragged: a line is never letter-spaced into ``c o m m e r c i a l``. The added
hyphen is drawn, not written: it is the paper's text that must read back from the PDF, whole words,
so the hyphen is the font's hyphen glyph's box painted as a rule (``Hyphen``), and copying or
searching the PDF finds the word.

WeasyPrint's ``text-align: justify`` stretches only spaces (WeasyPrint issue #2269), so Chinese lines
end ragged. Here widths come from the font's own tables, mirroring what Pango/HarfBuzz do when
WeasyPrint draws the text, so the planner also knows a story's depth without rendering it.

What the PDF templates must do for the widths to hold (measured against WeasyPrint 70, Pango 1.50):

* set the body in ``font-family: "Noto Serif CJK SC"`` inside ``lang="zh-Hans"`` (HarfBuzz then
  applies the font's ``locl`` forms for Simplified Chinese: a 1 em wide ``—``), with
  ``font-kerning: none; font-variant-ligatures: none`` (no Latin kerning, no ``fi`` ligatures);
* a paragraph is a ``p`` with ``white-space: nowrap``; each line is
  ``<span style="letter-spacing:{spacing}pt; margin-left:{indent}pt">`` holding each of the line's
  runs in an element of its own (``<span>``, or ``<b>`` when bold), then ``<br>``.

Why a run of its own for the line's last character: WeasyPrint writes the letter-spacing of each
glyph into the PDF truncated to 1/1000 em, which would leave a justified line up to 0.2 pt short.
The position of a new text box, though, is exact, so the line's last character, set as a box of its
own, lands on the column's edge; the truncation only widens the last gap by a hair.
A cluster is what HarfBuzz shapes as one glyph: usually one character, but ``——`` (U+2014 twice)
is one 2 em glyph and gets one letter-spacing, not two.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import heapq
import itertools
import math
import re
import subprocess
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, TypedDict

import fontTools
import pyphen
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTCollection, TTFont

from layout.errors import StyleError
from layout.kept_figures import kept

FAMILY = "Noto Serif CJK SC"

# GB/T 15834 and W3C clreq: what may not start a line (closing and middle punctuation) and what
# may not end one (opening punctuation), full width and half width.
NO_LINE_START = frozenset("。，、；：？！）》」』”’〕】〉…—·%％,.;:?!)]}")
NO_LINE_END = frozenset("（《「『“‘〔【〈([{")
# Signs that belong to the number or word they follow or precede, as in 29° or 5‰; they are
# ambiguous-width in Unicode but set narrow, so they join the Latin run.
_NARROW_SIGNS = frozenset("°′″‰℃–\u00a0")

_COLLAPSIBLE = re.compile(r"[ \t\n\r\f]+")
_SPACE, _NARROW, _WIDE = 0, 1, 2
_FIT_SLACK = 1e-6  # pt: sums of float advances that fill a line exactly must still fit it

# Justifying text set in words (see the module's docstring). A word space may grow by a third of an
# em: about twice a newspaper face's space, as loose as a narrow column may look before it shows
# rivers; it may shrink to 80 % of its width, as newspaper composing rooms set tight lines.
MAX_WORD_STRETCH = 1 / 3  # em added to each word space at most
MIN_WORD_SPACE = 0.8  # of the face's space: the tightest word space
MAX_LETTER_SPACING = 0.02  # em between letters at most, when the word spaces are stretched to their limit
MAX_HYPHENATED_LINES = 3  # in a row: more hyphens than that down a column's right edge read as a ladder
# pyphen's minimum letters before and after a break: "a-" and "-ly" are never left alone on a line
HYPHEN_MIN_BEFORE, HYPHEN_MIN_AFTER = 2, 3
# The demerits of a line (Knuth and Plass, with TeX's values): each line's own, a hyphen's, a second hyphen
# in a row's; a line left short (past the stretch limit) costs _SHORT per limit's worth; a forced break most.
_LINE, _HYPHEN, _HYPHEN_AGAIN, _SHORT, _FORCED = 10.0, 50.0**2, 10_000.0, 10_000.0, 1e12
BREAK_AFTER = frozenset("-\u2010\u2013\u2014")  # hyphens and dashes inside a word: a line may end after them


@dataclass(frozen=True)
class Run:
    """A piece of a paragraph in one face."""

    text: str
    bold: bool = False


@dataclass(frozen=True)
class Hyphen:
    """The hyphen a line breaker adds at a line's end, as a rule the size of the face's hyphen glyph
    (in pt, at the line's size): its box's left side bearing, width, right side bearing, and its
    bottom and height above the baseline."""

    left: float
    width: float
    right: float
    bottom: float
    height: float

    @property
    def advance(self) -> float:
        return self.left + self.width + self.right


@dataclass(frozen=True)
class Line:
    """One set line: its text by face, the letter-spacing (pt) that justifies it, its left indent."""

    runs: tuple[Run, ...]  # by face; a justified line's last character is a run of its own
    spacing: float  # CSS letter-spacing in pt for every character of the line; 0.0 on a last line
    indent: float  # left indent in pt: the paragraph's first line only
    last: bool  # ends its paragraph: set flush left, not stretched
    word_spacing: float = 0.0  # CSS word-spacing in pt: how a line of Latin words is justified instead
    hyphen: Hyphen | None = None  # drawn after the line's text when the line breaks inside a word

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


class _Face:
    """One face of a font file: each character's advance, after the substitutions HarfBuzz makes.

    HarfBuzz applies the ``ccmp`` and ``locl`` lookups of the script's language system (here
    ``hani``/``ZHS``) in lookup order; ``ccmp`` makes ligatures (``——`` -> one 2 em dash) and
    ``locl`` swaps in Chinese forms. The contextual lookups in ``ccmp`` serve old Hangul only and are
    left out.
    """

    def __init__(self, path: Path, font_number: int) -> None:
        figures = kept(path, font_number, _FIGURES_VERSION, functools.partial(_read_figures, path, font_number))
        self.units_per_em = figures["units_per_em"]
        self._cmap = dict(zip(figures["codes"], figures["glyphs"]))
        self._advances = figures["advances"]
        # a face with Han characters sets CJK text (wide and narrow characters); any other is proportional
        self.ideographic = ord("中") in self._cmap
        self._lookups = figures["lookups"]
        self._hyphen_bounds = figures["hyphen_bounds"]
        self._ligature_chars = frozenset(figures["ligature_chars"])
        self._ligature_seconds = frozenset(figures["ligature_seconds"])
        self._advance: dict[str, int] = {}

    def has(self, char: str) -> bool:
        return ord(char) in self._cmap

    def has_all(self, text: str) -> bool:
        return all(map(self._cmap.__contains__, map(ord, text)))

    def hyphen(self, size: float) -> Hyphen:
        """The hyphen glyph as a rule at ``size`` pt (its bounding box; a hyphen is a bar in every face
        this engine sets words in)."""
        scale = size / self.units_per_em
        advance = self.char_advance("-")
        x_min, y_min, x_max, y_max = self._hyphen_bounds
        return Hyphen(
            left=x_min * scale,
            width=(x_max - x_min) * scale,
            right=(advance - x_max) * scale,
            bottom=y_min * scale,
            height=(y_max - y_min) * scale,
        )

    def advances(self, text: str) -> list[int]:
        """``text`` shaped: each cluster's advance in font units."""
        if self.unligated(text):
            return self.char_advances(text)
        return [advance for _, advance in self.clusters(text)]

    def unligated(self, text: str) -> bool:
        """Whether ``text`` is shaped character by character: it holds no ligature's first and second glyphs."""
        return self._ligature_chars.isdisjoint(text) or self._ligature_seconds.isdisjoint(text)

    def char_advances(self, text: str) -> list[int]:
        """Each character's advance alone, in font units."""
        for char in set(text).difference(self._advance):
            self.char_advance(char)
        return list(map(self._advance.__getitem__, text))

    def char_advance(self, char: str) -> int:
        """The advance of one character alone, in font units (cached)."""
        advance = self._advance.get(char)
        if advance is None:
            advance = self._advance[char] = self._glyph_advance(self._single(char))
        return advance

    def _single(self, char: str) -> str | None:
        glyph = self._cmap.get(ord(char))
        for kind, table in self._lookups:
            if kind == "single" and glyph in table:
                glyph = table[glyph]
        return glyph

    def _glyph_advance(self, glyph: str | None) -> int:
        if glyph is None:  # Pango takes the glyph from a fallback font; guess its width
            return self.units_per_em // 2
        return self._advances[glyph]

    def clusters(self, text: str) -> list[tuple[str, int]]:
        """``text`` shaped: each cluster's characters and advance in font units."""
        if self.unligated(text):
            return list(zip(text, self.char_advances(text)))
        # a glyph buffer: [glyph, the characters it stands for]
        buffer: list[list] = [[self._cmap.get(ord(char)), char] for char in text]
        for kind, table in self._lookups:
            if kind == "single":
                for item in buffer:
                    item[0] = table.get(item[0], item[0])
            else:
                buffer = _ligate(buffer, table)
        return [(chars, self._glyph_advance(glyph)) for glyph, chars in buffer]


class _FaceFigures(TypedDict):
    """What the typesetter reads of a face, as plain data, kept between commands (``kept_figures``)."""

    units_per_em: int
    codes: list[int]  # the character map: codes[i] -> glyphs[i]
    glyphs: list[str]
    advances: dict[str, int]  # by glyph
    lookups: list[tuple[str, dict]]  # see ``_substitutions``
    hyphen_bounds: list[float]  # the hyphen glyph's bounding box (see ``_bounds``)
    # characters that can begin a ligature: only text with one of them is shaped as a glyph sequence, the
    # rest character by character; and those whose glyph must follow a first one (in a Latin face combining
    # accents, so plain text, which has none, need not go through the lookups at all)
    ligature_chars: str
    ligature_seconds: str


# the figures kept of a face are those this module reads, with this fontTools
_FIGURES_VERSION = hashlib.sha256(Path(__file__).read_bytes() + fontTools.version.encode()).hexdigest()[:16]


def _read_figures(path: Path, font_number: int) -> _FaceFigures:
    """A face's figures, read with fontTools. No reference to the font is kept: its parsed tables (a CJK
    face's cmap subtables, GSUB, glyph order) held about 100 MB of a process for these few figures."""
    font = TTFont(path, fontNumber=font_number, lazy=True)
    cmap = font.getBestCmap()
    lookups = _substitutions(font)
    ligatures = [ligature for kind, table in lookups if kind == "ligature" for ligature in table.items()]
    firsts = {first for first, _ in ligatures}
    seconds = {components[0] for _, ligs in ligatures for components, _ in ligs if components}
    return {
        "units_per_em": font["head"].unitsPerEm,
        "codes": list(cmap),
        "glyphs": list(cmap.values()),
        "advances": {glyph: advance for glyph, (advance, _) in font["hmtx"].metrics.items()},
        "lookups": lookups,
        "hyphen_bounds": list(_bounds(font, cmap.get(ord("-")))),
        "ligature_chars": "".join(chr(code) for code, glyph in cmap.items() if glyph in firsts),
        "ligature_seconds": "".join(chr(code) for code, glyph in cmap.items() if glyph in seconds),
    }


def _bounds(font: TTFont, glyph: str | None) -> tuple[float, float, float, float]:
    """A glyph's bounding box in font units (zero for none)."""
    glyphs = font.getGlyphSet()
    pen = BoundsPen(glyphs)
    if glyph is not None:
        glyphs[glyph].draw(pen)
    return pen.bounds or (0, 0, 0, 0)


def _substitutions(font: TTFont) -> list[tuple[str, dict]]:
    """The ``ccmp`` ligature and ``locl`` single substitutions, in lookup order: for Simplified Chinese
    in a face with Han characters, else for the face's Latin script (its default language)."""
    if "GSUB" not in font:
        return []
    gsub = font["GSUB"].table
    scripts = {r.ScriptTag: r.Script for r in gsub.ScriptList.ScriptRecord}
    script = scripts.get("hani") or scripts.get("latn") or scripts.get("DFLT")
    if script is None:
        return []
    langsys = next((r.LangSys for r in script.LangSysRecord if r.LangSysTag == "ZHS "), script.DefaultLangSys)
    if langsys is None:
        return []
    features = gsub.FeatureList.FeatureRecord
    indices = sorted(
        {
            i
            for f in langsys.FeatureIndex
            if features[f].FeatureTag in ("ccmp", "locl")
            for i in features[f].Feature.LookupListIndex
        }
    )
    out: list[tuple[str, dict]] = []
    for index in indices:
        lookup = gsub.LookupList.Lookup[index]
        for sub in lookup.SubTable:
            kind = sub.ExtensionLookupType if lookup.LookupType == 7 else lookup.LookupType
            table = sub.ExtSubTable if lookup.LookupType == 7 else sub
            if kind == 1:
                out.append(("single", dict(table.mapping)))
            elif kind == 4:
                ligatures = {
                    first: [[list(ligature.Component), ligature.LigGlyph] for ligature in ligatures]
                    for first, ligatures in table.ligatures.items()
                }
                out.append(("ligature", ligatures))
    return out


def _ligate(buffer: list[list], ligatures: dict) -> list[list]:
    """One ligature lookup applied to a glyph buffer: the first ligature that matches wins."""
    out: list[list] = []
    i = 0
    while i < len(buffer):
        glyph, chars = buffer[i]
        for components, ligature in ligatures.get(glyph, ()):
            end = i + 1 + len(components)
            if [g for g, _ in buffer[i + 1 : end]] == components:
                out.append([ligature, "".join(c for _, c in buffer[i:end])])
                i = end
                break
        else:
            out.append([glyph, chars])
            i += 1
    return out


def _right_to_left(cluster: str) -> bool:
    return unicodedata.bidirectional(cluster[0]) in ("R", "AL")


@functools.lru_cache(maxsize=8192)  # an issue uses a few hundred characters, a Chinese one a few thousand
def _kind(char: str) -> int:
    if char.isspace() and char != "\u00a0":
        return _SPACE
    if char.isascii() or char in _NARROW_SIGNS:
        return _NARROW
    if unicodedata.east_asian_width(char) in "WF":
        return _WIDE
    return _NARROW if unicodedata.category(char)[0] in "LNM" else _WIDE


class Typesetter:
    """Breaks paragraphs into justified lines with the body faces' real advances (each face and its
    bold), hyphenating with the dictionary of the text's language when there is one."""

    def __init__(self, first: _Family, fallbacks: tuple[str, ...], language: str | None = None) -> None:
        self._first = first
        # read only when a character needs them: a fallback face for rare characters (HanaMinB) holds
        # 15 MB of tables that most issues never use
        self._fallbacks = fallbacks
        dictionary = pyphen.language_fallback(language.replace("-", "_")) if language else None
        self._hyphenator = (
            pyphen.Pyphen(lang=dictionary, left=HYPHEN_MIN_BEFORE, right=HYPHEN_MIN_AFTER) if dictionary else None
        )
        self._memo = _Memo()

    @classmethod
    @functools.cache
    def for_faces(cls, families: tuple[str, ...], language: str | None = None) -> Typesetter:
        """The body faces in CSS fallback order, each family's Regular and Bold as fontconfig gives
        them to WeasyPrint, hyphenating as ``language`` (a BCP 47 tag) is hyphenated; loaded once.
        The first family must have a Bold of its own (the headlines are set in it); a later one may
        lack it, as fallback faces for rare characters do (see the module's docstring)."""
        for name in families[1:]:
            _located(name)  # a fallback that is not installed is named now, not when a character needs it
        first = _family(families[0])
        if first.bold is first.regular:
            raise StyleError(
                f"{families[0]}, the first of the body faces, has no Bold: the headlines are set in it",
                path=_font_file(f"{families[0]}:style=Regular"),
                hint="name a family with a Bold first in the style's body_faces, or install its Bold (scripts/setup)",
            )
        return cls(first, families[1:], language)

    @classmethod
    def noto_serif_sc(cls) -> Typesetter:
        """Noto Serif CJK SC alone, without hyphenation: the Chinese daily's body."""
        return cls.for_faces((FAMILY,))

    @property
    def hyphenates(self) -> bool:
        """Whether text is set in words: hyphenated with a dictionary, justified by its word spaces."""
        return self._hyphenator is not None

    def advance(self, text: str, size: float, bold: bool = False) -> float:
        """The natural width of ``text`` in pt at ``size`` pt, without letter-spacing."""
        widths = self._memo.widths
        if widths is None:
            return self._natural_width(text, size, bold)
        key = (text, size, bold)
        width = widths.get(key)
        if width is None:
            width = widths[key] = self._natural_width(text, size, bold)
        return width

    def _natural_width(self, text: str, size: float, bold: bool) -> float:
        return sum(
            [
                advance * size / face.units_per_em
                for face, part in self._segments(text, bold)
                for advance in face.advances(part)
            ]
        )

    def _segments(self, text: str, bold: bool) -> list[tuple[_Face, str]]:
        """``text`` cut where the face that sets it changes: each character in the first face that has
        it, white space in the face of the character before it (Pango never picks a font for a space)."""
        first = self._first.bold if bold else self._first.regular
        if not self._fallbacks or first.has_all(text):  # the common case: the first face has it all
            return [(first, text)] if text else []
        segments: list[tuple[_Face, str]] = []
        face, start = None, 0  # the face of the segment being read, and where it starts
        for at, char in enumerate(text):
            if face is first and first.has(char):
                continue  # the first face's, space or not: most characters, without asking what they are
            if face is not None and unicodedata.category(char) in ("Zs", "Cc", "Cf"):
                continue
            found = first if first.has(char) else self._face_for(char, bold)
            if found is not face:
                if face is not None:
                    segments.append((face, text[start:at]))
                face, start = found, at
        if face is not None:
            segments.append((face, text[start:]))
        return segments

    def _face_for(self, char: str, bold: bool) -> _Face:
        """The first face in fallback order that has ``char``; the last when none has it."""
        face = self._first.bold if bold else self._first.regular
        for name in self._fallbacks:
            if face.has(char):
                break
            family = _family(name)
            face = family.bold if bold else family.regular
        return face

    @contextlib.contextmanager
    def memoizing(self) -> Iterator[None]:
        """Within it, each paragraph is shaped once (its clusters, their advances and where its lines may
        break, which do not depend on the size or the width) and each text's natural width is summed once
        a size: planning sets and measures every paragraph of an issue on each grid it tries, and grids
        share sizes. What is kept goes when the outermost ``with`` ends, so a long-lived process holds no
        issue's text."""
        memo = self._memo
        outermost = memo.shapes is None
        if outermost:
            memo.shapes, memo.widths = {}, {}
        try:
            yield
        finally:
            if outermost:
                memo.shapes = memo.widths = None

    def _shape(self, runs: Sequence[Run], *, words: bool) -> _Shape:
        shapes = self._memo.shapes
        if shapes is None:
            return _Shape(self, runs, words=words)
        key = (tuple(runs), words)
        shape = shapes.get(key)
        if shape is None:
            shape = shapes[key] = _Shape(self, runs, words=words)
        return shape

    def set_paragraph(
        self, runs: Sequence[Run], width: float, size: float, *, indent_em: float = 2.0, hyphenate: bool = False
    ) -> list[Line]:
        """``runs`` broken into lines ``width`` pt wide at ``size`` pt, every line but the last justified.

        Breaks fall between Chinese characters and after spaces, never inside a run of Latin
        letters and digits (unless the run alone is wider than a line), never before closing or
        after opening punctuation: the last characters are pushed down to the next line instead.
        Spaces at a line's ends are dropped; every other character is kept, in order.
        With ``hyphenate``, text set in words also breaks inside words, after a hyphen or a dash
        between letters and at its dictionary's points, and its word spaces may shrink to fit
        (see the module's docstring); headlines and other text the browser sets itself do without.
        """
        clusters = _Clusters(self._shape(runs, words=hyphenate and self.hyphenates), size)
        # a first-line indent as wide as the column would leave no room for text: drop it
        first_indent = indent_em * size if indent_em * size < width else 0.0
        breaks = clusters.word_breaks(width, first_indent) if clusters.words else None
        lines: list[Line] = []
        start = clusters.skip_spaces(0)
        while start < clusters.count:
            indent = 0.0 if lines else first_indent
            if breaks is not None:
                end, hyphen = breaks[len(lines)]
            else:
                end, hyphen = clusters.line_end(start, width - indent), False
            lines.append(clusters.line(start, end, width - indent, indent, hyphen))
            start = clusters.skip_spaces(end)
        return lines


class _Memo(threading.local):
    """What ``Typesetter.memoizing`` keeps, each thread its own: a typesetter is shared by the process (one
    a style's faces), and a Dask worker run with several threads plans several issues at once."""

    shapes: dict[tuple[tuple[Run, ...], bool], _Shape] | None = None  # paragraphs' shapes
    widths: dict[tuple[str, float, bool], float] | None = None  # texts' natural widths, by size and weight


@dataclass(frozen=True)
class _Family:
    """A family's Regular and Bold; ``bold is regular`` when the family has no Bold of its own."""

    regular: _Face
    bold: _Face


@functools.cache
def _family(name: str) -> _Family:
    """A family's Regular and Bold, the files fontconfig gives WeasyPrint for them. For a family without
    a Bold fontconfig gives the Regular again (Pango sets its bold with the Regular's advances)."""
    regular, bold, index = _located(name)
    if bold == regular:
        face = _Face(regular, index)  # one face, not a second copy of a large font's tables
        return _Family(face, face)
    return _Family(_Face(regular, index), _Face(bold, index))


@functools.cache
def _located(name: str) -> tuple[Path, Path, int]:
    """The files of a family's Regular and Bold as fontconfig gives them, and its index in them; a
    ``StyleError`` when the family is not installed."""
    regular, bold = _font_file(f"{name}:style=Regular"), _font_file(f"{name}:style=Bold")
    index = _face_index(regular, name)
    if bold != regular and _face_index(bold, name) != index:
        raise StyleError(
            f"{name} Regular and Bold sit at different places in their collections",
            path=bold,
            hint="install the style's fonts (scripts/setup)",
        )
    return regular, bold, index


def line_starts(text: str, lines: Sequence[Line]) -> list[int]:
    """Where each of ``lines``, ``text`` as ``Typesetter.set_paragraph`` broke it, begins in ``text``.

    A line drops the spaces at its ends and sets each run of collapsible white space as one
    space; every other character stands in it as in ``text``, so the lines map back onto ``text``
    exactly. Lines that do not are a bug upstream: ``ValueError``.
    """
    starts: list[int] = []
    at = 0
    for line in lines:
        while at < len(text) and _kind(text[at]) == _SPACE:
            at += 1
        starts.append(at)
        for index, word in enumerate(line.text.split(" ")):
            collapsed = _COLLAPSIBLE.match(text, at) if index else None  # the space before the word
            if collapsed:
                at = collapsed.end()
            if (index and not collapsed) or not text.startswith(word, at):
                raise ValueError(f"the set line {line.text!r} does not map back onto {text!r} at {at}")
            at += len(word)
    if any(_kind(char) != _SPACE for char in text[at:]):
        raise ValueError(f"the set lines of {text!r} end at {at}, before its end")
    return starts


class _LineEnds(NamedTuple):
    """Where the lines of a paragraph set in words may end, in text order, as parallel lists: what a
    line ending at each needs, whatever its start and size. A line never starts on a space (it starts
    at the paragraph's first character, after the spaces at a break, or inside a word at a hyphen), so
    the end with its spaces trimmed is the same for every start before it."""

    at: list[int]  # the line's end, a cluster index
    hyphen: list[bool]  # whether a hyphen is added there
    trimmed: list[int]  # the end without the spaces before it
    next: list[int]  # where the next line starts


class _Shape:
    """A paragraph as shaped clusters with their advances (font units), kinds and break opportunities:
    all that does not depend on the size and width it is set at (``_Clusters`` adds those)."""

    def __init__(self, typesetter: Typesetter, runs: Sequence[Run], *, words: bool) -> None:
        self.words = words
        self._hyphenator = typesetter._hyphenator
        self.texts: list[str] = []
        self.bold: list[bool] = []
        self.faces: list[_Face] = []
        self.kinds: list[int] = []
        self.advances: list[int] = []
        self.face_runs: list[tuple[_Face, int, int]] = []  # (face, first cluster, past the last)
        for run in runs:
            # white-space: nowrap collapses spaces, tabs and newlines to one space, across elements too
            text = _COLLAPSIBLE.sub(" ", run.text)
            if text.startswith(" ") and self.texts and self.texts[-1] == " ":
                text = text[1:]
            for face, part in typesetter._segments(text, run.bold):
                first = len(self.texts)
                clusters = face.clusters(part)
                self.texts += [chars for chars, _ in clusters]
                self.advances += [advance for _, advance in clusters]
                self.bold += [run.bold] * len(clusters)
                self.faces += [face] * len(clusters)
                kinds = [_kind(chars[0]) for chars, _ in clusters]
                # a Latin face's characters are all narrow, proportional text: “quotes” and dashes too
                self.kinds += kinds if face.ideographic else [_SPACE if k == _SPACE else _NARROW for k in kinds]
                self.face_runs.append((face, first, len(self.texts)))
        self.count = len(self.texts)
        self.space_count = [0, *itertools.accumulate(kind == _SPACE for kind in self.kinds)]
        self.breakable = self._breaks_before()
        self.text_end = self.trim(0, self.count)

    def _breaks_before(self) -> list[bool]:
        """Whether a line may break before each cluster, and after the last."""
        kinds, texts = self.kinds, self.texts
        breakable = [False] * self.count + [True]
        opening = None  # the last cluster before ``i`` that is not a space
        for i in range(1, self.count):
            kind, before = kinds[i], kinds[i - 1]
            if before != _SPACE:
                opening = i - 1
            if kind == _SPACE or texts[i][0] in NO_LINE_START:
                continue
            if before == _SPACE:
                # a quoted right-to-left phrase stays on one line: broken across lines, its words lose their
                # order (each line is reordered on its own, so the phrase no longer reads back whole)
                breakable[i] = not (opening is not None and _right_to_left(texts[opening]) and _right_to_left(texts[i]))
            elif before == _NARROW and kind == _NARROW:
                # in words, after a hyphen or a dash between letters (New-|York, word—|word)
                breakable[i] = self.words and texts[i - 1] in BREAK_AFTER and self._letters_around(i - 1)
            else:
                breakable[i] = texts[i - 1][-1] not in NO_LINE_END
        return breakable

    def _letters_around(self, i: int) -> bool:
        return 0 < i < self.count - 1 and self.texts[i - 1][-1].isalpha() and self.texts[i + 1][0].isalpha()

    def skip_spaces(self, i: int) -> int:
        while i < self.count and self.kinds[i] == _SPACE:
            i += 1
        return i

    def trim(self, start: int, end: int) -> int:
        while end > start and self.kinds[end - 1] == _SPACE:
            end -= 1
        return end

    @functools.cached_property
    def line_ends(self) -> _LineEnds:
        breaks = sorted({(end, False) for end in range(1, self.count + 1) if self.breakable[end]} | self._points())
        at = [end for end, _ in breaks]
        return _LineEnds(
            at,
            [hyphen for _, hyphen in breaks],
            [self.trim(0, end) for end in at],
            [end if hyphen else self.skip_spaces(end) for end, hyphen in breaks],
        )

    def _points(self) -> set[tuple[int, bool]]:
        """Every dictionary point of the paragraph's words, as a line end with a hyphen."""
        points: set[tuple[int, bool]] = set()
        word = 0
        while word < self.count:
            end = self.word_end(word)
            points |= {(cut, True) for cut in self.dictionary_points(word, end)}
            word = max(end, word + 1)
        return points

    def word_end(self, word: int) -> int:
        end = word
        while end < self.count and self.kinds[end] != _SPACE and (end == word or not self.breakable[end]):
            end += 1
        return end

    def dictionary_points(self, word: int, end: int) -> list[int]:
        """Where the word ``word`` -> ``end`` may be hyphenated, as cluster indices: none in a word of
        digits, a word with an apostrophe or a word too short."""
        text = "".join(self.texts[word:end])
        if self._hyphenator is None or not text or len(text) != end - word:  # a cluster of two characters
            return []
        core = text if text.isalpha() else text.strip("".join({c for c in text if not c.isalpha()}))
        if len(core) < HYPHEN_MIN_BEFORE + HYPHEN_MIN_AFTER or not core.isalpha():
            return []  # too short to leave the letters a break needs on both sides of it
        lead = word + text.index(core)
        return [lead + point for point in self._hyphenator.positions(core)]


class _Clusters:
    """A paragraph's shape (``_Shape``) at a size: its clusters' widths (pt), and its lines."""

    def __init__(self, shape: _Shape, size: float) -> None:
        self.shape, self.size, self.words = shape, size, shape.words
        self.texts, self.bold, self.faces, self.kinds = shape.texts, shape.bold, shape.faces, shape.kinds
        self.count, self.breakable = shape.count, shape.breakable
        self.skip_spaces, self._trim = shape.skip_spaces, shape.trim
        widths: list[float] = []
        for face, first, stop in shape.face_runs:
            scale = size / face.units_per_em
            widths += [advance * scale for advance in shape.advances[first:stop]]
        self.offsets = [0.0, *itertools.accumulate(widths)]  # offsets[i]: width of clusters [0, i)
        # spaces[i]: the width of the spaces among clusters [0, i): what a line may shrink
        self.spaces = [0.0, *itertools.accumulate(w if k == _SPACE else 0.0 for w, k in zip(widths, self.kinds))]
        self._hyphens: dict[int, float] = {}

    def _hyphen_advance(self, face: _Face) -> float:
        advance = self._hyphens.get(id(face))
        if advance is None:
            advance = self._hyphens[id(face)] = face.hyphen(self.size).advance
        return advance

    def line_end(self, start: int, available: float) -> int:
        """Where the line from ``start`` ends: the last break that fits, else a forced break."""
        limit = self.offsets[start] + available + _FIT_SLACK
        i, best = start, None
        while i < self.count and (self.kinds[i] == _SPACE or self.offsets[i + 1] <= limit):
            i += 1
            if self.breakable[i]:
                best = i
        if i == self.count or (i > start and self.breakable[i]):
            return i
        if best is not None:
            return best  # push the unbreakable tail down to the next line
        return max(i, start + 1)  # nothing breakable fits: cut by clusters, losing nothing

    def word_breaks(self, width: float, indent: float) -> list[tuple[int, bool]]:
        """Where each line of a paragraph set in words ends, and whether a hyphen is added there: the
        breaks that make the paragraph's lines the most even, chosen over the whole paragraph at once
        (Knuth and Plass's total fit, without their fitness classes). Each line costs its badness, which
        grows with the cube of how far its word spaces stretch or shrink towards their limits and
        steeply past them (a line left short), plus a price for a hyphen and more for a second in a
        row; at most ``MAX_HYPHENATED_LINES`` in a row, but in a word longer than that many lines. A line
        whose first word is wider than the line is broken inside it (``_forced_break``).

        The search tries a few thousand lines a paragraph, so its loop works on plain lists: the line
        ends (``_LineEnds``, made once a paragraph), the nodes by row and position. Its sums are written
        inline, each the same operations in the same order as ever, and the lines are tried in the same
        order (starts in text order, rows up, ends in text order; of equal demerits the first way found
        is kept), so that the same floats choose the same breaks: plans do not change with its speed."""
        ends = self.shape.line_ends
        first, count = self.skip_spaces(0), self.count
        # the paths' nodes, by the hyphenated lines in a row above a line and where it starts: the least
        # demerits of a way there (inf: none yet), and the line that ends it (its start, that start's row,
        # its end, whether it ends in a hyphen); the row past the limit is reached only by forced breaks (a
        # word longer than the hyphen limit's lines, as OCR makes of words run together) and goes on
        # without a hyphen but a forced one
        rows = range(MAX_HYPHENATED_LINES + 2)
        least = [[math.inf] * (count + 1) for _ in rows]
        line_to: list[list[tuple[int, int, int, bool] | None]] = [[None] * (count + 1) for _ in rows]
        least[0][first] = 0.0
        offsets, spaces, space_count, text_end = self.offsets, self.spaces, self.shape.space_count, self.shape.text_end
        at, hyphens, trimmed, nexts = ends
        # the added hyphen's advance at each end (0.0 where none is added)
        marks = [self._hyphen_advance(self.faces[end - 1]) if h else 0.0 for end, h in zip(trimmed, hyphens)]
        stretches = [max(1, n) * MAX_WORD_STRETCH * self.size for n in range(space_count[-1] + 1)]
        shrink = 1 - MIN_WORD_SPACE
        prices = [_HYPHEN + (_HYPHEN_AGAIN if row else 0.0) for row in range(MAX_HYPHENATED_LINES)]
        limit = len(at)
        # every line ends after it starts: nodes are expanded in text order, each start once
        starts, done = [first], set()
        while starts:
            start = heapq.heappop(starts)
            if start in done or start == count:
                continue
            done.add(start)
            available = width - indent if start == first else width
            # the lines from ``start`` that fit, each with its demerits but for a hyphen's price: the same
            # for every count of hyphenated lines above it (a start is never a space: see ``_LineEnds``)
            left, left_spaces, left_count = offsets[start], spaces[start], space_count[start]
            lines: list[tuple[int, float]] = []
            for k in range(bisect.bisect_right(at, start), limit):
                end = trimmed[k]
                natural = offsets[end] - left
                if hyphens[k]:
                    natural += marks[k]
                shrinkable = shrink * (spaces[end] - left_spaces)
                shortfall = available - natural
                if shortfall + shrinkable < -_FIT_SLACK:  # too wide even with its spaces shrunk
                    if not hyphens[k]:
                        break  # every later line is wider still
                    continue
                if shortfall < 0:
                    ratio = -shortfall / shrinkable if shrinkable else 0.0
                elif end == text_end:
                    ratio = 0.0  # a paragraph's last line is set at its natural width
                else:
                    # a line of one word, which has no space to stretch, is judged as if it had one
                    ratio = shortfall / stretches[space_count[end] - left_count]
                badness = 100 * ratio**3 if ratio <= 1 else 100 + _SHORT * (ratio - 1)
                lines.append((k, (_LINE + badness) ** 2))
            for row in rows:
                demerits = least[row][start]
                if demerits == math.inf:
                    continue
                reached = False
                for k, cost in lines:
                    # keep the line if it reaches the next line's start with fewer demerits; a line without
                    # a hyphen adds no price to its cost (``cost + 0.0`` is ``cost``: a cost is at least 100)
                    if not hyphens[k]:
                        total, after, below = demerits + cost, nexts[k], 0
                    elif row < MAX_HYPHENATED_LINES:
                        total, after, below = demerits + (cost + prices[row]), at[k], row + 1
                    else:
                        continue  # one hyphenated line too many in a row
                    reached = True
                    if total < least[below][after]:
                        least[below][after] = total
                        line_to[below][after] = (start, row, at[k], hyphens[k])
                        heapq.heappush(starts, after)
                if not reached:
                    end, hyphen = self._forced_break(start, available)
                    after, below = (end, min(row + 1, rows[-1])) if hyphen else (self.skip_spaces(end), 0)
                    if demerits + _FORCED < least[below][after]:
                        least[below][after] = demerits + _FORCED
                        line_to[below][after] = (start, row, end, hyphen)
                        heapq.heappush(starts, after)
        # the paragraph's text never ends in an added hyphen: the last line's row is 0
        found: list[tuple[int, bool]] = []
        line = line_to[0][count]
        while line is not None:
            start, row, end, hyphen = line
            found.append((end, hyphen))
            line = line_to[row][start]
        return found[::-1]

    def _fits(self, start: int, end: int, available: float, hyphen: bool) -> bool:
        """Whether the line ``start`` -> ``end`` fits ``available`` with its spaces shrunk to ``MIN_WORD_SPACE``."""
        end = self._trim(start, end)
        natural = self.offsets[end] - self.offsets[start]
        if hyphen:
            natural += self._hyphen_advance(self.faces[end - 1])
        spaces = self.spaces[end] - self.spaces[start]
        return available - natural + (1 - MIN_WORD_SPACE) * spaces >= -_FIT_SLACK

    def _forced_break(self, start: int, available: float) -> tuple[int, bool]:
        """A line where no break fits (its first word is wider than the line): the word hyphenated at
        its last dictionary point that fits, else cut by clusters."""
        for cut in reversed(self.shape.dictionary_points(start, self.shape.word_end(start))):
            if self._fits(start, cut, available, True):
                return cut, True
        return self.line_end(start, available), False

    def line(self, start: int, end: int, available: float, indent: float, hyphen: bool = False) -> Line:
        end = self._trim(start, end)
        last = self.skip_spaces(end) == self.count
        mark = self.faces[end - 1].hyphen(self.size) if hyphen else None
        spacing = word_spacing = 0.0
        kinds = self.kinds[start:end]
        shortfall = available - (self.offsets[end] - self.offsets[start]) - (mark.advance if mark else 0.0)
        if self.words:
            # the hyphen is a box after the last character, so the letter-spacing after it moves it too
            word_spacing, spacing = self._justification(
                shortfall, kinds.count(_SPACE), end - start - 1 + bool(mark), last
            )
        elif not last and end - start > 1:
            shortfall = max(0.0, shortfall)
            if _SPACE in kinds and _WIDE not in kinds:
                word_spacing = shortfall / kinds.count(_SPACE)  # Latin text stretches between words
            else:
                spacing = shortfall / (end - start - 1)
        # the last character of a justified line is a box of its own (see the module's docstring)
        boxes = [(start, end - 1), (end - 1, end)] if not last and end - start > 1 else [(start, end)]
        runs = tuple(run for first, stop in boxes for run in self._runs(first, stop))
        return Line(runs=runs, spacing=spacing, indent=indent, last=last, word_spacing=word_spacing, hyphen=mark)

    def _runs(self, first: int, stop: int) -> Iterator[Run]:
        """The clusters ``first`` -> ``stop`` as runs, one a change of weight."""
        for bold, group in itertools.groupby(self.bold[first:stop]):
            clusters = len(list(group))
            yield Run("".join(self.texts[first : first + clusters]), bold)
            first += clusters

    def _justification(self, shortfall: float, spaces: int, gaps: int, last: bool) -> tuple[float, float]:
        """Word spacing and letter-spacing (pt) that close a line's ``shortfall`` within the limits; a
        line that fits only with its spaces shrunk is shrunk, a paragraph's last line included."""
        if shortfall < 0:
            return (shortfall / spaces if spaces else 0.0), 0.0
        if last:
            return 0.0, 0.0
        word = min(shortfall / spaces, MAX_WORD_STRETCH * self.size) if spaces else 0.0
        rest = shortfall - word * spaces
        letter = min(rest / gaps, MAX_LETTER_SPACING * self.size) if gaps else 0.0
        return word, letter


def _font_file(pattern: str) -> Path:
    try:
        found = subprocess.run(
            ["fc-match", "--format=%{file}", pattern], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise StyleError(
            f"cannot ask fontconfig for {pattern!r}: {error}",
            hint="install fontconfig and fonts-noto-cjk (scripts/setup)",
        ) from None
    return Path(found)


def _face_index(path: Path, family: str) -> int:
    """The index of ``family`` among the faces of a font file (a collection, or a single font)."""
    collection = path.suffix.lower() == ".ttc"
    fonts = TTCollection(path, lazy=True).fonts if collection else [TTFont(path, lazy=True)]
    for index, font in enumerate(fonts):
        if font["name"].getDebugName(1) == family:
            return index
    raise StyleError(
        f"the font file fontconfig gives for {family!r} does not hold it: the font is not installed",
        path=path,
        hint="install the style's fonts (scripts/setup)",
    )
