"""Writing a catalogue site's XML files: one spelling of the bytes (UTF-8, declared, indented) and one way
of putting them in place, for the feeds and the records alike."""

from __future__ import annotations

from pathlib import Path

from lxml import etree


def xml_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def write(path: Path, data: bytes) -> Path:
    """``data`` at ``path``, its folders made; the path, for the list of files written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
