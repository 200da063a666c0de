"""``verify``: a finished PDF or EPUB is proved faithful to its issue, or its problems are named.

The files checked here are made in the tests, from a hand-made three-page issue, with WeasyPrint and
ebooklib: one correct file, and files each broken in one way (a paragraph left out, a wrong jump
line, a glyph off the page, ...). Each broken file must fail the check it breaks, and say where.
"""

from __future__ import annotations

import dataclasses
import gc
import html
import itertools
import json
import resource
import weakref
import zipfile
from pathlib import Path
from typing import cast

import pikepdf
import pytest
from ebooklib import epub
from hostile import zips
from hypothesis import given, settings
from hypothesis import strategies as st
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTContainer, LTItem
from pdfminer.pdfinterp import PDFContentParser, PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import PDFStream
from pdfminer.psparser import LIT
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, PdfObject
from weasyprint import HTML

from layout.cli import main
from layout.errors import OutputError
from layout.model import Block, BlockRole, Issue, Masthead, Section, SectionKind
from layout.readers.parse import parse_issue
from layout.verify import Finding, near_empty_pages, normalize, page_number, verify_epub, verify_pdf
from layout.verify.content_stream import tokens
from layout.verify.epubcheck import Checker
from layout.verify.pdf import OVERLAP_LIMIT, OVERLAP_LIMIT_PUNCT, _overlaps
from layout.verify.pdf_pages import Glyph, box_arrays, intersect, read_pdf

LEAD = (
    "今年以来,昭通市工信局紧扣省委“3815”战略发展目标,深入推进“产业兴市”战略,扎实做好“产”的文章,"
    "坚持“大抓产业、主攻工业”,主动靠前服务,精准谋划产业,狠抓重点项目建设服务,推动能源外工业投资持续高速增长。",
    "成立项目专班,重大项目推进有序。今年以来,全市工信系统把工业项目建设一线作为转作风、促发展的主战场,"
    "成立了重大工业项目专班,实行重点项目周研判、月报告制度,落实局领导抓产业挂项目机制,确保重大项目顺利实施。",
    "今年前三季度,全市能源外工业投资同比增长61.2%,增速排名全省第一位,在去年高基数高速增长的情况下,"
    "增速连续9个月保持全省前三名,始终保持57%以上的高速增长态势。",
)
SECOND = (
    "11月13日,市委副书记、市长杨承新主持召开市政府系统办理市人大代表建议、市政协提案工作专题会议时强调,"
    "要高质高效办理建议提案,确保件件有落实、事事有成效。",
    "杨承新强调,各牵头部门和承办单位要围绕市人大常委会交办的市政府办理的建议,主动认领,高度重视,照单履责、加快办理。",
)

ISSUE = Issue(
    source="hand-made.md",  # built here, not parsed: these tests do not depend on the parser
    masthead=Masthead(
        title="昭通日报",
        title_romanized="ZHAOTONG RIBAO",
        date="2023-11-15",
        weekday="星期三",
        lunar_date="癸卯年十月初三",
        sponsor="中共昭通市委主管主办",
        publisher="昭通日报社出版",
        slogan="权威传播公信新闻 深情反映大众心声",
        serial_number="CN 53-0003",
        issue_number=9642,
        editor_on_duty="吕翼",
        page_count=3,
        furniture=("扫码投稿",),
        furniture_lines=(9,),
        lines={
            "title": 1,
            "title_romanized": 3,
            "weekday": 5,
            "lunar_date": 6,
            "sponsor": 7,
            "publisher": 8,
            "slogan": 10,
            "serial_number": 11,
            "issue_number": 11,
            "editor_on_duty": 11,
        },
    ),
    sections=(
        Section(
            SectionKind.STORY,
            "昭通前三季度工业投资增速排名全省第一位",
            line=13,
            lead=True,
            byline="本报讯(记者 陈忠华 通讯员 余明象)",
            blocks=(
                Block(LEAD[0], 15, 15),
                Block("成立项目专班", 17, 17, BlockRole.SUBHEAD),
                Block(LEAD[1], 19, 19),
                Block(LEAD[2], 21, 21),
            ),
            lines={"byline": 15},
        ),
        Section(
            SectionKind.STORY,
            "高质高效办理建议提案 为昭通经济社会高质量发展赋能",
            line=25,
            kicker="高质量发展调研行",
            byline="本报讯(记者 钱江)",
            blocks=(Block(SECOND[0], 27, 27), Block(SECOND[1], 29, 29)),
            lines={"kicker": 23, "byline": 27},
        ),
        Section(
            SectionKind.PHOTO,
            "苹果飘香 采摘忙",
            line=31,
            caption="近日,在昭阳区小龙洞回族彝族乡的苹果园里,红彤彤的苹果挂满枝头,果农们忙着采摘苹果。",
            credit="记者 刘建忠 摄",
            lines={"caption": 33, "credit": 35},
        ),
    ),
)

CSS = """
@page { size: 110mm 160mm; margin: 8mm }
body { font-family: 'Noto Serif CJK SC'; font-size: 12pt; line-height: 1.5 }
h1 { font-size: 16pt } .masthead { font-size: 9pt } .jump { text-align: right }
section + section { margin-top: 8mm }
"""


def _e(text: str | None) -> str:
    return html.escape(text or "")


def masthead_html(m: Masthead) -> str:
    fields = (
        m.title_romanized,
        "2023年11月15日",
        m.weekday,
        m.lunar_date,
        m.sponsor,
        m.publisher,
        m.slogan,
        *m.furniture,
        f"国内统一连续出版物号 {m.serial_number} 第{m.issue_number}期",
        f"值班编审: {m.editor_on_duty}",
    )
    return f"<header><h1>{_e(m.title)}</h1><p class=masthead>{'<br>'.join(_e(f) for f in fields if f)}</p></header>"


