"""English set as English (issue 9, historic and English papers): the English style's Latin face,
hyphenation with the language's dictionary, and justification by word spacing within limits.

The planned lines are checked against the limits ``layout.typeset`` documents, and the real PDF of an
English issue (the ALTO fixture, a 1911 country weekly) is read back to see what a reader sees.
"""

from __future__ import annotations

import io
import re
import subprocess
import threading
import zipfile
from collections import Counter
from pathlib import Path

import pdfplumber
import pypdf
import pyphen
import pytest

from layout.build import BuildOptions, Built, make
from layout.style import load_style
from layout.typeset import (
    MAX_HYPHENATED_LINES,
    MAX_LETTER_SPACING,
    MAX_WORD_STRETCH,
    MIN_WORD_SPACE,
    Line,
    Run,
    Typesetter,
    line_starts,
)
from layout.verify import normalize

ENGLISH = Path(__file__).parent / "issues" / "alto" / "1911051901.xml"
LATIN_FACE = "Old Standard TT"
TEXT = (
    "The Harlow Valley Grange has set the first Saturday in June for its spring fair, and the committee "
    "asks that all entries of stock, butter, preserves and needlework be made with the secretary, "
    "Mrs. Ella Whitcomb, not later than the twenty-fifth of this month. The commercial club of the "
    "neighbouring towns has promised its cooperation, and the administration of the county fairground "
    "has offered the exhibition buildings for the occasion."
)


@pytest.fixture(scope="module")
def setter() -> Typesetter:
    return Typesetter.for_faces(load_style("gazette").body_faces, "en")


@pytest.fixture(scope="module")
def english() -> Built:
    return make(ENGLISH, BuildOptions())


def planned_lines(built: Built) -> list[Line]:
    return [
        row.line
        for page in built.plan.pages
        for piece in page.pieces
        for column in piece.columns
        for row in column
        if row.kind == "text" and row.line is not None
    ]


def space_width(setter: Typesetter, size: float) -> float:
    return setter.advance(" ", size)


# --- the face ------------------------------------------------------------------------------------


def test_the_english_style_sets_latin_in_old_standard_with_the_cjk_face_behind_it() -> None:
    assert load_style("gazette").body_faces == (LATIN_FACE, "Noto Serif CJK SC")
    assert load_style("zhaotong-daily").body_faces == ("Noto Serif CJK SC", "HanaMinB")


def test_each_character_is_measured_in_the_first_face_that_has_it(setter: Typesetter) -> None:
    chinese = Typesetter.noto_serif_sc()
    latin = Typesetter.for_faces((LATIN_FACE,))
    assert setter.advance("Harlow", 10) == pytest.approx(latin.advance("Harlow", 10))
    assert setter.advance("Harlow", 10) != pytest.approx(chinese.advance("Harlow", 10))
    assert setter.advance("Harlow昭通", 10) == pytest.approx(latin.advance("Harlow", 10) + chinese.advance("昭通", 10))


def test_the_english_pdf_sets_its_body_in_the_latin_face_and_embeds_it(english: Built, tmp_path: Path) -> None:
    with pdfplumber.open(io.BytesIO(english.files["1911051901.pdf"])) as pdf:
        body = english.plan.geometry.body_size
        chars = [c for page in pdf.pages for c in page.chars if c["size"] == pytest.approx(body, abs=0.01)]
        faces = Counter(c["fontname"].split("+")[-1] for c in chars)
        assert faces.most_common(1)[0][0] == "Old-Standard-TT"
    path = tmp_path / "english.pdf"
    path.write_bytes(english.files["1911051901.pdf"])
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    embedded = {line.split()[0].split("+")[-1]: line.split()[-5] for line in listing.splitlines()[2:]}
    assert embedded["Old-Standard-TT"] == embedded["Old-Standard-TT-Bold"] == "yes"  # body and headlines


# --- hyphenation ---------------------------------------------------------------------------------


def test_a_long_word_at_a_line_end_is_hyphenated_at_a_dictionary_point(setter: Typesetter) -> None:
    dictionary = pyphen.Pyphen(lang=pyphen.language_fallback("en"), left=2, right=3)  # en_GB for a bare "en"
    lines = setter.set_paragraph([Run(TEXT)], 140, 10, indent_em=1, hyphenate=True)
    hyphenated = [(line, after) for line, after in zip(lines, lines[1:]) if line.hyphen]
    assert hyphenated
    for line, after in hyphenated:
        head, tail = line.text.split()[-1], after.text.split()[0]
        word = (head + tail).strip(",.")
        assert word in TEXT
        assert len(head) in dictionary.positions(word), (head, tail)
        assert not head.endswith("-"), "the hyphen is drawn, not written into the text"


