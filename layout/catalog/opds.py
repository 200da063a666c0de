"""The catalogue's built issues in -> static OPDS feeds out, for reading apps (Thorium, KOReader, Calibre):
OPDS 1.2 (Atom) under ``SITE/opds/`` and the same feeds in OPDS 2.0 (JSON) under ``SITE/opds2/``.

    root (navigation, by paper) -> paper (years) -> year (months) -> month (acquisition: its issues)
                                   paper -> volumes (acquisition: its volumes, when it has any)
    new (acquisition, rel http://opds-spec.org/sort/new): the latest issues of every paper

A volume (``reissue volume``) is dated as reading apps sort and show a book: ``dc:issued`` (OPDS 2.0
``published``) is its last day, when it was complete, a single date as they parse it; its range stands
beside it as ``dcterms:temporal`` (an ISO 8601 interval, as the volume's own package states it), the period
the volume covers, which Atom's OPDS 1.2 allows as any Dublin Core term and OPDS 2.0 has no field for.

A feed longer than a page is split into pages linked by first/previous/next/last. Every link is absolute
(``--base-url``), and points where ``layout.catalog.paths`` says the thing stands: the feeds and records
this package writes, the files, covers and pages the site writer (``layout.catalog.site``) copies there.

Search: ``opds/opensearch.xml`` describes a search the web catalogue could answer later, but no feed links
it (``rel="search"``): a static site answers no query, and a reading app would show a search box whose
every answer is an error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from urllib.parse import quote

from lxml import etree
from lxml.builder import ElementMaker

from layout.archive.catalog import Entry, VolumeEntry
from layout.catalog import paths
from layout.catalog.files import write, xml_bytes
from layout.catalog.package import PackageMetadata, read_package

PAGE_SIZE = 50  # entries on one page of a feed: what a reading app lists without a long wait
LATEST = 50  # issues in the sort/new feed

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/terms/"
OPDS_NS = "http://opds-spec.org/2010/catalog"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
ATOM = ElementMaker(namespace=ATOM_NS, nsmap={None: ATOM_NS, "dc": DC_NS, "opds": OPDS_NS})
DC = ElementMaker(namespace=DC_NS)

NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPDS2 = "application/opds+json"
OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"
SORT_NEW = "http://opds-spec.org/sort/new"
IMAGE = "http://opds-spec.org/image"
THUMBNAIL = "http://opds-spec.org/image/thumbnail"
THUMBNAIL_WIDTH = 200  # the site writer's thumbnails (paths.thumbnail)
FILES = ((".epub", "application/epub+zip"), (".pdf", "application/pdf"))

# the catalogue's own wording: the feeds' titles are otherwise the papers', and their dates
ROOT_TITLE = "Newspapers"
VOLUMES_TITLE = "Volumes"
VOLUMES = "volumes"  # a paper's volumes' feed, beside its years' (which are numbers or paths.UNDATED)
LATEST_TITLE = "Latest issues"
SEARCH_TITLE = "Search the newspapers"
UNDATED_TITLE = "Undated"
ROOT: tuple[str, ...] = ()
NEW = ("new",)


@dataclass(frozen=True)
class Listed:
    """A built issue as a feed lists it: its catalogue row and what its EPUB says of itself."""

    entry: Entry
    package: PackageMetadata

    @property
    def year(self) -> str:
        return self.entry.date[:4] if self.entry.date else paths.UNDATED

    @property
    def month(self) -> str:
        """``11``; a date of a year alone (1903) has no month: undated within its year."""
        date = self.entry.date or ""
        return date[5:7] if len(date) >= 7 else paths.UNDATED


@dataclass(frozen=True)
class ListedVolume:
    """A volume as a feed lists it: its catalogue row and the issues it binds that the catalogue lists (what
    it says of its language, publisher, place and serial number, and the first one's cover)."""

    row: VolumeEntry
    issues: tuple[Listed, ...]

    @property
    def first_issue(self) -> Listed | None:
        """The volume's first issue, whose front page is its cover, when the site has it."""
        return self.issues[0] if self.issues and self.issues[0].entry.key == self.row.issues[0] else None

    @property
    def language(self) -> str | None:
        return next((i.entry.language for i in self.issues if i.entry.language), None)

    @property
    def package(self) -> PackageMetadata:
        """The paper's publisher, place and serial number as its issues state them, with the volume's title."""

        def first(values: Iterator[str | None]) -> str | None:
            return next((value for value in values if value), None)

        packages = [issue.package for issue in self.issues]
        return PackageMetadata(
            title=self.row.title,
            publisher=first(p.publisher for p in packages),
            place=first(p.place for p in packages),
            serial=first(p.serial for p in packages),
        )


@dataclass(frozen=True)
class Link:
    """A navigation feed's entry: the feed it leads to."""

    title: str
    target: tuple[str, ...]
    updated: str
    acquisition: bool  # the target lists issues (else more navigation)
    rel: str = "subsection"


@dataclass(frozen=True)
class Feed:
    """One feed, before it is paged and written: either links (navigation), or issues or volumes (acquisition)."""

    where: tuple[str, ...]
    title: str
    updated: str
    up: tuple[str, ...] | None
    links: Sequence[Link] = ()
    issues: Sequence[Listed] = ()
    volumes: Sequence[ListedVolume] = ()

    @property
    def acquisition(self) -> bool:
        return not self.links

    @property
    def items(self) -> Sequence[Link] | Sequence[Listed] | Sequence[ListedVolume]:
        return self.links or self.issues or self.volumes


def write_feeds(
    entries: Sequence[Entry],
    build_dir: Path,
    site_dir: Path,
    base_url: str,
    page_size: int = PAGE_SIZE,
    volumes: Sequence[VolumeEntry] = (),
) -> list[Path]:
    """Write every feed of the built issues and the ``volumes`` (those ``volume_files.volumes_as_recorded``
    kept) in both OPDS versions, and the OpenSearch description; the files written, in order."""
    listed = listed_issues(entries, build_dir)
    written = []
    for feed in feeds(listed, listed_volumes(volumes, listed)):
        pages = list(_pages(feed, page_size))
        for number, page in enumerate(pages, 1):
            atom = _atom(feed, page, number, len(pages), base_url)
            written.append(write(site_dir / paths.opds_feed(feed.where, number), xml_bytes(atom)))
            document = _opds2(feed, page, number, len(pages), base_url, page_size)
            text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
            written.append(write(site_dir / paths.opds2_feed(feed.where, number), text.encode()))
    written.append(write(site_dir / paths.OPENSEARCH, xml_bytes(_opensearch(base_url))))
    return written


def listed_issues(entries: Sequence[Entry], build_dir: Path) -> list[Listed]:
    """The built issues, by paper, date and key, with their EPUBs' metadata."""
    good = sorted((e for e in entries if e.good), key=lambda e: (e.paper or e.key, e.date or "", e.key))
    return [Listed(e, read_package(build_dir / f"{e.key}.epub")) for e in good]


def listed_volumes(volumes: Sequence[VolumeEntry], listed: Sequence[Listed]) -> list[ListedVolume]:
    """The volumes of the papers whose issues are listed (a paper the catalogue lists has its feeds and pages),
    each with the listed issues it binds, in its order."""
    by_key = {issue.entry.key: issue for issue in listed}
    papers = {_paper(issue) for issue in listed}
    return [
        ListedVolume(v, tuple(by_key[key] for key in v.issues if key in by_key)) for v in volumes if v.paper in papers
    ]


def feeds(listed: Sequence[Listed], volumes: Sequence[ListedVolume] = ()) -> Iterator[Feed]:
    """The root, then each paper's, year's and month's feed and its volumes', then the latest issues."""
    papers = [(paper, list(issues)) for paper, issues in groupby(listed, key=_paper)]
    shelves = {
        paper: sorted((v for v in volumes if v.row.paper == paper), key=lambda v: (v.row.date_from, v.row.date_to))
        for paper, _issues in papers
    }
    latest = sorted(listed, key=lambda i: (i.entry.date or "", i.entry.built_at), reverse=True)[:LATEST]
    root_links = [Link(LATEST_TITLE, NEW, _updated(latest), acquisition=True, rel=SORT_NEW)]
    root_links += [
        Link(paper, (paths.paper_slug(paper),), _updated(issues, shelves[paper]), False) for paper, issues in papers
    ]
    yield Feed(ROOT, ROOT_TITLE, _updated(listed, volumes), None, links=root_links)
    for paper, issues in papers:
        slug = (paths.paper_slug(paper),)
        years = [(year, list(of_year)) for year, of_year in groupby(issues, key=lambda i: i.year)]
        links = [Link(_title(paper, year), (*slug, year), _updated(of), acquisition=False) for year, of in years]
        bound = shelves[paper]
        if bound:
            links.append(Link(f"{paper} · {VOLUMES_TITLE}", (*slug, VOLUMES), _updated((), bound), acquisition=True))
        yield Feed(slug, paper, _updated(issues, bound), ROOT, links=links)
        if bound:
            yield Feed((*slug, VOLUMES), f"{paper} · {VOLUMES_TITLE}", _updated((), bound), slug, volumes=bound)
        for year, of_year in years:
            where = (*slug, year)
            months = [(month, list(of_month)) for month, of_month in groupby(of_year, key=lambda i: i.month)]
            links = [Link(_title(paper, year, month), (*where, month), _updated(of), True) for month, of in months]
            yield Feed(where, _title(paper, year), _updated(of_year), slug, links=links)
            for month, of_month in months:
                title = _title(paper, year, month)
                yield Feed((*where, month), title, _updated(of_month), where, issues=of_month)
    yield Feed(NEW, LATEST_TITLE, _updated(latest), ROOT, issues=latest)


def _paper(issue: Listed) -> str:
    return issue.entry.paper or issue.entry.key


def _updated(issues: Sequence[Listed], volumes: Sequence[ListedVolume] = ()) -> str:
    return max([i.entry.built_at for i in issues] + [v.row.built_at for v in volumes])


def _title(paper: str, year: str, month: str | None = None) -> str:
    """``The Riverside Gazette · 2024-03``; what has no date says so."""
    if year == paths.UNDATED:
        return f"{paper} · {UNDATED_TITLE}"
    if month is None:
        return f"{paper} · {year}"
    return f"{paper} · {year} · {UNDATED_TITLE}" if month == paths.UNDATED else f"{paper} · {year}-{month}"


def _pages(feed: Feed, page_size: int) -> Iterator[Sequence[Link] | Sequence[Listed] | Sequence[ListedVolume]]:
    items = feed.items
    for start in range(0, max(len(items), 1), page_size):
        yield items[start : start + page_size]


def url(base_url: str, path: str) -> str:
    """The absolute address of a file of the site."""
    return f"{base_url.rstrip('/')}/{quote(path)}"


def _paging(number: int, count: int) -> list[tuple[str, int]]:
    """(rel, page) of the links between a feed's pages."""
    if count == 1:
        return []
    rels = [("first", 1), ("last", count)]
    if number > 1:
        rels.append(("previous", number - 1))
    if number < count:
        rels.append(("next", number + 1))
    return rels


# OPDS 1.2


def _atom(feed: Feed, page: Sequence, number: int, count: int, base_url: str) -> etree._Element:
    kind = ACQUISITION if feed.acquisition else NAVIGATION
    self_url = url(base_url, paths.opds_feed(feed.where, number))
    root = ATOM.feed(
        ATOM.id(url(base_url, paths.opds_feed(feed.where))),
        ATOM.title(feed.title),
        ATOM.updated(feed.updated),
        _atom_link("self", self_url, kind),
        _atom_link("start", url(base_url, paths.opds_feed(ROOT)), NAVIGATION),
    )
    if feed.up is not None:
        root.append(_atom_link("up", url(base_url, paths.opds_feed(feed.up)), NAVIGATION))
    if feed.where == ROOT:
        root.append(_atom_link(SORT_NEW, url(base_url, paths.opds_feed(NEW)), ACQUISITION, LATEST_TITLE))
    for rel, other in _paging(number, count):
        root.append(_atom_link(rel, url(base_url, paths.opds_feed(feed.where, other)), kind))
    for item in page:
        if isinstance(item, Listed):
            root.append(_atom_issue(item, base_url))
        elif isinstance(item, ListedVolume):
            root.append(_atom_volume(item, base_url))
        else:
            root.append(_atom_navigation(item, base_url))
    return root


def _atom_link(rel: str, href: str, type_: str, title: str | None = None, **extra: str) -> etree._Element:
    link = ATOM.link(rel=rel, href=href, type=type_, **extra)
    if title:
        link.set("title", title)
    return link


def _atom_navigation(link: Link, base_url: str) -> etree._Element:
    href = url(base_url, paths.opds_feed(link.target))
    return ATOM.entry(
        ATOM.title(link.title),
        ATOM.id(href),
        ATOM.updated(link.updated),
        ATOM.content(link.title, type="text"),
        _atom_link(link.rel, href, ACQUISITION if link.acquisition else NAVIGATION),
    )


def _atom_issue(issue: Listed, base_url: str) -> etree._Element:
    entry, package = issue.entry, issue.package
    element = ATOM.entry(
        ATOM.title(package.title or entry.key),
        ATOM.id(entry.identifier or url(base_url, paths.issue_page(entry.key))),
        ATOM.updated(entry.built_at),
        ATOM.author(ATOM.name(_paper(issue))),
    )
    if entry.identifier:
        element.append(DC.identifier(entry.identifier))
    if entry.date:
        element.append(DC.issued(entry.date))
    if entry.language:
        element.append(DC.language(entry.language))
    if package.publisher:
        element.append(DC.publisher(package.publisher))
    if _summary(entry):
        element.append(ATOM.summary(_summary(entry), type="text"))
    element.append(_atom_link(IMAGE, url(base_url, paths.cover(entry.key)), "image/png"))
    element.append(_atom_link(THUMBNAIL, url(base_url, paths.thumbnail(entry.key)), "image/jpeg"))
    element.append(_atom_link("alternate", url(base_url, paths.issue_page(entry.key)), "text/html"))
    for suffix, media_type, length in _files(entry):
        href = url(base_url, paths.issue_file(entry.key, suffix))
        element.append(_atom_link(OPEN_ACCESS, href, media_type, length=str(length)))
    return element


def _atom_volume(volume: ListedVolume, base_url: str) -> etree._Element:
    row, package = volume.row, volume.package
    element = ATOM.entry(
        ATOM.title(row.title),
        ATOM.id(row.identifier),
        ATOM.updated(row.built_at),
        ATOM.author(ATOM.name(row.paper)),
        DC.identifier(row.identifier),
        DC.issued(row.date_to),
        DC.temporal(f"{row.date_from}/{row.date_to}"),
    )
    if volume.language:
        element.append(DC.language(volume.language))
    if package.publisher:
        element.append(DC.publisher(package.publisher))
    element.append(ATOM.summary(_volume_summary(row), type="text"))
    if volume.first_issue:
        key = volume.first_issue.entry.key
        element.append(_atom_link(IMAGE, url(base_url, paths.cover(key)), "image/png"))
        element.append(_atom_link(THUMBNAIL, url(base_url, paths.thumbnail(key)), "image/jpeg"))
    href = url(base_url, paths.volume_file(row.key))
    element.append(_atom_link(OPEN_ACCESS, href, "application/epub+zip", length=str(row.size)))
    return element


def _volume_summary(row: VolumeEntry) -> str:
    """``2 issues, 2023-11-01 to 2023-11-30``: the catalogue's wording, as the feeds' titles."""
    count = len(row.issues)
    return f"{count} issue{'' if count == 1 else 's'}, {row.date_from} to {row.date_to}"


def _summary(entry: Entry) -> str:
    return "; ".join(h for h in entry.headlines if h.strip())


def _files(entry: Entry) -> Iterator[tuple[str, str, int]]:
    """(suffix, media type, size in bytes) of each of the issue's outputs."""
    stem = entry.key.rsplit("/", 1)[-1]
    for suffix, media_type in FILES:
        output = entry.outputs.get(stem + suffix)
        if output:
            yield suffix, media_type, output["size"]


def _opensearch(base_url: str) -> etree._Element:
    search = ElementMaker(namespace=OPENSEARCH_NS, nsmap={None: OPENSEARCH_NS})
    template = url(base_url, "search") + "?q={searchTerms}"
    return search.OpenSearchDescription(
        search.ShortName(ROOT_TITLE),
        search.Description(SEARCH_TITLE),
        search.InputEncoding("UTF-8"),
        search.OutputEncoding("UTF-8"),
        search.Url(type=ACQUISITION, template=template),
    )


# OPDS 2.0


def _opds2(feed: Feed, page: Sequence, number: int, count: int, base_url: str, page_size: int) -> dict:
    links = [
        _json_link("self", url(base_url, paths.opds2_feed(feed.where, number))),
        _json_link("start", url(base_url, paths.opds2_feed(ROOT))),
    ]
    if feed.up is not None:
        links.append(_json_link("up", url(base_url, paths.opds2_feed(feed.up))))
    if feed.where == ROOT:
        links.append(_json_link(SORT_NEW, url(base_url, paths.opds2_feed(NEW)), LATEST_TITLE))
    links += [
        _json_link(rel, url(base_url, paths.opds2_feed(feed.where, other))) for rel, other in _paging(number, count)
    ]
    metadata: dict = {"title": feed.title, "modified": feed.updated}
    total = len(feed.items)
    if count > 1:
        metadata |= {"numberOfItems": total, "itemsPerPage": page_size, "currentPage": number}
    document = {"metadata": metadata, "links": links}
    if feed.acquisition:
        document["publications"] = [
            _json_publication(item, base_url) if isinstance(item, Listed) else _json_volume(item, base_url)
            for item in page
        ]
    else:
        document["navigation"] = [
            _json_link(link.rel, url(base_url, paths.opds2_feed(link.target)), link.title) for link in page
        ]
    return document


def _json_link(rel: str, href: str, title: str | None = None, type_: str = OPDS2, **extra: object) -> dict:
    link: dict = {"rel": rel, "href": href, "type": type_}
    if title:
        link["title"] = title
    return link | extra


def _json_publication(issue: Listed, base_url: str) -> dict:
    entry, package = issue.entry, issue.package
    metadata: dict = {
        "@type": "http://schema.org/PublicationIssue",
        "title": package.title or entry.key,
        "author": _paper(issue),
        "modified": entry.built_at,
    }
    if entry.identifier:
        metadata["identifier"] = entry.identifier
    if entry.date:
        metadata["published"] = entry.date
    if entry.language:
        metadata["language"] = entry.language
    if package.publisher:
        metadata["publisher"] = package.publisher
    if _summary(entry):
        metadata["description"] = _summary(entry)
    if entry.pages:
        metadata["numberOfPages"] = entry.pages
    links = [_json_link("alternate", url(base_url, paths.issue_page(entry.key)), type_="text/html")]
    links += [
        _json_link(OPEN_ACCESS, url(base_url, paths.issue_file(entry.key, suffix)), type_=media_type)
        for suffix, media_type, _size in _files(entry)
    ]
    images = [
        {"href": url(base_url, paths.thumbnail(entry.key)), "type": "image/jpeg", "width": THUMBNAIL_WIDTH},
        {"href": url(base_url, paths.cover(entry.key)), "type": "image/png"},
    ]
    return {"metadata": metadata, "links": links, "images": images}


def _json_volume(volume: ListedVolume, base_url: str) -> dict:
    row, package = volume.row, volume.package
    metadata: dict = {
        "@type": "http://schema.org/PublicationVolume",
        "title": row.title,
        "identifier": row.identifier,
        "author": row.paper,
        "published": row.date_to,
        "modified": row.built_at,
        "description": _volume_summary(row),
    }
    if volume.language:
        metadata["language"] = volume.language
    if package.publisher:
        metadata["publisher"] = package.publisher
    href = url(base_url, paths.volume_file(row.key))
    publication: dict = {"metadata": metadata, "links": [_json_link(OPEN_ACCESS, href, type_="application/epub+zip")]}
    if volume.first_issue:
        key = volume.first_issue.entry.key
        publication["images"] = [
            {"href": url(base_url, paths.thumbnail(key)), "type": "image/jpeg", "width": THUMBNAIL_WIDTH},
            {"href": url(base_url, paths.cover(key)), "type": "image/png"},
        ]
    return publication