def section_html(s: Section, blocks: slice = slice(None), head: bool = True) -> str:
    heads = (s.kicker, s.overline, s.headline, s.subheadline, s.byline)
    parts = [f"<p>{_e(text)}</p>" for text in heads if text and head]
    parts += [f"<p>{_e(b.text)}</p>" for b in s.blocks[blocks]]
    if head and s.caption:
        parts.append(f"<p>{_e(s.caption)} {_e(s.credit)}</p>")
    return f"<section>{''.join(parts)}</section>"


def pages_html(issue: Issue, jump: tuple[int, int] = (3, 1)) -> list[str]:
    """Page 1: masthead and the lead story's first paragraph; page 2: the second story; page 3: the lead's
    rest and the photo's caption."""
    lead, second, photo = issue.sections
    to, frm = jump
    return [
        masthead_html(issue.masthead) + section_html(lead, slice(0, 1)) + f"<p class=jump>(下转第{to}版)</p>",
        section_html(second),
        f"<p class=jump>(上接第{frm}版)</p>" + section_html(lead, slice(1, None), head=False) + section_html(photo),
    ]


def write_pdf(path: Path, pages: list[str], css: str = "", title: str = "昭通日报 2023-11-15") -> Path:
    body = "".join(f"<div style='break-before: page'>{page}</div>" for page in pages)
    document = (
        f"<html lang=zh-Hans><head><title>{_e(title)}</title><style>{CSS}{css}</style></head><body>{body}</body></html>"
    )
    HTML(string=document).write_pdf(path)
    return path


def without(issue: Issue, line: int) -> Issue:
    """The issue with the block of that source line removed: the HTML made from it lacks that paragraph."""
    sections = tuple(
        dataclasses.replace(s, blocks=tuple(b for b in s.blocks if b.line != line)) for s in issue.sections
    )
    return dataclasses.replace(issue, sections=sections)


@pytest.fixture(scope="module")
def good_pdf(tmp_path_factory) -> Path:
    return write_pdf(tmp_path_factory.mktemp("pdf") / "good.pdf", pages_html(ISSUE))


def checks_failed(report) -> set[str]:
    return {f.check for f in report.findings}


# ---------------------------------------------------------------- PDF


def test_correct_pdf_passes(good_pdf):
    report = verify_pdf(ISSUE, good_pdf)
    assert report.findings == ()
    assert report.ok
    assert report.checks == ("pages", "text", "jumps", "fonts", "layout")
    assert report.stats["pages"] == 3
    assert report.stats["characters"] > 600


def test_pdf_missing_a_paragraph_names_its_source_line(tmp_path):
    pdf = write_pdf(tmp_path / "x.pdf", pages_html(without(ISSUE, 27)))
    report = verify_pdf(ISSUE, pdf)
    assert not report.ok
    [finding] = [f for f in report.findings if f.check == "text"]  # the page left with one paragraph is another
    assert finding == Finding("text", finding.message, 27)
    assert finding.message.startswith("line 27: paragraph missing from the PDF (")
    assert finding.message.endswith("first at “11月13日,市委副书记…”")


def test_pdf_missing_part_of_a_paragraph_quotes_where(tmp_path):
    lead = ISSUE.sections[0]
    cut = dataclasses.replace(
        lead, blocks=(*lead.blocks[:3], Block(LEAD[2].replace("增速连续9个月保持全省前三名,", ""), 21, 21))
    )
    pdf = write_pdf(tmp_path / "x.pdf", pages_html(dataclasses.replace(ISSUE, sections=(cut, *ISSUE.sections[1:]))))
    report = verify_pdf(ISSUE, pdf)
    messages = [f.message for f in report.findings if f.check == "text"]
    assert messages[0].startswith("line 21: paragraph partly missing from the PDF (15 of ")
    assert "[增速连续9个月保持全省" in messages[0]


def test_a_paragraph_continued_on_a_later_page_is_found_in_its_pieces(tmp_path):
    # the lead's first paragraph is cut in two by the jump: its pieces are on pages 1 and 3
    head, tail = LEAD[0][:80], LEAD[0][80:]
    pages = pages_html(ISSUE)
    assert _e(LEAD[0]) in pages[0]
    pages[0] = pages[0].replace(_e(LEAD[0]), _e(head))
    pages[2] = pages[2].replace("</p><section>", f"</p><section><p>{_e(tail)}</p>", 1)
    report = verify_pdf(ISSUE, write_pdf(tmp_path / "x.pdf", pages))
    assert report.ok, report.findings


RIGHT_TO_LEFT = (
    "联合国六种正式语文中,阿拉伯文写作السلام عليكم ورحمة الله وبركاته,意为“愿你平安”,"
    "希伯来文写作שלום עליכם,在عام 2023年的会议上,代表们用(العربية)和עברית 123 עברית发言,"
    "这一句很长的阿拉伯文会被折到下一行:اللغة العربية هي إحدى اللغات الرسمية الست في الأمم المتحدة。"
)


def with_first_paragraph_of_second_story(issue: Issue, text: str) -> Issue:
    lead, second, photo = issue.sections
    return dataclasses.replace(
        issue, sections=(lead, dataclasses.replace(second, blocks=(Block(text, 27, 27), second.blocks[1])), photo)
    )


def test_arabic_and_hebrew_inside_chinese_text_are_found_in_reading_order(tmp_path):
    """item 8.9: a PDF draws right-to-left runs in visual order (pdfminer reads them so); verify reads each
    line back in logical order, with numbers, brackets, ligatures and runs broken across lines."""
    issue = with_first_paragraph_of_second_story(ISSUE, RIGHT_TO_LEFT)
    report = verify_pdf(issue, write_pdf(tmp_path / "x.pdf", pages_html(issue)))
    assert report.findings == ()


