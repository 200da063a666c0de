"""Styles: a style extends another, taking its settings and templates unless it has its own."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from layout.build import BuildOptions, make
from layout.errors import StyleError
from layout.style import STYLES_DIR, load_style

WORDS = (
    "council road bridge school budget river market harbour station library hospital "
    "museum garden festival weather farmer train ferry village"
).split()


def english_issue(folder: Path, stories: int = 3, paragraphs: int = 4) -> Path:
    """A small English paper with enough text to jump from the front page."""
    lines = ["# The Riverside Gazette", "", "Tuesday, March 5, 2024", "No. 345", ""]
    for s in range(stories):
        lines += [f"## Story {s + 1} about the {WORDS[s]}", "", "By Jane Doe", ""]
        for p in range(paragraphs):
            words = [WORDS[(s * 7 + p * 3 + k) % len(WORDS)] for k in range(60)]
            lines += [f"Paragraph {p + 1} of story {s + 1}: " + " ".join(words) + ".", ""]
    path = folder / "gazette.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_a_style_takes_the_settings_and_templates_of_the_style_it_extends():
    gazette, daily = load_style("gazette"), load_style("zhaotong-daily")
    assert gazette.folders == (STYLES_DIR / "gazette", STYLES_DIR / "zhaotong-daily")
    assert (gazette.language, gazette.paragraph_indent) == ("en", 1.0)
    assert gazette.papers == daily.papers and gazette.body_size == daily.body_size
    # its own wording wins; the page templates come from the Chinese daily
    assert "Continued on page" in gazette.templates.get_template("print/wording.html.j2").module.jump_to(3)
    assert gazette.templates.get_template("print/page.html.j2").filename.startswith(str(STYLES_DIR / "zhaotong-daily"))
    assert gazette.stylesheets("print/print.css") == [
        STYLES_DIR / "zhaotong-daily/print/print.css",
        STYLES_DIR / "gazette/print/print.css",
    ]


def test_an_unknown_style_is_a_style_error_naming_the_known_ones():
    with pytest.raises(StyleError, match="gazette, zhaotong-daily"):
        load_style("tabloid-pink")


def test_an_english_paper_jumps_with_english_jump_lines(tmp_path):
    built = make(english_issue(tmp_path), BuildOptions(style="gazette", pages=2, epub=False))
    pages = [page.extract_text() for page in read_pdf(built.files["gazette.pdf"]).pages]
    assert len(pages) == 2
    to = re.findall(r"Continued on page (\d)", pages[0])
    assert to and set(to) == {"2"}
    assert len(re.findall(r"Continued from page 1", pages[1])) == len(to)
    assert "下转" not in "".join(pages) and "版" not in "".join(pages)


def read_pdf(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))
