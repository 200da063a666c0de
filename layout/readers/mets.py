"""The METS reader: a METS issue (MODS metadata and one ALTO file per page) -> ``model.Issue``.

In: a METS file, such as the NDNP issue profile's, with its ALTO pages in the issue's folder. Out: the
issue's model, read from the pages by the ALTO reader (``layout.readers.alto``).

- The pages are the ALTO files the physical structMap points at, in its order (the fileSec's order
  when it has none); a file the METS names outside the issue's folder, or that is not there, is refused.
- The masthead comes from the issue's MODS (the dmdSec the structMap's outermost division names, else
  the first): the title (else the METS label less its date), the date issued, volume, issue number and
  LCCN. What MODS does not say the ALTO reader finds on the pages.

Lines in the masthead are lines of the METS file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from layout.errors import SourceError, quoted
from layout.model import Issue, issue_folder
from layout.readers.alto import descendants, issue_from_pages, local, parse_xml, read_page, root_name
from layout.readers.newspaper import take_masthead_fields
from layout.readers.registry import HEAD_SIZE, Reading, register
from layout.readers.source import read_head

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
LABEL_DATE = re.compile(r",?\s*\d{4}-\d{2}-\d{2}$")  # "Daily national Democrat (Marysville, Calif.), 1858-08-13"


def read_mets(path: Path, reading: Reading) -> Issue:
    root = parse_xml(path)
    values, lines = _masthead_values(root)
    pages = [read_page(page) for page in _page_files(root, path)]
    if not pages:
        hint = "give a METS whose fileSec lists the ALTO files"
        raise SourceError("the METS names no ALTO page", path=path, hint=hint)
    return issue_from_pages(path, pages, values=values, lines=lines, reading=reading)


def _page_files(root: Any, path: Path) -> list[Path]:
    """The ALTO files of the issue's pages, in the order of the physical structMap."""
    folder = issue_folder(path)
    files: dict[str, tuple[Path, int]] = {}
    for file in descendants(root, "file"):
        for location in (child for child in file if local(child) == "FLocat"):
            href = (location.get(XLINK_HREF) or "").removeprefix("file://")
            target = (path.parent / href).resolve()
            if not target.is_relative_to(folder):
                raise SourceError(
                    f"the file {quoted(href)} is outside the issue's folder",
                    path=path,
                    line=location.sourceline,
                    hint="keep the issue's files in the folder of its METS",
                )
            files[file.get("ID")] = (target, location.sourceline)
    maps = [m for m in descendants(root, "structMap") if (m.get("TYPE") or "").upper() != "LOGICAL"]
    pointed = [pointer.get("FILEID") for m in maps[:1] for pointer in descendants(m, "fptr")]
    ordered = [files[name] for name in pointed if name in files] or list(files.values())
    pages: list[Path] = []
    for target, line in dict(ordered).items():
        if target.suffix.lower() != ".xml":
            continue  # images and PDFs of the page
        if not target.is_file():
            raise SourceError(
                f"the page file {quoted(target.name)} is not there", path=path, line=line, hint="put it beside the METS"
            )
        if root_name(read_head(target, HEAD_SIZE)) == "alto":
            pages.append(target)
    return pages


def _masthead_values(root: Any) -> tuple[dict[str, Any], dict[str, int]]:
    """The masthead's fields the issue's MODS gives, and their lines in the METS."""
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    mods = _issue_mods(root)

    def take(name: str, element: Any, value: Any) -> None:
        if name not in values and value not in (None, ""):
            values[name], lines[name] = value, element.sourceline

    for element in descendants(mods, "title")[:1]:
        take("title", element, (element.text or "").strip())
    label = (root.get("LABEL") or "").strip()
    take("title", root, LABEL_DATE.sub("", label))
    for element in descendants(mods, "dateIssued")[:1]:
        take_masthead_fields((element.text or "").strip(), element.sourceline, values, lines)
    for detail in descendants(mods, "detail"):
        number = next((n.text.strip() for n in descendants(detail, "number") if n.text), None)
        if detail.get("type") == "volume":
            take("volume", detail, number)
        elif detail.get("type") == "issue" and number is not None and number.isdigit():
            take("issue_number", detail, int(number))
    for identifier in descendants(mods, "identifier"):
        if (identifier.get("type") or "").lower() == "lccn":
            take("lccn", identifier, (identifier.text or "").strip())
    return values, lines


def _issue_mods(root: Any) -> Any:
    """The dmdSec of the issue itself: the one the structMap's outermost division names, else the first."""
    sections = {section.get("ID"): section for section in descendants(root, "dmdSec")}
    for division in descendants(root, "div")[:1]:
        for name in (division.get("DMDID") or "").split():
            if name in sections:
                return sections[name]
    return next(iter(sections.values()), root)


class MetsReader:
    name = "mets"
    description = "a METS issue with ALTO pages"
    file_extensions: tuple[str, ...] = (".xml", ".mets")

    def sniff(self, head: bytes) -> bool:
        return root_name(head) == "mets"

    def read(self, path: Path, reading: Reading) -> Issue:
        # OCR's punctuation is kept as printed: normalize_punctuation is for Chinese extracted text
        return read_mets(path, reading)


register(MetsReader())