def test_right_to_left_text_printed_backwards_is_missing(tmp_path):
    """item 8.9: reading in logical order is no licence: an Arabic word forced left to right (so that it
    reads backwards) is not found."""
    issue = with_first_paragraph_of_second_story(ISSUE, RIGHT_TO_LEFT)
    backwards = with_first_paragraph_of_second_story(ISSUE, RIGHT_TO_LEFT.replace("السلام", "\u202dالسلام\u202c"))
    report = verify_pdf(issue, write_pdf(tmp_path / "x.pdf", pages_html(backwards)))
    assert [(f.check, f.source_line) for f in report.findings] == [("text", 27)]


def test_page_count_must_be_the_issues(good_pdf):
    four = dataclasses.replace(ISSUE, masthead=dataclasses.replace(ISSUE.masthead, page_count=4))
    report = verify_pdf(four, good_pdf)
    assert [f.message for f in report.findings if f.check == "pages"] == ["the PDF has 3 pages; the issue has 4"]


def test_a_nearly_empty_page_fails(tmp_path):
    """item 8.20: a page with next to nothing on it, here a fourth page with one line, is a finding."""
    four = dataclasses.replace(ISSUE, masthead=dataclasses.replace(ISSUE.masthead, page_count=4))
    report = verify_pdf(four, write_pdf(tmp_path / "x.pdf", [*pages_html(four), "<p>(本版完)</p>"]))
    assert [f.message for f in report.findings] == ["page 4 is nearly empty: 0% of it inked, less than 12%"]
    assert report.stats["ink"][:3] == [pytest.approx(share, abs=0.03) for share in (0.22, 0.19, 0.27)]


def test_a_page_far_emptier_than_the_others_fails():
    """item 8.20: inked above the floor, but far below what the issue's other pages carry."""
    assert near_empty_pages([0.45, 0.4, 0.64, 0.37]) == []
    assert [f.message for f in near_empty_pages([0.62, 0.58, 0.14, 0.6])] == [
        "page 3 carries far less than the others: 14% of it inked, the pages' median 59%"
    ]


def test_ink_counts_glyphs_pictures_and_rules_but_not_the_inside_of_a_frame(tmp_path):
    """item 8.20: what "inked" means: the boxes of glyphs, images and painted shapes; a border drawn as a
    ring covers the ring only, so an empty frame leaves the page nearly empty."""
    four = dataclasses.replace(ISSUE, masthead=dataclasses.replace(ISSUE.masthead, page_count=4))
    frame = "<div style='height: 120mm; border: 1pt solid #000'></div>"
    solid = "<div style='height: 40mm; background: #333'></div>"
    framed = verify_pdf(four, write_pdf(tmp_path / "x.pdf", [*pages_html(four), frame]))
    filled = verify_pdf(four, write_pdf(tmp_path / "y.pdf", [*pages_html(four), solid]))
    assert framed.stats["ink"][3] < 0.05
    assert filled.stats["ink"][3] == pytest.approx(94 * 40 / (110 * 160), abs=0.01)


def test_a_headline_printed_again_at_the_top_of_its_body_fails(tmp_path):
    """item 8.20: source text printed twice, where the source has it once."""
    second = ISSUE.sections[1]
    pages = pages_html(ISSUE)
    pages[1] = pages[1].replace(
        f"<p>{_e(second.byline)}</p>", f"<p>{_e(second.byline)}</p><p>{_e(second.headline)}</p>"
    )
    report = verify_pdf(ISSUE, write_pdf(tmp_path / "x.pdf", pages))
    assert report.findings == (
        Finding("text", "line 25: headline printed 2 times in the PDF, 1 expected: “高质高效办理建议提案为昭…”", 25),
    )


def test_a_continued_story_repeats_its_headline_on_the_page_it_continues_on(tmp_path):
    """item 8.20: the 上接 piece of a story carries its headline by design: not text printed twice."""
    lead = ISSUE.sections[0]
    pages = pages_html(ISSUE)
    pages[2] = f"<p>{_e(lead.headline)}</p>" + pages[2]
    assert verify_pdf(ISSUE, write_pdf(tmp_path / "x.pdf", pages)).findings == ()


def test_stories_sharing_a_headline_may_each_repeat_it_where_it_continues_and_in_the_front_pages_index(tmp_path):
    """A headline two stories share (a standing head: 简讯, Local News) is printed once more for each page
    either continues on, and once more where the front page's index names the one that begins inside."""
    lead, second, photo = ISSUE.sections
    shared = dataclasses.replace(ISSUE, sections=(lead, dataclasses.replace(second, headline=lead.headline), photo))
    pages = pages_html(shared)
    pages[0] += f"<p>{_e(lead.headline)} 2</p>"  # the index names the story that begins on page 2
    pages[2] = f"<p>{_e(lead.headline)}</p>" + pages[2]  # the lead's continuation repeats its headline
    assert verify_pdf(shared, write_pdf(tmp_path / "x.pdf", pages)).findings == ()


def test_wrong_jump_line_fails(tmp_path):
    # the lead continues on page 3, but its jump line says page 2
    report = verify_pdf(ISSUE, write_pdf(tmp_path / "x.pdf", pages_html(ISSUE, jump=(2, 1))))
    assert checks_failed(report) == {"jumps"}
    messages = [f.message for f in report.findings]
    assert "page 1 says continued on page 2, but page 2 has no line continued from page 1" in messages
    assert any(m.startswith("line 13: the story “昭通前三季度") and "from page 1 on page 3" in m for m in messages)


def test_jump_back_line_must_name_the_page_it_comes_from(tmp_path):
    report = verify_pdf(ISSUE, write_pdf(tmp_path / "x.pdf", pages_html(ISSUE, jump=(3, 2))))
    assert "page 3 says continued from page 2, but page 2 has no line continued on page 3" in [
        f.message for f in report.findings
    ]


