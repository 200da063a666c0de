"""``reissue volume``: the issues of a built archive between two dates, bound into one EPUB 3 that
EPUBCheck and Ace pass, its documents the issues' own, its navigation issue -> page -> story, its
page-list unique across the volume, its metadata the volume's own; recorded in the catalogue."""

from __future__ import annotations

import hashlib
import posixpath
import subprocess
import sys
import zipfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from layout import ace
from layout.archive.catalog import Catalog
from layout.catalog.paths import paper_slug
from layout.catalog.volume import Volume, _issue_marks, _read_issue, make_volume, volume_urn
from layout.verify import epubcheck

XHTML = "{http://www.w3.org/1999/xhtml}"
OPS = "{http://www.idpf.org/2007/ops}"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
CHINESE = "昭通日报"
ENGLISH = "The Riverside Gazette"


@dataclass(frozen=True)
class Bound:
    volume: Volume
    files: dict[str, bytes]  # the EPUB's files by name

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.files[name])

    @property
    def metadata(self) -> etree._Element:
        return self.xml("EPUB/content.opf").find(f"{OPF}metadata")

    def meta(self, prop: str, refines: str | None = None) -> list[str]:
        return [
            m.text
            for m in self.metadata.iterfind(f"{OPF}meta")
            if m.get("property") == prop and m.get("refines") == refines
        ]

    def nav(self, kind: str) -> etree._Element:
        return next(n for n in self.xml("EPUB/nav.xhtml").iter(f"{XHTML}nav") if n.get(f"{OPS}type") == kind)


def _bind(build: Path, out: Path, date_from: str, date_to: str, paper: str | None = None) -> Bound:
    volume = make_volume(build, out, date_from, date_to, paper)
    with zipfile.ZipFile(volume.path) as archive:
        return Bound(volume, {name: archive.read(name) for name in archive.namelist()})


