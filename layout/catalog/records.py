"""The catalogue's built issues in -> records for library systems out, under ``SITE/records/``: per issue
MARC 21 (binary ``.mrc`` and MARCXML ``.marc.xml``, through pymarc) and MODS 3.7 (``.mods.xml``); and every
issue's MARC record in one collection (``all.mrc``, ``all.marc.xml``) for a library to load at once.

An issue is described as an item of its own that is part of the paper's run, as libraries catalogue a
single issue of a serial: leader type ``a`` (language material), bibliographic level ``m`` (the issue as a
monographic item), with the paper as its series (490/830, numbered by date and issue number), the paper's
serial number (022 ISSN, else 024), the issue's identifier (001, 024), date and language (008, 041),
place and publisher (264), the headlines (520) and links to its EPUB and PDF (856). The paper's own
record (level ``s``, 362) is the library's: one issue cannot say when a run began.

A volume (``reissue volume``) is described the same way, as a bound volume of the paper: its title with
its range (245), the years it spans (008 multiple dates, 264), its first and last day (046, aggregated
content), the number of issues (300) and each issue with its date and number (505), the paper as its
series numbered by the range (490/830), and the link to its EPUB (856). Its records stand under
``records/volumes/``, and in the collection after the issues'.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import langcodes
import pymarc
from lxml import etree
from lxml.builder import ElementMaker
from pymarc import Field, Indicators, Record, Subfield

from layout.archive.catalog import Entry, VolumeEntry
from layout.catalog import paths
from layout.catalog.files import write, xml_bytes
from layout.catalog.opds import FILES, Listed, ListedVolume, listed_issues, listed_volumes, url
from layout.catalog.package import PackageMetadata

# record status n (new), type a (language material), level m (the issue as an item), Unicode (a), minimal
# level (7: made from the issue's own metadata, not by a cataloguer), ISBD punctuation (i)
LEADER = "00000nam a22000007i 4500"
UNKNOWN_PLACE = "[Place of publication not identified]"  # RDA's own wording for what the issue does not say
UNKNOWN_PUBLISHER = "[publisher not identified]"
MODS_NS = "http://www.loc.gov/mods/v3"
XLINK_NS = "http://www.w3.org/1999/xlink"
MODS = ElementMaker(namespace=MODS_NS, nsmap={None: MODS_NS, "xlink": XLINK_NS})


def write_records(
    entries: Sequence[Entry], build_dir: Path, site_dir: Path, base_url: str, volumes: Sequence[VolumeEntry] = ()
) -> list[Path]:
    """Write each built issue's and each volume's (those ``volume_files.volumes_as_recorded`` kept) MARC 21
    and MODS records, and the collection of all; the files written."""
    written = []
    records = []
    listed = listed_issues(entries, build_dir)
    for issue in listed:
        record = marc_record(issue, base_url)
        records.append(record)
        key = issue.entry.key
        written.append(write(site_dir / paths.record(key, ".mrc"), record.as_marc()))
        written.append(write(site_dir / paths.record(key, ".marc.xml"), _marcxml([record], collection=False)))
        written.append(write(site_dir / paths.record(key, ".mods.xml"), xml_bytes(mods_record(issue, base_url))))
    for volume in listed_volumes(volumes, listed):
        record = volume_marc_record(volume, base_url)
        records.append(record)
        key = volume.row.key
        written.append(write(site_dir / paths.volume_record(key, ".mrc"), record.as_marc()))
        written.append(write(site_dir / paths.volume_record(key, ".marc.xml"), _marcxml([record], collection=False)))
        written.append(
            write(site_dir / paths.volume_record(key, ".mods.xml"), xml_bytes(volume_mods(volume, base_url)))
        )
    written.append(write(site_dir / paths.records_collection(".mrc"), b"".join(r.as_marc() for r in records)))
    written.append(write(site_dir / paths.records_collection(".marc.xml"), _marcxml(records, collection=True)))
    return written


def marc_record(issue: Listed, base_url: str) -> Record:
    entry, package = issue.entry, issue.package
    paper = entry.paper or entry.key
    built = datetime.fromisoformat(entry.built_at)
    language = marc_language(entry.language)
    record = Record(leader=LEADER, force_utf8=True)
    record.add_field(Field(tag="001", data=entry.identifier or entry.key))
    record.add_field(Field(tag="005", data=built.strftime("%Y%m%d%H%M%S.0")))
    record.add_field(Field(tag="007", data="cr |||||||||||"))  # an online electronic resource
    dates = f"s{entry.date[:4]}    " if entry.date else "nuuuuuuuu"  # a single date, else none known
    record.add_field(Field(tag="008", data=_fixed_fields(built, dates, language)))
    _serial_number(record, package)
    if entry.identifier:
        source = "urn" if entry.identifier.startswith("urn:") else "uri"
        record.add_field(_field("024", "7 ", ("a", entry.identifier), ("2", source)))
    record.add_field(_field("041", "0 ", ("a", language)))
    record.add_field(_field("245", "00", ("a", package.title or paper)))
    record.add_field(_publication(package, entry.date[:4] if entry.date else "[date of publication not identified]"))
    if entry.pages:
        record.add_field(_field("300", "  ", ("a", f"1 online resource ({_pages(entry.pages)})")))
    _content_media_carrier(record)
    numbering = _numbering(entry)
    record.add_field(_field("490", "1 ", ("a", paper), *((("v", numbering),) if numbering else ())))
    headlines = [h for h in entry.headlines if h.strip()]
    if headlines:
        record.add_field(_field("520", "  ", ("a", "; ".join(headlines))))
    record.add_field(_field("655", " 7", ("a", "Newspapers"), ("2", "lcgft")))
    record.add_field(_field("830", " 0", ("a", paper), *((("v", numbering),) if numbering else ())))
    for suffix, media_type in FILES:
        if any(name.endswith(suffix) for name in entry.outputs):
            href = url(base_url, paths.issue_file(entry.key, suffix))
            record.add_field(_field("856", "40", ("u", href), ("q", media_type)))
    return record


def volume_marc_record(volume: ListedVolume, base_url: str) -> Record:
    row, package = volume.row, volume.package
    built = datetime.fromisoformat(row.built_at)
    language = marc_language(volume.language)
    years = _years(row)
    record = Record(leader=LEADER, force_utf8=True)
    record.add_field(Field(tag="001", data=row.identifier))
    record.add_field(Field(tag="005", data=built.strftime("%Y%m%d%H%M%S.0")))
    record.add_field(Field(tag="007", data="cr |||||||||||"))
    dates = f"m{row.date_from[:4]}{row.date_to[:4]}"  # multiple dates: the first year and the last
    record.add_field(Field(tag="008", data=_fixed_fields(built, dates, language)))
    _serial_number(record, package)
    record.add_field(_field("024", "7 ", ("a", row.identifier), ("2", "urn")))
    record.add_field(_field("041", "0 ", ("a", language)))
    # the first and last day of the issues it gathers, as EDTF dates (aggregated content: 046 $o and $p)
    record.add_field(_field("046", "  ", ("o", row.date_from), ("p", row.date_to), ("2", "edtf")))
    record.add_field(_field("245", "00", ("a", row.title)))
    record.add_field(_publication(package, years))
    record.add_field(_field("300", "  ", ("a", f"1 online resource ({_issues(len(row.issues))})")))
    _content_media_carrier(record)
    numbering = _volume_numbering(volume)
    record.add_field(_field("490", "1 ", ("a", row.paper), ("v", numbering)))
    contents = [_numbering(issue.entry) for issue in volume.issues]
    if contents:
        record.add_field(_field("505", "0 ", ("a", " -- ".join(contents))))
    record.add_field(_field("655", " 7", ("a", "Newspapers"), ("2", "lcgft")))
    record.add_field(_field("830", " 0", ("a", row.paper), ("v", numbering)))
    href = url(base_url, paths.volume_file(row.key))
    record.add_field(_field("856", "40", ("u", href), ("q", "application/epub+zip")))
    return record


def _years(row: VolumeEntry) -> str:
    first, last = row.date_from[:4], row.date_to[:4]
    return first if first == last else f"{first}-{last}"


def _issues(count: int) -> str:
    return f"{count} issue" if count == 1 else f"{count} issues"


def _volume_numbering(volume: ListedVolume) -> str:
    """The volume's place in the run: 2023-11-01 to 2023-11-30, no. 9642-9643 (its issues' numbers)."""
    numbers = [issue.entry.number for issue in volume.issues if issue.entry.number is not None]
    span = f"{volume.row.date_from} to {volume.row.date_to}"
    if not numbers:
        return span
    first, last = min(numbers), max(numbers)
    return f"{span}, no. {first}" if first == last else f"{span}, no. {first}-{last}"


def marc_language(tag: str | None) -> str:
    """A BCP 47 tag (zh-Hans) as a MARC language code (chi); ``und`` when unknown."""
    if not tag:
        return "und"
    try:
        return langcodes.Language.get(tag).to_alpha3(variant="B")
    except LookupError:
        return "und"


def _serial_number(record: Record, package: PackageMetadata) -> None:
    if package.issn:
        record.add_field(_field("022", "  ", ("a", package.issn)))
    elif package.serial:  # another country's serial number (China's CN 53-0003): an unspecified standard number
        record.add_field(_field("024", "8 ", ("a", package.serial)))


def _content_media_carrier(record: Record) -> None:
    """336-338: text, read on a computer, an online resource."""
    for tag, term, code, source in (
        ("336", "text", "txt", "rdacontent"),
        ("337", "computer", "c", "rdamedia"),
        ("338", "online resource", "cr", "rdacarrier"),
    ):
        record.add_field(_field(tag, "  ", ("a", term), ("b", code), ("2", source)))


def _fixed_fields(built: datetime, dates: str, language: str) -> str:
    """008 for a book-format record: entered on, the type of date and dates (06-14), place unknown (xx), an
    online item (o), no index, not fiction, the language; cataloguing source other (d)."""
    book = "||||" + "|" + "o" + "||||" + "||||" + " " + "||"  # 18-34: only the form of item (23) is coded
    return f"{built:%y%m%d}{dates}xx {book}{language} d"


def _pages(count: int) -> str:
    return f"{count} page" if count == 1 else f"{count} pages"


def _numbering(entry: Entry) -> str:
    """The issue's place in the run, as a series statement numbers it: 2023-11-15, no. 9642."""
    parts = [entry.date or "", f"no. {entry.number}" if entry.number is not None else ""]
    return ", ".join(part for part in parts if part)