@pytest.mark.parametrize("token, number", [("3", 3), ("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("二十四", 24)])
def test_jump_page_numbers_in_chinese(token, number):
    assert page_number(token) == number


def test_glyph_off_the_page_fails(tmp_path):
    pages = pages_html(ISSUE)
    pages[1] += "<div style='position: absolute; left: 150mm; top: 50mm'>出界</div>"
    report = verify_pdf(ISSUE, write_pdf(tmp_path / "x.pdf", pages))
    [finding] = report.findings
    assert finding.check == "layout" and finding.message.startswith(
        "page 2: 2 glyphs outside the trim box, first “出界”"
    )


def test_glyphs_drawn_over_each_other_fail(tmp_path):
    pages = pages_html(ISSUE)
    pages[1] += "<div style='position: absolute; left: 30mm; top: 100mm'>重叠</div>" * 2
    report = verify_pdf(ISSUE, write_pdf(tmp_path / "x.pdf", pages))
    assert [f.message for f in report.findings] == [
        "page 2: 2 pairs of glyphs drawn over each other, first “重” and “重” "
        f"at {report.findings[0].message.split(' at ')[1]}"
    ]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(*[st.integers(-10, 60)] * 2, *[st.integers(-1, 30)] * 2, st.sampled_from(["重", "a", "，", " "])),
        max_size=40,
    )
)
def test_glyphs_drawn_over_each_other_are_the_pairs_every_pair_weighed_finds(specs):
    # boxes on a 2 pt lattice, so that many edges fall on the 24 pt grid's cell borders; some empty
    glyphs = [Glyph(text, 1, "F", (2.0 * x, 2.0 * y, 2.0 * (x + w), 2.0 * (y + h)), None) for x, y, w, h, text in specs]

    def area(box):
        return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])

    def drawn_over(a: Glyph, b: Glyph) -> bool:
        smaller = min(area(a.box), area(b.box))
        limit = OVERLAP_LIMIT_PUNCT if {a.text, b.text} & {"，", " "} else OVERLAP_LIMIT  # punctuation may squeeze
        return bool(smaller) and area(intersect(a.box, b.box)) / smaller > limit

    assert _overlaps(glyphs, box_arrays([g.box for g in glyphs])) == [
        (a, b) for a, b in itertools.combinations(glyphs, 2) if drawn_over(a, b)
    ]


def test_text_clipped_by_an_overflowing_box_fails(tmp_path):
    # all the text is still in the PDF (the text check passes), but most of it is hidden by the clip
    css = "div:nth-child(2) > section:first-child { height: 25mm; overflow: hidden }"  # the second story
    report = verify_pdf(ISSUE, write_pdf(tmp_path / "x.pdf", pages_html(ISSUE), css))
    assert checks_failed(report) == {"layout"}
    assert "glyphs hidden by a clipping path" in report.findings[0].message


def test_tofu_fails_and_names_the_source_line(tmp_path):
    # U+1E900 (Adlam) is in no installed font: WeasyPrint draws .notdef, through an encoding it writes for it
    lead = ISSUE.sections[0]
    odd = dataclasses.replace(lead, blocks=(*lead.blocks[:3], Block(LEAD[2] + "\U0001e900", 21, 21)))
    issue = dataclasses.replace(ISSUE, sections=(odd, *ISSUE.sections[1:]))
    report = verify_pdf(issue, write_pdf(tmp_path / "x.pdf", pages_html(issue)))
    [finding] = report.findings
    assert finding.check == "fonts" and finding.source_line == 21
    assert "1 glyphs drawn as .notdef (tofu)" in finding.message


def pdf_dict(value: PdfObject) -> DictionaryObject:
    dictionary = value.get_object()
    assert isinstance(dictionary, DictionaryObject)
    return dictionary


def test_font_not_embedded_fails(good_pdf, tmp_path):
    writer = PdfWriter(clone_from=PdfReader(good_pdf))
    for page in writer.pages:
        for font in pdf_dict(pdf_dict(page["/Resources"])["/Font"]).values():
            descendant = pdf_dict(cast(ArrayObject, pdf_dict(font)["/DescendantFonts"])[0])
            pdf_dict(descendant["/FontDescriptor"]).pop("/FontFile3", None)
    stripped = tmp_path / "x.pdf"
    writer.write(stripped)
    report = verify_pdf(ISSUE, stripped)
    assert checks_failed(report) == {"fonts"}
    assert all(f.message.startswith("font ") and f.message.endswith("is not embedded") for f in report.findings)


def test_not_a_pdf_is_an_output_error(tmp_path):
    text = tmp_path / "x.pdf"
    text.write_text("# 昭通日报\n", encoding="utf-8")
    with pytest.raises(OutputError, match="not a PDF file"):
        verify_pdf(ISSUE, text)
    truncated = tmp_path / "y.pdf"
    truncated.write_bytes(b"%PDF-1.7\n1 0 obj <<")
    with pytest.raises(OutputError, match="cannot read this PDF"):
        verify_pdf(ISSUE, truncated)


def with_contents(pdf: Path, path: Path, *streams: bytes) -> Path:
    """A copy of the PDF whose first page draws these content streams, in turn."""
    with pikepdf.open(pdf) as copy:
        copy.pages[0].obj.Contents = pikepdf.Array([copy.make_stream(stream) for stream in streams])
        copy.save(path)
    return path


def first_page_drawn(pdf: Path) -> bytes:
    with pikepdf.open(pdf) as opened:
        return opened.pages[0].Contents.read_bytes()


