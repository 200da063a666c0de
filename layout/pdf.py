"""The print edition: a plan in, the final HTML and the PDF out.

The style's Jinja2 templates turn the plan into one HTML document (every piece of text escaped);
WeasyPrint renders it once, reading files only through ``SafeFetcher``: the style's folder and the
issue's own folder, never the network. The HTML alone renders to the same pages, so ``--html``
gives a style designer a file to open in a browser or in ``weasyprint``.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlparse
from xml.etree import ElementTree

import layout.native_libraries  # noqa: F401  # isort: skip  (before WeasyPrint: see its docstring)
from PIL import Image
from weasyprint.urls import URLFetcher

from layout.calendar_dates import calendar_date
from layout.errors import ReissueError
from layout.font_files import defer_font_files
from layout.identity import instance_urn, issue_time, issue_urn, issue_uuid, organisation
from layout.model import Issue, Masthead, SectionKind, issue_folder
from layout.options import PrintOptions
from layout.photos import PhotoFile
from layout.plan import HEAD_PARTS, HEADLINE_LINE_HEIGHT, SUBHEAD_SCALE, Geometry, Piece, Plan, Row
from layout.style import PT_PER_UNIT, Paper, Style
from layout.tagging import finish_tags

COVER_RESOLUTION = 100  # dpi
COVER_PIXELS = 2560  # at most, on the cover's longer side


class SafeFetcher(URLFetcher):
    """WeasyPrint's URL fetcher, serving ``file:`` URLs under the given folders and nothing else."""

    def __init__(self, roots: Sequence[Path]) -> None:
        super().__init__(allowed_protocols={"file", "data"})
        self.roots = [root.resolve() for root in roots]
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None):
        parsed = urlparse(url)
        if parsed.scheme != "data" and not (
            parsed.scheme == "file"
            and any(Path(unquote(parsed.path)).resolve().is_relative_to(root) for root in self.roots)
        ):
            self.refused.append(url)
            raise ValueError(f"reissue reads only the style's and the issue's folders, not {url}")
        return super().fetch(url, headers)


@dataclass(frozen=True)
class SetLine:
    """A row of a piece where the page sets it: ``x`` and ``y`` in pt from the top left of the piece's
    body (its columns under the headline block, or a photo's caption)."""

    row: Row
    x: float
    y: float


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a piece (or its subhead, byline, caption, credit, or a jump line) with its
    lines in whichever columns they stand: one element of the print HTML, so that the tagged PDF
    holds each paragraph as one P (a subhead as one H3) however the columns break it."""

    kind: str
    lines: tuple[SetLine, ...]


def paragraphs(piece: Piece, geometry: Geometry) -> list[Paragraph]:
    """The piece's rows grouped into paragraphs in reading order, each line placed as the planner
    planned it: columns side by side, rows at the body's line height (a caption's at its own), each
    row lowered by the air the planner put above it."""
    found: list[Paragraph] = []
    last: Row | None = None
    lefts = [left for left, _ in geometry.text_columns(piece.span, piece.lane)]
    for index, column in enumerate(piece.columns):
        x, y = lefts[index], 0.0
        for row in column:
            y += row.space_before
            line = SetLine(row, x, y)
            y += geometry.caption_line_height if row.kind in ("caption", "credit") else geometry.line_height
            if last and row.paragraph is not None and (row.kind, row.paragraph) == (last.kind, last.paragraph):
                found[-1] = replace(found[-1], lines=(*found[-1].lines, line))
            else:
                found.append(Paragraph(row.kind, (line,)))
            last = row
    return found


@dataclass(frozen=True)
class IndexEntry:
    """A line of the front page's index of the issue (the ear's 导读): a section and the page it begins on."""

    label: str
    page: int


def inside_index(issue: Issue, plan: Plan) -> list[IndexEntry]:
    """Every section that begins on a page after the front, in reading order, with that page's number:
    what the masthead's ear points the reader to (it shows as many as its box holds)."""
    return [
        IndexEntry(issue.sections[piece.section].label, page.number)
        for page in plan.pages
        if not page.front
        for piece in page.pieces
        if piece.part == 0 and issue.sections[piece.section].kind is not SectionKind.NOTES
    ]