def _publication(package: PackageMetadata, date: str) -> Field:
    """264 (production, publication): place and publisher as the issue's package names them, else RDA's
    words for their absence, and the date."""
    return _field(
        "264", " 1", ("a", package.place or UNKNOWN_PLACE), ("b", package.publisher or UNKNOWN_PUBLISHER), ("c", date)
    )


def _field(tag: str, indicators: str, *subfields: tuple[str, str]) -> Field:
    return Field(
        tag=tag,
        indicators=Indicators(indicators[0], indicators[1]),
        subfields=[Subfield(code, value) for code, value in subfields],
    )


def _marcxml(records: Sequence[Record], *, collection: bool) -> bytes:
    if not collection:
        return xml_bytes(etree.fromstring(pymarc.record_to_xml(records[0], namespace=True)))
    root = etree.Element(f"{{{pymarc.marcxml.MARC_XML_NS}}}collection", nsmap={None: pymarc.marcxml.MARC_XML_NS})
    for record in records:
        root.append(etree.fromstring(pymarc.record_to_xml(record, namespace=True)))
    return xml_bytes(root)


def mods_record(issue: Listed, base_url: str) -> etree._Element:
    """The issue in MODS 3.7: title, the paper as its host with the issue's date and number, origin,
    language, form, the headlines as its abstract, identifier and the files' locations."""
    entry, package = issue.entry, issue.package
    paper = entry.paper or entry.key
    origin = MODS.originInfo()
    if package.place:
        origin.append(MODS.place(MODS.placeTerm(package.place, type="text")))
    if package.publisher:
        origin.append(MODS.publisher(package.publisher))
    if entry.date:
        origin.append(MODS.dateIssued(entry.date, encoding="w3cdtf", keyDate="yes"))
    origin.append(MODS.issuance("single unit"))
    record = _mods(package.title or paper, origin, entry.language)
    record.append(_mods_form(entry))
    headlines = [h for h in entry.headlines if h.strip()]
    if headlines:
        record.append(MODS.abstract("; ".join(headlines)))
    record.append(_mods_host(paper, entry, package))
    if entry.identifier:
        record.append(MODS.identifier(entry.identifier, type="urn" if entry.identifier.startswith("urn:") else "uri"))
    location = MODS.location()
    for suffix, _media_type in FILES:
        if any(name.endswith(suffix) for name in entry.outputs):
            location.append(MODS.url(url(base_url, paths.issue_file(entry.key, suffix)), access="raw object"))
    location.append(MODS.url(url(base_url, paths.issue_page(entry.key)), access="object in context", usage="primary"))
    record.append(location)
    return record