def test_a_page_of_several_content_streams_reads_as_the_one_they_make(good_pdf, tmp_path):
    drawn = first_page_drawn(good_pdf)
    image = b"q 20 0 0 20 0 0 cm BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q\n"  # an inline image, 20 pt square
    # streams split between tokens, with no white space between: one ends on "TJ", the next starts "1 0 0 -1"
    split = drawn.index(b"] TJ\n", len(drawn) // 2) + len(b"] TJ")
    one = with_contents(good_pdf, tmp_path / "one.pdf", image + drawn)
    several = with_contents(good_pdf, tmp_path / "several.pdf", image + drawn[:split], drawn[split + 1 :])
    (page, *_), _, _ = read_pdf(one)
    (page_of_several, *_), _, _ = read_pdf(several)
    assert len(page.glyphs) > 100
    assert page_of_several.glyphs == page.glyphs
    assert page_of_several.ink == page.ink > read_pdf(good_pdf)[0][0].ink  # the image is ink


def test_a_page_drawn_through_a_form_that_draws_itself_reads_its_glyphs_once(good_pdf, tmp_path):
    looped = tmp_path / "looped.pdf"
    with pikepdf.open(good_pdf) as pdf:
        page = pdf.pages[0]
        drawn = page.Contents.read_bytes() + b"\n/Form Do"  # the form draws itself, after its text
        form = pdf.make_stream(drawn, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, BBox=page.MediaBox)
        page.Resources.XObject = pikepdf.Dictionary(Form=form)
        form.Resources = page.Resources  # the page's fonts, and the form
        page.obj.Contents = pdf.make_stream(b"/Form Do")
        pdf.save(looped)
    assert read_pdf(looped)[0][0].glyphs == read_pdf(good_pdf)[0][0].glyphs


def test_a_content_stream_qpdf_finds_malformed_is_read_as_pdfminer_reads_it(good_pdf, tmp_path):
    drawn = first_page_drawn(good_pdf)
    junk = with_contents(good_pdf, tmp_path / "junk.pdf", b"\xff\xfe 1 2 m\n" + drawn)  # not an operator
    assert read_pdf(junk)[0][0].glyphs == read_pdf(good_pdf)[0][0].glyphs
    no_value = with_contents(good_pdf, tmp_path / "no-value.pdf", b"/P << /MCID >> BDC EMC\n" + drawn)
    with pytest.raises(OutputError, match="cannot read this PDF"):  # qpdf would make the value null
        read_pdf(no_value)


def test_a_pages_glyphs_are_freed_with_it_not_left_to_the_garbage_collector(good_pdf):
    gc.disable()  # a batch worker collects once an issue: tens of thousands of glyphs a page would wait for it
    try:
        pages, _, _ = read_pdf(good_pdf)
        glyph = weakref.ref(pages[0].glyphs[0])
        del pages
        assert glyph() is None
    finally:
        gc.enable()


def test_glyphs_of_a_type3_font_are_read_and_its_font_counts_as_embedded(good_pdf, tmp_path):
    """WeasyPrint draws a bitmap or colour font's glyphs as a Type3 font: its glyphs are procedures of the
    PDF's own, so it is embedded whatever its descriptor says."""
    with pikepdf.open(good_pdf) as copy:
        first = copy.pages[0]
        square = copy.make_stream(b"1000 0 0 0 750 750 d1 0 0 750 750 re f")
        first.Resources.Font.Drawn = pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type3,
            FontBBox=[0, 0, 750, 750],
            FontMatrix=[0.001, 0, 0, 0.001, 0, 0],
            CharProcs=pikepdf.Dictionary(A=square),
            Encoding=pikepdf.Dictionary(Type=pikepdf.Name.Encoding, Differences=[65, pikepdf.Name.A]),
            FirstChar=65,
            LastChar=65,
            Widths=[1000],
        )
        first.obj.Contents = copy.make_stream(first.Contents.read_bytes() + b"\nBT /Drawn 12 Tf 30 30 Td (AA) Tj ET")
        copy.save(tmp_path / "type3.pdf")
    (page, *_), _, _ = read_pdf(tmp_path / "type3.pdf")
    assert [glyph.text for glyph in page.glyphs[-2:]] == ["A", "A"]
    assert page.fonts[page.glyphs[-1].font] is True


def drawn_askew(pdf: Path, path: Path, encoding: str) -> Path:
    """A copy of the PDF whose first page is drawn turned and sheared, its text raised, spaced out and
    narrowed, its fonts read through ``encoding`` (Identity-V: written vertically), and a line added in
    a one-byte font (word spacing widens only its spaces)."""
    with pikepdf.open(pdf) as copy:
        page = copy.pages[0]
        for font in page.Resources.Font.values():
            font.Encoding = pikepdf.Name("/" + encoding)
        page.Resources.Font.Plain = pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
        askew = b"q 0.9 0.2 -0.3 0.8 40 -20 cm 2 Ts 1.5 Tc 4 Tw 80 Tz\n"
        plain = b"\nBT /Plain 9 Tf 30 30 Td (a few words, spaced) Tj [(and ) -250 (kerned)] TJ ET Q"
        page.obj.Contents = copy.make_stream(askew + page.Contents.read_bytes() + plain)
        copy.save(path)
    return path


def pdfminer_boxes(pdf: Path) -> list[tuple[float, float, float, float]]:
    """Each glyph's box on the first page as pdfminer's own layout places it (its ``LTChar``), in
    drawing order."""
    resources = PDFResourceManager()
    device = PDFPageAggregator(resources)
    with pdf.open("rb") as file:
        PDFPageInterpreter(resources, device).process_page(next(PDFPage.get_pages(file)))

    def chars(item: LTItem) -> list[LTChar]:
        if isinstance(item, LTChar):
            return [item]
        return [char for inner in item for char in chars(inner)] if isinstance(item, LTContainer) else []

    return [char.bbox for char in chars(device.get_result())]


