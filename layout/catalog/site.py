"""The web catalogue: the built issues (their catalogue entries and files under BUILD) in; under SITE,
the issues' files, their covers and thumbnails, and static HTML pages to browse them out: the papers,
a paper's years and volumes, a year's months, a month's calendar with a cover per day, and an issue's page.

Everything is read before anything is written. The cover is the EPUB's own cover image (the print front
page), the thumbnail a JPEG of it 200 px wide; the story list is the EPUB's navigation document. Nothing
is rendered again. The pages come from the Jinja2 templates in ``styles/catalog/`` (autoescaped), which
hold their look and wording; every file's place and every link come from ``layout.catalog.paths``, and
links are relative, so the site reads the same from any base URL and from file://. The base URL is
only for canonical links and the schema.org JSON-LD.
"""

from __future__ import annotations

import calendar
import io
import posixpath
import re
import shutil
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import jinja2
import langcodes
from lxml import etree
from PIL import Image

from layout.archive.catalog import Entry, VolumeEntry
from layout.catalog import paths
from layout.errors import OutputError
from layout.style import STYLES_DIR

TEMPLATES = STYLES_DIR / "catalog"
THUMBNAIL_WIDTH = 200
SUFFIXES = (".epub", ".pdf")
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
NS = {
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
T = TypeVar("T")
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class PrintPage:
    """A print page as the EPUB's contents list it: its label and its stories' headlines."""

    label: str
    stories: tuple[str, ...]


@dataclass(frozen=True)
class Picture:
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class Issue:
    """An issue as its pages show it: the catalogue's entry and what its EPUB tells."""

    entry: Entry
    slug: str
    year: int | None  # None when the issue has no full date: it stands on its paper's page, not in a calendar
    month: int | None
    day: int | None
    sizes: dict[str, int]  # suffix (.epub, .pdf) -> bytes
    publisher: str | None
    contents: tuple[PrintPage, ...]
    cover: Picture | None
    thumbnail: Picture | None

    @property
    def key(self) -> str:
        return self.entry.key

    @property
    def headlines(self) -> tuple[str, ...]:
        return tuple(h for h in self.entry.headlines if h.strip())


@dataclass(frozen=True)
class Paper:
    slug: str
    title: str
    language: str | None
    publisher: str | None
    issues: tuple[Issue, ...]  # by date
    volumes: tuple[VolumeEntry, ...] = ()  # by date range

    def years(self) -> dict[int, dict[int, list[Issue]]]:
        """year -> month -> the dated issues, in order."""
        years: dict[int, dict[int, list[Issue]]] = defaultdict(lambda: defaultdict(list))
        for issue in self.issues:
            if issue.year is not None and issue.month is not None:
                years[issue.year][issue.month].append(issue)
        return {year: dict(months) for year, months in years.items()}

    def undated(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.year is None]


def write_site(
    entries: Iterable[Entry], build_dir: Path, site_dir: Path, base_url: str, volumes: Iterable[VolumeEntry] = ()
) -> list[Path]:
    """The web catalogue of the built ``entries`` and the ``volumes`` (those ``volume_files.volumes_as_recorded``
    kept) under ``site_dir``; the files written. An issue whose outputs failed their check (and were set
    aside) has no place in it, nor a volume of a paper without an issue in it."""
    papers = _papers([_issue(entry, build_dir) for entry in entries if entry.good], volumes)
    writer = _Writer(site_dir, base_url)
    for paper in papers:
        for issue in paper.issues:
            writer.issue_files(issue, build_dir)
        for volume in paper.volumes:
            writer.copy(Path(volume.path), paths.volume_file(volume.key))
    writer.copy(TEMPLATES / "site.css", paths.stylesheet())
    writer.page("papers.html.j2", paths.papers_page(), papers=papers)
    for paper in papers:
        _write_paper(writer, paper)
    return writer.written


def _write_paper(writer: _Writer, paper: Paper) -> None:
    """A paper's pages: its own, its years', its months' (each with the months before and after it), its issues'."""
    years = paper.years()
    writer.page("paper.html.j2", paths.paper_page(paper.slug), paper=paper, years=years)
    for year, months in years.items():
        writer.page("year.html.j2", paths.year_page(paper.slug, f"{year:04}"), paper=paper, year=year, months=months)
    months_of_issues = [(year, month, issues) for year, months in years.items() for month, issues in months.items()]
    for month_before, (year, month, issues), month_after in _neighbours(months_of_issues):
        page = paths.month_page(paper.slug, f"{year:04}", f"{month:02}")
        writer.page(
            "month.html.j2",
            page,
            paper=paper,
            year=year,
            month=month,
            issues=issues,
            before=month_before,
            after=month_after,
        )
    for before, issue, after in _neighbours(list(paper.issues)):
        page = paths.issue_page(issue.key)
        writer.page("issue.html.j2", page, paper=paper, issue=issue, before=before, after=after)


def _neighbours(items: list[T]) -> Iterator[tuple[T | None, T, T | None]]:
    """Each item with the one before it and the one after it (None at the ends)."""
    for index, item in enumerate(items):
        yield (items[index - 1] if index else None), item, (items[index + 1] if index + 1 < len(items) else None)


def _papers(issues: list[Issue], volumes: Iterable[VolumeEntry]) -> list[Paper]:
    """The issues and volumes by paper, the papers by title."""
    by_slug: dict[str, list[Issue]] = defaultdict(list)
    for issue in issues:
        by_slug[issue.slug].append(issue)
    volumes_by_slug: dict[str, list[VolumeEntry]] = defaultdict(list)
    for volume in volumes:
        volumes_by_slug[paths.paper_slug(volume.paper)].append(volume)
    papers = []
    for slug, own in by_slug.items():
        own.sort(key=lambda issue: (issue.entry.date or "", issue.key))
        latest = own[-1]
        title = latest.entry.paper or slug
        bound = tuple(sorted(volumes_by_slug[slug], key=lambda volume: (volume.date_from, volume.date_to)))
        papers.append(Paper(slug, title, latest.entry.language, latest.publisher, tuple(own), bound))
    return sorted(papers, key=lambda paper: paper.title.casefold())


def _issue(entry: Entry, build_dir: Path) -> Issue:
    """What the issue's pages show, read from its catalogue entry and its EPUB."""
    sizes = {}
    for suffix in SUFFIXES:
        built = build_dir / f"{entry.key}{suffix}"
        if built.is_file():
            sizes[suffix] = built.stat().st_size
        elif any(name.endswith(suffix) for name in entry.outputs):
            raise OutputError(
                "the catalogue names this built file but it is not there",
                path=built,
                hint=f"build the archive again (reissue build ... --out {build_dir})",
            )
    publisher, contents, cover_png = (
        _read_epub(build_dir / f"{entry.key}.epub") if ".epub" in sizes else (None, (), None)
    )
    date = ISO_DATE.fullmatch(entry.date or "")
    year, month, day = (int(part) for part in date.groups()) if date else (None, None, None)
    cover = _picture(cover_png) if cover_png else None
    return Issue(
        entry=entry,
        slug=paths.paper_slug(entry.paper or entry.identifier),
        year=year,
        month=month,
        day=day,
        sizes=sizes,
        publisher=publisher,
        contents=contents,
        cover=cover,
        thumbnail=_thumbnail(cover_png) if cover_png else None,
    )


def _read_epub(epub: Path) -> tuple[str | None, tuple[PrintPage, ...], bytes | None]:
    """The EPUB's publisher, its contents (print pages and their stories) and its cover image when it is a PNG."""
    try:
        with zipfile.ZipFile(epub) as book:
            container = etree.fromstring(book.read("META-INF/container.xml"), PARSER)
            package_path = container.xpath("string(//c:rootfile/@full-path)", namespaces=NS)
            package = etree.fromstring(book.read(package_path), PARSER)
            folder = posixpath.dirname(package_path)
            publisher = package.xpath("string(//dc:publisher)", namespaces=NS).strip() or None
            cover = nav = None
            for item in package.iterfind(".//opf:manifest/opf:item", NS):
                properties = (item.get("properties") or "").split()
                href = posixpath.join(folder, item.get("href", ""))
                if "cover-image" in properties and item.get("media-type") == "image/png":
                    cover = book.read(href)
                if "nav" in properties:
                    nav = etree.fromstring(book.read(href), PARSER)
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as error:
        raise OutputError(f"the EPUB cannot be read ({error})", path=epub, hint="build the issue again") from None
    return publisher, _contents(nav) if nav is not None else (), cover


def _contents(nav: etree._Element) -> tuple[PrintPage, ...]:
    """The table of contents: each print page (a top entry) with its stories (the entries under it)."""
    pages = []
    for item in nav.xpath("//x:nav[@epub:type='toc']/x:ol/x:li", namespaces=NS):
        label = " ".join(item.xpath("string(x:a)", namespaces=NS).split())
        stories = tuple(" ".join(a.xpath("string()").split()) for a in item.xpath("x:ol/x:li/x:a", namespaces=NS))
        pages.append(PrintPage(label, stories))
    return tuple(pages)


def _picture(png: bytes) -> Picture:
    with Image.open(io.BytesIO(png)) as image:
        return Picture(png, image.width, image.height)


def _thumbnail(png: bytes) -> Picture:
    """The cover as a JPEG ``THUMBNAIL_WIDTH`` px wide, for calendars and feeds."""
    with Image.open(io.BytesIO(png)) as image:
        height = max(1, round(image.height * THUMBNAIL_WIDTH / image.width))
        small = image.convert("RGB").resize((THUMBNAIL_WIDTH, height), Image.Resampling.LANCZOS)
    data = io.BytesIO()
    small.save(data, "JPEG", quality=82, optimize=True, progressive=True)
    return Picture(data.getvalue(), THUMBNAIL_WIDTH, height)


class _Writer:
    """Writes the site's files, each at its place relative to SITE, and keeps the list of them."""

    def __init__(self, site_dir: Path, base_url: str) -> None:
        self.site_dir = site_dir
        self.base_url = base_url.rstrip("/") + "/"
        self.written: list[Path] = []
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            extensions=["jinja2.ext.do"],
        )
        self.env.globals.update(paths=paths, calendar=calendar.Calendar())
        self.env.filters.update(size=_size, language_name=_language_name)

    def _target(self, place: str) -> Path:
        target = self.site_dir / place
        target.parent.mkdir(parents=True, exist_ok=True)
        self.written.append(target)
        return target

    def write(self, place: str, data: bytes) -> None:
        self._target(place).write_bytes(data)

    def copy(self, source: Path, place: str) -> None:
        shutil.copyfile(source, self._target(place))

    def issue_files(self, issue: Issue, build_dir: Path) -> None:
        for suffix in issue.sizes:
            self.copy(build_dir / f"{issue.key}{suffix}", paths.issue_file(issue.key, suffix))
        if issue.cover and issue.thumbnail:
            self.write(paths.cover(issue.key), issue.cover.data)
            self.write(paths.thumbnail(issue.key), issue.thumbnail.data)

    def page(self, template: str, place: str, **context: object) -> None:
        """A page from its template, with ``link(place)`` giving the relative link to any place of the site."""
        html = self.env.get_template(template).render(
            **context,
            here=place,
            link=lambda to: paths.relative(place, to),
            absolute=lambda to: self.base_url + to,
        )
        self.write(place, html.encode("utf-8"))


def _size(size: int) -> str:
    """Bytes as a reader reads a download's size: ``331 KB``, ``1.2 MB``."""
    if size < 1000:
        return f"{size} B"
    if size < 1000_000:
        return f"{size / 1000:.0f} KB"
    return f"{size / 1000_000:.1f} MB"


def _language_name(tag: str) -> str:
    """``zh-Hans`` -> ``Chinese (Simplified)``: the language's name in English, the catalogue's language."""
    return langcodes.Language.get(tag).display_name("en")
