"""Paragraphs in OCR blocks: where a block's lines stand says where the compositor began each paragraph, and
a block whose lines are no justified column (verse, centred lines, tables, two columns) is left whole. First
the rule on lines given by their geometry, then the ALTO and hOCR readers applying it."""

from __future__ import annotations

import random
from pathlib import Path

from test_alto import alto_page
from test_hocr import write_hocr

from layout.readers import read_issue
from layout.readers.ocr_paragraphs import LineBox, paragraph_starts

PROSE = "The river rose in the night and the mill was shut."  # a block's text, set left to right
EM = 40.0  # a line's height, in the file's units
LEFT, RIGHT = 100.0, 1700.0  # a column of 40 ems


def line(indent: float = 0.0, short: float = 0.0, *, hyphenated: bool = False) -> LineBox:
    """A line of the column, ``indent`` ems in from its left edge and ending ``short`` ems before its right."""
    return LineBox(LEFT + indent * EM, RIGHT - short * EM, EM, hyphenated)


def paragraph(lines: int, *, indent: float = 1.0, last_short: float = 15.0) -> list[LineBox]:
    """A justified paragraph: its first line indented, the lines between full, its last line short."""
    return [line(indent), *[line() for _ in range(lines - 2)], line(short=last_short)]


def wobbled(lines: list[LineBox], *, seed: int = 7) -> list[LineBox]:
    """``lines`` as an OCR engine boxes them: each edge off by up to a fifth of an em."""
    rng = random.Random(seed)
    return [
        LineBox(b.left + rng.uniform(-0.2, 0.2) * EM, b.right + rng.uniform(-0.2, 0.2) * EM, b.height, b.hyphenated)
        for b in lines
    ]


# ---- a justified column: where its paragraphs begin ----


def test_in_a_justified_column_an_indented_line_after_a_short_one_begins_a_paragraph() -> None:
    column = paragraph(5) + paragraph(4) + paragraph(6)
    assert paragraph_starts(wobbled(column), PROSE) == (5, 9)


def test_a_short_line_ends_a_paragraph_where_paragraphs_are_not_indented() -> None:
    column = paragraph(5, indent=0) + paragraph(4, indent=0) + paragraph(6, indent=0)
    assert paragraph_starts(wobbled(column), PROSE) == (5, 9)


def test_an_indented_line_begins_a_paragraph_though_the_line_before_ends_nearly_full() -> None:
    column = paragraph(5, last_short=0.5) + paragraph(4, last_short=1.0) + paragraph(6)
    assert paragraph_starts(wobbled(column), PROSE) == (5, 9)


def test_a_line_ending_in_a_hyphen_never_ends_a_paragraph_however_it_stands() -> None:
    """The word it breaks runs on into the next line, indented or not: the two lines are one paragraph."""
    column = paragraph(5) + paragraph(4) + paragraph(6)
    column[4] = line(short=15.0, hyphenated=True)
    assert paragraph_starts(wobbled(column), PROSE) == (9,)


def test_sizes_are_the_blocks_own_line_heights_not_the_files_units() -> None:
    column = wobbled(paragraph(5) + paragraph(4) + paragraph(6))
    scaled = [LineBox(b.left * 12, b.right * 12, b.height * 12, b.hyphenated) for b in column]
    assert paragraph_starts(scaled, PROSE) == paragraph_starts(column, PROSE) == (5, 9)


def test_a_skewed_scan_drifting_an_em_and_a_half_down_the_column_shows_only_its_paragraphs() -> None:
    column = paragraph(12) + paragraph(10) + paragraph(14) + paragraph(12)
    drift = 1.5 * EM / len(column)
    skewed = [LineBox(b.left + i * drift, b.right + i * drift, b.height, b.hyphenated) for i, b in enumerate(column)]
    assert paragraph_starts(wobbled(skewed), PROSE) == (12, 22, 36)


def test_a_left_edge_of_ocr_noise_leaves_the_short_lines_to_tell_the_paragraphs() -> None:
    """A damaged margin read as marks: the left edges say nothing, the justified right edge still does."""
    rng = random.Random(3)
    column = paragraph(8, indent=0) + paragraph(6, indent=0) + paragraph(9, indent=0)
    noisy = [LineBox(b.left - rng.uniform(0, 6) * EM, b.right, b.height, b.hyphenated) for b in column]
    assert paragraph_starts(noisy, PROSE) == (8, 14)