@pytest.mark.parametrize("encoding", ["Identity-H", "Identity-V"], ids=["horizontal", "vertical"])
def test_each_glyph_is_where_pdfminer_places_it_however_its_text_is_drawn(good_pdf, tmp_path, encoding):
    askew = drawn_askew(good_pdf, tmp_path / "askew.pdf", encoding)
    (page, *_), _, _ = read_pdf(askew)
    assert len(page.glyphs) > 100
    assert [glyph.box for glyph in page.glyphs] == pdfminer_boxes(askew)
    assert [glyph.box for glyph in page.glyphs] != [glyph.box for glyph in read_pdf(good_pdf)[0][0].glyphs]


RUN = [b"\x00'", 0, b"\x00D", -30.5, b"", 12, b"\r"]  # glyph codes, and the kerning after some


@pytest.mark.parametrize(
    "written, run",
    [
        (b"[<0027>0<0044>-30.5<>12<0d>]", RUN),
        (b"[ <0027> 0 <0044> -30.50 <> 12 <0D> ]", RUN),
        (b"[<0027>0<0044>-30.5<>12<0d>0.]", [*RUN, 0.0]),
    ],
    ids=["as WeasyPrint writes it", "spaced", "ending on a number of another form"],
)
def test_a_run_of_glyphs_reads_as_pdfminers_parser_reads_it(written, run):
    drawn = written + b" TJ"
    assert tokens(drawn) == [run, "TJ"] == [PDFContentParser([PDFStream({}, drawn)]).nextobject()[1], "TJ"]


def test_an_inline_image_reaches_the_interpreter_as_pdfminers_parser_hands_it_over():
    read = tokens(b"q BI /W 1 /H 1 /CS /G ID \x00 EI Q")
    assert read is not None and [t for t in read if isinstance(t, str)] == ["q", "EI", "Q"]
    image = read[1]
    assert isinstance(image, PDFStream) and image.attrs == {"W": 1, "H": 1, "CS": LIT("G")}


@pytest.mark.parametrize(
    "drawn",
    [b"ID \x00 EI", b"BI /W 1 /H ID \x00 EI", b"BI /W 1 Q /H 1 ID \x00 EI", b"BI /W 1 /H 1"],
    ids=["no BI", "a key without its value", "an operator in the dictionary", "no data"],
)
def test_an_inline_image_pdfminer_would_read_otherwise_is_left_to_its_parser(drawn):
    assert tokens(drawn) is None


@pytest.mark.parametrize("verify, built", [(verify_pdf, "good_pdf"), (verify_epub, "good_epub")], ids=["pdf", "epub"])
def test_a_file_of_another_issue_is_an_output_error(verify, built, request):
    path = request.getfixturevalue(built)
    other_day = dataclasses.replace(ISSUE, masthead=dataclasses.replace(ISSUE.masthead, date="2023-11-16"))
    with pytest.raises(OutputError, match="not the 2023-11-16 issue"):
        verify(other_day, path)
    other_paper = dataclasses.replace(ISSUE, masthead=dataclasses.replace(ISSUE.masthead, title="云南日报"))
    with pytest.raises(OutputError, match="not of 云南日报"):
        verify(other_paper, path)


def test_comparison_ignores_white_space_and_width_of_punctuation():
    assert normalize("增长61.2%, 排名 (第一)") == normalize("增长61.2%,排名(第一)")


# ---------------------------------------------------------------- EPUB


def write_epub(path: Path, issue: Issue, extra: str = "", page_list: bool = True) -> Path:
    book = epub.EpubBook()
    book.set_identifier("urn:reissue:verify-sample")
    book.set_title(f"{issue.masthead.title} {issue.masthead.date}")
    book.set_language("zh-Hans")
    book.add_metadata("DC", "date", issue.masthead.date)
    documents = []
    for number, page in enumerate(pages_html(issue), start=1):
        marker = f'<span epub:type="pagebreak" role="doc-pagebreak" id="page{number}" aria-label="{number}"/>'
        document = epub.EpubHtml(title=f"第{number}版", file_name=f"page{number}.xhtml", lang="zh-Hans")
        document.content = (
            f"<html><body>{marker}{page.replace('<br>', '<br/>')}{extra if number == 2 else ''}</body></html>"
        )
        book.add_item(document)
        documents.append(document)
    book.toc = documents
    book.spine = ["nav", *documents]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    epub.write_epub(str(path), book, {"epub3_pages": page_list})
    return path


@pytest.fixture(scope="module")
def good_epub(tmp_path_factory) -> Path:
    return write_epub(tmp_path_factory.mktemp("epub") / "good.epub", ISSUE)


def test_correct_epub_passes(good_epub):
    report = verify_epub(ISSUE, good_epub)
    assert report.findings == ()
    assert report.checks == ("archive", "text", "navigation", "safety", "epubcheck")
    assert report.stats["page_list_entries"] == 3 and report.stats["toc_entries"] == 3


@pytest.fixture(scope="module")
def broken_epub_report(tmp_path_factory):
    """One EPUB broken four ways (EPUBCheck takes seconds a run): paragraph of line 29 left out, no
    page-list, a script, a remote image."""
    extra = '<script>alert(1)</script><img src="https://example.com/x.jpg" alt="x"/>'
    path = tmp_path_factory.mktemp("epub") / "broken.epub"
    return verify_epub(ISSUE, write_epub(path, without(ISSUE, 29), extra, page_list=False))


def test_epub_missing_a_paragraph_names_its_source_line(broken_epub_report):
    [finding] = [f for f in broken_epub_report.findings if f.check == "text"]
    assert finding.source_line == 29
    assert finding.message.startswith("line 29: paragraph missing from the EPUB (")
    assert "“杨承新强调" in finding.message


