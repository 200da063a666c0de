"""The catalogue's OPDS feeds (``reissue catalog``, layout/catalog/opds.py): valid OPDS 1.2 against its RELAX NG
schema and OPDS 2.0 against its JSON Schema (local copies, tests/schemas/README.md), browsable paper -> year ->
month -> issues, paged, with the latest issues, and every link pointing where the site has (or will have) it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft7Validator
from lxml import etree
from referencing import Registry, Resource

from layout.archive.catalog import Catalog, Entry
from layout.catalog import paths
from layout.catalog.opds import Listed, feeds, write_feeds
from layout.catalog.package import PackageMetadata

SCHEMAS = Path(__file__).parent / "schemas"
BASE = "https://example.org/news/"
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/terms/}"
NS = {"a": "http://www.w3.org/2005/Atom", "dc": "http://purl.org/dc/terms/"}
OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"
GAZETTE = "the-riverside-gazette"


@cache
def opds_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMAS / "opds1" / "opds_catalog_1_2.rng")))


@cache
def opds2_validator() -> Draft7Validator:
    """The OPDS 2.0 feed schema with every schema it refers to from the local copies, by their $id."""
    resources = []
    for path in (SCHEMAS / "opds2").rglob("*.json"):
        # ECMA-262 named groups (?<name>...) in Python's spelling (?P<name>...): see tests/schemas/README.md
        schema = json.loads(re.sub(r"\(\?<(?![=!])", "(?P<", path.read_text()))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry = Registry().with_resources(resources)
    return Draft7Validator(registry.contents("https://drafts.opds.io/schema/feed.schema.json"), registry=registry)


@pytest.fixture(scope="module")
def site(built_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The catalogue of the built archive, as ``reissue catalog`` writes it."""
    site_dir = tmp_path_factory.mktemp("site")
    command = [
        sys.executable,
        "-m",
        "layout",
        "catalog",
        str(built_archive),
        "--base-url",
        BASE,
        "--out",
        str(site_dir),
    ]
    subprocess.run(command, check=True, capture_output=True)
    return site_dir