def test_a_hyphenated_paragraph_still_maps_back_onto_its_text(setter: Typesetter) -> None:
    lines = setter.set_paragraph([Run(TEXT)], 120, 10, hyphenate=True)
    assert any(line.hyphen for line in lines)
    starts = line_starts(TEXT, lines)
    assert "".join(TEXT[a:b].replace(" ", "") for a, b in zip(starts, [*starts[1:], len(TEXT)])) == TEXT.replace(
        " ", ""
    )


@pytest.mark.parametrize("width", [25, 60, 140])
def test_words_run_together_longer_than_the_hyphen_limits_lines_are_set_whole(setter: Typesetter, width) -> None:
    """OCR that misses the spaces of a faded line makes one word of a sentence: it takes more lines, each
    hyphenated, than the limit of hyphens in a row allows, and is still set (planning failed on it)."""
    run_together = "theboardofsupervisorsmetonthursdayandorderedthattheroadfromthecourthousetotheferry" * 3
    text = f"Before it {run_together} and after it."
    lines = setter.set_paragraph([Run(text)], width, 8.5, hyphenate=True)
    assert sum(1 for line in lines if line.hyphen) > MAX_HYPHENATED_LINES
    assert "".join(line.text for line in lines).replace(" ", "") == text.replace(" ", "")


def test_a_hyphen_in_the_text_is_a_break_and_adds_no_second_hyphen(setter: Typesetter) -> None:
    text = "aaaa bbbb cccc dddd New-Yorkers"
    width = setter.advance("aaaa bbbb cccc dddd New-", 10) + 1
    first, second = setter.set_paragraph([Run(text)], width, 10, indent_em=0, hyphenate=True)
    assert (first.text, second.text) == ("aaaa bbbb cccc dddd New-", "Yorkers")
    assert first.hyphen is None


def test_headlines_and_chinese_are_never_hyphenated(setter: Typesetter) -> None:
    assert not any(line.hyphen for line in setter.set_paragraph([Run(TEXT, bold=True)], 140, 10))
    assert not Typesetter.for_faces(("Noto Serif CJK SC",), "zh-Hans").hyphenates


def test_what_planning_keeps_of_a_paragraph_changes_none_of_its_lines(setter: Typesetter) -> None:
    """issue 11: while an issue is planned the typesetter keeps each paragraph's shape and each text's
    width (every grid tried sets the paragraphs again, at another size or width); a paragraph set from what
    was kept is set as it is afresh, line for line and float for float."""
    runs = [Run("The Harlow Valley Grange ", bold=True), Run(TEXT)]
    settings = [(width, size) for width in (60, 120, 150) for size in (7.25, 9.0)]
    afresh = [setter.set_paragraph(runs, width, size, hyphenate=True) for width, size in settings]
    widths = [setter.advance(TEXT, size) for _, size in settings]
    with setter.memoizing(), setter.memoizing():  # planning within planning shares what is kept
        for _ in range(2):
            assert [setter.set_paragraph(runs, width, size, hyphenate=True) for width, size in settings] == afresh
            assert [setter.advance(TEXT, size) for _, size in settings] == widths
    assert [setter.set_paragraph(runs, width, size, hyphenate=True) for width, size in settings] == afresh


def test_what_planning_keeps_is_each_threads_own(setter: Typesetter) -> None:
    """One typesetter serves the whole process, and a Dask worker run with several threads plans several
    issues at once: one thread's planning ending lets go of its own paragraphs only."""
    other_ended = threading.Event()

    def plan_another_issue() -> None:
        with setter.memoizing():
            setter.set_paragraph([Run(TEXT)], 120, 9.0, hyphenate=True)
        other_ended.set()

    with setter.memoizing():
        lines = setter.set_paragraph([Run(TEXT)], 150, 10, hyphenate=True)
        thread = threading.Thread(target=plan_another_issue)
        thread.start()
        thread.join()
        assert other_ended.is_set()
        assert setter._memo.shapes, "this thread's shapes are still kept"
        assert setter.set_paragraph([Run(TEXT)], 150, 10, hyphenate=True) == lines
    assert setter._memo.shapes is None