def test_text_set_right_to_left_is_indented_from_the_right_and_ends_short_on_the_left() -> None:
    column = wobbled(paragraph(5) + paragraph(4) + paragraph(6))
    mirrored = [LineBox(2 * RIGHT - b.right, 2 * RIGHT - b.left, b.height, b.hyphenated) for b in column]
    yiddish = "דער טייך איז געשטיגן אין דער נאַכט"
    assert paragraph_starts(mirrored, yiddish) == (5, 9)
    assert paragraph_starts(mirrored, PROSE) != (5, 9)  # read left to right, its edges would mislead


def test_a_short_block_is_one_paragraph() -> None:
    assert paragraph_starts([line(), line(short=20), line(2.0)], PROSE) == ()


# ---- no justified column: left whole ----


def test_verse_every_line_indented_or_short_is_left_whole() -> None:
    rng = random.Random(5)
    verse = [line(indent=2.0 * (i % 2), short=rng.uniform(8, 20)) for i in range(24)]
    assert paragraph_starts(verse, PROSE) == ()


def test_centred_lines_are_left_whole() -> None:
    rng = random.Random(11)
    centred = []
    for _ in range(20):
        margin = rng.uniform(0, 15)
        centred.append(line(indent=margin, short=margin))
    assert paragraph_starts(centred, PROSE) == ()


def test_a_table_of_figures_is_left_whole() -> None:
    """Labels flush left, figures ranged right: neither edge holds most of the lines."""
    table = []
    for _ in range(8):
        table += [line(short=25.0), line(indent=30.0)]
    assert paragraph_starts(wobbled(table), PROSE) == ()


def test_a_block_whose_lines_stand_in_two_columns_is_left_whole() -> None:
    """Two justified columns read one after the other in one block: each would pass, together they are none."""
    width = RIGHT - LEFT + 2 * EM

    def shifted(lines: list[LineBox]) -> list[LineBox]:
        return [LineBox(b.left + width, b.right + width, b.height, b.hyphenated) for b in lines]

    first = paragraph(20) + paragraph(25) + paragraph(15)
    second = shifted(paragraph(18) + paragraph(22) + paragraph(20))
    assert paragraph_starts(wobbled(first + second), PROSE) == ()
    interleaved = [b for pair in zip(first, second, strict=True) for b in pair]
    assert paragraph_starts(wobbled(interleaved), PROSE) == ()


def test_a_poem_set_in_a_column_of_prose_is_left_whole_and_the_prose_read_into_paragraphs() -> None:
    """Around the poem's lines the right edge is ragged: they begin no paragraphs, though the block's edges are
    justified. (Where the poem meets the prose, a paragraph may stay joined to it: the block is left as read.)"""
    rng = random.Random(5)
    prose = paragraph(8) + paragraph(6) + paragraph(9) + paragraph(7)
    verse = [line(indent=0.9 * (i % 2), short=rng.uniform(1, 12)) for i in range(20)]
    after = paragraph(7) + paragraph(8) + paragraph(6) + paragraph(9)
    starts = paragraph_starts(wobbled(prose + verse + after), PROSE)
    assert not [start for start in starts if 30 < start < 50]
    assert {8, 14, 57, 65, 71} <= set(starts)


def test_a_list_of_two_line_items_is_left_whole() -> None:
    """Half the lines indented, half short: neither edge holds most of the lines."""
    items = [box for _ in range(10) for box in paragraph(2)]
    assert paragraph_starts(wobbled(items), PROSE) == ()


def test_lines_that_would_nearly_all_begin_a_paragraph_are_left_whole() -> None:
    """A compositor's paragraphs run several lines: when most lines would begin one (each edge holding most
    lines, but the indented lines and the short ones different lines), the block is something else."""
    form = [box for _ in range(8) for box in (line(indent=1.0), line(short=10.0), line())]
    assert paragraph_starts(wobbled(form), PROSE) == ()


# ---- the readers ----

ALTO_COLUMN = [  # (indent, short, words) of each line, in ems: two paragraphs, a word hyphenated across lines
    (1.0, 0.0, "The new bridge over Mill Creek was opened"),
    (0.0, 0.0, "to traffic on Wednesday, when the Mayor"),
    (0.0, 0.0, "drove the first team across it before a"),
    (0.0, 14.0, "crowd of four hundred."),
    (1.0, 0.0, "In the evening a dance was held in the"),
    (0.0, 0.0, "Grange hall, and the celebration lasted"),
    (0.0, 0.0, "until well after midnight, when the band"),
    (0.0, 30.0, "went home"),
]


