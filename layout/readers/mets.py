"""The METS reader: a METS issue (MODS metadata and one ALTO file per page) -> ``model.Issue``.

In: a METS file, such as the NDNP issue profile's or the generic one European libraries deliver (the
Europeana Newspapers profile), with its ALTO pages in the issue's folder. Out: the issue's model, read
from the pages by the ALTO reader (``layout.readers.alto``).

- The pages are the ALTO files the physical structMap points at, in its order (the fileSec's order
  when it has none); a file the METS names outside the issue's folder, or that is not there, is refused.
- When a logical structMap declares articles (divisions of TYPE ``ARTICLE``, at any depth), they are
  the stories: each ``area`` (``BEGIN`` the ID of an ALTO block, ``FILEID`` its page's file) is a part
  of its article, in the map's order; an area inside a division of TYPE ``TITLE``/``HEADING``/
  ``HEADLINE`` is the headline (else the article's ``LABEL`` is), ``SUBHEADLINE`` the subheadline,
  ``AUTHOR``/``BYLINE`` the byline, anything else (``BODY``, ``PARAGRAPH``...) a paragraph. The blocks
  no article holds are read as on a page without articles: furniture, or stories of their own.
- The masthead comes from the issue's MODS: the dmdSecs the divisions around the first article name
  (the paper's, then the issue's), else the one the first division names, else the first; an
  article's own MODS is not the issue's. From them the title (else the METS label less its date), the
  date issued, volume, issue number and LCCN. What MODS does not say the ALTO reader finds on the pages.

Lines in the masthead are lines of the METS file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from layout.calendar_dates import calendar_date
from layout.errors import SourceError, quoted
from layout.model import Issue, issue_folder
from layout.readers.alto import (
    Article,
    ArticlePart,
    children,
    descendants,
    issue_from_pages,
    local,
    parse_xml,
    read_page,
    root_name,
)
from layout.readers.newspaper import take_masthead_fields
from layout.readers.registry import HEAD_SIZE, Reading, register
from layout.readers.source import read_head

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# the roles of an article's parts by the TYPE of the division around them; any other TYPE is body text
PART_ROLES = {
    "TITLE": "headline",
    "HEADING": "headline",
    "HEADLINE": "headline",
    "SUBHEADLINE": "subheadline",
    "AUTHOR": "byline",
    "BYLINE": "byline",
}
QUALIFIED_TITLE = re.compile(r"(?P<title>.+?)\s*\((?P<place>[^()]+)\)")  # Daily national Democrat (Marysville, Calif.)
LABEL_DATE = re.compile(r",?\s*\d{4}-\d{2}-\d{2}$")  # "Daily national Democrat (Marysville, Calif.), 1858-08-13"


def read_mets(path: Path, reading: Reading) -> Issue:
    root = parse_xml(path)
    values, lines = _masthead_values(root)
    files = _files(root, path)
    pages = [read_page(page) for page in _page_files(root, path, files)]
    if not pages:
        hint = "give a METS whose fileSec lists the ALTO files"
        raise SourceError("the METS names no ALTO page", path=path, hint=hint)
    articles = _articles(root, files)
    return issue_from_pages(path, pages, values=values, lines=lines, reading=reading, articles=articles)


def _articles(root: Any, files: dict[str, tuple[Path, int]]) -> list[Article]:
    """The articles the logical structMap declares, in its order, each with its parts in order."""
    logical = [m for m in descendants(root, "structMap") if (m.get("TYPE") or "").upper() == "LOGICAL"]
    divisions = [d for m in logical for d in descendants(m, "div") if (d.get("TYPE") or "").upper() == "ARTICLE"]
    articles = []
    for division in divisions:
        parts = [
            ArticlePart(_role(area, division), files[area.get("FILEID")][0], area.get("BEGIN"))
            for area in descendants(division, "area")
            if area.get("FILEID") in files and area.get("BEGIN")
        ]
        articles.append(Article((division.get("LABEL") or "").strip(), division.sourceline, tuple(parts)))
    return articles


def _role(area: Any, article: Any) -> str:
    """The role of an article's part: that of the nearest division around it whose TYPE names one."""
    for division in area.iterancestors():
        if division is article:
            break
        if (role := PART_ROLES.get((division.get("TYPE") or "").upper())) is not None:
            return role
    return "body"