def test_the_pdf_reads_each_hyphenated_word_whole_and_draws_its_hyphen(english: Built) -> None:
    hyphenated = [line for line in planned_lines(english) if line.hyphen]
    hyphen = hyphenated[0].hyphen
    assert hyphen is not None
    pdf_bytes = english.files["1911051901.pdf"]
    text = normalize("".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf_bytes)).pages))
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        rules = [
            r
            for page in pdf.pages
            for r in page.rects
            if r["height"] == pytest.approx(hyphen.height, abs=0.05)
            and r["width"] == pytest.approx(hyphen.width, abs=0.05)
        ]
    assert len(rules) == len(hyphenated)
    for column in (column for page in english.plan.pages for piece in page.pieces for column in piece.columns):
        lines = [row.line for row in column if row.line is not None]
        for line, after in zip(lines, lines[1:]):
            if line.hyphen:
                assert normalize(line.text.split()[-1] + after.text.split()[0]) in text


def test_the_ebook_asks_the_reading_system_to_hyphenate_in_the_issues_language(english: Built) -> None:
    with zipfile.ZipFile(io.BytesIO(english.files["1911051901.epub"])) as book:
        css = book.read("EPUB/epub.css").decode()
        page = book.read("EPUB/page-1.xhtml").decode()
    assert re.search(r"\bp\s*\{[^}]*\bhyphens:\s*auto", css)
    assert 'lang="en"' in page


# --- justification ---------------------------------------------------------------------------------


def test_word_spaces_and_letter_spacing_stay_within_their_limits(english: Built, setter: Typesetter) -> None:
    size = english.plan.geometry.body_size
    space = space_width(setter, size)
    lines = planned_lines(english)
    assert len(lines) > 50
    for line in lines:
        assert -(1 - MIN_WORD_SPACE) * space - 1e-6 <= line.word_spacing <= MAX_WORD_STRETCH * size + 1e-6
        assert 0 <= line.spacing <= MAX_LETTER_SPACING * size + 1e-6, line.text
    assert sum(1 for line in lines if line.word_spacing) > len(lines) / 2  # justified by their word spaces


def test_on_the_page_every_gap_is_a_letter_gap_or_a_word_space_in_limits(english: Built, setter: Typesetter) -> None:
    """No `c o m m e r c i a l`: between two glyphs of a body line stands either almost nothing (the
    letter-spacing limit, and the hair by which WeasyPrint's rounding widens a justified line's last
    gap) or a word space no narrower than its shrink limit and no wider than its stretch limit."""
    size = english.plan.geometry.body_size
    space = space_width(setter, size)
    letter = 0.05 * size
    # the space itself is a character too, so the letter-spacing comes twice into a word's gap
    word = (MIN_WORD_SPACE * space - 0.05, space + (MAX_WORD_STRETCH + 2 * MAX_LETTER_SPACING) * size + letter)
    gutter = english.plan.geometry.gutter
    odd = []
    with pdfplumber.open(io.BytesIO(english.files["1911051901.pdf"])) as pdf:
        for page in pdf.pages:
            chars = [c for c in page.chars if c["size"] == pytest.approx(size, abs=0.01) and c["text"].strip()]
            for before, after in zip(chars, chars[1:]):
                gap = after["x0"] - before["x1"]
                if after["top"] != pytest.approx(before["top"], abs=0.5) or not -1 < gap < gutter - 1:
                    continue  # the next line, or the next column
                if not (gap <= letter or word[0] <= gap <= word[1]):
                    odd.append((before["text"], after["text"], round(gap, 2)))
    assert not odd


def test_a_line_that_cannot_be_justified_within_the_limits_is_left_short(setter: Typesetter) -> None:
    """Two words and a number no dictionary splits: the spaces stretch to their limit, the letters a
    hair, and the rest is left at the line's end rather than spread between the letters."""
    width = setter.advance("to be 1234567", 10)
    first, second = setter.set_paragraph([Run("to be 1234567890")], width, 10, indent_em=0, hyphenate=True)
    assert (first.text, second.text) == ("to be", "1234567890")
    assert first.word_spacing == pytest.approx(MAX_WORD_STRETCH * 10)
    assert first.spacing == pytest.approx(MAX_LETTER_SPACING * 10)
