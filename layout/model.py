"""The model of one newspaper issue: plain frozen data, the contract between the pipeline's stages.

In: nothing (``parse`` builds it). Out: an ``Issue`` that ``plan``, ``pdf``, ``epub`` and ``verify``
read and never change. Every piece of text carries the source line it came from, so a later stage
can say where a problem is. ``to_dict`` gives the JSON form that ``reissue inspect --json`` prints
and the golden files hold.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LABEL_LENGTH = 40  # characters of a headless section's text that name it in a table of contents
MAX_PAGES = 200  # an issue's page count, from the command line or the front matter, is at most this


def issue_folder(source: Path | str) -> Path:
    """The issue's own folder: where its images are, and the only folder besides the style's that
    rendering reads. It is the real folder of the source file, a symlink followed, so that the check of
    the front matter's images, the photos and the renderer all read the one folder."""
    return Path(source).resolve().parent


def phrases(text: str) -> tuple[str, ...]:
    """A head's deliberate parts: Chinese phrases separated by a space (高质高效办理建议提案 为…)."""
    return tuple(re.split(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", text))


class SectionKind(str, enum.Enum):
    STORY = "story"
    COMMENTARY = "commentary"
    PHOTO = "photo"
    FEATURE = "feature"
    NOTES = "notes"  # the edition's notes: the source's text a kind of repair took out, quoted (last)


class BlockRole(str, enum.Enum):
    PARAGRAPH = "paragraph"
    SUBHEAD = "subhead"  # a 小标题 inside the body


class RepairKind(str, enum.Enum):
    JOIN = "join"  # a paragraph cut by a column break, joined again
    PUNCTUATION = "punctuation"  # half-width punctuation inside Chinese text made full width
    JUMP = "jump"  # the original edition's jump line (Continued on page 3), replaced by the reissue's own
    HYPHEN = "hyphen"  # a word hyphenated across lines (PRINT- ING) made whole again (PRINTING)
    MARKED_HYPHEN = "marked-hyphen"  # a word the source marks as hyphenated (ALTO's HYP, SUBS_CONTENT) set whole
    # the headline's decks said again at the top of the body (archives keep the printed head there), left
    # out of the body: the heading prints them once
    REPEAT = "repeat"
    # a page marker (第2版, Page 2, <!-- page 2 -->, ---) left out of the text: it is the section's page, and
    # the reissue prints its own page numbers
    MARKER = "marker"
    # an archive's empty label under a headline (专栏：, 作者： with nothing after), left out: it says nothing
    LABEL = "label"
    # a date line under a headline (archives date each story), read as the issue's date, which the masthead
    # prints: left out of the story
    DATE_LINE = "date-line"
    NOISE = "noise"  # OCR noise (ornaments read as text) left out of a title; the line as read is furniture


# Repairs that take characters out of the source's text: an edition quotes what they took in its notes,
# so that every character of the source stays in it (a reader, or a check that cannot see the repairs,
# finds it there). A word the source itself marks as hyphenated (ALTO's SUBS_CONTENT) is not among
# them: its hyphen is the source's markup, not its text.
QUOTED_IN_NOTES = (
    RepairKind.HYPHEN,
    RepairKind.JUMP,
    RepairKind.REPEAT,
    RepairKind.MARKER,
    RepairKind.LABEL,
    RepairKind.DATE_LINE,
)


@dataclass(frozen=True)
class Block:
    """One paragraph or subhead of a section's body.

    ``run_in`` is the paragraph's leading run-in head (a prefix of ``text``, set bold), when the
    paragraph opens with one of a parallel series.
    """

    text: str
    line: int  # first source line
    last_line: int  # last source line (differs when a join repair made one block of two)
    role: BlockRole = BlockRole.PARAGRAPH
    run_in: str | None = None
    # where each source line after the first begins in ``text`` (a paragraph of wrapped lines): a page
    # must not end a few characters into a line, or that line's opening words stand split between pages
    line_starts: tuple[int, ...] = ()


@dataclass(frozen=True)
class Section:
    """A story, commentary, photo or feature, in reading order.

    ``headline`` keeps the source's text; a space between two Chinese phrases is a deliberate
    break (``headline_lines``). ``lines`` maps each set field name to its source line.
    """

    kind: SectionKind
    headline: str
    line: int  # the headline's source line
    lead: bool = False
    kicker: str | None = None  # 栏目 / series label
    overline: str | None = None  # 引题
    subheadline: str | None = None  # 副题
    byline: str | None = None  # 本报讯(记者 …) / ◆通讯员 … / By …
    author: str | None = None  # a commentary's author
    blocks: tuple[Block, ...] = ()
    caption: str | None = None
    credit: str | None = None  # 记者 刘建忠 摄 / Photo by …
    image: str | None = None  # relative to the issue's folder
    alt: str | None = None
    page: int | None = None  # print page the section must start on (front matter)
    lines: dict[str, int] = field(default_factory=dict)
    notes: RepairKind | None = None  # a NOTES section: the kind of repair whose taken-out text it quotes

    @property
    def headline_lines(self) -> tuple[str, ...]:
        return phrases(self.headline)

    @property
    def characters(self) -> int:
        """How long its text is: the characters of its body, spaces not counted (Chinese has none)."""
        return sum(len("".join(block.text.split())) for block in self.blocks)

    @property
    def label(self) -> str:
        """What names the section in a table of contents or a bookmark: its headline, else (OCR text that
        stands under no headline) the opening words of its text."""
        if self.headline.strip():
            return " ".join(self.headline.split())
        text = " ".join(next((b.text for b in self.blocks), self.caption or "").split())
        if len(text) <= LABEL_LENGTH:
            return text
        cut = text[:LABEL_LENGTH]
        return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"

    @property
    def paragraphs(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.role is BlockRole.PARAGRAPH)

    @property
    def subheads(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.role is BlockRole.SUBHEAD)


@dataclass(frozen=True)
class TextPosition:
    """A place in a section's body: ``offset`` characters into ``blocks[block].text``.

    ``TextPosition(len(blocks))`` is the body's end.
    """

    block: int
    offset: int = 0


@dataclass(frozen=True)
class PagePart:
    """What of one section a print page holds: its body from ``start`` up to where its next part
    starts (or to its end). Part 0 also holds everything above the body: the heading block, the
    byline, the figure."""

    section: int  # index into Issue.sections
    part: int  # 0 where the section begins, 1.. its continuations
    start: TextPosition


@dataclass(frozen=True)
class Masthead:
    """The paper's furniture above the first story. ``lines`` maps each set field to its source line."""

    title: str
    title_romanized: str | None = None
    date: str | None = None  # ISO 8601 to the precision the source names (W3CDTF): 1880-10-04, 1880-10 or 1880
    weekday: str | None = None
    lunar_date: str | None = None
    sponsor: str | None = None
    publisher: str | None = None
    slogan: str | None = None
    serial_number: str | None = None  # CN 53-0003
    issue_number: int | None = None
    volume: str | None = None  # as the catalogue gives it (METS/MODS): 1, or XII
    lccn: str | None = None  # the Library of Congress Control Number of the paper (sn84038814)
    place: str | None = None  # where the paper is published (Marysville, Calif.), as the catalogue gives it
    postal_code: str | None = None
    website_name: str | None = None  # 昭通新闻网: the site's name, printed before its address
    website: str | None = None
    editor_on_duty: str | None = None
    page_count: int | None = None
    furniture: tuple[str, ...] = ()  # leftover lines (QR-code labels), verbatim
    furniture_lines: tuple[int, ...] = ()
    lines: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Repair:
    """A change the parser made to the source's text, and why: a nothing-lost proof must account for it."""

    kind: RepairKind
    lines: tuple[int, ...]
    before: str
    after: str


@dataclass(frozen=True)
class Place:
    """Where a piece of OCR text is in the source: a line of one of its files, on a page, in a block."""

    file: str  # the file's name: a METS issue has one per page
    line: int
    page: int | None = None  # the issue's page, first page 1
    block: str | None = None  # the block's ID in its file (an ALTO TextBlock, an hOCR paragraph)

    def __str__(self) -> str:
        on = f"page {self.page}, " if self.page is not None else ""
        within = f"block {self.block}, " if self.block else ""
        return f"{self.file}, {on}{within}line {self.line}"


@dataclass(frozen=True)
class DoubtfulWord:
    """A word the OCR was unsure of, for a proofreader to check against the scan; the text keeps it as read."""

    text: str
    confidence: float  # the OCR's own, from 0 (a guess) to 1 (certain)
    where: Place


@dataclass(frozen=True)
class Settings:
    """How the issue asks to be made (front matter), before the command line's options override it."""

    language: str = "zh-Hans"  # BCP 47
    style: str | None = None
    paper: str | None = None
    normalize_punctuation: bool = True
    page_names: tuple[str, ...] = ()  # the print pages' names (版名), first page first; else the style's
    # the source's printed page, width and height in mm, when it says (an ALTO page in physical units):
    # the print edition takes the style's paper nearest to it unless a paper is named
    page_size: tuple[float, float] | None = None


@dataclass(frozen=True)
class Catalogue:
    """What a library catalogues the issue by besides its masthead (front matter); none of it is printed."""

    subjects: tuple[str, ...] = ()
    description: str | None = None
    rights: str | None = None


@dataclass(frozen=True)
class Issue:
    source: str  # the source file's path as given
    masthead: Masthead
    sections: tuple[Section, ...]
    repairs: tuple[Repair, ...] = ()
    settings: Settings = Settings()
    catalogue: Catalogue = Catalogue()
    doubtful_words: tuple[DoubtfulWord, ...] = ()  # OCR's words read with low confidence, in reading order

    @property
    def page_count(self) -> int | None:
        """The pages the issue says it has (front matter, the paper's settings, the source, --pages);
        None when nothing says, and the print edition takes as many as its content fills."""
        return self.masthead.page_count

    @property
    def lead(self) -> Section | None:
        return next((s for s in self.sections if s.lead), None)

    def source_pages(self, index: int) -> range:
        """The print pages the source runs section ``index`` over: the page it names, and one more for each
        page marker its text runs across (an editorial going on over the page break); none when it names
        no page."""
        section = self.sections[index]
        if section.page is None:
            return range(0)
        end = max((block.last_line for block in section.blocks), default=section.line)
        crossed = sum(
            1
            for repair in self.repairs
            if repair.kind is RepairKind.MARKER and any(section.line < line < end for line in repair.lines)
        )
        return range(section.page, section.page + crossed + 1)


def to_dict(value: Any) -> Any:
    """The JSON-ready form of a model object: enums as their values, properties left out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: to_dict(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, Section):
            out["paragraphs"] = [b.text for b in value.paragraphs]
            out["subheads"] = [b.text for b in value.subheads]
        return out
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [to_dict(v) for v in value]
    if isinstance(value, dict):
        return {k: to_dict(v) for k, v in value.items()}
    return value
