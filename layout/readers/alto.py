"""The ALTO reader: ALTO pages (OCR layout XML) -> ``model.Issue``; a lone ALTO file is a one-page issue.

In: ALTO files, 1.x to 4.x, with or without a namespace (elements are matched on their local names),
and the masthead fields a METS file gave (``layout.readers.mets``), if any. Out: the issue's model.

- TextBlocks are read in the file's order, the reading order ALTO keeps; a block's lines are joined by
  spaces into its paragraphs: where the compositor began one shows in where its TextLines stand
  (``layout.readers.ocr_paragraphs``), and a block that shows none is one paragraph. A String is set
  in its own TextStyle, else its TextLine's, else its TextBlock's. A word hyphenated across lines
  (``SUBS_TYPE`` HypPart1/HypPart2 with its ``SUBS_CONTENT``, or a line ending in a ``HYP``) is made
  whole, each time a HYPHEN repair, and never split between paragraphs.
- A page's body size is the font size most of its characters are set in (TextStyle ``FONTSIZE``). A
  short TextBlock set markedly larger, or all in bold capitals, is a headline: it starts a section;
  a headline block right under another (OCR makes each line of a head a block) is the head's next
  line, or its deck (the subheadline) when set markedly smaller: no story is a head without text.
  Text above a page's first headline is a section of its own, with no headline.
- One-line blocks above all the page's longer blocks (nameplate, dateline, running heads) and lone page
  numbers are the masthead's furniture, verbatim, but for a headline its story's text follows right
  below. Page 1's largest that holds a readable word is the printed nameplate. When nothing names the
  paper (METS's MODS, the paper's settings: the catalogue's name wins) its readable words are the
  title; noise the OCR read in it (ornaments, rules: words of punctuation, or doubtful and of few
  letters) is left out of the title, a NOISE repair, and the nameplate as read joins the furniture,
  verbatim: every character of the page is printed. The shared newspaper rules read masthead fields
  (a date) from the furniture.
- Each word's confidence (``WC``, 0..1) is kept: the words below ``DOUBTFUL_CONFIDENCE`` are the issue's
  doubtful words, each with its file, page, block and line, for ``inspect`` to list; the text keeps them.
- The articles a METS's logical structMap declares (``Article``) are the stories, each starting on the
  page of its first block; the blocks no article holds are read as above, and all in page order.

Lines in the model are lines of the ALTO file a piece came from.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from layout.errors import SourceError
from layout.model import Block, DoubtfulWord, Issue, Masthead, Place, Repair, RepairKind, Section, SectionKind
from layout.readers.newspaper import language_of, take_masthead_fields
from layout.readers.ocr_paragraphs import LineBox, paragraph_starts
from layout.readers.paper import declared_catalogue, declared_settings
from layout.readers.registry import Reading, register
from layout.readers.source import head_text, read_source_bytes

HEADLINE_SCALE = 1.25  # a headline is set at least this many times the page's body size
HEADLINE_LINES = 3  # a headline is display type: a block of more lines is text, whatever its size
# a word the OCR gives less confidence than this (0..1: ALTO's WC; hOCR's x_wconf / 100) is listed for proofreading
DOUBTFUL_CONFIDENCE = 0.6
NOISE_LETTERS = 3  # a doubtful word of fewer letters than this, in a nameplate, is an ornament read as text
# the masthead's fields a paper's settings may give (its page count is the issue's, set apart)
MASTHEAD_FIELDS = {f.name for f in dataclasses.fields(Masthead)} - {
    "page_count",
    "furniture",
    "furniture_lines",
    "lines",
}
PAGE_NUMBER = re.compile(r"^\W*(?:\d{1,3}|[IVXLC]{1,6})\W*$")

# the root element's name after the XML declaration, comments, instructions and a doctype
ROOT = re.compile(
    r"\s*(?:<\?(?:(?!\?>).)*\?>\s*|<!--(?:(?!-->).)*-->\s*|<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>\s*)*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)",
    re.DOTALL,
)

# no entities expanded, no DTD or anything else fetched: the file is data, never a reference to more
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True, remove_pis=True)


MM_PER_UNIT = {"mm10": 0.1, "inch1200": 25.4 / 1200}  # ALTO's physical units; "pixel" says no size


def root_name(head: bytes) -> str | None:
    """The local name of the root element of the XML that opens with ``head``, if it opens as XML."""
    match = ROOT.match(head_text(head))
    return match[1] if match else None


def parse_xml(path: Path) -> Any:
    """The root element of the XML file at ``path``; a ``SourceError`` naming the line where it is not XML."""
    try:
        return etree.fromstring(read_source_bytes(path), PARSER)
    except etree.XMLSyntaxError as error:
        message = f"not well-formed XML ({error.msg})"
        raise SourceError(message, path=path, line=error.lineno, hint="give the file as the archive made it") from None


def local(element: Any) -> str:
    """An element's name without its namespace: ALTO's versions differ only there."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def children(element: Any, name: str) -> list[Any]:
    """The child elements named ``name`` in any namespace, or none (lxml's ``{*}`` matches both)."""
    return list(element.iterchildren("{*}" + name))


