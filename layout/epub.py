"""The e-book edition: an issue's model in, the bytes of a reflowable EPUB 3 out.

In: an ``Issue``, what of each section each print page holds (``PagePart``s: the planner decides),
the print pages' names, the photos' image files, the print front page as a PNG (or ``None``), and
the style's templates, whose ``epub/`` folder holds all markup, wording and CSS. Out: an EPUB 3
with a cover, a title page from the masthead, one XHTML document per print page holding exactly
the text printed on it (its page-break marker first; a story cut by the page goes on in the next
page's document, a paragraph cut mid-line too), a nav document (table of contents, landmarks,
page-list), an NCX, Dublin Core and EPUB Accessibility 1.1 metadata. The same input always gives
the same bytes.

ebooklib writes the package (OPF, NCX, zip); every XHTML document comes from a template and is
stored verbatim, so the markup is exactly what the templates say.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jinja2
from ebooklib import epub
from lxml import etree
from markupsafe import Markup

from layout.calendar_dates import CalendarDate, calendar_date
from layout.identity import EARLIEST, LATEST, generator, issue_urn, organisation, series_identifier
from layout.model import BlockRole, Issue, PagePart, Section, TextPosition
from layout.photos import PhotoFile

XHTML = "application/xhtml+xml"
Wording = Any  # the style's epub/wording.j2 as a module: its macros, called by name
XHTML_NS = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
NCX = "http://www.daisy.org/z3986/2005/ncx/"
XML = "http://www.w3.org/XML/1998/namespace"


@dataclass(frozen=True)
class Image:
    """An image file carried inside the EPUB."""

    href: str  # inside the EPUB's content folder
    media_type: str
    data: bytes


@dataclass(frozen=True)
class Entry:
    """One section as the e-book places it: its anchor id and its image, if any."""

    id: str
    section: Section
    image: Image | None


@dataclass(frozen=True)
class Passage:
    """A block of a section's body, or the share of it that one print page holds."""

    role: BlockRole
    run_in: str  # this share of the paragraph's bold run-in head ("" when none)
    text: str  # the rest of this share
    continues: bool  # begins inside the block: the block's beginning stands on an earlier page


@dataclass(frozen=True)
class Jump:
    """Where a story goes on, or where it came from: its part on another print page."""

    page: int
    href: str


@dataclass(frozen=True)
class Part:
    """What of one section one print page holds: the first part with the heading and figure."""

    entry: Entry
    number: int  # 0 where the section begins, 1.. its continuations
    id: str  # the anchor: the entry's own for the first part
    passages: tuple[Passage, ...]
    continued_from: Jump | None
    continued_to: Jump | None


@dataclass(frozen=True)
class Page:
    """One print page (版) as one XHTML document."""

    number: int
    name: str
    href: str
    parts: tuple[Part, ...]  # in reading order

    @property
    def entries(self) -> tuple[Entry, ...]:
        """The sections that begin on this page."""
        return tuple(part.entry for part in self.parts if part.number == 0)