def render_html(
    issue: Issue, plan: Plan, style: Style, options: PrintOptions, photos: Mapping[int, PhotoFile], released: datetime
) -> str:
    """The final HTML of the fitted issue, with absolute ``file:`` links to the style and the photos
    (``photos.photo_files``: a photo without one keeps an empty frame of its planned size), modified
    when the issue was ``released`` (``identity.release_time``)."""
    template = style.templates.get_template("print/issue.html.j2")
    geometry = plan.geometry
    return template.render(
        issue=issue,
        masthead=issue.masthead,
        sections=issue.sections,
        plan=plan,
        g=geometry,
        head_parts=HEAD_PARTS,
        body_faces=style.body_faces,
        headline_line_height=HEADLINE_LINE_HEIGHT,
        subhead_scale=SUBHEAD_SCALE,
        options=options,
        style_urls=[path.resolve().as_uri() for path in style.stylesheets("print/print.css")],
        image_urls={index: photo.path.as_uri() for index, photo in photos.items()},
        paragraphs=lambda piece: paragraphs(piece, geometry),
        inside=inside_index(issue, plan),
        created=_created(issue.masthead),
        modified=_w3c(released),
    )


RenderPdf = Callable[[str, Issue, Style, PrintOptions, datetime], tuple[bytes, int]]


def render_pdf(html: str, issue: Issue, style: Style, options: PrintOptions, released: datetime) -> tuple[bytes, int]:
    """Render ``html`` with WeasyPrint; returns the PDF's bytes and its number of pages. The laid-out
    document (on a broadsheet issue a hundred MB and more) is let go here, before the cover is made."""
    import weasyprint

    defer_font_files()  # a font's whole file is copied only if WeasyPrint needs more than its subset
    fetcher = SafeFetcher([*style.folders, issue_folder(issue.source)])
    base = issue_folder(issue.source).as_uri() + "/"
    document = weasyprint.HTML(string=html, base_url=base, url_fetcher=fetcher).render(font_config=_font_config())
    document.metadata = _issue_metadata(document.metadata, issue)
    attachments = [
        weasyprint.Attachment(
            string=data,
            base_url=base,
            name=name,
            description=description,
            created=released,
            modified=released,
            relationship=_relationship(name, issue),
        )
        for name, data, description in options.attachments
    ]
    pdf = document.write_pdf(
        pdf_variant=options.variant,
        pdf_tags=options.tagged,
        attachments=attachments or None,
        pdf_identifier=issue_uuid(issue.masthead).hex.encode("ascii"),
        uncompressed_pdf=False,
        finisher=_finish,
    )
    if fetcher.refused:
        raise ReissueError(
            f"the style asked for files outside its folder: {fetcher.refused[0]}",
            path=issue.source,
            hint="keep a style's resources inside styles/<name>/",
        )
    return pdf, len(document.pages)


def _relationship(name: str, issue: Issue) -> str:
    """How an attached file relates to the PDF (PDF/A-3's AFRelationship): the issue's source file is
    what the PDF was made from; anything else attached (the model) is data derived from it."""
    return "Source" if name == Path(issue.source).name else "Data"


def _issue_metadata(metadata, issue: Issue):
    """``metadata`` (what WeasyPrint read from the HTML's head) plus the Dublin Core fields an archive
    catalogues an issue by, the paper as its author, and the XMP media management fields that tell
    versions apart: the document (the issue, on every build) and the instance (this content of it),
    with the time of this rendition's metadata (the head's ``dcterms.modified``, the Info dict's ModDate).
    WeasyPrint writes XMP only for the PDF/A and PDF/UA variants; the plain PDF carries the Info dict."""
    from weasyprint.document import DocumentMetadata
    from weasyprint.pdf.metadata import NS

    m = issue.masthead
    dc, mm = NS["dc"], NS["xmpMM"]
    fields = [(dc, "identifier", issue_urn(m), None), (dc, "language", issue.settings.language, "Bag")]
    if m.date:
        fields.append((dc, "date", m.date, "Seq"))  # the day (month, year) it was printed, not the day it was built
    if m.publisher:
        fields.append((dc, "publisher", organisation(m.publisher), "Bag"))
    fields += [(mm, "DocumentID", issue_urn(m), None), (mm, "InstanceID", instance_urn(issue), None)]
    fields.append((NS["xmp"], "MetadataDate", metadata.modified, None))

    class IssueMetadata(DocumentMetadata):
        # WeasyPrint's ``xmp_metadata`` option would add a second rdf:RDF after its own, which XMP
        # readers (Adobe's toolkit, veraPDF, pypdf) ignore: the fields go into WeasyPrint's one rdf:RDF
        def generate_rdf_metadata(self, variant, version, conformance):
            rdf = ElementTree.fromstring(super().generate_rdf_metadata(variant, version, conformance))  # noqa: S314 - WeasyPrint's own RDF
            description = ElementTree.SubElement(rdf, f"{{{NS['rdf']}}}Description", {f"{{{NS['rdf']}}}about": ""})
            for namespace, name, value, container in fields:
                element = ElementTree.SubElement(description, f"{{{namespace}}}{name}")
                if container:
                    element = ElementTree.SubElement(element, f"{{{NS['rdf']}}}{container}")
                    element = ElementTree.SubElement(element, f"{{{NS['rdf']}}}li")
                element.text = value
            return ElementTree.tostring(rdf, encoding="utf-8")

    return IssueMetadata(**{**vars(metadata), "authors": [m.title]})


