"""The catalogue's records for library systems (layout/catalog/records.py): per issue MARC 21 binary and MARCXML
valid against the MARC 21 slim schema, MODS valid against MODS 3.7 (local copies, tests/schemas/README.md), with
a serial issue's fields, and the collection of every issue's record."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import pymarc
import pytest
from lxml import etree

from layout.archive.catalog import Entry
from layout.catalog import paths
from layout.catalog.records import write_records

SCHEMAS = Path(__file__).parent / "schemas" / "library"
BASE = "https://example.org/news/"
MODS = {"m": "http://www.loc.gov/mods/v3"}


@cache
def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


@pytest.fixture(scope="module")
def site(built_archive: Path, built_entries: list[Entry], tmp_path_factory: pytest.TempPathFactory) -> Path:
    site_dir = tmp_path_factory.mktemp("site")
    write_records(built_entries, built_archive, site_dir, BASE)
    return site_dir


def read_marc(path: Path) -> list[pymarc.Record]:
    with path.open("rb") as data:
        return [record for record in pymarc.MARCReader(data, to_unicode=True, force_utf8=True) if record]


def fields(record: pymarc.Record) -> list[tuple[str, str]]:
    """A record as (tag, its text) pairs, in order: what two encodings of it must agree on."""
    return [(field.tag, field.value() if field.is_control_field() else str(field)) for field in record.fields]


def test_every_marcxml_record_is_valid_marc21_slim(site: Path, built_entries: list[Entry]) -> None:
    marcxml = schema("MARC21slim.xsd")
    written = [site / paths.record(entry.key, ".marc.xml") for entry in built_entries]
    for path in [*written, site / paths.records_collection(".marc.xml")]:
        assert marcxml.validate(etree.parse(str(path))), f"{path}: {marcxml.error_log}"


def test_the_marc_schema_rejects_a_leader_of_the_wrong_length(site: Path, built_entries: list[Entry]) -> None:
    document = etree.parse(str(site / paths.record(built_entries[0].key, ".marc.xml")))
    document.getroot()[0].text += " "
    assert not schema("MARC21slim.xsd").validate(document)


def test_every_mods_record_is_valid_mods(site: Path, built_entries: list[Entry]) -> None:
    mods = schema("mods-3-7.xsd")
    for entry in built_entries:
        path = site / paths.record(entry.key, ".mods.xml")
        assert mods.validate(etree.parse(str(path))), f"{path}: {mods.error_log}"


def test_binary_marc_reads_back_with_the_same_fields_as_marcxml(site: Path, built_entries: list[Entry]) -> None:
    for entry in built_entries:
        (binary,) = read_marc(site / paths.record(entry.key, ".mrc"))
        (xml,) = pymarc.parse_xml_to_array(io.BytesIO((site / paths.record(entry.key, ".marc.xml")).read_bytes()))
        assert fields(binary) == fields(xml)
        assert str(binary.leader)[5:10] == str(xml.leader)[5:10] == "nam a"


def test_the_collection_holds_every_issue_record(site: Path, built_entries: list[Entry]) -> None:
    collection = read_marc(site / paths.records_collection(".mrc"))
    assert sorted(str(record["001"].data) for record in collection) == sorted(str(e.identifier) for e in built_entries)
    collection_xml = pymarc.parse_xml_to_array(str(site / paths.records_collection(".marc.xml")))
    by_id = {record["001"].data: fields(record) for record in collection_xml}
    for record in collection:
        assert by_id[record["001"].data] == fields(record)


def test_an_issue_record_has_a_serial_issues_fields(site: Path, built_entries: list[Entry]) -> None:
    entry = next(e for e in built_entries if e.key == "zhaotong/2023/11/15")
    (record,) = read_marc(site / paths.record(entry.key, ".mrc"))
    assert record.leader[6:8] == "am"  # language material, the issue as an item of its own
    assert record["001"].data == entry.identifier
    fixed = str(record["008"].data)
    assert len(fixed) == 40 and fixed[6:11] == "s2023" and fixed[35:38] == "chi"
    assert record["041"]["a"] == "chi"
    assert record["245"]["a"] == "昭通日报 2023年11月15日 第9642期"
    assert record["264"]["b"] == "昭通日报社" and record["264"]["c"] == "2023"
    assert [f["a"] for f in record.get_fields("024")] == ["CN 53-0003", entry.identifier]  # no ISSN: 024, not 022
    assert record.get_fields("022") == []
    assert record["490"]["a"] == record["830"]["a"] == "昭通日报"
    assert record["490"]["v"] == record["830"]["v"] == "2023-11-15, no. 9642"
    assert record["520"]["a"].startswith("; ".join(entry.headlines[:2]))
    links = {f["q"]: f["u"] for f in record.get_fields("856")}
    assert links == {
        "application/epub+zip": BASE + paths.issue_file(entry.key, ".epub"),
        "application/pdf": BASE + paths.issue_file(entry.key, ".pdf"),
    }


def test_a_paper_without_a_publisher_says_so_as_rda_does(site: Path, built_entries: list[Entry]) -> None:
    entry = next(e for e in built_entries if e.paper == "The Riverside Gazette")
    (record,) = read_marc(site / paths.record(entry.key, ".mrc"))
    assert record["264"]["b"] == "[publisher not identified]"
    assert record["041"]["a"] == "eng"


def test_a_mods_record_names_the_paper_as_host_with_the_issues_date_and_number(
    site: Path, built_entries: list[Entry]
) -> None:
    entry = next(e for e in built_entries if e.key == "zhaotong/2023/11/16")
    mods = etree.parse(str(site / paths.record(entry.key, ".mods.xml"))).getroot()
    assert mods.findtext("m:relatedItem[@type='host']/m:titleInfo/m:title", namespaces=MODS) == "昭通日报"
    assert mods.findtext("m:relatedItem/m:part/m:detail[@type='issue']/m:number", namespaces=MODS) == "9643"
    assert mods.findtext("m:originInfo/m:dateIssued", namespaces=MODS) == "2023-11-16"
    assert mods.findtext("m:language/m:languageTerm", namespaces=MODS) == "zh-Hans"
    urls = [url.text for url in mods.findall("m:location/m:url", MODS)]
    assert BASE + paths.issue_file(entry.key, ".epub") in urls and BASE + paths.issue_page(entry.key) in urls
