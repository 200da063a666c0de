"""Chinese body text broken into lines by our own hand, so that every line can be truly justified.

In: a paragraph as runs of text (body face or its bold), a column width and a font size, in pt.
Out: its ``Line``s: the text of each line, the CSS ``letter-spacing`` that makes the line reach the
column's right edge exactly, the first line's indent, and whether the line ends the paragraph;
and where each line begins in the paragraph's text (``line_starts``).

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

import functools
import itertools
import re
import subprocess
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

from layout.errors import StyleError

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


@dataclass(frozen=True)
class Run:
    """A piece of a paragraph in one face."""

    text: str
    bold: bool = False


@dataclass(frozen=True)
class Line:
    """One set line: its text by face, the letter-spacing (pt) that justifies it, its left indent."""

    runs: tuple[Run, ...]  # by face; a justified line's last character is a run of its own
    spacing: float  # CSS letter-spacing in pt for every character of the line; 0.0 on a last line
    indent: float  # left indent in pt: the paragraph's first line only
    last: bool  # ends its paragraph: set flush left, not stretched
    word_spacing: float = 0.0  # CSS word-spacing in pt: how a line of Latin words is justified instead

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
        font = TTFont(path, fontNumber=font_number, lazy=True)
        self.units_per_em = font["head"].unitsPerEm
        self._cmap = font.getBestCmap()
        self._hmtx = font["hmtx"]
        self._lookups = _substitutions(font)
        # characters that can begin a ligature: only text with one of them is shaped as a glyph
        # sequence, the rest character by character
        firsts = {glyph for kind, table in self._lookups if kind == "ligature" for glyph in table}
        self._ligature_chars = frozenset(chr(code) for code, glyph in self._cmap.items() if glyph in firsts)
        self._advance: dict[str, int] = {}

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
        return self._hmtx[glyph][0]

    def clusters(self, text: str) -> list[tuple[str, int]]:
        """``text`` shaped: each cluster's characters and advance in font units."""
        if not any(char in self._ligature_chars for char in text):
            return [(char, self.char_advance(char)) for char in text]
        # a glyph buffer: [glyph, the characters it stands for]
        buffer: list[list] = [[self._cmap.get(ord(char)), char] for char in text]
        for kind, table in self._lookups:
            if kind == "single":
                for item in buffer:
                    item[0] = table.get(item[0], item[0])
            else:
                buffer = _ligate(buffer, table)
        return [(chars, self._glyph_advance(glyph)) for glyph, chars in buffer]


def _substitutions(font: TTFont) -> list[tuple[str, dict]]:
    """The ``ccmp`` ligature and ``locl`` single substitutions for Simplified Chinese, in lookup order."""
    gsub = font["GSUB"].table
    script = next(r.Script for r in gsub.ScriptList.ScriptRecord if r.ScriptTag == "hani")
    langsys = next((r.LangSys for r in script.LangSysRecord if r.LangSysTag == "ZHS "), script.DefaultLangSys)
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
                out.append(("single", table.mapping))
            elif kind == 4:
                out.append(("ligature", table.ligatures))
    return out


def _ligate(buffer: list[list], ligatures: dict) -> list[list]:
    """One ligature lookup applied to a glyph buffer: the first ligature that matches wins."""
    out: list[list] = []
    i = 0
    while i < len(buffer):
        glyph, chars = buffer[i]
        for ligature in ligatures.get(glyph, ()):
            end = i + 1 + len(ligature.Component)
            if [g for g, _ in buffer[i + 1 : end]] == list(ligature.Component):
                out.append([ligature.LigGlyph, "".join(c for _, c in buffer[i:end])])
                i = end
                break
        else:
            out.append([glyph, chars])
            i += 1
    return out


def _kind(char: str) -> int:
    if char.isspace() and char != "\u00a0":
        return _SPACE
    if char.isascii() or char in _NARROW_SIGNS:
        return _NARROW
    if unicodedata.east_asian_width(char) in "WF":
        return _WIDE
    return _NARROW if unicodedata.category(char)[0] in "LNM" else _WIDE


