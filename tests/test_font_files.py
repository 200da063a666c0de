"""A PDF's fonts with their files read when WeasyPrint asks for them (``layout.font_files``): the same
bytes as WeasyPrint writes alone, without a copy of a large font's whole file."""

from __future__ import annotations

import weasyprint
import weasyprint.pdf.fonts
import weasyprint.pdf.stream

from layout import font_files

# a CJK face (a 20-26 MB collection) drawing a few characters, beside a Latin face
HTML = """<html lang="zh"><body style="font: 12pt 'Noto Serif CJK SC'">
<p>昭通日报 第9642期</p><p style="font-family: 'DejaVu Serif'">Local News, page 2</p></body></html>"""


def _pdf() -> bytes:
    return weasyprint.HTML(string=HTML).write_pdf()


def test_deferred_font_files_write_the_same_pdf_as_weasyprint(monkeypatch):
    monkeypatch.setattr(weasyprint.pdf.stream, "Font", weasyprint.pdf.fonts.Font)
    monkeypatch.setattr(weasyprint.pdf.fonts, "get_hb_object_data", font_files._face_data)
    alone = _pdf()
    font_files.defer_font_files()
    assert _pdf() == alone


def test_a_large_font_file_is_not_copied_whole_to_draw_a_few_of_its_characters(monkeypatch):
    font_files.defer_font_files()
    read = font_files._face_data
    sizes: list[int] = []

    def counted(hb_object, ot_color=None, glyph=None):
        data = read(hb_object, ot_color, glyph)
        sizes.append(len(data or b""))
        return data

    monkeypatch.setattr(font_files, "_face_data", counted)
    _pdf()
    assert sizes, "the fonts' subsets are read through it"
    assert max(sizes) < 1 << 20  # the subsets only: the CJK collection alone is over 19 MB
