"""The line breaker for Chinese body text: widths, breaking rules, justification, and the real render."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pdfplumber
import pytest
import weasyprint
from hypothesis import given, settings
from hypothesis import strategies as st

from layout.typeset import NO_LINE_END, NO_LINE_START, Line, Run, Typesetter, line_starts

SAMPLE = Path(__file__).parent.parent / "issues" / "zhaotong-2023-11-15.md"
SIZE = 10.5


@pytest.fixture(scope="module")
def setter() -> Typesetter:
    return Typesetter.noto_serif_sc()


def sample_paragraphs() -> list[str]:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if len(line.strip()) > 30 and not line.startswith("#")]


def natural(setter: Typesetter, line: Line, size: float = SIZE) -> float:
    return sum(setter.advance(run.text, size, run.bold) for run in line.runs)


def justified_width(setter: Typesetter, line: Line, size: float = SIZE) -> float:
    """Where the line's last glyph ends, counted from the indent (texts here have no ligatures)."""
    return natural(setter, line, size) + line.spacing * (len(line.text) - 1)


def all_lines(setter: Typesetter, widths=(97.0, 160.0, 231.5)) -> list[tuple[str, list[Line]]]:
    return [(text, setter.set_paragraph([Run(text)], width, SIZE)) for text in sample_paragraphs() for width in widths]


# --- widths --------------------------------------------------------------------------------------


def test_han_and_full_width_punctuation_are_one_em(setter):
    assert setter.advance("中文。，、“”（）《", 10) == pytest.approx(100)


def test_digits_and_latin_are_proportional_and_not_kerned(setter):
    assert setter.advance("1", 10) < setter.advance("8", 10) < 10
    assert setter.advance("AV", 10) == pytest.approx(setter.advance("A", 10) + setter.advance("V", 10))


def test_bold_has_its_own_advances(setter):
    assert setter.advance("2023", 10, bold=True) > setter.advance("2023", 10)


def test_dashes_take_their_chinese_forms(setter):
    # the font's locl makes the em dash 1 em in Chinese; ccmp makes —— one 2 em glyph
    assert setter.advance("—", 10) == pytest.approx(10)
    assert setter.advance("——", 10) == pytest.approx(20)


# --- breaking ------------------------------------------------------------------------------------


def test_no_line_starts_with_closing_punctuation_or_ends_with_opening(setter):
    for _, lines in all_lines(setter):
        for line in lines:
            assert line.text[0] not in NO_LINE_START, line.text
            assert line.text[-1] not in NO_LINE_END, line.text


def test_every_character_is_kept_in_order(setter):
    for text, lines in all_lines(setter):
        assert "".join(line.text for line in lines).replace(" ", "") == text.replace(" ", "")


def test_latin_and_number_runs_are_not_broken(setter):
    for text, lines in all_lines(setter):
        for word in ("www.ztnews.net", "61.2%", "2365", "92.63"):
            if word in text:
                assert any(word in line.text for line in lines), (word, [line.text for line in lines])


def test_closing_punctuation_pushes_the_last_character_down(setter):
    # ten ideographs fill the line exactly; the 。 after them may not start the next line
    lines = setter.set_paragraph([Run("一二三四五六七八九十。再来")], 100, 10, indent_em=0)
    assert [line.text for line in lines] == ["一二三四五六七八九", "十。再来"]
    assert lines[0].spacing == pytest.approx(10 / 8)


def test_double_dash_and_ellipsis_stay_whole(setter):
    for mark in ("——", "……"):
        for cut in range(1, 12):
            text = "一" * cut + mark + "二" * 12
            lines = setter.set_paragraph([Run(text)], 100, 10, indent_em=0)
            assert any(mark in line.text for line in lines), [line.text for line in lines]


def test_a_run_wider_than_the_column_is_cut_by_characters(setter):
    url = "https://www.ztnews.net/a/very/long/path/that/cannot/fit/in/one/column"
    lines = setter.set_paragraph([Run(f"见{url}。")], 80, 10)
    assert "".join(line.text for line in lines) == f"见{url}。"
    assert all(natural(setter, line, 10) + line.indent <= 80 + 1e-6 for line in lines)


def test_a_column_narrower_than_one_character_gets_one_character_a_line(setter):
    lines = setter.set_paragraph([Run("昭通。")], 5, 10)
    assert [line.text for line in lines] == ["昭", "通", "。"]


def test_spaces_break_latin_text_and_are_dropped_at_line_ends(setter):
    lines = setter.set_paragraph([Run("Photo by Liu Jianzhong and Chen Zhonghua for the paper")], 90, 10)
    assert len(lines) > 1
    for line in lines:
        assert line.text == line.text.strip()
    assert " ".join(line.text for line in lines) == "Photo by Liu Jianzhong and Chen Zhonghua for the paper"


