"""Volumes in the catalogue site (``reissue catalog`` after ``reissue volume``): each volume whose EPUB is still
the one recorded is copied into the site, listed in an OPDS acquisition feed of its paper's volumes (1.2 and
2.0, valid against their schemas), described by MARC 21 and MODS records (valid against theirs) and listed on
its paper's page (0 serious axe violations in Chromium); a volume whose file is gone or changed is left out
with a warning."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pymarc
import pytest
from lxml import etree
from test_feeds import links, opds2_validator, opds_schema
from test_records import read_marc, schema
from test_site import axe_script, browser, read_page, serious_violations  # noqa: F401 (fixtures)

from layout.archive.catalog import CATALOG_NAME, Catalog, Entry, VolumeEntry
from layout.catalog import paths
from layout.catalog.opds import Listed, feeds, listed_volumes
from layout.catalog.package import PackageMetadata
from layout.catalog.volume import make_volume

BASE = "https://example.org/news/"
NS = {"a": "http://www.w3.org/2005/Atom", "dc": "http://purl.org/dc/terms/"}
MODS = {"m": "http://www.loc.gov/mods/v3"}
OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
GAZETTE = "The Riverside Gazette"
CHINESE = "昭通日报"


@dataclass(frozen=True)
class Catalogued:
    site: Path
    volumes: dict[str, VolumeEntry]  # by name: the ones kept, then "gone" and "changed"
    said: str  # what reissue catalog wrote on stderr


@pytest.fixture(scope="module")
def catalogued(built_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Catalogued:
    """A copy of the built archive with four volumes bound: the Chinese paper's November, two of the Gazette's
    March days, and two more of the Gazette whose files are then deleted and changed; catalogued."""
    root = tmp_path_factory.mktemp("volumes-site")
    archive = root / "build"
    shutil.copytree(built_archive, archive)
    with sqlite3.connect(archive / CATALOG_NAME) as database:  # volumes other test modules bound: not these
        database.execute("DELETE FROM volumes")
    database.close()
    out = root / "volumes"
    made = {
        "chinese": make_volume(archive, out, "2023-11-01", "2023-11-30", None).row,
        "gazette": make_volume(archive, out, "2024-03-05", "2024-03-06", GAZETTE).row,
        "gone": make_volume(archive, out, "2024-03-07", "2024-03-07", GAZETTE).row,
        "changed": make_volume(archive, out, "2024-03-06", "2024-03-07", GAZETTE).row,
    }
    Path(made["gone"].path).unlink()
    with Path(made["changed"].path).open("ab") as changed:
        changed.write(b"\0")
    site = root / "site"
    command = [sys.executable, "-m", "layout", "catalog", str(archive), "--base-url", BASE, "--out", str(site)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return Catalogued(site, made, done.stderr)


def kept(catalogued: Catalogued) -> list[VolumeEntry]:
    return [catalogued.volumes["chinese"], catalogued.volumes["gazette"]]


def feed(site: Path, parts: tuple[str, ...]) -> etree._Element:
    return etree.parse(str(site / paths.opds_feed(parts))).getroot()


def volumes_feed(site: Path, paper: str) -> tuple[str, ...]:
    return (paths.paper_slug(paper), "volumes")


# The files


def test_a_volume_as_recorded_is_copied_into_the_site(catalogued):
    for volume in kept(catalogued):
        assert (catalogued.site / paths.volume_file(volume.key)).read_bytes() == Path(volume.path).read_bytes()


def test_a_volume_whose_file_is_gone_or_changed_is_left_out_with_a_warning(catalogued):
    for name in ("gone", "changed"):
        volume = catalogued.volumes[name]
        assert not (catalogued.site / paths.volume_file(volume.key)).exists()
        assert f"volume {volume.key} left out" in catalogued.said
        assert not any(catalogued.site.rglob(f"{volume.key}.*")), "no feed, record or page names it"
    assert catalogued.said.count("warning:") == 2


# OPDS


def test_the_feeds_with_volumes_are_valid_opds_1_2_and_2_0(catalogued):
    for paper in (GAZETTE, CHINESE):
        where = volumes_feed(catalogued.site, paper)
        for parts in (where, where[:1]):
            document = etree.parse(str(catalogued.site / paths.opds_feed(parts)))
            assert opds_schema().validate(document), f"{parts}: {opds_schema().error_log}"
            opds2 = json.loads((catalogued.site / paths.opds2_feed(parts)).read_text())
            errors = [error.message for error in opds2_validator().iter_errors(opds2)]
            assert not errors, f"{parts}: {errors}"


def test_a_paper_s_feed_leads_to_an_acquisition_feed_of_its_volumes(catalogued):
    paper = feed(catalogued.site, (paths.paper_slug(GAZETTE),))
    (entry,) = [e for e in paper.findall("a:entry", NS) if e.findtext("a:title", namespaces=NS).endswith("Volumes")]
    link = entry.find("a:link", NS)
    assert link.get("type") == ACQUISITION
    assert link.get("href") == BASE + paths.opds_feed(volumes_feed(catalogued.site, GAZETTE))
    volumes = feed(catalogued.site, volumes_feed(catalogued.site, GAZETTE))
    assert links(volumes, "up") == [BASE + paths.opds_feed((paths.paper_slug(GAZETTE),))]
    assert [e.findtext("a:id", namespaces=NS) for e in volumes.findall("a:entry", NS)] == [
        catalogued.volumes["gazette"].identifier
    ]


def test_a_volume_entry_is_dated_by_its_last_day_and_covers_its_range(catalogued, built_archive):
    volume = catalogued.volumes["chinese"]
    (entry,) = feed(catalogued.site, volumes_feed(catalogued.site, CHINESE)).findall("a:entry", NS)
    assert entry.findtext("a:title", namespaces=NS) == volume.title == "昭通日报 2023年11月1日—11月30日 合订本"
    assert entry.findtext("a:id", namespaces=NS) == entry.findtext("dc:identifier", namespaces=NS) == volume.identifier
    assert entry.findtext("a:updated", namespaces=NS) == volume.built_at
    assert entry.findtext("dc:issued", namespaces=NS) == "2023-11-30"
    assert entry.findtext("dc:temporal", namespaces=NS) == "2023-11-01/2023-11-30"
    assert entry.findtext("dc:language", namespaces=NS) == "zh-Hans"
    assert entry.findtext("dc:publisher", namespaces=NS) == "昭通日报社"
    assert entry.findtext("a:summary", namespaces=NS) == "2 issues, 2023-11-01 to 2023-11-30"
    (epub,) = [link for link in entry.findall("a:link", NS) if link.get("rel") == OPEN_ACCESS]
    assert epub.get("type") == "application/epub+zip"
    assert epub.get("href") == BASE + paths.volume_file(volume.key)
    assert int(epub.get("length")) == volume.size
    assert links(entry, "http://opds-spec.org/image") == [BASE + paths.cover(volume.issues[0])]
    assert (catalogued.site / paths.cover(volume.issues[0])).is_file()


def test_opds2_lists_the_volume_with_the_same_metadata(catalogued):
    volume = catalogued.volumes["chinese"]
    where = volumes_feed(catalogued.site, CHINESE)
    (publication,) = json.loads((catalogued.site / paths.opds2_feed(where)).read_text())["publications"]
    metadata = publication["metadata"]
    assert metadata["@type"] == "http://schema.org/PublicationVolume"
    assert (metadata["identifier"], metadata["title"], metadata["published"]) == (
        volume.identifier,
        volume.title,
        "2023-11-30",
    )
    assert metadata["language"] == "zh-Hans" and metadata["publisher"] == "昭通日报社"
    assert [(link["rel"], link["href"]) for link in publication["links"]] == [
        (OPEN_ACCESS, BASE + paths.volume_file(volume.key))
    ]
    assert BASE + paths.cover(volume.issues[0]) in [image["href"] for image in publication["images"]]


def test_a_paper_s_feeds_are_as_new_as_its_newest_volume_and_a_paper_without_issues_has_no_volumes_feed():
    def issue(key: str, paper: str) -> Listed:
        entry = Entry(key, "in.md", (), "", "", "built", "passed", "2026-01-01T00:00:00+00:00", paper=paper)
        return Listed(entry, PackageMetadata(title=key))

    def volume(key: str, paper: str, built_at: str) -> VolumeEntry:
        return VolumeEntry(key, paper, "2026-01-01", "2026-01-02", key, f"urn:{key}", key, 1, "", ("a",), built_at)

    listed = [issue("a", "P")]
    shelved = listed_volumes([volume("v", "P", "2026-02-01T00:00:00+00:00"), volume("w", "Q", "2026-03-01")], listed)
    assert [v.row.key for v in shelved] == ["v"], "Q has no issue listed: no page, no feed, no record of its volume"
    by_place = {feed.where: feed for feed in feeds(listed, shelved)}
    assert by_place[()].updated == by_place[("p",)].updated == "2026-02-01T00:00:00+00:00"
    assert [v.row.key for v in by_place[("p", "volumes")].volumes] == ["v"]
    assert [link.target for link in by_place[("p",)].links] == [("p", paths.UNDATED), ("p", "volumes")]


# Records


def test_a_volume_s_records_are_valid_marc21_slim_and_mods(catalogued):
    for volume in kept(catalogued):
        marcxml = etree.parse(str(catalogued.site / paths.volume_record(volume.key, ".marc.xml")))
        assert schema("MARC21slim.xsd").validate(marcxml), schema("MARC21slim.xsd").error_log
        mods = etree.parse(str(catalogued.site / paths.volume_record(volume.key, ".mods.xml")))
        assert schema("mods-3-7.xsd").validate(mods), schema("mods-3-7.xsd").error_log
    collection = etree.parse(str(catalogued.site / paths.records_collection(".marc.xml")))
    assert schema("MARC21slim.xsd").validate(collection), schema("MARC21slim.xsd").error_log


def test_a_volume_is_described_as_a_bound_volume_of_its_paper(catalogued):
    volume = catalogued.volumes["chinese"]
    (record,) = read_marc(catalogued.site / paths.volume_record(volume.key, ".mrc"))
    (xml,) = pymarc.parse_xml_to_array(
        io.BytesIO((catalogued.site / paths.volume_record(volume.key, ".marc.xml")).read_bytes())
    )
    assert [str(f) for f in record.fields] == [str(f) for f in xml.fields]
    assert record["001"].data == volume.identifier
    assert str(record["008"].data)[6:15] == "m20232023"
    assert (record["046"]["o"], record["046"]["p"]) == ("2023-11-01", "2023-11-30")
    assert record["245"]["a"] == volume.title
    assert record["264"]["b"] == "昭通日报社" and record["264"]["c"] == "2023"
    assert record["300"]["a"] == "1 online resource (2 issues)"
    assert record["490"]["a"] == record["830"]["a"] == CHINESE
    assert record["490"]["v"] == record["830"]["v"] == "2023-11-01 to 2023-11-30, no. 9642-9643"
    assert record["505"]["a"] == "2023-11-15, no. 9642 -- 2023-11-16, no. 9643"
    assert [f["a"] for f in record.get_fields("024")] == ["CN 53-0003", volume.identifier]
    assert record["856"]["u"] == BASE + paths.volume_file(volume.key)
    assert record["856"]["q"] == "application/epub+zip"


def test_the_collection_holds_the_volumes_records_after_the_issues(catalogued, built_archive):
    collection = read_marc(catalogued.site / paths.records_collection(".mrc"))
    with Catalog(built_archive) as catalog:
        issues = sum(1 for entry in catalog.entries() if entry.good)
    assert sorted(str(r["001"].data) for r in collection[issues:]) == sorted(v.identifier for v in kept(catalogued))


def test_a_volume_s_mods_names_its_range_its_paper_and_each_issue(catalogued):
    volume = catalogued.volumes["chinese"]
    mods = etree.parse(str(catalogued.site / paths.volume_record(volume.key, ".mods.xml"))).getroot()
    dates = {d.get("point"): d.text for d in mods.findall("m:originInfo/m:dateIssued", MODS)}
    assert dates == {"start": "2023-11-01", "end": "2023-11-30"}
    assert mods.findtext("m:physicalDescription/m:extent", namespaces=MODS) == "2 issues"
    assert mods.findtext("m:relatedItem[@type='host']/m:titleInfo/m:title", namespaces=MODS) == CHINESE
    issues = mods.findall("m:relatedItem[@type='constituent']", MODS)
    assert [i.findtext("m:part/m:date", namespaces=MODS) for i in issues] == ["2023-11-15", "2023-11-16"]
    assert mods.findtext("m:location/m:url", namespaces=MODS) == BASE + paths.volume_file(volume.key)


# The web catalogue


def test_the_paper_s_page_lists_its_volumes_with_their_range_issues_size_and_download(catalogued):
    volume = catalogued.volumes["gazette"]
    place = paths.paper_page(paths.paper_slug(GAZETTE))
    text = (catalogued.site / place).read_text(encoding="utf-8")
    assert volume.title in text
    assert "5 March 2024 to 6 March 2024" in text
    assert paths.relative(place, paths.volume_file(volume.key)) in read_page(catalogued.site, place).links
    for gone in ("gone", "changed"):
        assert catalogued.volumes[gone].key not in text


def test_a_reader_downloads_a_volume_from_its_paper_s_page_and_axe_finds_nothing_serious(
    browser,  # noqa: F811
    axe_script,  # noqa: F811
    catalogued,
):
    volume = catalogued.volumes["chinese"]
    page = browser.new_page(accept_downloads=True)
    page.goto((catalogued.site / paths.paper_page(paths.paper_slug(CHINESE))).as_uri())
    assert serious_violations(page, axe_script) == []
    row = page.get_by_role("row").filter(has_text=volume.title)
    assert row.get_by_role("cell").nth(1).inner_text() == "2"
    with page.expect_download() as download:
        row.get_by_role("link", name="Download").click()
    assert Path(download.value.path()).read_bytes() == Path(volume.path).read_bytes()
    page.close()