def test_epub_without_page_list_or_with_script_or_remote_image_fails(broken_epub_report):
    messages = {f.message for f in broken_epub_report.findings if f.check in ("navigation", "safety")}
    assert messages == {
        "the page-list has 0 entries; the issue has 3 pages",
        "EPUB/page2.xhtml has a <script>",
        "EPUB/page2.xhtml loads a remote resource: https://example.com/x.jpg",
    }


def test_epubcheck_errors_are_findings(broken_epub_report):
    epubcheck = [f.message for f in broken_epub_report.findings if f.check == "epubcheck"]
    assert any(m.startswith("ERROR RSC-006 EPUB/page2.xhtml:") for m in epubcheck)


def test_epubcheck_that_does_not_finish_in_time_is_a_finding(good_epub, monkeypatch):
    """item 8.8: EPUBCheck's time is bounded (so is its heap, by -Xmx). The check runs on a JVM of its own, not
    on whichever this test process's earlier tests left it (tests/test_epubcheck.py times out both kinds)."""
    checker = Checker()
    monkeypatch.setattr("layout.verify.epubcheck._checker", checker)
    monkeypatch.setattr("layout.verify.epubcheck.SECONDS", 0.001)  # a warm JVM takes 0.1 s
    report = verify_epub(ISSUE, good_epub)
    checker.close()
    assert [f.message for f in report.findings] == ["FATAL EPUBCheck did not finish in 0.001 s"]


def test_not_an_epub_is_an_output_error(tmp_path, good_pdf):
    with pytest.raises(OutputError, match="not an EPUB file"):
        verify_epub(ISSUE, good_pdf)
    plain_zip = tmp_path / "x.epub"
    with zipfile.ZipFile(plain_zip, "w") as z:
        z.writestr("mimetype", "application/zip")
    with pytest.raises(OutputError, match="no mimetype application/epub"):
        verify_epub(ISSUE, plain_zip)


# ---------------------------------------------------------------- EPUB archives from anywhere


def hostile_epub(path: Path, good: Path, *extra: zips.Member, replace: dict[str, bytes] | None = None) -> Path:
    """The good EPUB's members (stored), some replaced, then ``extra`` members."""
    members = [zips.stored(m.name, (replace or {}).get(m.name, m.data)) for m in zips.members_of(good)]
    path.write_bytes(zips.archive(members + list(extra)))
    return path


def archive_findings(report) -> list[str]:
    assert report.checks == ("archive",)  # nothing else is read from an unsafe archive
    return [f.message for f in report.findings]


def peak_memory_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_member_declaring_gigabytes_is_a_finding_and_is_not_unpacked(good_epub, tmp_path):
    """item 8.8: a 2 MB EPUB with a 2 GiB member of zeros is refused from its declared size, in bounded memory."""
    bomb = hostile_epub(tmp_path / "x.epub", good_epub, zips.zeros("EPUB/zeros.xhtml", 2047))
    assert bomb.stat().st_size < 3 * zips.MIB
    before = peak_memory_mib()
    messages = archive_findings(verify_epub(ISSUE, bomb))
    assert messages == ["member 'EPUB/zeros.xhtml' unpacks to 2047 MiB; verify reads members of at most 64 MiB"]
    assert peak_memory_mib() - before < 100


def test_members_unpacking_past_the_archive_limit_together_are_a_finding(good_epub, tmp_path):
    """item 8.8: each member within its limit, all of them together past the archive's."""
    many = [zips.zeros(f"EPUB/zeros{n}.bin", 60) for n in range(9)]
    messages = archive_findings(verify_epub(ISSUE, hostile_epub(tmp_path / "x.epub", good_epub, *many)))
    assert messages == ["the members unpack to 540 MiB together; verify reads at most 512 MiB"]


def test_a_member_whose_data_unpacks_to_more_than_it_declares_is_a_finding(good_epub, tmp_path):
    """item 8.8: the actual size is bounded too: unpacking stops at the declared size, where the CRC fails."""
    liar = dataclasses.replace(zips.zeros("EPUB/liar.xhtml", 48), size=1024)
    messages = archive_findings(verify_epub(ISSUE, hostile_epub(tmp_path / "x.epub", good_epub, liar)))
    assert messages == ["member 'EPUB/liar.xhtml' cannot be unpacked: Bad CRC-32 for file 'EPUB/liar.xhtml'"]


def test_corrupt_deflate_data_is_a_finding(good_epub, tmp_path):
    """item 8.8"""
    broken = zips.Member("EPUB/broken.xhtml", b"\xff" * 64, zips.DEFLATED, size=1000)
    messages = archive_findings(verify_epub(ISSUE, hostile_epub(tmp_path / "x.epub", good_epub, broken)))
    assert messages == [
        "member 'EPUB/broken.xhtml' cannot be unpacked: Error -3 while decompressing data: invalid block type"
    ]


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, 99], ids=["bzip2", "lzma", "unknown"])
def test_a_compression_method_epub_does_not_allow_is_a_finding(good_epub, tmp_path, method):
    """item 8.8: only stored and deflated, even where Python could unpack the member."""
    odd = zips.Member("EPUB/odd.xhtml", b"data", method)
    messages = archive_findings(verify_epub(ISSUE, hostile_epub(tmp_path / "x.epub", good_epub, odd)))
    assert messages == [
        f"member 'EPUB/odd.xhtml' uses compression method {method}; EPUB allows only stored and deflated"
    ]


@pytest.mark.parametrize(
    "name", ["../evil.xhtml", "EPUB/../../evil.xhtml", "/etc/evil", "C:/evil", "EPUB\\..\\..\\evil"]
)
def test_a_member_named_outside_the_archive_is_an_unsafe_member_name(good_epub, tmp_path, name):
    """item 8.8: a name with a .. part or an absolute path is a finding, not "epub ok"."""
    messages = archive_findings(
        verify_epub(ISSUE, hostile_epub(tmp_path / "x.epub", good_epub, zips.stored(name, b"")))
    )
    assert messages == [f"unsafe member name {name!r}: a path outside the archive"]


