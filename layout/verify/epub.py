"""Checks of a finished EPUB: an ``Issue`` and an EPUB -> a ``Report``; ``OutputError`` when it is not
an EPUB of this issue.

First the archive, which may come from anywhere: safe member names, the compression methods EPUB
allows, every member unpacked in chunks within a size limit and its CRC checked; an archive that fails
is reported as it is and read no further (nor given to EPUBCheck). Then its XML, parsed with entities
refused; every source unit in the text of its spine (``text``); EPUBCheck clean (warnings count; one
JVM a process, bounded and ended with reissue: ``epubcheck``), a nav document with a toc and a page-list
of the issue's pages, no scripts, no remote resources. On request, when it is installed, no violation by Ace by DAISY
(``layout.ace``; ``reissue verify`` asks for it).
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import defusedxml.ElementTree as defused
from defusedxml import DefusedXmlException

from layout import ace
from layout.errors import OutputError
from layout.model import Issue
from layout.verify import epubcheck
from layout.verify.files import check_identity, check_regular_file, unreadable
from layout.verify.report import Finding, Report
from layout.verify.text import CONTEXT, conservation, normalize, text_units

EPUB_CHECKS = ("archive", "text", "navigation", "safety", "epubcheck")


NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
EPUB_TYPE = f"{{{NS['epub']}}}type"
REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)""")
FETCHED = {
    ("link", "href"),
    ("img", "src"),
    ("script", "src"),
    ("source", "src"),
    ("audio", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("iframe", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("image", "href"),
    ("image", "{http://www.w3.org/1999/xlink}href"),
    ("track", "src"),
}


@dataclass
class _Epub:
    title: str
    metadata: str  # all dc: metadata, for the identity test
    documents: list[tuple[str, ET.Element]]  # spine documents, in order
    nav: ET.Element | None
    stylesheets: dict[str, str]  # href (in the zip) -> CSS text
    manifest: list[tuple[str, str, str]]  # href (in the zip), media type, properties


# An EPUB to verify may come from anywhere: it is read as an archive of untrusted members. Every member is
# unpacked in chunks, within limits on each member and on all of them together, before anything is parsed
# or handed to EPUBCheck; an archive that breaks a rule gives findings, and nothing more is read from it.
MEMBER_LIMIT = 64 << 20  # bytes a member may unpack to: a large photo is a few MB, a page's XHTML some KB
ARCHIVE_LIMIT = 512 << 20  # bytes all members together may unpack to
CHUNK = 1 << 20  # bytes unpacked at a time
EPUB_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # the only compression methods OCF allows
MIB = 1 << 20
EPUB_MIMETYPE = b"application/epub+zip"


def _open_epub(path: Path) -> zipfile.ZipFile:
    """The EPUB as a zip archive with the EPUB mimetype; OutputError otherwise. Its members are not read."""
    hint = "give the EPUB that `reissue build` wrote"
    check_regular_file(path)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise OutputError("not an EPUB file (not a zip archive)", path=path, hint=hint) from None
    except OSError as error:
        raise unreadable(path, error) from None
    try:
        with archive.open("mimetype") as member:
            mimetype = member.read(len(EPUB_MIMETYPE) + 2)
    except (KeyError, zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, zlib.error):
        mimetype = b""
    if mimetype.strip() != EPUB_MIMETYPE:
        archive.close()
        raise OutputError("not an EPUB file (no mimetype application/epub+zip)", path=path, hint=hint)
    return archive


def _archive(archive: zipfile.ZipFile) -> list[Finding]:
    """What makes the archive unsafe to read further: unsafe or repeated member names, compression
    methods EPUB does not allow, encryption, members too large, alone or together, or corrupt."""
    members = archive.infolist()
    problems = [(info, _member_problem(info)) for info in members]
    findings = [Finding("archive", problem) for _, problem in problems if problem]
    repeated = [name for name, n in Counter(info.filename for info in members).items() if n > 1]
    findings += [Finding("archive", f"member name {_name(name)} is used more than once") for name in repeated]
    declared = sum(info.file_size for info, problem in problems if problem is None)
    if declared > ARCHIVE_LIMIT:
        findings.append(
            Finding(
                "archive",
                f"the members unpack to {declared / MIB:.0f} MiB together; verify reads at most "
                f"{ARCHIVE_LIMIT // MIB} MiB",
            )
        )
    if findings:
        return findings
    for info in members:  # every size declared is within the limits: unpack each member to check its data
        try:
            _unpack(archive, info)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            findings.append(Finding("archive", f"member {_name(info.filename)} cannot be unpacked: {error}"))
    return findings


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    name = _name(info.filename)
    parts = info.filename.replace("\\", "/").split("/")
    if info.filename.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", info.filename) or ".." in parts:
        return f"unsafe member name {name}: a path outside the archive"
    if info.compress_type not in EPUB_METHODS:
        return f"member {name} uses compression method {info.compress_type}; EPUB allows only stored and deflated"
    if info.flag_bits & 0x1:
        return f"member {name} is encrypted"
    if info.file_size > MEMBER_LIMIT:
        return (
            f"member {name} unpacks to {info.file_size / MIB:.0f} MiB; verify reads members of at most "
            f"{MEMBER_LIMIT // MIB} MiB"
        )
    return None


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Unpack a member in chunks, which checks its data against its CRC. zipfile gives no more than the
    size a member declares, so a member whose data would unpack to more fails its CRC there: the sizes
    declared bound the sizes unpacked."""
    with archive.open(info) as member:
        while member.read(CHUNK):
            pass


def _name(name: str) -> str:
    """A member's name as a finding quotes it: visible, and short whatever the archive holds."""
    return repr(name if len(name) <= CONTEXT * 4 else name[: CONTEXT * 4] + "…")


def _read_epub(archive: zipfile.ZipFile, path: Path) -> _Epub:
    """The package of an archive that ``_archive`` found sound: its metadata, spine, nav and stylesheets."""
    try:
        container = _parse_xml(archive, "META-INF/container.xml", path)
        opf_path = _required(_required(container.find(".//c:rootfile", NS), "rootfile").get("full-path"), "full-path")
        opf = _parse_xml(archive, opf_path, path)
        base = posixpath.dirname(opf_path)
        items = {
            i.get("id"): (
                posixpath.normpath(posixpath.join(base, _required(i.get("href"), "href"))),
                i.get("media-type", ""),
                i.get("properties", ""),
            )
            for i in opf.iterfind("opf:manifest/opf:item", NS)
        }
        spine = [items[ref.get("idref")][0] for ref in opf.iterfind("opf:spine/opf:itemref", NS)]
        documents = [(name, _parse_xml(archive, name, path)) for name in spine]
        nav_name = next((href for href, _, props in items.values() if "nav" in props.split()), None)
        nav = _parse_xml(archive, nav_name, path) if nav_name else None
        members = set(archive.namelist())
        stylesheets = {
            href: archive.read(href).decode("utf-8", "replace")
            for href, media_type, _ in items.values()
            if media_type == "text/css" and href in members
        }
    except (KeyError, AttributeError, TypeError, ET.ParseError) as error:
        raise OutputError(
            f"cannot read this EPUB's package ({type(error).__name__}: {error})",
            path=path,
            hint="rebuild it with `reissue build`",
        ) from None
    metadata = opf.find("opf:metadata", NS)
    title = " ".join(t.text or "" for t in metadata.iterfind("dc:title", NS)) if metadata is not None else ""
    meta_text = " ".join(e.text or "" for e in metadata) if metadata is not None else ""
    return _Epub(title, meta_text, documents, nav, stylesheets, list(items.values()))


T = TypeVar("T")


def _required(value: T | None, what: str) -> T:
    """``value``, which a well-formed package has; KeyError naming it when it is missing."""
    if value is None:
        raise KeyError(what)
    return value


def _parse_xml(archive: zipfile.ZipFile, name: str, path: Path) -> ET.Element:
    """A member parsed as XML that declares no entities and loads nothing (an entity bomb is refused)."""
    try:
        return defused.fromstring(archive.read(name))
    except DefusedXmlException:
        raise OutputError(
            f"{_name(name)} declares XML entities or external references, which verify does not expand",
            path=path,
            hint="rebuild it with `reissue build`",
        ) from None


def _body_text(document: ET.Element) -> str:
    body = document.find("x:body", NS)
    return "".join(body.itertext()) if body is not None else ""


def verify_epub(issue: Issue, epub: Path, *, accessibility: bool = False) -> Report:
    """Check a finished EPUB against the issue; OutputError when it is not an EPUB of this issue.

    An unsafe archive (see ``_archive``) gives its findings alone: nothing in it is parsed or checked further.
    ``accessibility`` adds Ace by DAISY's check when Ace is installed (about ten seconds more)."""
    with _open_epub(epub) as archive:
        unsafe = _archive(archive)
        if unsafe:
            return Report("epub", str(epub), ("archive",), tuple(unsafe), {"members": len(archive.infolist())})
        book = _read_epub(archive, epub)
    first = normalize(_body_text(book.documents[0][1])) if book.documents else ""
    check_identity(issue, epub, book.title, book.metadata + first, "EPUB")
    text = normalize("".join(_body_text(doc) for _, doc in book.documents))
    findings, _, figures = conservation(text_units(issue), text, "EPUB")
    navigation, nav_stats = _navigation(book, issue)
    findings += navigation
    findings += _safety(book)
    messages = epubcheck.messages(epub)
    findings += [Finding("epubcheck", message) for message in messages]
    by_ace = accessibility and ace.installed()  # the report's checks say whether Ace ran
    findings += [Finding("ace", violation) for violation in ace.violations(epub)] if by_ace else []
    stats = {**figures, "documents": len(book.documents), **nav_stats, "epubcheck_messages": len(messages)}
    return Report("epub", str(epub), EPUB_CHECKS + (("ace",) if by_ace else ()), tuple(findings), stats)


def _navigation(book: _Epub, issue: Issue) -> tuple[list[Finding], dict]:
    if book.nav is None:
        return [Finding("navigation", "the EPUB has no navigation document")], {}
    navs = {n.get(EPUB_TYPE, ""): n for n in book.nav.iter(f"{{{NS['x']}}}nav")}
    toc = len(list(navs["toc"].iter(f"{{{NS['x']}}}a"))) if "toc" in navs else 0
    pages = len(list(navs["page-list"].iter(f"{{{NS['x']}}}a"))) if "page-list" in navs else 0
    findings = []
    if not toc:
        findings.append(Finding("navigation", "the navigation document has no table of contents (toc)"))
    if issue.page_count and pages != issue.page_count:
        findings.append(
            Finding("navigation", f"the page-list has {pages} entries; the issue has {issue.page_count} pages")
        )
    return findings, {"toc_entries": toc, "page_list_entries": pages}


def _safety(book: _Epub) -> list[Finding]:
    """No scripts, and nothing a reading system would fetch from the network."""
    findings = []
    for href, media_type, props in book.manifest:
        if REMOTE.match(href) or "remote-resources" in props.split():
            findings.append(Finding("safety", f"the manifest lists a remote resource: {href}"))
        if "scripted" in props.split() or "javascript" in media_type:
            findings.append(Finding("safety", f"{href} is a script or is marked scripted"))
    for name, document in book.documents + ([("nav", book.nav)] if book.nav is not None else []):
        for element in document.iter():
            tag = element.tag.rpartition("}")[2]
            if tag == "script":
                findings.append(Finding("safety", f"{name} has a <script>"))
            for attribute, value in element.attrib.items():
                if (tag, attribute) in FETCHED and REMOTE.match(value):
                    findings.append(Finding("safety", f"{name} loads a remote resource: {value}"))
                elif attribute.startswith("on"):
                    findings.append(Finding("safety", f"{name} has an event handler ({attribute}) on <{tag}>"))
    for href, css in book.stylesheets.items():
        findings += [
            Finding("safety", f"{href} loads a remote resource: {url}")
            for url in CSS_URL.findall(css)
            if REMOTE.match(url)
        ]
    return findings