def build_epub(
    issue: Issue,
    *,
    page_parts: Sequence[Sequence[PagePart]],
    page_names: Sequence[str],
    photos: Mapping[int, PhotoFile],
    cover_png: bytes | None,
    templates: jinja2.Environment,
    body_faces: Sequence[str],
    released: datetime,
) -> bytes:
    """The issue as an EPUB 3, byte for byte the same for the same arguments.

    ``page_parts[p - 1]`` holds, in reading order, what of each section print page ``p`` holds
    (``Plan.page_parts``); ``page_names[p - 1]`` names it ("" when unnamed). ``photos`` holds the
    usable image of each section that has one (``photos.photo_files``); a figure without one keeps
    caption and credit. ``body_faces`` (the style's) are named in the CSS, none embedded. ``released``
    (``identity.release_time``) is its ``dcterms:modified``.
    """
    _check_plan(issue, page_parts, page_names)
    env = templates
    entries = tuple(
        Entry(f"s{i}", section, _image(photos.get(i - 1), f"images/s{i}"))
        for i, section in enumerate(issue.sections, start=1)
    )
    pages = _pages(entries, page_parts, page_names)
    issue_date = calendar_date(issue.masthead.date) if issue.masthead.date else None
    wording = epub_template(env, "wording.j2").module
    context: dict[str, object] = {
        "masthead": issue.masthead,
        "date": issue_date,
        "lang": issue.settings.language,
        "wording": wording,
        "pages": pages,
        "lead": issue.lead,
        "front_page": cover_png is not None,  # the cover shows the print front page, not the masthead drawn
    }
    cover = (
        Image("images/cover.png", "image/png", cover_png)
        if cover_png is not None
        else Image("images/cover.svg", "image/svg+xml", render(env, "cover.svg.j2", **context))
    )
    book = _book(issue, issue_date, wording, pages, has_figures=any(e.image for e in entries))
    _add_documents(book, env, context, cover, pages)
    _add_files(book, env, cover, entries, body_faces)
    return package(book, released, issue.settings.language)


def _check_plan(issue: Issue, page_parts: Sequence[Sequence[PagePart]], page_names: Sequence[str]) -> None:
    """The planner's parts must fit the issue: each section's parts in reading order from its
    beginning, the sections beginning in reading order. A mismatch is a bug upstream, not bad input."""
    parts = _parts_by_section(page_parts)
    if len(page_names) != len(page_parts) or sorted(parts) != list(range(len(issue.sections))):
        raise ValueError(
            f"{len(page_parts)} pages ({len(page_names)} names) do not hold the issue's "
            f"{len(issue.sections)} sections: {page_parts}"
        )
    for index, placed in parts.items():
        blocks = issue.sections[index].blocks
        starts = [(part.start.block, part.start.offset) for _, part in placed]
        within = all(
            (block < len(blocks) and offset <= len(blocks[block].text)) or (block, offset) == (len(blocks), 0)
            for block, offset in starts
        )
        if [part.part for _, part in placed] != list(range(len(placed))) or starts[0] != (0, 0) or not within:
            raise ValueError(f"section {index}'s parts {placed} do not run through its {len(blocks)} blocks")
        if starts != sorted(starts) or [page for page, _ in placed] != sorted(page for page, _ in placed):
            raise ValueError(f"section {index}'s parts {placed} are not in reading order")
    pages = [parts[i][0][0] for i in range(len(issue.sections))]
    if pages != sorted(pages):
        raise ValueError(f"sections begin on pages {pages}, not in reading order")


def _parts_by_section(page_parts: Sequence[Sequence[PagePart]]) -> dict[int, list[tuple[int, PagePart]]]:
    """Each section's parts with the page that holds each, in page order."""
    parts: dict[int, list[tuple[int, PagePart]]] = {}
    for number, on_page in enumerate(page_parts, start=1):
        for part in on_page:
            parts.setdefault(part.section, []).append((number, part))
    return parts


def _add_documents(
    book: epub.EpubBook, env: jinja2.Environment, context: dict[str, object], cover: Image, pages: list[Page]
) -> None:
    """The reading order: cover, title page, contents, then one document per print page."""
    documents: list[tuple[str, str, str, dict[str, object]]] = [
        ("cover", "cover.xhtml", "cover.xhtml.j2", {"cover": cover}),
        ("title", "title.xhtml", "title.xhtml.j2", {}),
        ("nav", "nav.xhtml", "nav.xhtml.j2", {}),
    ]
    documents += [(f"page-{p.number}", p.href, "page.xhtml.j2", {"page": p}) for p in pages]
    for uid, href, template, extra in documents:
        item = epub.EpubItem(
            uid=uid, file_name=href, media_type=XHTML, content=render(env, template, **context, **extra)
        )
        item.properties = ["nav"] if uid == "nav" else []
        book.add_item(item)
        book.spine.append(item)