def descendants(element: Any, name: str) -> list[Any]:
    """The elements named ``name`` in any namespace, or none, ``element`` first if it is one."""
    return list(element.iter("{*}" + name))


@dataclass(frozen=True)
class _Style:
    size: float | None
    bold: bool


@dataclass(frozen=True)
class OcrWord:
    """A word as the OCR read it: its text, the OCR's confidence in it (0..1), if given, and its source line."""

    text: str
    confidence: float | None
    line: int

    @property
    def doubtful(self) -> bool:
        return self.confidence is not None and self.confidence < DOUBTFUL_CONFIDENCE

    @property
    def readable(self) -> bool:
        """Not noise: letters or digits make at least half of it, and if doubtful, enough of them to be a word."""
        letters = sum(character.isalnum() for character in self.text)
        return letters > 0 and letters * 2 >= len(self.text) and (not self.doubtful or letters >= NOISE_LETTERS)


@dataclass(frozen=True)
class TextBlock:
    """One block of OCR text (an ALTO TextBlock, an hOCR paragraph): a paragraph, a headline or furniture."""

    text: str
    words: tuple[OcrWord, ...]  # the words of ``text``, a word hyphenated across lines as one
    ids: tuple[str, ...]  # its ID in its file and those of the blocks it is part of (ALTO's ComposedBlocks)
    line: int
    last_line: int
    size: float | None  # the font size most of its characters are set in
    bold: bool  # most of its characters are bold
    line_count: int
    top: float | None  # where it starts and ends, down from the page's top, in the file's units
    bottom: float | None
    repairs: tuple[Repair, ...]
    paragraph_starts: tuple[int, ...] = ()  # the index in ``words`` of each paragraph's first word, after the first's

    def paragraphs(self) -> tuple[Block, ...]:
        """The paragraphs of the block, as the story's body holds them, each with its first and last source line."""
        bounds = (0, *self.paragraph_starts, len(self.words))
        parts = [self.words[start:end] for start, end in zip(bounds, bounds[1:], strict=False)]
        return tuple(
            Block(
                " ".join(word.text for word in part),
                self.line if number == 0 else part[0].line,
                self.last_line if number == len(parts) - 1 else part[-1].line,
            )
            for number, part in enumerate(parts)
        )


def text_block(words: list[OcrWord], line_starts: list[int], lines: list[LineBox], **layout: Any) -> TextBlock:
    """The block of ``words``, its ``layout`` (where it is, its size, its lines, its repairs) as its reader found it;
    its paragraphs begin where its ``lines`` (each starting at its index in ``line_starts`` in ``words``) show one."""
    kept = tuple(word for word in words if word.text)
    kept_before = [0]  # how many words are kept before each index of ``words``
    for word in words:
        kept_before.append(kept_before[-1] + bool(word.text))
    text = " ".join(word.text for word in kept)
    starts = {kept_before[line_starts[index]] for index in paragraph_starts(lines, text)}
    return TextBlock(
        text=text,
        words=kept,
        paragraph_starts=tuple(sorted(start for start in starts if 0 < start < len(kept))),
        **layout,
    )


@dataclass(frozen=True)
class ArticlePart:
    """A part of an article as METS's logical structMap points at it: a block (or blocks) of one page's file."""

    role: str  # "headline", "subheadline", "byline" or "body"
    file: Path
    block: str  # the ID of the block in the file (BEGIN)


@dataclass(frozen=True)
class Article:
    """A story as METS's logical structMap declares it: its parts in order, and its label (its title, catalogued)."""

    label: str
    line: int  # of its division in the METS
    parts: tuple[ArticlePart, ...]