def alto_column(lines: list[tuple[float, float, str]]) -> str:
    """A TextBlock of ``lines``, one TextLine a source line, in a column of 40 ems of 100 units (a line's
    height); a line ending in ``-`` ends with the first part of a word and the HYP ALTO marks it with."""
    text_lines = []
    for number, (indent, short, words) in enumerate(lines):
        strings = "".join(f'<String CONTENT="{word.rstrip("-")}"/><SP/>' for word in words.split())
        if words.endswith("-"):
            strings = strings.removesuffix("<SP/>") + '<HYP CONTENT="-"/>'
        left, right = 1000 + indent * 100, 5000 - short * 100
        box = f'HPOS="{left:.0f}" VPOS="{1000 + 120 * number}" WIDTH="{right - left:.0f}" HEIGHT="100"'
        text_lines.append(f"<TextLine {box}>{strings}</TextLine>\n")
    return f'<TextBlock VPOS="1000" HEIGHT="{120 * len(lines)}" STYLEREFS="BODY">\n{"".join(text_lines)}</TextBlock>'


def test_an_alto_block_reads_as_the_paragraphs_its_lines_show_every_word_kept(tmp_path: Path) -> None:
    page = tmp_path / "page.xml"
    page.write_bytes(alto_page(alto_column(ALTO_COLUMN)))
    (section,) = read_issue(page).sections
    assert [block.text for block in section.blocks] == [
        "The new bridge over Mill Creek was opened to traffic on Wednesday, when the Mayor drove the first team "
        "across it before a crowd of four hundred.",
        "In the evening a dance was held in the Grange hall, and the celebration lasted until well after "
        "midnight, when the band went home",
    ]
    first, second = section.blocks
    assert first.line < first.last_line < second.line < second.last_line


def test_an_alto_word_hyphenated_across_a_short_line_stays_whole_in_its_paragraph(tmp_path: Path) -> None:
    """A line ending in a HYP runs on: the next line continues its paragraph, indented or not."""
    lines = list(ALTO_COLUMN)
    lines[3] = (0.0, 14.0, "crowd of four hun-")
    lines[4] = (1.0, 0.0, "dred. In the evening a dance was held in")
    page = tmp_path / "page.xml"
    page.write_bytes(alto_page(alto_column(lines)))
    issue = read_issue(page)
    (section,) = issue.sections
    assert len(section.blocks) == 1
    assert "a crowd of four hundred. In the evening" in section.blocks[0].text
    assert [(r.before, r.after) for r in issue.repairs] == [("hun- dred.", "hundred.")]


def test_an_alto_block_whose_lines_say_not_where_they_stand_is_one_paragraph(tmp_path: Path) -> None:
    page = tmp_path / "page.xml"
    block = alto_column(ALTO_COLUMN)
    for attribute in ("HPOS", "WIDTH"):
        block = block.replace(f' {attribute}="', f' X{attribute}="')
    page.write_bytes(alto_page(block))
    (section,) = read_issue(page).sections
    assert len(section.blocks) == 1


def test_an_hocr_paragraph_reads_as_the_paragraphs_its_lines_bboxes_show(tmp_path: Path) -> None:
    lines = []
    for number, (indent, short, words) in enumerate(ALTO_COLUMN):
        left, right, top = 100 + indent * 40, 1700 - short * 40, 500 + 50 * number
        spans = "".join(f"<span class='ocrx_word'>{word}</span> " for word in words.split())
        lines.append(f"<span class='ocr_line' title='bbox {left:.0f} {top} {right:.0f} {top + 40}'>{spans}</span>\n")
    par = f"<p class='ocr_par' title='bbox 100 500 1700 900'>\n{''.join(lines)}</p>\n"
    nameplate = (
        "<p class='ocr_par' title='bbox 100 100 1700 180'><span class='ocr_line' title='bbox 100 100 1700 180; "
        "x_size 80'><span class='ocrx_word'>THE</span> <span class='ocrx_word'>STAR</span></span></p>\n"
    )
    path = write_hocr(tmp_path, f"<div class='ocr_page' title='bbox 0 0 2480 3508'>\n{nameplate}{par}</div>\n")
    (section,) = read_issue(path).sections
    assert [block.text.split()[:3] for block in section.blocks] == [["The", "new", "bridge"], ["In", "the", "evening"]]