def _add_files(
    book: epub.EpubBook, env: jinja2.Environment, cover: Image, entries: tuple[Entry, ...], body_faces: Sequence[str]
) -> None:
    """The style sheet, the cover image, the photos and the NCX."""
    css = render(env, "epub.css.j2", body_faces=body_faces)
    book.add_item(epub.EpubItem(uid="css", file_name="epub.css", media_type="text/css", content=css))
    for uid, image in [("cover-image", cover)] + [(f"{e.id}-image", e.image) for e in entries if e.image]:
        item = epub.EpubItem(uid=uid, file_name=image.href, media_type=image.media_type, content=image.data)
        item.properties = ["cover-image"] if image is cover else []
        book.add_item(item)
    book.add_item(epub.EpubNcx())


def epub_template(env: jinja2.Environment, name: str) -> jinja2.Template:
    return env.get_template(f"epub/{name}")


def render(env: jinja2.Environment, name: str, **context: object) -> bytes:
    return epub_template(env, name).render(**context).encode("utf-8")


def plain(markup: Markup) -> str:
    """A wording macro's output as plain text, for metadata that ebooklib escapes itself."""
    return " ".join(markup.unescape().split())


def _image(photo: PhotoFile | None, stem: str) -> Image | None:
    return Image(f"{stem}.{photo.extension}", photo.media_type, photo.data) if photo else None


def _pages(
    entries: tuple[Entry, ...], page_parts: Sequence[Sequence[PagePart]], page_names: Sequence[str]
) -> list[Page]:
    """One page per print page, each part of a section with the text from its start to the next
    part's, and links to the parts before and after it."""
    made: dict[tuple[int, int], Part] = {}
    for index, placed in _parts_by_section(page_parts).items():
        entry = entries[index]
        ids = [entry.id] + [f"{entry.id}-{part.part}" for _, part in placed[1:]]
        jumps = [Jump(page, f"page-{page}.xhtml#{uid}") for (page, _), uid in zip(placed, ids)]
        ends = [part.start for _, part in placed[1:]] + [TextPosition(len(entry.section.blocks))]
        for position, ((_, part), end) in enumerate(zip(placed, ends)):
            made[(index, part.part)] = Part(
                entry,
                part.part,
                ids[position],
                _passages(entry.section, part.start, end),
                jumps[position - 1] if position else None,
                jumps[position + 1] if position + 1 < len(jumps) else None,
            )
    return [
        Page(number, name, f"page-{number}.xhtml", tuple(made[(part.section, part.part)] for part in on_page))
        for number, (on_page, name) in enumerate(zip(page_parts, page_names), start=1)
    ]


def _passages(section: Section, start: TextPosition, end: TextPosition) -> tuple[Passage, ...]:
    """The blocks of ``section`` from ``start`` up to ``end``, the first and last perhaps in part."""
    passages = []
    for index in range(start.block, min(end.block + 1, len(section.blocks))):
        block = section.blocks[index]
        first = start.offset if index == start.block else 0
        stop = end.offset if index == end.block else len(block.text)
        if first >= stop:
            continue
        run_in = block.run_in if block.role is BlockRole.PARAGRAPH and block.run_in else ""
        head = len(run_in) if block.text.startswith(run_in) else 0
        passages.append(
            Passage(block.role, block.text[first : min(stop, head)], block.text[max(first, head) : stop], first > 0)
        )
    return tuple(passages)