@dataclass(frozen=True)
class OcrPage:
    """One OCR page (of ALTO, or hOCR) as the issue needs it: its text blocks in reading order, where its text
    of more than one line starts (the furniture stands above), and its body size."""

    path: Path
    blocks: tuple[TextBlock, ...]
    text_top: float | None
    body_size: float | None
    size_mm: tuple[float, float] | None = None  # the printed page's width and height, when the file says


def read_page(path: Path) -> OcrPage:
    """The ALTO page at ``path``."""
    root = parse_xml(path)
    if local(root) != "alto":
        raise SourceError(f"the root element is <{local(root)}>, not <alto>", path=path, hint="give an ALTO page")
    styles = {
        style.get("ID"): _Style(_number(style.get("FONTSIZE")), "bold" in (style.get("FONTSTYLE") or ""))
        for style in descendants(root, "TextStyle")
    }
    page = page_of(path, [_text_block(block, styles) for block in descendants(root, "TextBlock")])
    return dataclasses.replace(page, size_mm=_page_size_mm(root))


def _page_size_mm(root: Any) -> tuple[float, float] | None:
    """The page's width and height in mm, when its measurement unit is a physical one (not pixels)."""
    units = [unit.text.strip() for unit in descendants(root, "MeasurementUnit") if unit.text]
    per_mm = MM_PER_UNIT.get(units[0]) if units else None
    page = next(iter(descendants(root, "Page")), None)
    if per_mm is None or page is None:
        return None
    width, height = _number(page.get("WIDTH")), _number(page.get("HEIGHT"))
    return (width * per_mm, height * per_mm) if width and height else None


def page_of(path: Path, blocks: list[TextBlock]) -> OcrPage:
    """The page of ``blocks``, in reading order: its body size is the size most of their characters are set in."""
    tops = [block.top for block in blocks if block.line_count > 1 and block.top is not None]
    sizes: Counter[float] = Counter()
    for block in blocks:
        if block.size is not None:
            sizes[block.size] += len(block.text)
    body = sizes.most_common(1)[0][0] if sizes else None
    return OcrPage(path, tuple(b for b in blocks if b.text), min(tops, default=None), body)


def issue_from_pages(
    source: Path,
    pages: list[OcrPage],
    *,
    values: dict[str, Any],
    lines: dict[str, int],
    reading: Reading,
    articles: Sequence[Article] = (),
) -> Issue:
    """The issue made of ``pages``, first page first, with the masthead ``values`` (at ``lines``) known so
    far; what the paper's settings declare overrides what the source says. The ``articles`` a METS
    declares are its stories; the blocks none of them holds are read as a page without articles is."""
    declared = reading.paper.values
    values, lines = dict(values), dict(lines)
    for key in MASTHEAD_FIELDS & declared.keys():
        values[key] = declared[key]
        lines.pop(key, None)
    placed = _article_blocks(pages, articles)
    claimed = {(number, index) for parts in placed.values() for _, number, index in parts}
    furniture: list[TextBlock] = []
    keyed: list[tuple[tuple[int, int], Section]] = []  # each section, by where it starts: (page, block)
    repairs: list[Repair] = []
    for number, page in enumerate(pages, start=1):
        free = [(index, block) for index, block in enumerate(page.blocks) if (number, index) not in claimed]
        nameplate = _nameplate(page, [block for _, block in free]) if number == 1 else None
        following = (*page.blocks[1:], None)
        page_furniture = {
            index for index, block in free if block is nameplate or _is_furniture(block, following[index], page)
        }
        for index, block in free:
            if block is nameplate:
                furniture += _take_nameplate(block, values, lines, repairs)
            elif index in page_furniture:
                furniture.append(block)
        for block in page.blocks:
            repairs += block.repairs
        body = [(index, block) for index, block in free if index not in page_furniture]
        keyed += [((number, index), section) for index, section in _sections(body, page, number)]
    keyed += [(parts[0][1:], _article_section(article, parts, pages)) for article, parts in placed.items()]
    for block in furniture:
        take_masthead_fields(block.text, block.line, values, lines)  # the furniture itself is kept whole
    if "title" not in values:
        raise SourceError(
            "the paper has no title",
            path=source,
            hint="give the issue as its METS file (its MODS names the paper) or set 'title:' in a paper.yaml beside it",
        )
    if not keyed:
        raise SourceError("no text blocks found", path=source, hint="give pages that hold OCR text")
    masthead = Masthead(
        **values,
        page_count=reading.page_count or declared.get("page_count") or len(pages),
        furniture=tuple(block.text for block in furniture),
        furniture_lines=tuple(block.line for block in furniture),
        lines=lines,
    )
    sections = [section for _, section in sorted(keyed, key=lambda pair: pair[0])]
    sections[0] = dataclasses.replace(sections[0], lead=True)
    texts = (block.text for section in sections for block in section.blocks)
    return Issue(
        source=str(source),
        masthead=masthead,
        sections=tuple(sections),
        repairs=tuple(repairs),
        settings=declared_settings(
            declared, language=language_of(texts), normalize_punctuation=False, page_size=pages[0].size_mm
        ),
        catalogue=declared_catalogue(declared),
        doubtful_words=_doubtful_words(pages),
    )