class Typesetter:
    """Breaks paragraphs into justified lines with one font's real advances (body face and bold)."""

    def __init__(self, regular: Path, bold: Path, *, font_number: int = 0) -> None:
        self._faces = (_Face(Path(regular), font_number), _Face(Path(bold), font_number))

    @classmethod
    @functools.cache
    def noto_serif_sc(cls) -> Typesetter:
        """Noto Serif CJK SC Regular and Bold, the files fontconfig gives WeasyPrint; loaded once."""
        regular, bold = _font_file(f"{FAMILY}:style=Regular"), _font_file(f"{FAMILY}:style=Bold")
        index = _face_index(regular, FAMILY)
        if _face_index(bold, FAMILY) != index:
            raise StyleError(
                f"{FAMILY} Regular and Bold sit at different places in their collections",
                path=bold,
                hint="install Debian's fonts-noto-cjk (scripts/setup)",
            )
        return cls(regular, bold, font_number=index)

    def advance(self, text: str, size: float, bold: bool = False) -> float:
        """The natural width of ``text`` in pt at ``size`` pt, without letter-spacing."""
        face = self._faces[bold]
        return sum(advance for _, advance in face.clusters(text)) * size / face.units_per_em

    def set_paragraph(self, runs: Sequence[Run], width: float, size: float, *, indent_em: float = 2.0) -> list[Line]:
        """``runs`` broken into lines ``width`` pt wide at ``size`` pt, every line but the last justified.

        Breaks fall between Chinese characters and after spaces, never inside a run of Latin
        letters and digits (unless the run alone is wider than a line), never before closing or
        after opening punctuation: the last characters are pushed down to the next line instead.
        Spaces at a line's ends are dropped; every other character is kept, in order.
        """
        clusters = _Clusters(self._faces, runs, size)
        lines: list[Line] = []
        start = clusters.skip_spaces(0)
        while start < clusters.count:
            # a first-line indent as wide as the column would leave no room for text: drop it
            indent = indent_em * size if not lines and indent_em * size < width else 0.0
            end = clusters.line_end(start, width - indent)
            lines.append(clusters.line(start, end, width - indent, indent))
            start = clusters.skip_spaces(end)
        return lines


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
        for char in line.text:
            collapsed = _COLLAPSIBLE.match(text, at) if char == " " else None
            if collapsed:
                at = collapsed.end()
            elif text.startswith(char, at):
                at += 1
            else:
                raise ValueError(f"the set line {line.text!r} does not map back onto {text!r} at {at}")
    if any(_kind(char) != _SPACE for char in text[at:]):
        raise ValueError(f"the set lines of {text!r} end at {at}, before its end")
    return starts


class _Clusters:
    """A paragraph as shaped clusters with their widths (pt), kinds and break opportunities."""

    def __init__(self, faces: tuple[_Face, _Face], runs: Sequence[Run], size: float) -> None:
        self.texts: list[str] = []
        self.bold: list[bool] = []
        widths: list[float] = []
        for run in runs:
            face = faces[run.bold]
            scale = size / face.units_per_em
            # white-space: nowrap collapses spaces, tabs and newlines to one space, across elements too
            text = _COLLAPSIBLE.sub(" ", run.text)
            if text.startswith(" ") and self.texts and self.texts[-1] == " ":
                text = text[1:]
            for chars, advance in face.clusters(text):
                self.texts.append(chars)
                self.bold.append(run.bold)
                widths.append(advance * scale)
        self.count = len(self.texts)
        self.kinds = [_kind(chars[0]) for chars in self.texts]
        self.offsets = [0.0, *itertools.accumulate(widths)]  # offsets[i]: width of clusters [0, i)
        self.breakable = [self._may_break_before(i) for i in range(self.count)] + [True]

    def _may_break_before(self, i: int) -> bool:
        if i == 0 or self.kinds[i] == _SPACE or self.texts[i][0] in NO_LINE_START:
            return False
        before = self.kinds[i - 1]
        if before == _SPACE:
            return True
        if before == _NARROW and self.kinds[i] == _NARROW:
            return False
        return self.texts[i - 1][-1] not in NO_LINE_END

    def skip_spaces(self, i: int) -> int:
        while i < self.count and self.kinds[i] == _SPACE:
            i += 1
        return i

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

    def line(self, start: int, end: int, available: float, indent: float) -> Line:
        while self.kinds[end - 1] == _SPACE:
            end -= 1
        last = self.skip_spaces(end) == self.count
        spacing = word_spacing = 0.0
        if not last and end - start > 1:
            shortfall = max(0.0, available - (self.offsets[end] - self.offsets[start]))
            kinds = self.kinds[start:end]
            if _SPACE in kinds and _WIDE not in kinds:
                word_spacing = shortfall / kinds.count(_SPACE)  # Latin text stretches between words
            else:
                spacing = shortfall / (end - start - 1)
        # the last character of a justified line is a box of its own (see the module's docstring)
        boxes = [(start, end - 1), (end - 1, end)] if not last and end - start > 1 else [(start, end)]
        runs = tuple(
            Run("".join(self.texts[i] for i in group), bold)
            for first, stop in boxes
            for bold, group in itertools.groupby(range(first, stop), lambda i: self.bold[i])
        )
        return Line(runs=runs, spacing=spacing, indent=indent, last=last, word_spacing=word_spacing)


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
        f"the font file fontconfig gives for {family!r} does not hold it",
        path=path,
        hint="install fonts-noto-cjk (scripts/setup)",
    )
