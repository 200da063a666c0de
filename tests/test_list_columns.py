"""Lists set in lanes (issue 10: every page's ink fill at least 0.35): a section of many paragraphs each
much shorter than a column (a price list, a table of results) is set in more, narrower text columns than
the page's columns it spans, as a newspaper sets it, so that its lines are not left half empty; prose
stays in the page's columns.

Every PDF here is rendered by WeasyPrint and read back with the glyphs verify reads; the last test builds
a real day (申報, 1880), whose front page holds a booklist of about a hundred price lines.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from layout.build import BuildOptions, Built, make
from layout.makeup_map import MAKEUP_NAME
from layout.plan import LIST_ITEMS, Piece
from layout.verify import normalize, verify_pdf
from layout.verify.makeup import MOST_WHITE
from layout.verify.pdf_pages import Glyph, Page, read_pdf

ROOT = Path(__file__).resolve().parent.parent
SHENBAO = ROOT / "tests" / "issues" / "days" / "shenbao-1880" / "1880-10-4902408.txt"
MASTHEAD = """---
page_count: 1
---
# 昭通日报

2023年11月15日 星期三

"""
TITLES = ("中英和约", "瀛海尺牍", "异书四种", "经艺新畬", "平浙纪略", "红楼梦补", "水浒后传", "镜花水月", "绥寇纪略")
PRICES = ("洋一角", "洋二角", "洋三角", "钱八十", "一角五")
ITEMS = tuple(f"{TITLES[n % len(TITLES)]}　{PRICES[n % len(PRICES)]}" for n in range(40))  # 40 different
INTRO = "本馆所排印书籍俱各精雅,除在本埠发售外,其余各外埠即由卖报人经手,所有外埠之书价与本埠一律,兹将各书实价附列如左。"
PROSE = (
    "今年以来,昭通市工信局紧扣省委“3815”战略发展目标,深入推进“产业兴市”战略,扎实做好“产”的文章,"
    "坚持“大抓产业、主攻工业”,主动靠前服务,精准谋划产业,狠抓重点项目建设服务,推动能源外工业投资持续高速增长。"
)


def price_list(items: tuple[str, ...]) -> str:
    return "## 本馆书籍价目\n\n" + INTRO + "\n\n" + "".join(f"{item}\n\n" for item in items)


def story() -> str:
    return "## 昭通前三季度工业投资增速排名全省第一位\n\n" + "".join(f"{PROSE}\n\n" for _ in range(4))


def built(folder: Path, text: str) -> tuple[Built, Path]:
    source = folder / "issue.md"
    source.write_text(MASTHEAD + text, encoding="utf-8")
    made = make(source, BuildOptions(epub=False))
    pdf = folder / "issue.pdf"
    pdf.write_bytes(made.files[pdf.name])
    return made, pdf


def piece_of(made: Built, headline: str) -> Piece:
    [piece] = [p for p in made.plan.pages[0].pieces if made.issue.sections[p.section].headline == headline]
    return piece


def item_lines(page: Page, items: tuple[str, ...]) -> dict[str, list[Glyph]]:
    """Each item's glyphs as read back from the page, found by the item's text on one baseline."""
    rows: dict[float, list[Glyph]] = {}
    for glyph in page.glyphs:
        if glyph.text.strip():
            rows.setdefault(round(glyph.box[1], 1), []).append(glyph)
    found: dict[str, list[Glyph]] = {}
    for glyphs in rows.values():
        glyphs.sort(key=lambda g: g.box[0])
        text = "".join(g.text for g in glyphs)
        for item in items:
            at = text.find(normalize(item).replace(" ", ""))
            if at >= 0 and item not in found:
                found[item] = glyphs[at : at + len(normalize(item).replace(" ", ""))]
    return found


@pytest.fixture(scope="module")
def listed(tmp_path_factory) -> tuple[Built, Path]:
    return built(tmp_path_factory.mktemp("list"), story() + price_list(ITEMS))


def test_a_list_is_set_in_more_narrower_columns_than_the_page_columns_it_spans(listed):
    made, _ = listed
    piece = piece_of(made, "本馆书籍价目")
    geometry = made.plan.geometry
    assert piece.lane is not None and piece.lane < geometry.column_width
    assert len(piece.columns) == geometry.lanes(piece.span, piece.lane) > piece.span
    # the lanes and their gutters fit the module's width
    lanes = geometry.text_columns(piece.span, piece.lane)
    assert lanes[0][0] == 0 and lanes[-1][0] + lanes[-1][1] == pytest.approx(geometry.span_width(piece.span))
    assert all(b[0] - (a[0] + a[1]) >= geometry.gutter - 1e-6 for a, b in zip(lanes, lanes[1:]))


def test_the_lanes_are_balanced(listed):
    """The lanes are as deep as the fewest rows that hold the list, the last one shorter."""
    made, _ = listed
    depths = [len(column) for column in piece_of(made, "本馆书籍价目").columns]
    assert depths[:-1] == [math.ceil(sum(depths) / len(depths))] * (len(depths) - 1) >= depths[-1:]


def test_each_item_stands_whole_on_one_line_in_its_lane_in_the_pdf(listed):
    """Read back from the PDF: every item's characters on one baseline, each line beginning at one of the
    lanes' left edges (after the paragraph's indent), as many edges as the plan has lanes."""
    made, pdf = listed
    piece = piece_of(made, "本馆书籍价目")
    [page], _, _ = read_pdf(pdf)
    found = item_lines(page, ITEMS)
    assert set(found) == set(ITEMS)
    lefts = sorted({round(glyphs[0].box[0]) for glyphs in found.values()})
    edges = [lefts[0]]
    for left in lefts[1:]:
        if left - edges[-1] > made.plan.geometry.body_size:
            edges.append(left)
    assert len(edges) == len(piece.columns)
    assert piece.lane is not None
    step = piece.lane + made.plan.geometry.gutter
    assert all(b - a >= step - 2 for a, b in zip(edges, edges[1:]))


def test_the_makeup_map_lists_the_lanes_and_verify_measures_them(listed):
    """The map the PDF carries describes the list's real columns, so verify's white in modules is measured
    per lane: the issue verifies clean, no module a third empty."""
    made, pdf = listed
    piece = piece_of(made, "本馆书籍价目")
    assert piece.lane is not None
    _, _, attached = read_pdf(pdf)
    modules = json.loads(attached[MAKEUP_NAME])["pages"][0]["modules"]
    [module] = [m for m in modules if m["sections"][0]["headline"] == "本馆书籍价目"]
    assert [c["width"] for c in module["columns"]] == [round(piece.lane, 3)] * len(piece.columns)
    report = verify_pdf(made.issue, pdf)
    assert report.ok, report.findings
    assert report.makeup[0].emptiest <= MOST_WHITE


def test_prose_stays_in_the_pages_columns(listed):
    made, _ = listed
    piece = piece_of(made, "昭通前三季度工业投资增速排名全省第一位")
    assert piece.lane is None and len(piece.columns) == piece.span


def test_a_few_short_paragraphs_are_no_list(tmp_path):
    """Fewer than LIST_ITEMS short paragraphs read as a story's, in the page's columns."""
    made, _ = built(tmp_path, story() + price_list(ITEMS[: LIST_ITEMS - 2]))
    piece = piece_of(made, "本馆书籍价目")
    assert piece.lane is None and len(piece.columns) == piece.span


def test_a_real_days_booklist_in_lanes_leaves_every_page_inked_and_no_headlines_side_by_side(tmp_path):
    """申報's booklist set in the page's three columns left its front page at ink 0.29: in lanes, every
    page is at least 0.35 inked (issue 10), no module a third empty, no tombstone (the rest of the letter
    its source runs over onto page 3 stands across that page's top, not beside the next headline)."""
    made = make(SHENBAO, BuildOptions(epub=False))
    [booklist] = [p for p in made.plan.pages[0].pieces if p.section == 0]
    assert booklist.lane is not None and len(booklist.columns) > booklist.span
    pdf = tmp_path / f"{SHENBAO.stem}.pdf"
    pdf.write_bytes(made.files[pdf.name])
    report = verify_pdf(made.issue, pdf)
    assert report.ok, report.findings
    assert [page.ink >= 0.35 for page in report.makeup] == [True] * 4
    assert [page.tombstones for page in report.makeup] == [0] * 4
    assert all(page.emptiest <= MOST_WHITE for page in report.makeup)