@pytest.fixture(scope="module")
def chinese(built_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Bound:
    """The Chinese paper's November: the archive's two issues of it (the English paper's are of 2024)."""
    return _bind(built_archive, tmp_path_factory.mktemp("volumes"), "2023-11-01", "2023-11-30")


def _issue_files(build: Path, key: str) -> dict[str, bytes]:
    with zipfile.ZipFile(build / f"{key}.epub") as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _text(document: bytes) -> str:
    return "".join(etree.fromstring(document).find(f"{XHTML}body").itertext())


def test_the_volume_carries_every_issue_s_documents_images_and_css_byte_for_byte(chinese, built_archive):
    issues = chinese.volume.row.issues
    assert issues == ("zhaotong/2023/11/15", "zhaotong/2023/11/16")
    for n, key in enumerate(issues, 1):
        own = _issue_files(built_archive, key)
        carried = {name for name in own if name.startswith("EPUB/") and name not in ("EPUB/nav.xhtml", "EPUB/toc.ncx")}
        assert carried >= {"EPUB/page-1.xhtml", "EPUB/epub.css", "EPUB/images/cover.png"}
        for name in carried - {"EPUB/content.opf"}:
            assert chinese.files[f"EPUB/issue-{n}/{name.removeprefix('EPUB/')}"] == own[name], name


def test_reading_the_volume_in_order_reads_each_issue_s_text_in_order(chinese, built_archive):
    opf = chinese.xml("EPUB/content.opf")
    hrefs = {item.get("id"): item.get("href") for item in opf.iterfind(f"{OPF}manifest/{OPF}item")}
    spine = [hrefs[ref.get("idref")] for ref in opf.iterfind(f"{OPF}spine/{OPF}itemref")]
    assert spine[:2] == ["title.xhtml", "nav.xhtml"]
    volume_text = "".join(_text(chinese.files[f"EPUB/{href}"]) for href in spine[2:])
    issues_text = ""
    for key in chinese.volume.row.issues:
        own = _issue_files(built_archive, key)
        own_opf = etree.fromstring(own["EPUB/content.opf"])
        own_hrefs = {item.get("id"): item.get("href") for item in own_opf.iterfind(f"{OPF}manifest/{OPF}item")}
        own_spine = [own_hrefs[ref.get("idref")] for ref in own_opf.iterfind(f"{OPF}spine/{OPF}itemref")]
        issues_text += "".join(_text(own[f"EPUB/{href}"]) for href in own_spine if href != "nav.xhtml")
    assert volume_text == issues_text
    assert "昭通前三季度工业投资增速排名全省第一位" in volume_text


def test_the_title_page_names_the_paper_the_range_and_the_number_of_issues(chinese):
    page = _text(chinese.files["EPUB/title.xhtml"])
    assert CHINESE in page
    assert "2023年11月1日—11月30日" in page
    assert "共2期" in page


def test_the_contents_go_issue_then_print_page_then_story(chinese):
    issues = chinese.nav("toc").findall(f"{XHTML}ol/{XHTML}li")
    assert ["".join(li.find(f"{XHTML}a").itertext()) for li in issues] == [
        "2023年11月15日 第9642期",
        "2023年11月16日 第9643期",
    ]
    for n, issue in enumerate(issues, 1):
        pages = issue.findall(f"{XHTML}ol/{XHTML}li")
        assert [p.find(f"{XHTML}a").get("href") for p in pages] == [f"issue-{n}/page-{p}.xhtml" for p in (1, 2, 3, 4)]
        stories = pages[0].findall(f"{XHTML}ol/{XHTML}li/{XHTML}a")
        assert stories[0].get("href") == f"issue-{n}/page-1.xhtml#s1"
        assert "".join(stories[0].itertext()) == "昭通前三季度工业投资增速排名全省第一位"
    for anchor in chinese.nav("toc").iter(f"{XHTML}a"):  # every link leads to a document and an id in it
        document, _, fragment = anchor.get("href").partition("#")
        target = chinese.xml(f"EPUB/{document}")
        assert not fragment or target.find(f".//*[@id='{fragment}']") is not None, anchor.get("href")
    ncx = chinese.xml("EPUB/toc.ncx")
    assert ncx.find(f"{NCX}head/{NCX}meta[@name='dtb:depth']").get("content") == "3"


def test_the_page_list_labels_each_page_by_its_issue_s_date_unique_across_the_volume(chinese):
    anchors = list(chinese.nav("page-list").iter(f"{XHTML}a"))
    labels = ["".join(a.itertext()) for a in anchors]
    assert labels == [f"11-{day} · {page}" for day in (15, 16) for page in (1, 2, 3, 4)]
    assert len(set(labels)) == len(labels)
    assert anchors[4].get("href") == "issue-2/page-1.xhtml#page-1"
    ncx = chinese.xml("EPUB/toc.ncx")
    assert [t.get("value") for t in ncx.iterfind(f"{NCX}pageList/{NCX}pageTarget")] == labels


def test_the_package_names_the_volume_and_each_issue_in_it(chinese, built_archive):
    metadata = chinese.metadata
    identifier = metadata.findtext(f"{DC}identifier")
    assert identifier == volume_urn(CHINESE, date(2023, 11, 1), date(2023, 11, 30))  # the paper and range's own
    assert identifier.startswith("urn:uuid:") and identifier == chinese.volume.row.identifier
    assert metadata.findtext(f"{DC}title") == "昭通日报 2023年11月1日—11月30日 合订本"
    assert [e.text for e in metadata.iterfind(f"{DC}language")] == ["zh-Hans"]
    assert metadata.findtext(f"{DC}publisher") == "昭通日报社"
    assert metadata.findtext(f"{DC}creator") == CHINESE
    assert metadata.findtext(f"{DC}date") == "2023-11-16"
    assert chinese.meta("dcterms:temporal") == ["2023-11-01/2023-11-30"]
    assert chinese.meta("belongs-to-collection") == [CHINESE]
    assert chinese.meta("collection-type", "#paper") == ["series"]
    assert chinese.meta("group-position", "#paper") == ["9642"]
    with Catalog(built_archive) as catalog:
        entries = {e.key: e for e in catalog.entries()}
    sources = metadata.findall(f"{DC}source")
    assert len(sources) == 2
    for source, key in zip(sources, chinese.volume.row.issues):
        refines = f"#{source.get('id')}"
        assert chinese.meta("dcterms:identifier", refines) == [entries[key].identifier]
        assert chinese.meta("dcterms:date", refines) == [entries[key].date]
        assert chinese.meta("schema:issueNumber", refines) == [str(entries[key].number)]
        assert chinese.meta("source-of", refines) == ["pagination"]


def test_the_volume_states_its_accessibility_as_an_issue_does(chinese, built_archive):
    issue_opf = etree.fromstring(_issue_files(built_archive, "zhaotong/2023/11/15")["EPUB/content.opf"])

    def statements(metadata: etree._Element) -> list[tuple[str, str]]:
        return sorted(
            (m.get("property"), m.text)
            for m in metadata.iterfind(f"{OPF}meta")
            if (m.get("property") or "").startswith(("schema:access", "dcterms:conformsTo"))
            and m.get("property") != "schema:accessibilitySummary"
        )

    assert statements(chinese.metadata) == statements(issue_opf.find(f"{OPF}metadata"))
    assert chinese.meta("schema:accessibilitySummary")[0].startswith("本合订本")


def test_epubcheck_finds_nothing_in_the_volume(chinese):
    assert epubcheck.messages(chinese.volume.path) == []


@pytest.mark.slow
@pytest.mark.skipif(not ace.installed(), reason="Ace by DAISY is not installed (scripts/setup --test)")
def test_ace_finds_no_violation_in_the_volume(chinese):
    assert ace.violations(chinese.volume.path) == []


def test_the_catalogue_records_the_volume_and_a_rebuild_replaces_it(chinese, built_archive, tmp_path):
    row = chinese.volume.row
    data = chinese.volume.path.read_bytes()
    assert (row.size, row.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert chinese.volume.path.name == f"{paper_slug(CHINESE)}-2023-11-01-2023-11-30.epub"
    again = make_volume(built_archive, tmp_path, "2023-11-01", "2023-11-30", CHINESE)
    assert again.path.read_bytes() == data  # the same issues give the same bytes
    with Catalog(built_archive) as catalog:
        rows = [v for v in catalog.volumes() if v.key == row.key]
    assert len(rows) == 1
    assert (rows[0].path, rows[0].issues, rows[0].date_from, rows[0].date_to) == (
        str(again.path.resolve()),
        ("zhaotong/2023/11/15", "zhaotong/2023/11/16"),
        "2023-11-01",
        "2023-11-30",
    )


def test_a_volume_of_the_english_paper_by_its_slug_speaks_english(built_archive, tmp_path):
    bound = _bind(built_archive, tmp_path, "2024-01-01", "2024-12-31", paper_slug(ENGLISH))
    assert bound.volume.row.issues == ("gazette/2024-03-05", "gazette/2024-03-06", "gazette/2024-03-07")
    assert bound.metadata.findtext(f"{DC}title") == f"{ENGLISH}, January 1 – December 31, 2024"
    labels = ["".join(a.itertext()) for a in bound.nav("page-list").iter(f"{XHTML}a")]
    assert labels[0] == "03-05 · 1" and len(set(labels)) == len(labels)
    assert _text(bound.files["EPUB/title.xhtml"]).count("3 issues") == 1


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "layout", "volume", *args], capture_output=True, text=True)


