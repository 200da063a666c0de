"""The e-book's print pages: each page's document holds exactly the text printed on that print page,
its page-break marker first, so a reader who follows the page-list lands on the page's first printed
words. Real builds (PDF and EPUB) read back: the PDF's text page by page (pypdf, in the order it is
drawn), the EPUB's documents as XML."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader
from readback import attr, one

from layout.build import BuildOptions, Built, make
from layout.epub import build_epub
from layout.identity import issue_time
from layout.model import Block, Issue, Masthead, PagePart, Section, SectionKind, TextPosition
from layout.style import load_style
from layout.verify import JUMP_FROM, normalize

ROOT = Path(__file__).resolve().parent.parent
BUILDS = {
    "the Chinese sample": (ROOT / "issues" / "zhaotong-2023-11-15.md", BuildOptions()),
    # two pages for its 2,400 characters of OCR text, so that stories go on from one page to the next
    "an English daily": (
        ROOT / "tests" / "issues" / "ocr-english" / "millbrook-sentinel-1887-10-15.md",
        BuildOptions(style="gazette", pages=2),
    ),
}
X = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@pytest.fixture(scope="module", params=list(BUILDS))
def built(request: pytest.FixtureRequest) -> Built:
    source, options = BUILDS[request.param]
    return make(source, options)


class Book:
    """A built issue read back: the PDF's text per page, the EPUB's print-page documents."""

    def __init__(self, built: Built) -> None:
        stem = Path(built.issue.source).stem
        pdf = PdfReader(BytesIO(built.files[f"{stem}.pdf"]))
        self.pdf_pages = [normalize(page.extract_text()) for page in pdf.pages]
        self.zip = zipfile.ZipFile(BytesIO(built.files[f"{stem}.epub"]))

    def doc(self, href: str) -> ElementTree.Element:
        return ElementTree.fromstring(self.zip.read(f"EPUB/{href}"))

    def page(self, number: int) -> ElementTree.Element:
        return self.doc(f"page-{number}.xhtml")

    def articles(self, number: int) -> list[ElementTree.Element]:
        return list(self.page(number).iter(f"{X}article"))


def by_id(root: ElementTree.Element, uid: str) -> ElementTree.Element:
    return next(element for element in root.iter() if element.get("id") == uid)


def body_text(article: ElementTree.Element) -> str:
    """What of the section's body the article holds: its paragraphs and subheads, not its heading
    block, a continuation's repeated headline, its figure or jump lines."""
    return normalize(
        "".join(
            "".join(child.itertext())
            for child in article
            if child.tag in (f"{X}p", f"{X}h2", f"{X}h3") and not {"jump", "headline"} & classes(child)
        )
    )


def classes(element: ElementTree.Element) -> set[str]:
    return set((element.get("class") or "").split())


def section_index(article: ElementTree.Element) -> int:
    """s3 and its continuations s3-1, s3-2 are section 2."""
    return int(attr(article, "id").split("-")[0][1:]) - 1


def test_each_page_document_holds_exactly_the_text_its_print_page_printed(built: Built) -> None:
    """item 8.13: the text between two page-break markers is the text of that print page."""
    book = Book(built)
    bodies: dict[int, str] = {}
    for number, printed in enumerate(book.pdf_pages, start=1):
        for article in book.articles(number):
            body = body_text(article)
            assert body in printed, (number, article.get("id"), body[:24])
            bodies[section_index(article)] = bodies.get(section_index(article), "") + body
    for index, section in enumerate(built.issue.sections):  # nothing lost, nothing twice
        assert bodies.get(index, "") == normalize("".join(block.text for block in section.blocks)), index


def test_the_page_list_lands_on_the_first_words_printed_on_the_page(built: Built) -> None:
    """item 8.13: page-N.xhtml begins with its marker and heading, then the words printed first on
    page N; where a story goes on, the words after the print page's 'continued from' line."""
    book = Book(built)
    nav = book.doc("nav.xhtml")
    page_list = next(n for n in nav.iter(f"{X}nav") if n.get(EPUB_TYPE) == "page-list")
    links = list(page_list.iter(f"{X}a"))
    assert len(links) == len(book.pdf_pages)
    continued = 0
    for number, (link, parts) in enumerate(zip(links, built.plan.page_parts()), start=1):
        assert link.get("href") == f"page-{number}.xhtml#page-{number}"
        marker, heading, *articles = list(one(book.page(number), f"{X}body/{X}section"))
        assert (marker.get(EPUB_TYPE), marker.get("id")) == ("pagebreak", f"page-{number}")
        assert heading.tag == f"{X}h1"
        if parts and parts[0].part:  # the page begins with a story going on
            assert articles[0].get("id") == f"s{parts[0].section + 1}-{parts[0].part}"
            printed = book.pdf_pages[number - 1]
            jump = JUMP_FROM.search(printed)
            assert jump is not None
            assert printed[jump.end() :].lstrip(")").startswith(body_text(articles[0])[:12]), number
            continued += 1
    assert continued, "no page of this issue begins with a story going on"