def _mods_form(entry: Entry) -> etree._Element:
    form = MODS.physicalDescription(MODS.form("electronic", authority="marcform"))
    for suffix, media_type in FILES:
        if any(name.endswith(suffix) for name in entry.outputs):
            form.append(MODS.internetMediaType(media_type))
    if entry.pages:
        form.append(MODS.extent(_pages(entry.pages)))
    return form


def _mods_host(paper: str, entry: Entry, package: PackageMetadata) -> etree._Element:
    """The paper as the host of the issue, the issue's date and number as its part."""
    host = MODS.relatedItem(MODS.titleInfo(MODS.title(paper)), type="host")
    if package.issn:
        host.append(MODS.identifier(package.issn, type="issn"))
    elif package.serial:
        host.append(MODS.identifier(package.serial, type="local"))
    if (part := _issue_part(entry)) is not None:
        host.append(part)
    return host


def volume_mods(volume: ListedVolume, base_url: str) -> etree._Element:
    """The volume in MODS 3.7: its title, its first and last day, origin, language, form and extent (the
    number of issues), the paper as its host, each issue as a constituent with its identifier, date and
    number, its identifier and its EPUB's location."""
    row, package = volume.row, volume.package
    origin = MODS.originInfo()
    if package.place:
        origin.append(MODS.place(MODS.placeTerm(package.place, type="text")))
    if package.publisher:
        origin.append(MODS.publisher(package.publisher))
    origin.append(MODS.dateIssued(row.date_from, encoding="w3cdtf", keyDate="yes", point="start"))
    origin.append(MODS.dateIssued(row.date_to, encoding="w3cdtf", point="end"))
    origin.append(MODS.issuance("single unit"))
    record = _mods(row.title, origin, volume.language)
    record.append(
        MODS.physicalDescription(
            MODS.form("electronic", authority="marcform"),
            MODS.internetMediaType("application/epub+zip"),
            MODS.extent(_issues(len(row.issues))),
        )
    )
    host = MODS.relatedItem(MODS.titleInfo(MODS.title(row.paper)), type="host")
    if package.issn:
        host.append(MODS.identifier(package.issn, type="issn"))
    elif package.serial:
        host.append(MODS.identifier(package.serial, type="local"))
    host.append(
        MODS.part(
            MODS.date(row.date_from, encoding="w3cdtf", point="start"),
            MODS.date(row.date_to, encoding="w3cdtf", point="end"),
        )
    )
    record.append(host)
    for issue in volume.issues:
        record.append(_mods_constituent(issue))
    record.append(MODS.identifier(row.identifier, type="urn"))
    record.append(
        MODS.location(
            MODS.url(url(base_url, paths.volume_file(row.key)), access="raw object", usage="primary"),
        )
    )
    return record