def test_the_command_writes_the_volume_and_says_where(built_archive, tmp_path):
    done = _cli("--from", "2023-11-15", "--to", "2023-11-15", str(built_archive), "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    written = tmp_path / f"{paper_slug(CHINESE)}-2023-11-15-2023-11-15.epub"
    assert written.is_file() and str(written) in done.stderr
    assert "昭通日报 2023年11月15日 合订本: 1 issue," in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == [written.name]  # nothing staged is left behind


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--from", "2023-12-01", "--to", "2023-12-31"), "no built issue dated 2023-12-01 to 2023-12-31"),
        (("--from", "2023-11-31", "--to", "2023-12-31"), "--from '2023-11-31' is not a date"),
        (("--from", "2023-11-30", "--to", "2023-11-01"), "the range ends"),
        (("--from", "2023-11-01", "--to", "2023-11-30", "--paper", "Daily Planet"), "no paper 'Daily Planet'"),
        (
            ("--from", "2023-01-01", "--to", "2024-12-31"),
            "holds issues of 2 papers: 'The Riverside Gazette', '昭通日报'",
        ),
    ],
    ids=["no-issues", "bad-date", "backwards", "unknown-paper", "several-papers"],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(built_archive, tmp_path, args, said):
    done = _cli(*args, str(built_archive), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and said in lines[0], done.stderr
    assert not (tmp_path / "out").exists()


def test_a_folder_without_a_catalogue_is_one_line_too(tmp_path):
    done = _cli("--from", "2023-11-01", "--to", "2023-11-30", str(tmp_path), "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "no catalogue here" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "catalog.sqlite").exists()  # looking makes no catalogue


def test_every_file_of_the_volume_is_reached_from_its_package(chinese):
    opf = chinese.xml("EPUB/content.opf")
    listed = {posixpath.join("EPUB", item.get("href")) for item in opf.iterfind(f"{OPF}manifest/{OPF}item")}
    assert set(chinese.files) - listed == {"mimetype", "META-INF/container.xml", "EPUB/content.opf"}


def test_page_labels_carry_the_year_when_the_volume_spans_years_and_the_number_when_a_date_repeats(built_archive):
    with Catalog(built_archive) as catalog:
        entries = [e for e in catalog.entries() if e.paper == CHINESE]
    first, second = (_read_issue(built_archive, entry, f"issue-{n}") for n, entry in enumerate(entries, 1))
    assert _issue_marks([first, second]) == ["11-15", "11-16"]
    next_year = replace(second, date=date(2024, 1, 2))
    assert _issue_marks([first, next_year]) == ["2023-11-15", "2024-01-02"]
    same_day = replace(second, date=first.date)
    assert _issue_marks([first, same_day]) == ["11-15 #9642", "11-15 #9643"]