def _finish(document, pdf) -> None:
    """The last touches to WeasyPrint's PDF objects before they are written."""
    _each_associated_file_once(pdf)
    finish_tags(pdf)


def _each_associated_file_once(pdf) -> None:
    """WeasyPrint 70 lists each attached file twice in the catalog's /AF (associated files) of a PDF/A-3."""
    if "AF" in pdf.catalog:
        pdf.catalog["AF"][:] = list(dict.fromkeys(pdf.catalog["AF"]))


_FONT_CONFIG = None


def _font_config():
    """One font configuration per process: loading the CJK collections again costs time and memory."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        from weasyprint.text.fonts import FontConfiguration

        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


def _cover_size(paper: Paper) -> list[str]:
    """pdftoppm's options for the cover's size: ``COVER_RESOLUTION``, unless that puts more than
    ``COVER_PIXELS`` on the page's longer side, what e-book stores ask of a cover (Kindle's guide: 2,560
    pixels on the long side); then that many. A page of A4 at 100 dpi is 1,170 pixels high, a broadsheet
    2,648 (2,560, then); a page twice as large would be a PNG of several MB, made in a second."""
    if max(paper.width, paper.height) / PT_PER_UNIT["in"] * COVER_RESOLUTION > COVER_PIXELS:
        return ["-scale-to", str(COVER_PIXELS)]
    return ["-r", str(COVER_RESOLUTION)]


def _created(masthead: Masthead) -> str:
    """When the PDF as a document was made: the day the issue was printed, or only its month or year
    when the source names no more (WeasyPrint then writes CreationDate D:1880, making up no day)."""
    if masthead.date and calendar_date(masthead.date).day is None:
        return masthead.date
    return _w3c(issue_time(masthead))


def _w3c(time: datetime) -> str:
    """A time as the head's ``dcterms.created`` and ``dcterms.modified`` give it (W3C's profile of ISO 8601)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ")


def front_page_png(pdf: bytes, paper: Paper) -> bytes:
    """The front page as a PNG, for the e-book's cover: rasterised by poppler's pdftoppm, encoded by
    Pillow (pdftoppm's own PNG encoder takes several times as long as its rasterising: 1.1 s of 1.25 s
    on a broadsheet page, where Pillow's takes 0.14 s). The raster goes through a file, which Pillow reads
    as it decodes: a broadsheet page's is 15 MB, and read from a pipe it was held twice more, at the
    moment a worker's memory peaks."""
    with tempfile.TemporaryDirectory(prefix="reissue-cover-") as folder:
        raster = Path(folder, "front")
        try:
            subprocess.run(
                ["pdftoppm", *_cover_size(paper), "-f", "1", "-l", "1", "-singlefile", "-", str(raster)],
                input=pdf,
                capture_output=True,
                check=True,
                timeout=120,
            )
        except (OSError, subprocess.CalledProcessError) as error:
            hint = "install poppler-utils (scripts/setup does)"
            raise ReissueError(f"cannot render the front page for the cover: {error}", hint=hint) from None
        png = BytesIO()
        with Image.open(raster.with_suffix(".ppm")) as image:
            # zlib's level 3 (its quick matcher) makes a page's PNG a fifth smaller than Pillow's default 6,
            # in half the time (measured on the sample's front page: 272 KB against 348; a broadsheet's: 1.5
            # MB in 0.14 s against 1.9 MB in 0.2 s)
            image.save(png, "PNG", compress_level=3)
    return png.getvalue()