def _book(
    issue: Issue, issue_date: CalendarDate | None, wording: Wording, pages: list[Page], *, has_figures: bool
) -> epub.EpubBook:
    """The package's metadata, and the contents and guide that ebooklib writes into the NCX and OPF."""
    masthead = issue.masthead
    book = epub.EpubBook()
    book.set_identifier(issue_urn(masthead))
    book.set_title(plain(wording.issue_title(masthead, issue_date)))
    book.set_language(issue.settings.language)
    book.set_unique_metadata("OPF", "generator", "", {"name": "generator", "content": generator()})
    _catalogue(book, issue, issue_date, wording, pages)
    summary = plain(wording.accessibility_summary(has_figures))
    for prop, value, others in collection(masthead.title, masthead.issue_number) + accessibility(summary):
        book.add_metadata(None, "meta", value, {"property": prop, **others})
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})  # for EPUB 2 readers
    book.toc = [
        (
            epub.Section(plain(wording.page_label(p.number, p.name)), p.href),
            [epub.Link(f"{p.href}#{e.id}", plain(wording.toc_label(e.section)), f"toc-{e.id}") for e in p.entries],
        )
        for p in pages
    ]
    book.guide = [
        {"type": "cover", "href": "cover.xhtml", "title": plain(wording.cover_title())},
        {"type": "toc", "href": "nav.xhtml", "title": plain(wording.toc_title())},
        {"type": "text", "href": pages[0].href, "title": plain(wording.page_label(1, pages[0].name))},
    ]
    return book


Meta = list[tuple[str, str, dict[str, str]]]  # (property, value, further attributes)


def _catalogue(
    book: epub.EpubBook, issue: Issue, issue_date: CalendarDate | None, wording: Wording, pages: list[Page]
) -> None:
    """What a catalogue (Calibre, a library) files the issue by: the paper as its creator, the publisher
    (without the masthead's verb), the date, subjects, a description and rights (the front matter's, else
    the style's wording), the paper's serial number, and the print edition as the source of the page
    numbers (EPUB Accessibility's page source)."""
    masthead, catalogue = issue.masthead, issue.catalogue
    publisher = organisation(masthead.publisher) if masthead.publisher else None
    book.add_metadata("DC", "creator", masthead.title, {"id": "creator"})
    book.add_metadata(
        None, "meta", plain(wording.file_as(masthead.title)), {"property": "file-as", "refines": "#creator"}
    )
    if publisher:
        book.add_metadata("DC", "publisher", publisher)
    if masthead.place:  # where the paper is published: the spatial coverage a library files it under
        book.add_metadata("DC", "coverage", masthead.place)
    if issue_date is not None:
        book.add_metadata("DC", "date", issue_date.iso)  # to the precision the source names: 1880 is valid W3CDTF
    for subject in catalogue.subjects or (plain(wording.subject()),):
        book.add_metadata("DC", "subject", subject)
    description = catalogue.description or plain(wording.description(masthead, issue_date, len(pages), issue.sections))
    book.add_metadata("DC", "description", description)
    rights = catalogue.rights or plain(wording.rights(publisher, issue_date))
    if rights:
        book.add_metadata("DC", "rights", rights)
    if masthead.serial_number:
        serial, scheme_code = series_identifier(masthead.serial_number)
        book.add_metadata("DC", "identifier", serial, {"id": "serial"})
        book.add_metadata(
            None,
            "meta",
            scheme_code,
            {"property": "identifier-type", "refines": "#serial", "scheme": "onix:codelist13"},
        )
    book.add_metadata("DC", "source", plain(wording.source(masthead, issue_date)), {"id": "print-edition"})
    book.add_metadata(None, "meta", "pagination", {"property": "source-of", "refines": "#print-edition"})


def collection(paper: str, position: int | None) -> Meta:
    """The paper as a series of which this book (an issue, a volume) is one, at ``position`` (its issue
    number, a volume's first issue's)."""
    meta = [
        ("belongs-to-collection", paper, {"id": "paper"}),
        ("collection-type", "series", {"refines": "#paper"}),
    ]
    if position is not None:
        meta.append(("group-position", str(position), {"refines": "#paper"}))
    return meta


