"""Volumes: a built archive (``BUILD/catalog.sqlite`` and each issue's ``BUILD/<key>.epub``) and a date
range in; one EPUB 3 binding the paper's issues of the range out, with its row in the catalogue.

Nothing is re-rendered: each issue's documents, images and style sheet go into the volume byte for byte,
under a folder of their own (``issue-01/``...), where their relative links still hold. The volume adds
only what binds them, from the style's templates (``epub/volume-*.xhtml.j2``, ``epub/wording.j2``): a title
page, a nav document (issue -> print page -> story, from each issue's own contents; a page-list whose
labels name the issue's date as well as the page, so they are unique across the volume) and the package
metadata (the volume's identifier, title, series position, each issue as a ``dc:source`` with its date and
number, accessibility). The package is written as an issue's is (``layout.epub.package``): with an NCX
carrying the same page-list. The same issues always give the same bytes.
"""

from __future__ import annotations

import hashlib
import posixpath
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath

import jinja2
from ebooklib import epub as ebooklib_epub
from lxml import etree

from layout.archive.catalog import Catalog, Entry, VolumeEntry
from layout.calendar_dates import calendar_date
from layout.catalog.paths import paper_slug, volume_key
from layout.epub import OPS, XHTML, XHTML_NS, Wording, accessibility, collection, epub_template, package, plain, render
from layout.errors import OutputError, SelectionError
from layout.identity import generator
from layout.output import staged_outputs
from layout.style import load_style

OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"
# the issues' EPUBs are the build's own, checked against the catalogue's hashes; still, no entity is expanded
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@dataclass(frozen=True)
class Link:
    """An entry of a nav document's contents: a label, where it leads, what it holds."""

    label: str
    href: str
    children: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Member:
    """A file of an issue's EPUB, as the volume carries it: under the issue's folder."""

    id: str
    href: str
    media_type: str
    properties: tuple[str, ...]
    data: bytes


@dataclass(frozen=True)
class BoundIssue:
    """One issue as the volume binds it."""

    entry: Entry
    date: date
    title: str  # the issue's own dc:title
    source: str  # its print edition, as its dc:source names it
    publisher: str | None
    modified: datetime  # its dcterms:modified
    members: tuple[Member, ...]  # in the issue's manifest order, without its nav and NCX
    spine: tuple[str, ...]  # the ids of its reading order, without its nav
    cover_image: str | None  # the id of its cover image
    contents: tuple[Link, ...]  # its print pages with their stories
    pages: tuple[Link, ...]  # its page-list


@dataclass(frozen=True)
class Volume:
    """What ``make_volume`` wrote: the EPUB and the catalogue's row for it."""

    path: Path
    row: VolumeEntry


