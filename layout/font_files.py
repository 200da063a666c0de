"""WeasyPrint's PDF fonts with their font files read when asked for: ``defer_font_files()`` in, the same
PDFs out, without a copy of each whole font file in memory while they are written.

WeasyPrint 70 copies, for each font a document draws with, the whole font file into a Python bytes object
(``Font.file_content``) as soon as the font is first drawn; with harfbuzz it subsets the font from the
font's face, not from that copy, and then replaces the copy by the subset. For a CJK face the copy is a
20-26 MB collection, and reading it touches every page of the mapped file: the NDNP issue draws with three
Noto CJK faces (fallbacks for a few characters), 66 MB of files: a worker that had built the sample peaked
at 468 MB on it with the copies, at 384 MB without them, and each render spent a tenth of a second copying.
Here the copy is made only when something reads ``file_content`` before the subset replaces it (a variable
font's instancing, a bitmap or colour font, fontTools' subsetting without harfbuzz), so every path
WeasyPrint takes reads what it read before, and the PDF's bytes are the same.
"""

from __future__ import annotations

import threading

import layout.native_libraries  # noqa: F401  # isort: skip  (before WeasyPrint: see its docstring)
import weasyprint.pdf.fonts
import weasyprint.pdf.stream
from weasyprint.pdf.fonts import Font

_face_data = weasyprint.pdf.fonts.get_hb_object_data
_describing = threading.local()  # set while this thread's DeferredFont is made: its face's data is not read


def _data_unless_describing(hb_object, ot_color=None, glyph=None):
    if ot_color is None and getattr(_describing, "font", False):
        return None
    return _face_data(hb_object, ot_color, glyph)


class DeferredFont(Font):
    """WeasyPrint's ``Font``, reading its face's data at the first use of ``file_content``."""

    def __init__(self, pango_font, description, font_size) -> None:
        self._file_content: bytes | None = None
        _describing.font = True
        try:
            super().__init__(pango_font, description, font_size)
        finally:
            _describing.font = False

    @property
    def file_content(self) -> bytes:
        if self._file_content is None:
            self._file_content = _face_data(self.hb_face)
        return self._file_content

    @file_content.setter
    def file_content(self, value: bytes | None) -> None:
        self._file_content = value


def defer_font_files() -> None:
    """Make the PDFs WeasyPrint writes from now on in this process read their fonts' files when asked for."""
    weasyprint.pdf.fonts.get_hb_object_data = _data_unless_describing
    weasyprint.pdf.stream.Font = DeferredFont