def accessibility(summary: str) -> Meta:
    """EPUB Accessibility 1.1: text always suffices; the cover (and any photo) is an image with alt text;
    ``summary`` says so in the style's words."""
    features = [
        "alternativeText",
        "displayTransformability",
        "pageBreakMarkers",
        "pageNavigation",
        "printPageNumbers",
        "readingOrder",
        "structuralNavigation",
        "tableOfContents",
    ]
    statements = [
        ("schema:accessMode", "textual"),
        ("schema:accessMode", "visual"),
        ("schema:accessModeSufficient", "textual"),
        *(("schema:accessibilityFeature", feature) for feature in features),
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", summary),
        ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"),
    ]
    return [(prop, value, {}) for prop, value in statements]


def package(book: epub.EpubBook, stamp: datetime, language: str) -> bytes:
    """ebooklib's zip, rewritten: with what ebooklib cannot write (the package's language; the NCX's depth,
    page count and page list) and one fixed time on every entry (ebooklib stamps the clock's). ebooklib's
    zip is not compressed, only this one (deflating a broadsheet's cover took 0.07 s of CPU a time)."""
    raw = io.BytesIO()
    epub.write_epub(raw, book, {"mtime": stamp, "raise_exceptions": True, "compresslevel": 0})
    date_time = min(max(stamp, EARLIEST), LATEST).timetuple()[:6]  # what a zip entry can carry
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w") as target:
        finish = {
            "EPUB/content.opf": lambda opf: _with_language(opf, language),
            "EPUB/toc.ncx": lambda ncx: _with_page_list(ncx, source.read("EPUB/nav.xhtml")),
        }
        for info in source.infolist():  # ebooklib writes mimetype first; its order is fixed
            data = source.read(info)
            entry = zipfile.ZipInfo(info.filename, date_time)
            entry.compress_type = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, finish[info.filename](data) if info.filename in finish else data, compresslevel=9)
    return out.getvalue()


def _with_language(opf: bytes, language: str) -> bytes:
    """The package document with ``xml:lang`` on ``<package>``: the language of its metadata's text."""
    package = etree.fromstring(opf)
    package.set(f"{{{XML}}}lang", language)
    return etree.tostring(package, encoding="utf-8", xml_declaration=True)


def _with_page_list(ncx: bytes, nav: bytes) -> bytes:
    """The NCX (for EPUB 2 readers) with its true depth, the print pages counted, and the nav document's
    page list as its ``pageList``: ebooklib writes 0, 0, 0 and none."""
    root = etree.fromstring(ncx)
    page_list = etree.fromstring(nav).find(f".//{{{XHTML_NS}}}nav[@{{{OPS}}}type='page-list']")
    links = [(a.get("href"), "".join(a.itertext()).strip()) for a in page_list.iter(f"{{{XHTML_NS}}}a")]

    def depth(point: etree._Element) -> int:
        return max((1 + depth(child) for child in point.iterfind(f"{{{NCX}}}navPoint")), default=0)

    figures = {
        "dtb:depth": depth(root.find(f"{{{NCX}}}navMap")),
        "dtb:totalPageCount": len(links),
        "dtb:maxPageNumber": max((int(label) for _, label in links if label.isdigit()), default=0),
    }
    for meta in root.iterfind(f"{{{NCX}}}head/{{{NCX}}}meta"):
        if meta.get("name") in figures:
            meta.set("content", str(figures[meta.get("name")]))
    pages = etree.SubElement(root, f"{{{NCX}}}pageList")
    _ncx_label(pages, page_list.get("aria-label", ""))
    for number, (href, label) in enumerate(links, start=1):
        target = etree.SubElement(
            pages, f"{{{NCX}}}pageTarget", {"id": f"page-target-{number}", "type": "normal", "value": label}
        )
        _ncx_label(target, label)
        etree.SubElement(target, f"{{{NCX}}}content", {"src": href})
    etree.indent(root)  # as ebooklib prints the rest
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def _ncx_label(parent: etree._Element, text: str) -> None:
    etree.SubElement(etree.SubElement(parent, f"{{{NCX}}}navLabel"), f"{{{NCX}}}text").text = text
