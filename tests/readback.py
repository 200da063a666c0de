"""Built outputs read back for the tests: an element, attribute, text or PDF metadata the test expects
-> that value, never None. Where the output lacks it, the test fails here naming what is missing, not
later on an attribute of None (ElementTree's ``find``/``get`` and pypdf's metadata may all be None)."""

from __future__ import annotations

from xml.etree import ElementTree

from pypdf import DocumentInformation, PdfReader
from pypdf.xmp import XmpInformation


def one(root: ElementTree.Element, path: str, namespaces: dict[str, str] | None = None) -> ElementTree.Element:
    found = root.find(path, namespaces)
    assert found is not None, path
    return found


def attr(element: ElementTree.Element, name: str) -> str:
    value = element.get(name)
    assert value is not None, name
    return value


def text_of(element: ElementTree.Element) -> str:
    """The element's own text (up to its first child)."""
    assert element.text is not None, element.tag
    return element.text


def glyph_lines(chars: list[dict]) -> list[list[dict]]:
    """pdfplumber's glyphs grouped into lines by baseline, top to bottom, each line left to right."""
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (-c["matrix"][5], c["x0"])):
        if lines and abs(lines[-1][0]["matrix"][5] - char["matrix"][5]) < 1.0:
            lines[-1].append(char)
        else:
            lines.append([char])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def document_info(reader: PdfReader) -> DocumentInformation:
    """The PDF's document information dictionary (/Info)."""
    info = reader.metadata
    assert info is not None, "the PDF has no document information"
    return info


def xmp_metadata(reader: PdfReader) -> XmpInformation:
    """The PDF's XMP metadata stream, parsed."""
    xmp = reader.xmp_metadata
    assert xmp is not None, "the PDF has no XMP metadata"
    return xmp