@pytest.fixture(scope="module")
def paged_site(built_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same feeds with two entries a page."""
    site_dir = tmp_path_factory.mktemp("paged")
    with Catalog(built_archive) as catalog:
        write_feeds(list(catalog.entries()), built_archive, site_dir, BASE, page_size=2)
    return site_dir


def atom_feeds(site_dir: Path) -> list[Path]:
    return sorted(p for p in (site_dir / "opds").rglob("*.xml") if p.name != "opensearch.xml")


def feed(site_dir: Path, parts: tuple[str, ...], page: int = 1) -> etree._Element:
    return etree.parse(str(site_dir / paths.opds_feed(parts, page))).getroot()


def links(element: etree._Element, rel: str) -> list[str]:
    return [link.get("href") for link in element.findall("a:link", NS) if link.get("rel") == rel]


def site_path(href: str) -> str:
    assert href.startswith(BASE), href
    return href[len(BASE) :]


def test_every_atom_feed_is_valid_opds_1_2(site: Path, paged_site: Path) -> None:
    written = atom_feeds(site) + atom_feeds(paged_site)
    assert len(written) > 10
    for path in written:
        schema = opds_schema()
        assert schema.validate(etree.parse(str(path))), f"{path}: {schema.error_log}"


def test_the_opds_schema_rejects_an_entry_without_an_id(site: Path) -> None:
    """The validation is no formality: an entry missing what Atom requires fails it."""
    month = feed(site, (GAZETTE, "2024", "03"))
    entry = month.find("a:entry", NS)
    entry.remove(entry.find("a:id", NS))
    assert not opds_schema().validate(month)


def test_every_opds2_feed_is_valid_against_its_json_schema(site: Path, paged_site: Path) -> None:
    written = sorted((site / "opds2").rglob("*.json")) + sorted((paged_site / "opds2").rglob("*.json"))
    assert len(written) > 10
    for path in written:
        errors = [error.message for error in opds2_validator().iter_errors(json.loads(path.read_text()))]
        assert not errors, f"{path}: {errors}"


def test_the_opds2_schema_rejects_a_publication_without_an_acquisition_link(site: Path) -> None:
    month = json.loads((site / paths.opds2_feed((GAZETTE, "2024", "03"))).read_text())
    month["publications"][0]["links"] = [
        link for link in month["publications"][0]["links"] if link["rel"] != OPEN_ACCESS
    ]
    assert not opds2_validator().is_valid(month)


def test_the_root_leads_to_each_paper_and_to_the_latest_issues(site: Path) -> None:
    root = feed(site, ())
    titles = [entry.findtext("a:title", namespaces=NS) for entry in root.findall("a:entry", NS)]
    assert titles == ["Latest issues", "The Riverside Gazette", "昭通日报"]
    assert links(root, "http://opds-spec.org/sort/new") == [BASE + "opds/new/index.xml"]
    self_link = root.find("a:link[@rel='self']", NS)
    assert self_link.get("type") == "application/atom+xml;profile=opds-catalog;kind=navigation"


def test_a_paper_leads_by_year_and_month_to_its_issues(site: Path) -> None:
    paper = feed(site, (GAZETTE,))
    navigation = "application/atom+xml;profile=opds-catalog;kind=navigation"
    # by year: the paper's volumes, which another test module may have bound, have a feed of their own
    assert [
        e.findtext("a:title", namespaces=NS)
        for e in paper.findall("a:entry", NS)
        if e.find("a:link", NS).get("type") == navigation
    ] == ["The Riverside Gazette · 2024"]
    year = feed(site, (GAZETTE, "2024"))
    (month_link,) = year.findall("a:entry/a:link", NS)
    assert month_link.get("type") == "application/atom+xml;profile=opds-catalog;kind=acquisition"
    month = etree.parse(str(site / site_path(month_link.get("href")))).getroot()
    assert links(month, "up") == [BASE + paths.opds_feed((GAZETTE, "2024"))]
    assert links(month, "start") == [BASE + paths.opds_feed(())]
    issued = [entry.findtext("dc:issued", namespaces=NS) for entry in month.findall("a:entry", NS)]
    assert issued == ["2024-03-05", "2024-03-06", "2024-03-07"]


def test_an_issue_entry_carries_its_catalogue_metadata_and_both_files(site: Path, built_archive: Path) -> None:
    with Catalog(built_archive) as catalog:
        entry = catalog.entry("zhaotong/2023/11/15")
    assert entry is not None
    month = feed(site, (paths.paper_slug("昭通日报"), "2023", "11"))
    (element,) = [e for e in month.findall("a:entry", NS) if e.findtext("a:id", namespaces=NS) == entry.identifier]
    assert element.findtext("a:title", namespaces=NS) == "昭通日报 2023年11月15日 第9642期"  # the EPUB's own title
    assert element.findtext("a:updated", namespaces=NS) == entry.built_at
    assert element.findtext("a:author/a:name", namespaces=NS) == "昭通日报"
    assert element.findtext("dc:identifier", namespaces=NS) == entry.identifier
    assert element.findtext("dc:issued", namespaces=NS) == "2023-11-15"
    assert element.findtext("dc:language", namespaces=NS) == "zh-Hans"
    assert element.findtext("dc:publisher", namespaces=NS) == "昭通日报社"
    assert element.findtext("a:summary", namespaces=NS).startswith(entry.headlines[0] + "; " + entry.headlines[1])
    acquisitions = {link.get("type"): link for link in element.findall("a:link", NS) if link.get("rel") == OPEN_ACCESS}
    assert set(acquisitions) == {"application/epub+zip", "application/pdf"}
    epub = acquisitions["application/epub+zip"]
    assert epub.get("href") == BASE + paths.issue_file(entry.key, ".epub")
    assert int(epub.get("length")) == (built_archive / f"{entry.key}.epub").stat().st_size
    assert links(element, "http://opds-spec.org/image") == [BASE + paths.cover(entry.key)]
    assert links(element, "http://opds-spec.org/image/thumbnail") == [BASE + paths.thumbnail(entry.key)]


def test_every_link_points_where_the_site_has_it(site: Path, built_archive: Path) -> None:
    """Feeds link to feeds that exist; files, covers and pages to where layout.catalog.paths puts them for the
    site writer (which writes them in the same SITE)."""
    with Catalog(built_archive) as catalog:
        keys = [entry.key for entry in catalog.entries()]
    theirs = {
        path
        for key in keys
        for path in (
            paths.issue_file(key, ".epub"),
            paths.issue_file(key, ".pdf"),
            paths.cover(key),
            paths.thumbnail(key),
            paths.issue_page(key),
        )
    }
    for path in atom_feeds(site):
        for link in etree.parse(str(path)).iter(f"{ATOM}link"):
            target = site_path(link.get("href"))
            assert target in theirs or (site / target).is_file(), f"{path}: {target}"
    for path in (site / "opds2").rglob("*.json"):
        document = json.loads(path.read_text())
        hrefs = [link["href"] for link in document["links"] + document.get("navigation", [])]
        for publication in document.get("publications", []):
            hrefs += [link["href"] for link in publication["links"] + publication["images"]]
        for href in hrefs:
            assert site_path(href) in theirs or (site / site_path(href)).is_file(), f"{path}: {href}"


def test_a_long_feed_is_paged_with_first_previous_next_and_last(paged_site: Path) -> None:
    where = (GAZETTE, "2024", "03")
    first, second = feed(paged_site, where, 1), feed(paged_site, where, 2)
    assert not (paged_site / paths.opds_feed(where, 3)).exists()
    page_two = BASE + paths.opds_feed(where, 2)
    assert links(first, "next") == links(first, "last") == [page_two]
    assert links(first, "previous") == []
    assert links(second, "previous") == links(second, "first") == [BASE + paths.opds_feed(where)]
    assert links(second, "next") == []
    issued = [e.findtext("dc:issued", namespaces=NS) for page in (first, second) for e in page.findall("a:entry", NS)]
    assert issued == ["2024-03-05", "2024-03-06", "2024-03-07"]
    second_json = json.loads((paged_site / paths.opds2_feed(where, 2)).read_text())
    assert second_json["metadata"] | {"title": None, "modified": None} == {
        "title": None,
        "modified": None,
        "numberOfItems": 3,
        "itemsPerPage": 2,
        "currentPage": 2,
    }
    rels = {link["rel"]: link["href"] for link in second_json["links"]}
    assert rels["previous"] == rels["first"] == BASE + paths.opds2_feed(where)


def test_the_latest_issues_come_newest_first(site: Path) -> None:
    new = feed(site, ("new",))
    self_link = new.find("a:link[@rel='self']", NS)
    assert self_link.get("type") == "application/atom+xml;profile=opds-catalog;kind=acquisition"
    issued = [entry.findtext("dc:issued", namespaces=NS) for entry in new.findall("a:entry", NS)]
    assert issued == ["2024-03-07", "2024-03-06", "2024-03-05", "2023-11-16", "2023-11-15"]


def test_opds2_lists_the_same_issues_with_the_same_metadata(site: Path) -> None:
    where = (GAZETTE, "2024", "03")
    atom = feed(site, where).findall("a:entry", NS)
    publications = json.loads((site / paths.opds2_feed(where)).read_text())["publications"]
    assert [p["metadata"]["identifier"] for p in publications] == [e.findtext("a:id", namespaces=NS) for e in atom]
    for publication, entry in zip(publications, atom):
        metadata = publication["metadata"]
        assert metadata["title"] == entry.findtext("a:title", namespaces=NS)
        assert metadata["published"] == entry.findtext("dc:issued", namespaces=NS)
        assert metadata["language"] == entry.findtext("dc:language", namespaces=NS)
        assert metadata["description"] == entry.findtext("a:summary", namespaces=NS)
        acquisitions = {link["type"]: link["href"] for link in publication["links"] if link["rel"] == OPEN_ACCESS}
        assert sorted(acquisitions.values()) == sorted(links(entry, OPEN_ACCESS))
        assert {image["href"] for image in publication["images"]} == {
            *links(entry, "http://opds-spec.org/image"),
            *links(entry, "http://opds-spec.org/image/thumbnail"),
        }


def test_the_opensearch_description_is_written_but_no_feed_offers_a_search(site: Path) -> None:
    """A static site answers no query: a search link would give reading apps a search box that always fails."""
    description = etree.parse(str(site / paths.OPENSEARCH))
    opensearch = etree.RelaxNG(etree.parse(str(SCHEMAS / "opds1" / "opensearchdescription.rng")))
    assert opensearch.validate(description), opensearch.error_log
    for path in atom_feeds(site):
        assert not links(etree.parse(str(path)).getroot(), "search"), path


def catalog_command(build_dir: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "layout", "catalog", str(build_dir), "--base-url", BASE, "--out", str(site_dir)]
    return subprocess.run(command, capture_output=True, text=True)


def test_a_folder_without_a_build_is_one_line_and_status_2(tmp_path: Path) -> None:
    result = catalog_command(tmp_path, tmp_path / "s")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "catalog.sqlite" in result.stderr
    assert not (tmp_path / "catalog.sqlite").exists() and not (tmp_path / "s").exists()


def test_issues_without_a_full_date_are_filed_as_undated_within_what_is_known() -> None:
    def issue(key: str, date: str | None) -> Listed:
        entry = Entry(key, "in.md", (), "", "", "built", "passed", "2026-01-01T00:00:00+00:00", paper="P", date=date)
        return Listed(entry, PackageMetadata(title=key))

    listed = [issue("a", None), issue("b", "1903"), issue("c", "1903-05-02")]
    by_place = {feed.where: feed for feed in feeds(listed)}
    assert [link.title for link in by_place[("p",)].links] == ["P · Undated", "P · 1903"]
    assert [link.title for link in by_place[("p", "1903")].links] == ["P · 1903 · Undated", "P · 1903-05"]
    assert [i.entry.key for i in by_place[("p", paths.UNDATED, paths.UNDATED)].issues] == ["a"]
    assert [i.entry.key for i in by_place[("p", "1903", paths.UNDATED)].issues] == ["b"]
    assert all(part for where in by_place for part in where)


def test_a_catalogue_with_no_built_issue_is_one_line_and_status_2(tmp_path: Path) -> None:
    Catalog(tmp_path).close()
    result = catalog_command(tmp_path, tmp_path / "s")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "no issue here was built" in result.stderr
    assert not (tmp_path / "s").exists()