def _doubtful_words(pages: list[OcrPage]) -> tuple[DoubtfulWord, ...]:
    """The words the OCR read with less than ``DOUBTFUL_CONFIDENCE``, in reading order, and where each is."""
    return tuple(
        DoubtfulWord(word.text, word.confidence, Place(page.path.name, word.line, number, next(iter(block.ids), None)))
        for number, page in enumerate(pages, start=1)
        for block in page.blocks
        for word in block.words
        if word.doubtful and word.confidence is not None
    )


def _take_nameplate(
    nameplate: TextBlock, values: dict[str, Any], lines: dict[str, int], repairs: list[Repair]
) -> list[TextBlock]:
    """The paper's title from its printed ``nameplate``, less noise (a NOISE repair), unless the catalogue
    (MODS, the paper's settings) names the paper already; the furniture the nameplate leaves: itself as
    read, verbatim, unless it is the title as it stands."""
    readable = _without_noise(nameplate)
    if "title" in values:
        return [nameplate]
    values["title"], lines["title"] = readable.text, readable.line
    if readable is nameplate:
        return []
    repairs.append(Repair(RepairKind.NOISE, (nameplate.line,), nameplate.text, readable.text))
    return [nameplate]


def _without_noise(nameplate: TextBlock) -> TextBlock:
    """The nameplate less the noise the OCR read in it (ornaments, rules, specks); itself when it has none."""
    readable = tuple(word for word in nameplate.words if word.readable)
    if len(readable) == len(nameplate.words):
        return nameplate
    return dataclasses.replace(nameplate, text=" ".join(word.text for word in readable), words=readable)


def _article_blocks(pages: list[OcrPage], articles: Sequence[Article]) -> dict[Article, list[tuple[str, int, int]]]:
    """Each article's blocks, in its order, as (role, page number, index on the page); a block held by an
    earlier article is not held again, and an article that holds no text block (a picture's) is left out."""
    where: dict[tuple[Path, str], list[tuple[int, int]]] = {}
    for number, page in enumerate(pages, start=1):
        for index, block in enumerate(page.blocks):
            for ident in block.ids:
                where.setdefault((page.path, ident), []).append((number, index))
    placed: dict[Article, list[tuple[str, int, int]]] = {}
    taken: set[tuple[int, int]] = set()
    for article in articles:
        parts = []
        for part in article.parts:
            for spot in where.get((part.file, part.block), []):
                if spot not in taken:
                    taken.add(spot)
                    parts.append((part.role, *spot))
        if parts:
            placed[article] = parts
    return placed