def test_a_story_cut_by_a_page_goes_on_under_one_heading_without_a_new_paragraph(built: Built) -> None:
    """item 8.13: a section's part on a later page repeats its headline, as the print edition does, over a
    line linking back, and a paragraph cut mid-line goes on without an indent; in every document the
    headings step down one level at a time (item 8.17: h1 page, h2 headline, h3 subhead)."""
    book = Book(built)
    numbers = range(1, len(book.pdf_pages) + 1)
    articles = {attr(a, "id"): (number, a) for number in numbers for a in book.articles(number)}
    headlines = [uid for uid, (_, a) in articles.items() for _ in a.iterfind(f"{X}header/{X}h2")]
    assert sorted(headlines) == sorted(f"s{i}" for i in range(1, len(built.issue.sections) + 1))
    for number in numbers:
        levels = [int(e.tag[-1]) for e in book.page(number).iter() if re.fullmatch(f"{re.escape(X)}h[1-6]", e.tag)]
        assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:])), (number, levels)
    cut = 0
    for pages in built.plan.page_parts():
        for part in pages:
            if not part.part:
                continue
            number, article = articles[f"s{part.section + 1}-{part.part}"]
            headline = built.issue.sections[part.section].headline
            assert "continuation" in attr(article, "class")
            assert "".join(one(article, f"{X}h2").itertext()).replace(" ", "") == headline.replace(" ", "")
            page, _, uid = attr(one(article, f"{X}p/{X}a"), "href").partition("#")
            forward = [a.get("href") for a in by_id(book.doc(page), uid).iterfind(f"{X}p/{X}a")]
            assert forward == [f"page-{number}.xhtml#{attr(article, 'id')}"]
            assert (one(article, f"{X}p[2]").get("class") == "continues") == (part.start.offset > 0)
            cut += part.start.offset > 0
    assert cut, "no paragraph of this issue is cut by a page"
    css = book.zip.read("EPUB/epub.css").decode()
    assert re.search(r"p\.continues\s*\{[^}]*text-indent:\s*0", css)


def test_the_contents_link_to_where_each_story_begins(built: Built) -> None:
    """item 8.13: toc entries go to the story's first part, under its headline."""
    book = Book(built)
    begins = {part.section: n for n, pages in enumerate(built.plan.page_parts(), 1) for part in pages if not part.part}
    toc = next(n for n in book.doc("nav.xhtml").iter(f"{X}nav") if n.get(EPUB_TYPE) == "toc")
    stories = [attr(a, "href") for a in toc.iterfind(f"{X}ol/{X}li/{X}ol/{X}li/{X}a")]
    assert stories == [f"page-{begins[i]}.xhtml#s{i + 1}" for i in range(len(built.issue.sections))]
    for href in stories:
        page, _, uid = href.partition("#")
        assert by_id(book.doc(page), uid).find(f"{X}header/{X}h2") is not None


def test_a_paragraph_cut_inside_its_run_in_head_keeps_both_halves_bold() -> None:
    """item 8.13: the page boundary falls where the planner says, even inside a bold run-in head."""
    blocks = (Block("厘清思路，重点突出。正文第一段。", 3, 3, run_in="厘清思路，重点突出。"), Block("第二段。", 4, 4))
    issue = Issue(
        "cut.md",
        Masthead(title="测试日报", date="2024-02-29", page_count=2),
        (Section(SectionKind.STORY, "标题", 2, blocks=blocks),),
    )
    data = build_epub(
        issue,
        page_parts=((PagePart(0, 0, TextPosition(0)),), (PagePart(0, 1, TextPosition(0, 4)),)),
        page_names=("", ""),
        photos={},
        cover_png=None,
        templates=load_style().templates,
        body_faces=load_style().body_faces,
        released=issue_time(issue.masthead),  # a model made without a source file: released the day it is dated
    )
    book = zipfile.ZipFile(BytesIO(data))
    first, second = (ElementTree.fromstring(book.read(f"EPUB/page-{n}.xhtml")) for n in (1, 2))
    before = [(p.get("class"), "".join(p.itertext())) for p in first.iterfind(f".//{X}article/{X}p")]
    assert before == [(None, "厘清思路"), ("jump jump-to", "（下转第2版）")]
    assert one(first, f".//{X}article/{X}p/{X}b").text == "厘清思路"
    after = [(p.get("class"), "".join(p.itertext())) for p in second.iterfind(f".//{X}article/{X}p")]
    assert after == [("jump jump-from", "（上接第1版）"), ("continues", "，重点突出。正文第一段。"), (None, "第二段。")]
    assert one(second, f".//{X}article/{X}p[@class='continues']/{X}b").text == "，重点突出。"