def test_an_encrypted_member_or_a_name_used_twice_is_a_finding(good_epub, tmp_path):
    """item 8.8: what a reader would refuse or read differently from verify."""
    secret = zips.Member("EPUB/secret.xhtml", b"data", flags=0x801)
    twice = zips.stored("EPUB/nav.xhtml", b"<html/>")
    messages = archive_findings(verify_epub(ISSUE, hostile_epub(tmp_path / "x.epub", good_epub, secret, twice)))
    assert messages == [
        "member 'EPUB/secret.xhtml' is encrypted",
        "member name 'EPUB/nav.xhtml' is used more than once",
    ]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE html [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
<!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>
<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&i;</p></body></html>"""


def test_an_xml_entity_bomb_is_refused_without_expanding_it(good_epub, tmp_path):
    """item 8.8: XML from an EPUB is parsed with entities refused."""
    bomb = hostile_epub(tmp_path / "x.epub", good_epub, replace={"EPUB/page1.xhtml": BILLION_LAUGHS})
    with pytest.raises(OutputError, match=r"'EPUB/page1\.xhtml' declares XML entities or external references"):
        verify_epub(ISSUE, bomb)


@pytest.mark.parametrize("verify_file", [verify_pdf, verify_epub], ids=["pdf", "epub"])
def test_a_device_given_as_the_file_to_verify_is_refused(verify_file):
    """item 8.8: /dev/zero would be read without end."""
    with pytest.raises(OutputError, match="not a regular file"):
        verify_file(ISSUE, Path("/dev/zero"))


# ---------------------------------------------------------------- the command

SAMPLE = Path(__file__).parent / "issues" / "verify-sample.md"


def run(argv: list[str], capsys) -> tuple[int | str | None, str, str]:
    with pytest.raises(SystemExit) as exit:
        main(argv)
    captured = capsys.readouterr()
    return exit.value.code, captured.out, captured.err


@pytest.fixture(scope="module")
def sample() -> Issue:
    return parse_issue(SAMPLE)


def test_command_passes_a_faithful_pdf(sample, tmp_path, capsys):
    pdf = write_pdf(tmp_path / "x.pdf", pages_html(sample))
    code, out, err = run(["verify", str(SAMPLE), "--pdf", str(pdf)], capsys)
    assert (code, err) == (0, "")
    assert out.startswith(f"pdf ok  {pdf}")


def test_command_fails_when_the_source_has_a_paragraph_the_pdf_lacks(sample, tmp_path, capsys):
    pdf = write_pdf(tmp_path / "x.pdf", pages_html(without(sample, 26)))
    code, out, err = run(["verify", str(SAMPLE), "--pdf", str(pdf)], capsys)
    assert code == 1
    assert "text: line 26: paragraph missing from the PDF" in out
    assert (
        err == f"error: {SAMPLE}: {pdf} is not faithful (1 finding); the findings above say what is "
        f"missing or wrong, and where\n"
    )
    code, out, _ = run(["verify", str(SAMPLE), "--pdf", str(pdf), "--json"], capsys)
    [report] = json.loads(out)
    assert (code, report["ok"], report["findings"][0]["source_line"]) == (1, False, 26)


def test_command_given_a_file_that_is_not_a_pdf_says_so_in_one_line(capsys):
    code, out, err = run(["verify", str(SAMPLE), "--pdf", str(SAMPLE)], capsys)
    assert (code, out) == (2, "")
    assert err == f"error: {SAMPLE}: not a PDF file; give the PDF that `reissue build` wrote\n"


def test_command_without_built_files_says_to_build_first(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["verify", str(SAMPLE)], capsys)
    assert code == 2
    assert err.endswith("run `reissue build` first, or give --pdf / --epub\n") and err.count("\n") == 1


def test_a_story_is_placed_by_its_decks_when_its_body_is_too_short_to_place() -> None:
    """The Mustang Daily's ads (1988): a story whose body is a price (54?J!) is placed on the page of its
    subheadline, so the front page's index may name it as it names any story that begins inside."""
    from layout.verify.text import Unit, conservation

    units = [
        Unit("headline", "AVIALADY", 342, 0),
        Unit("subheadline", "YOURCHOICE", 343, 0),
        Unit("paragraph", "54J", 345, 0),
    ]
    _, placed, _ = conservation(units, "InsidetodayAVIALADY||AVIALADYYOURCHOICE54J", "PDF")
    assert placed == {0: [len("InsidetodayAVIALADY||AVIALADY")]}


def test_a_paragraph_cut_by_a_jump_is_found_though_its_words_are_printed_together_further_on() -> None:
    """Text repeats (an advertisement printed twice, a notice in two columns): the longest match of the
    paragraph's start may stand past where its rest goes on after the jump, and the rest would then be
    missed; the paragraph is found where its pieces stand in order."""
    from layout.verify.text import Unit, conservation

    start, rest = "Thecouncilmetonmondayandvoted", "tomendtheroadsbeforewinter"
    page_1 = start + "(continuedonpage2)"
    page_2 = "(continuedfrompage1)" + rest
    page_3 = "Anoticeprintedagain:" + start + rest[:8] + "andotherwords"
    findings, _, _ = conservation([Unit("paragraph", start + rest, 7, 0)], page_1 + page_2 + page_3, "PDF")
    assert findings == []
    missing = conservation([Unit("paragraph", start + "tomendthebridges", 7, 0)], page_1 + page_2 + page_3, "PDF")
    assert [finding.message for finding in missing[0]] == [
        "line 7: paragraph partly missing from the PDF (6 of 45 characters not found), first at “…dthe[bridges]”"
    ]