def _article_section(article: Article, parts: list[tuple[str, int, int]], pages: list[OcrPage]) -> Section:
    """The story an article is: its headline parts (else its label) its headline, its body parts its paragraphs."""
    blocks = [(role, pages[number - 1].blocks[index]) for role, number, index in parts]

    def of(wanted: str) -> list[TextBlock]:
        return [block for role, block in blocks if role == wanted]

    heads, subheads, bylines = of("headline"), of("subheadline"), of("byline")
    return Section(
        SectionKind.STORY,
        " ".join(block.text for block in heads) or article.label,
        heads[0].line if heads else article.line,
        subheadline=" ".join(block.text for block in subheads) or None,
        byline=" ".join(block.text for block in bylines) or None,
        blocks=tuple(paragraph for block in of("body") for paragraph in block.paragraphs()),
        page=parts[0][1],
        lines={name: found[0].line for name, found in (("subheadline", subheads), ("byline", bylines)) if found},
    )


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _text_block(block: Any, styles: dict[str, _Style]) -> TextBlock:
    block_style = _style_of(block, styles, _Style(None, False))
    words: list[OcrWord] = []
    repairs: list[Repair] = []
    sizes: Counter[float | None] = Counter()
    bold = characters = 0
    broken: tuple[Any, str] | None = None  # a word's first part at a line's end, and the hyphen printed after it
    boxes: list[LineBox | None] = []  # where each line with words stands, if the file says
    line_starts: list[int] = []  # the index in ``words`` where each of those lines begins
    text_lines = descendants(block, "TextLine")
    for text_line in text_lines:
        line_style = _style_of(text_line, styles, block_style)  # a String's unless it names its own
        strings = children(text_line, "String")
        hyphens = children(text_line, "HYP")  # the hyphen printed at the line's end, in every ALTO version
        if strings:
            boxes.append(_line_box(text_line, strings[-1], hyphens))
            line_starts.append(len(words))
        for string in strings:
            content = string.get("CONTENT") or ""
            style = _style_of(string, styles, line_style)
            sizes[style.size] += len(content)
            bold += len(content) if style.bold or "bold" in (string.get("STYLE") or "") else 0
            characters += len(content)
            if broken is not None:  # this is the first word of the line after the break
                words.append(_rejoined(*broken, string, repairs))
                broken = None
                continue
            if string is strings[-1] and (string.get("SUBS_TYPE") == "HypPart1" or hyphens):
                broken = (string, hyphens[0].get("CONTENT", "-") if hyphens else "")
            else:
                words.append(OcrWord(content, _number(string.get("WC")), string.sourceline))
    if broken is not None:  # a block's last word stays as printed: it continues nowhere
        first, hyphen = broken
        words.append(OcrWord(f"{first.get('CONTENT') or ''}{hyphen}", _number(first.get("WC")), first.sourceline))
    top, height = _number(block.get("VPOS")), _number(block.get("HEIGHT"))
    placed = [box for box in boxes if box is not None]
    return text_block(
        words,
        line_starts,
        placed if len(placed) == len(boxes) else [],  # where every line stands, or nothing to go by
        ids=tuple(e.get("ID") for e in (block, *block.iterancestors()) if e.get("ID") and local(e).endswith("Block")),
        line=block.sourceline,
        last_line=text_lines[-1].sourceline if text_lines else block.sourceline,
        size=sizes.most_common(1)[0][0] if sizes else None,
        bold=characters > 0 and bold * 2 > characters,
        line_count=len(text_lines),
        top=top,
        bottom=top + height if top is not None and height is not None else None,
        repairs=tuple(repairs),
    )


def _line_box(text_line: Any, last: Any, hyphens: list[Any]) -> LineBox | None:
    """Where a TextLine stands, its ``last`` String and its ``hyphens`` saying whether its last word runs on."""
    left, width, height = (_number(text_line.get(name)) for name in ("HPOS", "WIDTH", "HEIGHT"))
    if left is None or width is None or height is None:
        return None
    runs_on = bool(hyphens) or last.get("SUBS_TYPE") == "HypPart1" or (last.get("CONTENT") or "").endswith("-")
    return LineBox(left, left + width, height, hyphenated=runs_on)


def _style_of(element: Any, styles: dict[str, _Style], default: _Style) -> _Style:
    """The TextStyle an element refers to (STYLEREFS may name ParagraphStyles too), else ``default``."""
    refs = [styles[ref] for ref in (element.get("STYLEREFS") or "").split() if ref in styles]
    return refs[0] if refs else default


def _rejoined(first: Any, hyphen: str, second: Any, repairs: list[Repair]) -> OcrWord:
    """The word whose parts end one line and open the next, as SUBS_CONTENT gives it, else the parts joined;
    as sure as its less sure part."""
    start, end = first.get("CONTENT") or "", second.get("CONTENT") or ""
    word = first.get("SUBS_CONTENT") or second.get("SUBS_CONTENT") or start.removesuffix(hyphen) + end
    repairs.append(
        Repair(RepairKind.MARKED_HYPHEN, (first.sourceline, second.sourceline), f"{start}{hyphen} {end}", word)
    )
    return OcrWord(word, least_sure(_number(first.get("WC")), _number(second.get("WC"))), first.sourceline)


