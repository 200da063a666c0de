"""The edition's notes (issue 9): what a repair took out of the source's text (a word's line-end hyphen,
the original's jump line) is quoted in notes at the end of the issue, so that the text reads as the
edition means it and every character of the source is still in both outputs."""

from __future__ import annotations

import html
import io
import zipfile
from pathlib import Path

from pypdf import PdfReader

from layout.build import BuildOptions, make
from layout.model import Block, Issue, Masthead, Repair, RepairKind, Section, SectionKind
from layout.readers import read_issue
from layout.readers.notes import with_notes
from layout.verify import normalize

ROOT = Path(__file__).resolve().parent.parent
GAZETTE = ROOT / "tests" / "issues" / "gazette.md"


def issue_with(*repairs: Repair) -> Issue:
    story = Section(SectionKind.STORY, "Harbor works", 3, lead=True, blocks=(Block("The harbor is deep.", 5, 6),))
    return Issue("x.md", Masthead(title="The Courier"), (story,), repairs=repairs)


def test_repairs_that_take_text_out_are_quoted_in_notes_last_in_source_order() -> None:
    issue = with_notes(
        issue_with(
            Repair(RepairKind.HYPHEN, (9, 10), "Mem- ber", "member"),
            Repair(RepairKind.PUNCTUATION, (5,), "a,b", "a，b"),
            Repair(RepairKind.HYPHEN, (5, 6), "har- bor", "harbor"),
            Repair(RepairKind.JUMP, (12,), "Continued on page 3", ""),
        )
    )
    kinds = [(s.kind, s.notes) for s in issue.sections]
    assert kinds == [
        (SectionKind.STORY, None),
        (SectionKind.NOTES, RepairKind.HYPHEN),
        (SectionKind.NOTES, RepairKind.JUMP),
    ]
    hyphens, jumps = issue.sections[1:]
    assert [b.text for b in hyphens.blocks] == ["har- bor · Mem- ber"]
    assert (hyphens.blocks[0].line, hyphens.blocks[0].last_line) == (5, 10)
    assert [b.text for b in jumps.blocks] == ["Continued on page 3"]


def test_an_issue_no_repair_took_text_from_has_no_notes() -> None:
    issue = issue_with(Repair(RepairKind.JOIN, (5, 7), "a\n\nb", "ab"))
    assert with_notes(issue) is issue


def test_the_originals_jump_line_is_quoted_in_both_outputs_so_no_character_of_the_source_is_missing() -> None:
    issue = read_issue(GAZETTE)
    assert issue.sections[-1].notes is RepairKind.JUMP
    built = make(GAZETTE, BuildOptions(style="gazette"))
    printed = "".join(page.extract_text() for page in PdfReader(io.BytesIO(built.files["gazette.pdf"])).pages)
    with zipfile.ZipFile(io.BytesIO(built.files["gazette.epub"])) as epub:
        read = html.unescape("".join(epub.read(n).decode() for n in epub.namelist() if n.startswith("EPUB/page-")))
    assert "Continued on page 3" in GAZETTE.read_text(encoding="utf-8")  # the original's jump line
    for text in (printed, read):
        assert normalize("Continued on page 3") in normalize(text)
        assert "The original's jump lines" in text