def make_volume(build_dir: Path, out_dir: Path, date_from: str, date_to: str, paper: str | None) -> Volume:
    """Bind the issues of ``build_dir`` dated ``date_from`` to ``date_to`` (ISO 8601, both included) of
    ``paper`` (its title or slug; may be left out when the range holds one paper's issues) into
    ``out_dir/<volume key>.epub``, written atomically, and record it in the catalogue."""
    first, last = _day(date_from, "--from"), _day(date_to, "--to")
    if last < first:
        raise SelectionError(f"the range ends ({last}) before it begins ({first})", hint="swap --from and --to")
    if not (build_dir / "catalog.sqlite").is_file():
        raise SelectionError(
            "no catalogue here", path=build_dir, hint="give the folder a `reissue build ... --out` wrote"
        )
    with Catalog(build_dir) as catalog:
        entries = select_issues(list(catalog.entries()), first, last, paper)
        paper_title = entries[0].paper or ""
        issues = [_read_issue(build_dir, entry, _folder(n, len(entries))) for n, entry in enumerate(entries, 1)]
        style = load_style(entries[0].style)
        with style.rendering():
            book = bind(issues, style.templates, style.body_faces, paper_title, first, last)
        key = volume_key(paper_slug(paper_title), first.isoformat(), last.isoformat())
        with staged_outputs(out_dir) as stage:
            stage.add(f"{key}.epub", book.data)
            path = stage.commit()[0]
        row = VolumeEntry(
            key=key,
            paper=paper_title,
            date_from=first.isoformat(),
            date_to=last.isoformat(),
            title=book.title,
            identifier=book.identifier,
            path=str(path.resolve()),
            size=len(book.data),
            sha256=hashlib.sha256(book.data).hexdigest(),
            issues=tuple(entry.key for entry in entries),
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        catalog.record_volume(row)
    return Volume(path, row)


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SelectionError(f"{option} {value!r} is not a date", hint="write it as YYYY-MM-DD") from None


def _full_date(value: str | None) -> bool:
    return value is not None and calendar_date(value).day is not None


def select_issues(entries: list[Entry], first: date, last: date, paper: str | None) -> list[Entry]:
    """The built issues dated ``first`` to ``last`` of ``paper`` (title or slug), by date and number; a
    ``SelectionError`` when there are none, the paper is unknown, or no paper is named and the range
    holds several."""
    # a volume runs from day to day: an issue its source dates only by year or month has no place in it
    built = [e for e in entries if e.good and _full_date(e.date) and _epub_name(e) in e.outputs]
    papers = sorted({e.paper or "" for e in built})
    if paper is not None:
        if not any(paper in (p, paper_slug(p)) for p in papers):
            raise SelectionError(
                f"no paper {paper!r} in the catalogue; it has {', '.join(map(repr, papers)) or 'none'}",
                hint="give --paper one of these titles, or its slug",
            )
        built = [e for e in built if paper in (e.paper, paper_slug(e.paper))]
    chosen = [e for e in built if first <= date.fromisoformat(e.date or "") <= last]
    if not chosen:
        raise SelectionError(
            f"no built issue dated {first} to {last}"
            + (f" of {paper!r}" if paper else "")
            + (f"; the issues run {built[0].date} to {built[-1].date}" if built else ""),
            hint="give a range that holds issues",
        )
    in_range = sorted({e.paper or "" for e in chosen})
    if len(in_range) > 1:
        raise SelectionError(
            f"{first} to {last} holds issues of {len(in_range)} papers: {', '.join(map(repr, in_range))}",
            hint="name one with --paper",
        )
    return sorted(chosen, key=lambda e: (e.date, e.number if e.number is not None else -1, e.key))


def _epub_name(entry: Entry) -> str:
    return f"{PurePosixPath(entry.key).name}.epub"


def _folder(position: int, count: int) -> str:
    return f"issue-{position:0{len(str(count))}d}"


def _read_issue(build_dir: Path, entry: Entry, folder: str) -> BoundIssue:
    """The issue's EPUB, as the catalogue recorded it (else an ``OutputError``: the file changed since)."""
    path = build_dir / f"{entry.key}.epub"
    try:
        data = path.read_bytes()
    except OSError as error:
        raise OutputError(f"cannot read the issue's EPUB: {error.strerror}", path=path) from None
    if hashlib.sha256(data).hexdigest() != entry.outputs[_epub_name(entry)]["sha256"]:
        raise OutputError(
            "the issue's EPUB is not the one the catalogue recorded", path=path, hint="build the archive again"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            return _bind_issue(entry, folder, {name: archive.read(name) for name in archive.namelist()})
    except (zipfile.BadZipFile, KeyError, StopIteration, etree.XMLSyntaxError, ValueError) as error:
        raise OutputError(f"the issue's EPUB cannot be read: {error}", path=path) from None


def _bind_issue(entry: Entry, folder: str, files: dict[str, bytes]) -> BoundIssue:
    """An issue's EPUB (its files by name) as the volume binds it under ``folder``."""
    container = etree.fromstring(files["META-INF/container.xml"], PARSER)
    opf_path = container.find(f".//{{{CONTAINER}}}rootfile").get("full-path")
    base = posixpath.dirname(opf_path)
    package_doc = etree.fromstring(files[opf_path], PARSER)
    items = package_doc.findall(f"{{{OPF}}}manifest/{{{OPF}}}item")
    nav_item = next(i for i in items if "nav" in i.get("properties", "").split())
    skipped = {nav_item.get("id")} | {i.get("id") for i in items if i.get("media-type") == "application/x-dtbncx+xml"}
    members = tuple(
        Member(
            f"{folder}-{item.get('id')}",
            f"{folder}/{item.get('href')}",
            item.get("media-type"),
            tuple(item.get("properties", "").split()),
            files[posixpath.join(base, item.get("href"))],
        )
        for item in items
        if item.get("id") not in skipped
    )
    cover = next((i.get("id") for i in items if "cover-image" in i.get("properties", "").split()), None)
    nav_href = nav_item.get("href")
    nav = etree.fromstring(files[posixpath.join(base, nav_href)], PARSER)
    nav_base = posixpath.join(folder, posixpath.dirname(nav_href))
    metadata = package_doc.find(f"{{{OPF}}}metadata")
    return BoundIssue(
        entry=entry,
        date=date.fromisoformat(entry.date or ""),
        title=_text(metadata, f"{{{DC}}}title") or entry.key,
        source=_text(metadata, f"{{{DC}}}source") or entry.key,
        publisher=_text(metadata, f"{{{DC}}}publisher"),
        modified=datetime.fromisoformat(
            metadata.findtext(f"{{{OPF}}}meta[@property='dcterms:modified']").replace("Z", "+00:00")
        ),
        members=members,
        spine=tuple(
            f"{folder}-{ref.get('idref')}"
            for ref in package_doc.iterfind(f"{{{OPF}}}spine/{{{OPF}}}itemref")
            if ref.get("idref") not in skipped
        ),
        cover_image=f"{folder}-{cover}" if cover else None,
        contents=_links(_nav(nav, "toc").find(f"{{{XHTML_NS}}}ol"), nav_base),
        pages=_links(_nav(nav, "page-list").find(f"{{{XHTML_NS}}}ol"), nav_base),
    )


def _text(metadata: etree._Element, tag: str) -> str | None:
    found = metadata.find(tag)
    return " ".join("".join(found.itertext()).split()) if found is not None else None


def _nav(nav: etree._Element, kind: str) -> etree._Element:
    return next(n for n in nav.iter(f"{{{XHTML_NS}}}nav") if n.get(f"{{{OPS}}}type") == kind)


def _links(ol: etree._Element | None, base: str) -> tuple[Link, ...]:
    """The entries of a nav document's list, with their own lists; their links as they lead from the
    volume's top folder (``base``: the nav document's folder, from there)."""
    if ol is None:
        return ()
    links = []
    for li in ol.iterfind(f"{{{XHTML_NS}}}li"):
        anchor = li.find(f"{{{XHTML_NS}}}a")
        label = " ".join("".join(anchor.itertext()).split())
        href = posixpath.normpath(posixpath.join(base, anchor.get("href")))
        links.append(Link(label, href, _links(li.find(f"{{{XHTML_NS}}}ol"), base)))
    return tuple(links)


@dataclass(frozen=True)
class Book:
    """A volume's EPUB and what names it."""

    data: bytes
    title: str
    identifier: str


def volume_urn(paper: str, first: date, last: date) -> str:
    """The volume's identifier: the same for the same paper and range on every build."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'reissue:volume:{paper}:{first}:{last}')}"


def bind(
    issues: list[BoundIssue],
    templates: jinja2.Environment,
    body_faces: tuple[str, ...],
    paper: str,
    first: date,
    last: date,
) -> Book:
    """The issues (of ``paper``, in order) as one EPUB 3 for the range ``first`` to ``last``."""
    wording: Wording = epub_template(templates, "wording.j2").module
    languages = list(dict.fromkeys(issue.entry.language or "und" for issue in issues))
    contents = [
        Link(
            plain(wording.volume_issue_label(issue.date, issue.entry.number)),
            next(m.href for m in issue.members if m.id == issue.spine[0]),
            issue.contents,
        )
        for issue in issues
    ]
    page_list = [
        Link(plain(wording.volume_page_label(mark, page.label)), page.href)
        for issue, mark in zip(issues, _issue_marks(issues))
        for page in issue.pages
    ]
    labels = [page.label for page in page_list]
    if len(set(labels)) != len(labels):
        raise ValueError(f"the page-list labels are not unique: {labels}")  # a bug in _issue_marks
    publisher = next((issue.publisher for issue in issues if issue.publisher), None)
    context = {
        "lang": languages[0],
        "wording": wording,
        "paper": paper,
        "date_from": first,
        "date_to": last,
        "issues": issues,
        "publisher": publisher,
        "contents": contents,
        "page_list": page_list,
    }
    book = ebooklib_epub.EpubBook()
    title = plain(wording.volume_title(paper, first, last))
    identifier = volume_urn(paper, first, last)
    _metadata(book, wording, issues, paper, title, identifier, languages, publisher, (first, last))
    documents = [
        ("title", "title.xhtml", render(templates, "volume-title.xhtml.j2", **context)),
        ("nav", "nav.xhtml", render(templates, "volume-nav.xhtml.j2", **context)),
    ]
    for uid, href, content in documents:
        item = ebooklib_epub.EpubItem(uid=uid, file_name=href, media_type=XHTML, content=content)
        item.properties = ["nav"] if uid == "nav" else []
        book.add_item(item)
        book.spine.append(item)
    css = render(templates, "epub.css.j2", body_faces=body_faces)
    book.add_item(ebooklib_epub.EpubItem(uid="css", file_name="epub.css", media_type="text/css", content=css))
    _add_issues(book, issues)
    book.add_item(ebooklib_epub.EpubNcx())
    book.toc = [_toc(link, f"toc-{n}") for n, link in enumerate(contents, 1)]
    book.guide = [
        {"type": "title-page", "href": "title.xhtml", "title": plain(wording.titlepage_title())},
        {"type": "toc", "href": "nav.xhtml", "title": plain(wording.toc_title())},
        {"type": "text", "href": contents[0].href, "title": contents[0].label},
    ]
    released = max(issue.modified for issue in issues)
    return Book(package(book, released, languages[0]), title, identifier)


def _issue_marks(issues: list[BoundIssue]) -> list[str]:
    """What names each issue in a page label: its month and day (``11-15``), with the year when the volume
    spans years, with its number (or place) too when two issues share a date."""
    with_year = len({issue.date.year for issue in issues}) > 1
    marks = [issue.date.isoformat() if with_year else issue.date.strftime("%m-%d") for issue in issues]
    return [
        f"{mark} #{issue.entry.number if issue.entry.number is not None else n}" if marks.count(mark) > 1 else mark
        for n, (issue, mark) in enumerate(zip(issues, marks), 1)
    ]


def _toc(link: Link, uid: str) -> object:
    """A contents entry as ebooklib writes it into the NCX: a link, or a section with its entries."""
    if not link.children:
        return ebooklib_epub.Link(link.href, link.label, uid)
    children = [_toc(child, f"{uid}-{n}") for n, child in enumerate(link.children, 1)]
    return (ebooklib_epub.Section(link.label, link.href), children)


def _add_issues(book: ebooklib_epub.EpubBook, issues: list[BoundIssue]) -> None:
    """Every issue's files; their documents in the reading order; the first issue's cover as the volume's."""
    cover = issues[0].cover_image
    for issue in issues:
        items = {}
        for member in issue.members:
            item = ebooklib_epub.EpubItem(
                uid=member.id, file_name=member.href, media_type=member.media_type, content=member.data
            )
            item.properties = [p for p in member.properties if p != "cover-image" or member.id == cover]
            book.add_item(item)
            items[member.id] = item
        book.spine += [items[uid] for uid in issue.spine]
    if cover:
        book.add_metadata(None, "meta", "", {"name": "cover", "content": cover})  # for EPUB 2 readers


def _metadata(
    book: ebooklib_epub.EpubBook,
    wording: Wording,
    issues: list[BoundIssue],
    paper: str,
    title: str,
    identifier: str,
    languages: list[str],
    publisher: str | None,
    span: tuple[date, date],
) -> None:
    """The volume's own: identifier, title, languages, the paper as creator and series, publisher, dates;
    each issue as a source (of the print page numbers too) with its identifier, date and number; and
    accessibility, as an issue states it."""
    first, last = span
    book.set_identifier(identifier)
    book.set_title(title)
    book.set_language(languages[0])
    for language in languages[1:]:
        book.add_metadata("DC", "language", language)
    book.set_unique_metadata("OPF", "generator", "", {"name": "generator", "content": generator()})
    book.add_metadata("DC", "creator", paper, {"id": "creator"})
    book.add_metadata(None, "meta", plain(wording.file_as(paper)), {"property": "file-as", "refines": "#creator"})
    if publisher:
        book.add_metadata("DC", "publisher", publisher)
    book.add_metadata("DC", "date", issues[-1].date.isoformat())
    book.add_metadata("DC", "subject", plain(wording.subject()))
    book.add_metadata("DC", "description", plain(wording.volume_description(paper, first, last, len(issues))))
    book.add_metadata(None, "meta", f"{first}/{last}", {"property": "dcterms:temporal"})
    for n, issue in enumerate(issues, 1):
        source = f"issue-{n}"
        book.add_metadata("DC", "source", issue.source, {"id": source})
        refinements = [
            ("source-of", "pagination"),
            ("dcterms:identifier", issue.entry.identifier),
            ("dcterms:title", issue.title),
            ("dcterms:date", issue.date.isoformat()),
            ("schema:issueNumber", None if issue.entry.number is None else str(issue.entry.number)),
        ]
        for prop, value in refinements:
            if value:
                book.add_metadata(None, "meta", value, {"property": prop, "refines": f"#{source}"})
    has_figures = any(
        m.media_type.startswith("image/") and m.id != issue.cover_image for issue in issues for m in issue.members
    )
    summary = plain(wording.volume_accessibility_summary(has_figures))
    for prop, value, others in collection(paper, issues[0].entry.number) + accessibility(summary):
        book.add_metadata(None, "meta", value, {"property": prop, **others})