def least_sure(*confidences: float | None) -> float | None:
    """The lowest of the confidences given, None when none is."""
    return min((c for c in confidences if c is not None), default=None)


def _nameplate(page: OcrPage, blocks: list[TextBlock]) -> TextBlock | None:
    """The paper's name on its first page: the largest of the one-line ``blocks`` above the text that
    holds a readable word (an ornament read as text is no nameplate, however large)."""
    above = [
        b
        for b in blocks
        if b.line_count == 1 and _above_text(b, page) and b.size is not None and any(w.readable for w in b.words)
    ]
    return max(above, key=lambda block: block.size or 0, default=None)


def _above_text(block: TextBlock, page: OcrPage) -> bool:
    return block.bottom is not None and page.text_top is not None and block.bottom <= page.text_top


def _is_furniture(block: TextBlock, after: TextBlock | None, page: OcrPage) -> bool:
    """Whether ``block`` is the page's furniture; ``after`` is the block that follows it in reading order."""
    if PAGE_NUMBER.match(block.text):
        return True
    return block.line_count == 1 and _above_text(block, page) and not _heads_text(block, after, page)


def _heads_text(block: TextBlock, after: TextBlock | None, page: OcrPage) -> bool:
    """A headline with the text of its story right below it: less than its own depth between them."""
    if after is None or not _is_headline(block, page) or _is_headline(after, page):
        return False
    if None in (block.top, block.bottom, after.top):
        return False
    return 0 <= after.top - block.bottom < block.bottom - block.top  # type: ignore[operator]


def _is_headline(block: TextBlock, page: OcrPage) -> bool:
    if block.line_count > HEADLINE_LINES:
        return False
    larger = block.size is not None and page.body_size is not None and block.size >= page.body_size * HEADLINE_SCALE
    capitals = block.text.upper() == block.text and any(c.isalpha() for c in block.text)
    return larger or (block.bold and capitals)


def _sections(blocks: list[tuple[int, TextBlock]], page: OcrPage, number: int) -> list[tuple[int, Section]]:
    """The stories of a page's ``blocks`` (each with its index on the page), each with the index it starts at."""
    sections: list[tuple[int, Section]] = []
    head: TextBlock | None = None  # the headline block of the last section, while no text has followed it
    for index, block in blocks:
        if _is_headline(block, page):
            if head is not None:  # a head set over two blocks, or a deck under it: no story of its own
                sections[-1] = (sections[-1][0], _with_deck(sections[-1][1], block, smaller=_smaller(block, head)))
                continue
            sections.append((index, Section(SectionKind.STORY, block.text, block.line, page=number)))
            head = block
            continue
        head = None
        if not sections:  # text above the page's first headline
            sections.append((index, Section(SectionKind.STORY, "", block.line, page=number)))
        start, section = sections[-1]
        sections[-1] = (start, dataclasses.replace(section, blocks=(*section.blocks, *block.paragraphs())))
    return sections


def _smaller(block: TextBlock, head: TextBlock) -> bool:
    """Whether ``block`` is set markedly smaller than the ``head`` above it: a deck, not the head's next line."""
    return block.size is not None and head.size is not None and block.size * HEADLINE_SCALE <= head.size


def _with_deck(section: Section, block: TextBlock, *, smaller: bool) -> Section:
    """``section`` with the headline ``block`` right under its head: the head's next line, or a deck of a
    smaller size (its subheadline, after any deck before it)."""
    if not smaller and section.subheadline is None:
        return dataclasses.replace(section, headline=f"{section.headline} {block.text}")
    deck = f"{section.subheadline} {block.text}" if section.subheadline else block.text
    return dataclasses.replace(section, subheadline=deck, lines={**section.lines, "subheadline": block.line})


class AltoReader:
    name = "alto"
    description = "an ALTO page (OCR layout XML, 1.x-4.x)"
    file_extensions: tuple[str, ...] = (".xml", ".alto")

    def sniff(self, head: bytes) -> bool:
        return root_name(head) == "alto"

    def read(self, path: Path, reading: Reading) -> Issue:
        # OCR's punctuation is kept as printed: normalize_punctuation is for Chinese extracted text
        return issue_from_pages(path, [read_page(path)], values={}, lines={}, reading=reading)


register(AltoReader())
