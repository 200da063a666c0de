"""The web catalogue (issue 12): a built archive in; static pages, files, covers and thumbnails out,
served by ``reissue serve`` and read in Debian's headless Chromium as a reader would, checked by axe-core."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.error import HTTPError

import pytest
from PIL import Image

from layout.archive.catalog import Entry
from layout.catalog import paths
from layout.catalog.serve import content_type
from layout.catalog.site import write_site
from layout.errors import OutputError

BASE_URL = "https://archive.example.org/news/"
CHROMIUM = "/usr/bin/chromium"  # Debian's: Playwright's own browsers are never downloaded
AXE = "@daisy/ace-cli/node_modules/@daisy/axe-core-for-ace/axe.min.js"  # the axe-core Ace (scripts/setup) runs


@pytest.fixture(scope="module")
def site(built_archive: Path, built_entries: list[Entry], tmp_path_factory: pytest.TempPathFactory) -> Path:
    site_dir = tmp_path_factory.mktemp("site")
    write_site(built_entries, built_archive, site_dir, BASE_URL)
    return site_dir


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """``reissue serve SITE --port 0``'s address, the server stopped after."""
    process = subprocess.Popen(
        [sys.executable, "-m", "layout", "serve", str(site), "--port", "0"], stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    said = process.stderr.readline()
    address = re.search(r"http://127\.0\.0\.1:\d+/", said)
    assert address, said
    yield address.group()
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0, "Ctrl-C ends the server cleanly"


class Page(HTMLParser):
    """What a page links to, its images' alt texts, its JSON-LD and its languages."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.alts: list[str | None] = []
        self.json_ld: list[dict] = []
        self.langs: list[str] = []
        self.h1s = 0
        self._in_json_ld = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("rel") != "canonical":
            self.links += [value for name, value in attrs if name in ("href", "src") and value]
        if tag == "img":
            self.alts.append(values.get("alt"))
        if values.get("lang"):
            self.langs.append(values["lang"] or "")
        self.h1s += tag == "h1"
        self._in_json_ld = tag == "script" and values.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self.json_ld.append(json.loads(data))
            self._in_json_ld = False


def read_page(site: Path, place: str) -> Page:
    return Page((site / place).read_text(encoding="utf-8"))


def pages_of(site: Path) -> list[str]:
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))


def test_every_issue_has_its_files_a_cover_and_a_thumbnail_200_px_wide(site, built_archive, built_entries):
    for entry in built_entries:
        for suffix in (".epub", ".pdf"):
            built = (built_archive / f"{entry.key}{suffix}").read_bytes()
            assert (site / paths.issue_file(entry.key, suffix)).read_bytes() == built
        with zipfile.ZipFile(built_archive / f"{entry.key}.epub") as epub:
            assert (site / paths.cover(entry.key)).read_bytes() == epub.read("EPUB/images/cover.png")
        with Image.open(site / paths.thumbnail(entry.key)) as thumbnail:
            assert thumbnail.format == "JPEG"
            assert thumbnail.width == 200
            cover_ratio = Image.open(site / paths.cover(entry.key)).size
            assert thumbnail.height / 200 == pytest.approx(cover_ratio[1] / cover_ratio[0], abs=0.01)


def test_the_site_has_a_page_for_the_papers_each_paper_year_month_and_issue(site, built_entries):
    expected = {paths.papers_page()}
    for entry in built_entries:
        slug = paths.paper_slug(entry.paper)
        year, month, _ = (entry.date or "").split("-")
        expected |= {paths.paper_page(slug), paths.year_page(slug, year), paths.month_page(slug, year, month)}
        expected.add(paths.issue_page(entry.key))
    assert set(pages_of(site)) == expected


def test_every_link_is_relative_and_leads_to_a_file_of_the_site(site):
    for place in pages_of(site):
        page = read_page(site, place)
        for link in page.links:
            if link.startswith("#"):
                continue
            assert not re.match(r"[a-z]+:|/", link), f"{place}: {link} is not relative"
            target = (site / place).parent / link.split("#")[0]
            assert target.resolve().is_file(), f"{place}: {link} leads nowhere"


def test_every_page_has_one_h1_and_every_cover_its_alt_text(site, built_entries):
    for place in pages_of(site):
        page = read_page(site, place)
        assert page.h1s == 1, place
        assert all(page.alts), f"{place}: an image without alt text"
    zhaotong = next(e for e in built_entries if e.language == "zh-Hans")
    page = read_page(site, paths.issue_page(zhaotong.key))
    day = int(zhaotong.date[-2:]) if zhaotong.date else 0
    assert f"Front page of {zhaotong.paper}, {day} November 2023" in page.alts
    assert "zh-Hans" in page.langs, "the issue's text is marked in its language"


def test_the_paper_page_is_a_periodical_and_the_issue_page_a_publication_issue_of_it(site, built_entries):
    entry = built_entries[-1]
    slug = paths.paper_slug(entry.paper)
    (periodical,) = read_page(site, paths.paper_page(slug)).json_ld
    assert periodical["@type"] == "Periodical"
    assert periodical["name"] == entry.paper
    assert periodical["url"] == BASE_URL + paths.paper_page(slug)
    (issue,) = read_page(site, paths.issue_page(entry.key)).json_ld
    assert issue["@type"] == "PublicationIssue"
    assert issue["isPartOf"]["@id"] == periodical["@id"]
    assert issue["datePublished"] == entry.date
    assert issue["issueNumber"] == str(entry.number)
    assert {(e["encodingFormat"], e["contentUrl"]) for e in issue["encoding"]} == {
        ("application/epub+zip", BASE_URL + paths.issue_file(entry.key, ".epub")),
        ("application/pdf", BASE_URL + paths.issue_file(entry.key, ".pdf")),
    }


def test_the_issue_page_lists_its_stories_from_the_epubs_contents(site, built_entries):
    entry = next(e for e in built_entries if e.language == "zh-Hans")
    text = (site / paths.issue_page(entry.key)).read_text(encoding="utf-8")
    for headline in entry.headlines:
        assert text.count(headline) >= 2, "a lead headline stands on the front page's list and in the contents"
    assert "第3版" in text


def test_months_lead_to_their_neighbours_and_issues_without_a_full_date_stand_on_their_papers_page(
    built_archive, built_entries, tmp_path
):
    first, second, third = [e for e in built_entries if e.language == "en"]
    moved = [first, replace(second, date="2024-05-06"), replace(third, date=None)]
    write_site(moved, built_archive, tmp_path, BASE_URL)
    slug = paths.paper_slug(first.paper)
    march = read_page(tmp_path, paths.month_page(slug, "2024", "03"))
    assert paths.relative(paths.month_page(slug, "2024", "03"), paths.month_page(slug, "2024", "05")) in march.links
    paper = read_page(tmp_path, paths.paper_page(slug))
    assert paths.relative(paths.paper_page(slug), paths.issue_page(third.key)) in paper.links
    assert not (tmp_path / slug / "undated").exists()


def test_an_issue_whose_files_are_gone_is_one_clear_error(built_archive, built_entries, tmp_path):
    missing = replace(built_entries[0], key="gone/2023/11/15")
    with pytest.raises(OutputError, match="not there"):
        write_site([missing], built_archive, tmp_path, BASE_URL)
    assert not any(tmp_path.iterdir()), "nothing is written when an issue cannot be read"
    set_aside = replace(missing, verified="failed")  # its outputs are .failed files: it is left out
    write_site([set_aside, built_entries[0]], built_archive, tmp_path, BASE_URL)
    assert not (tmp_path / paths.issue_page(set_aside.key)).exists()


def test_feeds_epubs_and_records_go_with_the_types_their_readers_expect():
    assert content_type("opds/root.xml") == "application/atom+xml;profile=opds-catalog"
    assert content_type("opds2/root.json") == "application/opds+json"
    assert content_type("files/a/b.epub") == "application/epub+zip"
    assert content_type("records/a/b.marc.xml") == "application/marcxml+xml"
    assert content_type("records/a/b.mrc") == "application/marc"
    assert content_type("covers/a/b.jpg") is None  # Python's own table knows it


def test_reissue_serve_serves_pages_and_epubs_with_their_types_and_nothing_outside(served, site, built_entries):
    entry = built_entries[0]
    with urllib.request.urlopen(served + paths.papers_page()) as response:
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    with urllib.request.urlopen(served + paths.issue_file(entry.key, ".epub")) as response:
        assert response.headers["Content-Type"] == "application/epub+zip"
        assert response.read() == (site / paths.issue_file(entry.key, ".epub")).read_bytes()
    for escape in ("../" * 8 + "etc/passwd", "%2e%2e/" * 8 + "etc/passwd"):
        with pytest.raises(HTTPError) as refused:
            urllib.request.urlopen(served + escape)
        assert refused.value.code == 404


def test_reissue_serve_serves_opds_feeds_as_atom(site, tmp_path):
    (tmp_path / "opds").mkdir()
    (tmp_path / "opds" / "root.xml").write_text('<feed xmlns="http://www.w3.org/2005/Atom"/>')
    process = subprocess.Popen(
        [sys.executable, "-m", "layout", "serve", str(tmp_path), "--port", "0"], stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stderr is not None
        address = re.search(r"http://127\.0\.0\.1:\d+/", process.stderr.readline())
        assert address
        with urllib.request.urlopen(address.group() + "opds/root.xml") as response:
            assert response.headers["Content-Type"] == "application/atom+xml;profile=opds-catalog"
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_a_port_in_use_is_one_clear_line(site):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = subprocess.run(
            [sys.executable, "-m", "layout", "serve", str(site), "--port", port], capture_output=True, text=True
        )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and f"127.0.0.1:{port}" in result.stderr and "--port" in result.stderr


# In the browser


@pytest.fixture(scope="module")
def axe_script() -> str:
    root = subprocess.run(["npm", "root", "-g"], capture_output=True, text=True, check=False).stdout.strip()
    script = Path(root) / AXE
    assert script.is_file(), "axe-core comes with Ace by DAISY: run scripts/setup --test"
    return script.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


def serious_violations(page, axe_script: str) -> list[str]:
    page.add_script_tag(content=axe_script)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']} {v['id']}: {v['help']} ({v['nodes'][0]['target']})"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_reader_goes_from_the_papers_to_an_issue_and_downloads_its_epub(
    browser, served, built_archive, built_entries
):
    entry = next(e for e in built_entries if e.language == "zh-Hans")
    page = browser.new_page(accept_downloads=True)
    page.goto(served)
    page.get_by_role("link", name=entry.paper, exact=True).first.click()
    assert page.locator("h1").inner_text() == entry.paper
    page.get_by_role("link", name="2023", exact=True).click()
    page.get_by_role("link", name="November", exact=True).click()
    day = str(int((entry.date or "")[-2:]))
    page.get_by_role("link", name=re.compile(rf"^{day}\b")).click()
    assert page.url.endswith(paths.issue_page(entry.key))
    with page.expect_download() as download:
        page.get_by_role("link", name="EPUB e-book").click()
    assert Path(download.value.path()).read_bytes() == (built_archive / f"{entry.key}.epub").read_bytes()
    page.close()


def test_the_site_reads_from_file_urls_as_well(browser, site, built_entries):
    page = browser.new_page()
    page.goto((site / paths.papers_page()).as_uri())
    page.get_by_role("link", name=built_entries[-1].paper, exact=True).first.click()
    assert page.url == (site / paths.paper_page(paths.paper_slug(built_entries[-1].paper))).as_uri()
    assert page.evaluate("getComputedStyle(document.body).maxWidth") != "none", "the style sheet is found"
    page.close()


def test_axe_finds_no_serious_violation_on_any_kind_of_page(browser, served, axe_script, built_entries):
    page = browser.new_page()
    for entry in (built_entries[0], built_entries[-1]):  # a Chinese and an English paper
        slug = paths.paper_slug(entry.paper)
        year, month, _ = (entry.date or "").split("-")
        for place in (
            paths.papers_page(),
            paths.paper_page(slug),
            paths.year_page(slug, year),
            paths.month_page(slug, year, month),
            paths.issue_page(entry.key),
        ):
            page.goto(served + place)
            assert serious_violations(page, axe_script) == [], place
    page.close()


def test_the_skip_link_comes_first_and_leads_the_keyboard_into_the_content(browser, served, built_entries):
    page = browser.new_page()
    page.goto(served + paths.issue_page(built_entries[-1].key))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0, "it shows when focused"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid", "focus is visible"
    page.close()