def test_spaces_collapse_as_white_space_nowrap_collapses_them(setter):
    lines = setter.set_paragraph([Run("CN  53-0003\t第9642期 "), Run(" 邮发代号")], 500, 10)
    assert [line.text for line in lines] == ["CN 53-0003 第9642期 邮发代号"]


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet="中文昭通。，、“”（）《》——……·ab3. %", max_size=120),
    width=st.floats(min_value=8, max_value=300),
)
def test_any_text_is_set_whole_within_the_column(setter, text, width):
    lines = setter.set_paragraph([Run(text)], width, 10)
    assert "".join(line.text for line in lines).replace(" ", "") == text.replace(" ", "")
    assert [line.last for line in lines] == [False] * (len(lines) - 1) + [True] * bool(lines)
    for line in lines:
        assert line.spacing >= 0
        # only a line of one glyph may stick out: a character, or a run of dashes the font sets as one
        one_glyph = len(line.text) <= 2 or set(line.text) <= {"—"}
        assert natural(setter, line, 10) <= width - line.indent + 1e-6 or one_glyph


# --- indent and justification ----------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    run_in=st.text(alphabet="昭通。，“ab3 ", max_size=12),
    text=st.text(alphabet="中文昭通。，、“”（）《》——……·ab3. %\n\t\u3000", max_size=160),
    width=st.floats(min_value=8, max_value=300),
)
def test_each_line_maps_back_onto_the_paragraph_where_it_begins(setter, run_in, text, width):
    """item 8.13: a page may break a paragraph after any line, so each line's start is an exact
    offset into the paragraph's text: between two starts stands the line, its white space collapsed."""
    paragraph = run_in + text
    lines = setter.set_paragraph([Run(run_in, bold=True), Run(text)], width, 10)
    starts = line_starts(paragraph, lines)
    for line, start, end in zip(lines, starts, [*starts[1:], len(paragraph)]):
        assert re.sub(r"[ \t\n\r\f]+", " ", paragraph[start:end]).rstrip() == line.text


def test_a_line_that_is_not_the_paragraph_s_is_an_error(setter):
    with pytest.raises(ValueError, match="does not map back"):
        line_starts("昭通日报", setter.set_paragraph([Run("昭阳日报")], 100, 10))


def test_first_line_is_indented_two_em(setter):
    lines = setter.set_paragraph([Run(sample_paragraphs()[0])], 160, SIZE)
    assert lines[0].indent == pytest.approx(2 * SIZE)
    assert all(line.indent == 0 for line in lines[1:])


def test_lines_are_justified_to_the_column_and_last_lines_are_not(setter):
    for _, lines in all_lines(setter, widths=(160.0,)):
        assert [line.last for line in lines] == [False] * (len(lines) - 1) + [True]
        assert lines[-1].spacing == 0
        for line in lines:
            assert line.spacing >= 0
            if not line.last:
                assert line.indent + justified_width(setter, line) == pytest.approx(160)


def test_a_justified_lines_last_character_is_a_run_of_its_own(setter):
    lines = setter.set_paragraph([Run("今年前三季度，", bold=True), Run("全市能源外工业投资同比增长61.2%。")], 100, 10)
    assert lines[0].runs[0] == Run("今年前三季度，", bold=True)
    for line in lines[:-1]:
        assert len(line.runs[-1].text) == 1


# --- the real thing: WeasyPrint sets the lines, pdfplumber reads them back -------------------------


def line_html(line: Line) -> str:
    """One line as the PDF templates set it (see ``layout.typeset``'s docstring)."""
    style = f"letter-spacing:{line.spacing}pt" + (f";margin-left:{line.indent}pt" if line.indent else "")
    runs = "".join(
        f"<b>{html.escape(r.text)}</b>" if r.bold else f"<span>{html.escape(r.text)}</span>" for r in line.runs
    )
    return f'<span style="{style}">{runs}</span>'


def test_weasyprint_sets_every_justified_line_flush_with_the_column(setter):
    text = (
        "今年前三季度，全市能源外工业投资同比增长61.2%，增速排名全省第一位，访问www.ztnews.net"
        "了解“3815”战略——在去年高基数高速增长的情况下，增速连续9个月保持全省前三名……始终保持57%以上的"
        "高速增长态势（CN 53-0003）。"
    )
    lines = setter.set_paragraph([Run("强化项目储备，", bold=True), Run(text)], 160, SIZE)
    leading, left = 18.0, 40.0
    paragraph = "<br>".join(line_html(line) for line in lines)
    document = f"""<html lang="zh-Hans"><style>
      @page {{ size: 260pt 400pt; margin: 0 }}
      body {{ margin: 0 0 0 {left}pt; width: 160pt; font: {SIZE}pt/{leading}pt "Noto Serif CJK SC";
              font-kerning: none; font-variant-ligatures: none }}
      p {{ margin: 0; white-space: nowrap }}
    </style><p>{paragraph}</p><p><span>下</span></p>"""
    with pdfplumber.open(io.BytesIO(weasyprint.HTML(string=document).write_pdf())) as pdf:
        chars = pdf.pages[0].chars
    rows: dict[int, list] = {}
    for char in chars:
        rows.setdefault(round(char["top"] / leading), []).append(char)
    assert len(rows) == len(lines) + 1  # the paragraph is exactly lines x leading deep
    for row, line in zip(sorted(rows), lines):
        glyphs = sorted(rows[row], key=lambda c: c["x0"])
        assert "".join(c["text"] for c in glyphs).replace(" ", "") == line.text.replace(" ", "")
        assert glyphs[0]["x0"] - left == pytest.approx(line.indent, abs=0.01)
        right = glyphs[-1]["x1"] - left
        expected = 160 if not line.last else line.indent + natural(setter, line)
        assert right == pytest.approx(expected, abs=0.1), line.text
