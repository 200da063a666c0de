"""An issue's built EPUB in -> what a catalogue files it by out: its title (with date and number, in the
paper's own wording), publisher, place and serial number, as its package document (OPF) gives them.

The catalogue database keeps what a batch needs to find an issue; the package document keeps what the
issue says of itself. Feeds and records read both, and re-render nothing.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from layout.errors import OutputError

CONTAINER = "META-INF/container.xml"
NS = {
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
}
ISSN_URN = "urn:issn:"
# a package document names no entities and no outside resources: parse it that way
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@dataclass(frozen=True)
class PackageMetadata:
    title: str
    publisher: str | None = None
    place: str | None = None
    serial: str | None = None  # as printed (CN 53-0003), or an ISSN as 1234-5678

    @property
    def issn(self) -> str | None:
        return self.serial[len(ISSN_URN) :] if self.serial and self.serial.startswith(ISSN_URN) else None


def read_package(epub_path: Path) -> PackageMetadata:
    """The issue's metadata from its EPUB's package document."""
    try:
        with zipfile.ZipFile(epub_path) as book:
            container = etree.fromstring(book.read(CONTAINER), PARSER)
            opf_name = container.find("c:rootfiles/c:rootfile", NS).get("full-path")
            metadata = etree.fromstring(book.read(opf_name), PARSER).find("opf:metadata", NS)
    except (OSError, KeyError, AttributeError, zipfile.BadZipFile, etree.XMLSyntaxError) as error:
        raise OutputError(
            f"the issue's EPUB cannot be read ({error})",
            path=epub_path,
            hint="build the issue again with reissue build",
        ) from None

    def text(path: str) -> str | None:
        value = metadata.findtext(path, namespaces=NS)
        return value.strip() if value and value.strip() else None

    return PackageMetadata(
        title=text("dc:title") or "",
        publisher=text("dc:publisher"),
        place=text("dc:coverage"),
        serial=text("dc:identifier[@id='serial']"),
    )
