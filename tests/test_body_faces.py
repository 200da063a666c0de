"""The body's faces (issue 10): characters the first face lacks print in a fallback face and read back.

Old and classical Chinese text has characters of CJK Extension B and beyond (申報 1880: 𢿙, 𨽻) that
Noto Serif CJK lacks; the Chinese daily's body falls back to HanaMinB for them, in print and as a hint
to the e-book's reading system. A fallback face may lack a Bold; the first face, which sets the
headlines, may not.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from test_print import run
from test_styles import add_style, styles  # noqa: F401  # styles: the fixture add_style writes into

from layout.build import BuildOptions, make
from layout.errors import StyleError
from layout.style import load_style
from layout.typeset import Typesetter
from layout.verify import verify_pdf

FALLBACK = "HanaMinB"
RARE = "𢿙𨽻"  # U+22FD9, U+28F7B: CJK Extension B, in the 申報 day of 1880 and in no Noto CJK face


def test_the_chinese_daily_falls_back_to_a_face_with_the_extension_b_characters() -> None:
    """issue 10"""
    assert load_style("zhaotong-daily").body_faces == ("Noto Serif CJK SC", FALLBACK)


def test_a_short_issue_with_extension_b_characters_prints_them_in_the_fallback_and_reads_them_back(
    tmp_path: Path,
) -> None:
    """issue 10: verify finds no glyph drawn as .notdef and no character lost, and the PDF's text layer
    gives the characters back, in the headline (bold, which the fallback has not) and in the body.
    (Only its font and text checks are asked: a page this short is too empty for a paper.)"""
    source = tmp_path / "rare.md"
    source.write_text(f"# 申報\n\n## 論{RARE[0]}字\n\n古書有{RARE}二字，今之字書罕見。\n", encoding="utf-8")
    built = make(source, BuildOptions(pages=1, epub=False))
    pdf = tmp_path / "rare.pdf"
    pdf.write_bytes(built.files["rare.pdf"])
    report = verify_pdf(built.issue, pdf)
    assert {"fonts", "text"} <= set(report.checks)
    assert [f for f in report.findings if f.check in ("fonts", "text")] == []
    with pdfplumber.open(pdf) as document:
        chars = document.pages[0].chars
    text = "".join(c["text"] for c in chars)
    assert f"論{RARE[0]}字" in text and f"古書有{RARE}二字" in text
    assert {c["fontname"].split("+")[-1].split("-")[0] for c in chars if c["text"] in RARE} == {FALLBACK}


def test_the_ebook_names_the_fallback_face_and_embeds_no_font(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """issue 10: the reading system is told the print's faces, fallback included; the EPUB stays small."""
    source = tmp_path / "rare.md"
    source.write_text(f"# 申報\n\n## 論字\n\n古書有{RARE}二字。\n", encoding="utf-8")
    status, _, err = run(["build", str(source), "--epub-only", "--pages", "1", "--out", str(tmp_path)], capsys)
    assert status == 0, err
    with zipfile.ZipFile(tmp_path / "rare.epub") as book:
        css = book.read("EPUB/epub.css").decode()
        names = book.namelist()
    assert re.search(rf"body \{{ font-family: Noto Serif CJK SC, {FALLBACK}, serif; \}}", css)
    assert not [name for name in names if name.lower().endswith((".ttf", ".otf", ".ttc", ".woff", ".woff2"))]


def test_a_fallback_face_without_a_bold_measures_its_bold_with_its_regular() -> None:
    """issue 10: HanaMinB has no Bold; Pango sets its bold with the Regular's glyphs, one em each."""
    setter = Typesetter.for_faces(("Noto Serif CJK SC", FALLBACK))
    assert setter.advance(RARE, 10, bold=True) == setter.advance(RARE, 10) == pytest.approx(20)
    assert setter.advance("中" + RARE, 10, bold=True) == pytest.approx(30)


def test_a_first_face_without_a_bold_is_refused_with_one_line(
    styles: Path,  # noqa: F811  # the fixture imported above
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """issue 10: the headlines are set in the first face, so it must have a Bold of its own."""
    add_style(
        styles, "no-bold", {"style.yaml": f"extends: zhaotong-daily\nbody_faces: [{FALLBACK}, Noto Serif CJK SC]\n"}
    )
    with pytest.raises(StyleError, match=rf"{FALLBACK}, the first of the body faces, has no Bold"):
        Typesetter.for_faces(load_style("no-bold").body_faces)
    source = tmp_path / "plain.md"
    source.write_text("# 日报\n\n## 标题\n\n正文。\n", encoding="utf-8")
    out = tmp_path / "out"
    status, stdout, err = run(["build", str(source), "--style", "no-bold", "--out", str(out)], capsys)
    assert status == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err + stdout
    assert "has no Bold" in err and "body_faces" in err
    assert not out.exists() or not any(out.iterdir())