def _mods_constituent(issue: Listed) -> etree._Element:
    """A bound issue: its own title and identifier, its date and number."""
    entry = issue.entry
    constituent = MODS.relatedItem(MODS.titleInfo(MODS.title(issue.package.title or entry.key)), type="constituent")
    if entry.identifier:
        kind = "urn" if entry.identifier.startswith("urn:") else "uri"
        constituent.append(MODS.identifier(entry.identifier, type=kind))
    if (part := _issue_part(entry)) is not None:
        constituent.append(part)
    return constituent


def _mods(title: str, origin: etree._Element, language: str | None) -> etree._Element:
    """A MODS 3.7 record of newspaper text: its title, origin and language."""
    record = MODS.mods(
        MODS.titleInfo(MODS.title(title)),
        MODS.typeOfResource("text"),
        MODS.genre("Newspapers", authority="lcgft"),
        origin,
        version="3.7",
    )
    if language:
        record.append(MODS.language(MODS.languageTerm(language, type="code", authority="rfc5646")))
    return record


def _issue_part(entry: Entry) -> etree._Element | None:
    """An issue's number and date as a MODS part, or None when it has neither."""
    part = MODS.part()
    if entry.number is not None:
        part.append(MODS.detail(MODS.number(str(entry.number)), type="issue"))
    if entry.date:
        part.append(MODS.date(entry.date, encoding="w3cdtf"))
    return part if len(part) else None