def _files(root: Any, path: Path) -> dict[str, tuple[Path, int]]:
    """The files the fileSec lists, by ID: where each is, and the line of the METS naming it."""
    folder = issue_folder(path)
    files: dict[str, tuple[Path, int]] = {}
    for file in descendants(root, "file"):
        for location in children(file, "FLocat"):
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
    return files


def _page_files(root: Any, path: Path, files: dict[str, tuple[Path, int]]) -> list[Path]:
    """The ALTO files of the issue's pages, in the order of the physical structMap."""
    maps = [m for m in descendants(root, "structMap") if (m.get("TYPE") or "").upper() != "LOGICAL"]
    # a page's files as its fptrs name them, or as the areas in them do (<fptr><par><area FILEID=…/>)
    pointed = [e.get("FILEID") for m in maps[:1] for e in m.iter() if local(e) in ("fptr", "area") and e.get("FILEID")]
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


def _w3cdtf_date(text: str) -> str | None:
    """MODS's dateIssued as W3CDTF gives it, to any precision: 1858-08-13, or only 1880-10 or 1880."""
    try:
        return calendar_date(text).iso
    except ValueError:
        return None


def _masthead_values(root: Any) -> tuple[dict[str, Any], dict[str, int]]:
    """The masthead's fields the issue's MODS gives, and their lines in the METS."""
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    mods = _issue_mods(root)

    def take(name: str, element: Any, value: Any) -> None:
        if name not in values and value not in (None, ""):
            values[name], lines[name] = value, element.sourceline

    def found(name: str) -> list[Any]:
        return [element for section in mods for element in descendants(section, name)]

    for element in found("title")[:1]:
        title, place = _title_and_place((element.text or "").strip())
        take("title", element, title)
        take("place", element, place)
    for element in found("placeTerm")[:1]:
        take("place", element, (element.text or "").strip())
    label = (root.get("LABEL") or "").strip()
    title, place = _title_and_place(LABEL_DATE.sub("", label))
    take("title", root, title)
    take("place", root, place)
    for element in found("dateIssued")[:1]:
        take_masthead_fields((element.text or "").strip(), element.sourceline, values, lines)
        take("date", element, _w3cdtf_date((element.text or "").strip()))
    for detail in found("detail"):
        number = next((n.text.strip() for n in descendants(detail, "number") if n.text), None)
        if detail.get("type") == "volume":
            take("volume", detail, number)
        elif detail.get("type") == "issue" and number is not None and number.isdigit():
            take("issue_number", detail, int(number))
    for identifier in found("identifier"):
        if (identifier.get("type") or "").lower() == "lccn":
            take("lccn", identifier, (identifier.text or "").strip())
    return values, lines


def _title_and_place(title: str) -> tuple[str, str | None]:
    """A catalogue's uniform title less the place that qualifies it: ``Daily national Democrat
    (Marysville, Calif.)`` is the paper ``Daily national Democrat`` of ``Marysville, Calif.``"""
    qualified = QUALIFIED_TITLE.fullmatch(title)
    return (qualified["title"], qualified["place"]) if qualified else (title, None)


def _issue_mods(root: Any) -> list[Any]:
    """The dmdSecs of the issue itself, the paper's first: those the divisions around the first article
    name (a logical structMap's newspaper, volume and issue), else the one the first division names,
    else the first dmdSec."""
    sections = {section.get("ID"): section for section in descendants(root, "dmdSec")}
    divisions = descendants(root, "div")
    article = next((d for d in divisions if (d.get("TYPE") or "").upper() == "ARTICLE"), None)
    around = [d for d in reversed(list(article.iterancestors())) if local(d) == "div"] if article is not None else []
    named = [
        sections[name] for d in around or divisions[:1] for name in (d.get("DMDID") or "").split() if name in sections
    ]
    return named or list(sections.values())[:1] or [root]


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
