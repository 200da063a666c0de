"""The page's furniture (issue 10, the conventions of the page), read back from real PDFs: the ear beside
the nameplate with its index of the issue, the column rules between modules side by side, and a head's
secondary lines (overline, subheadline, kicker) that never end on a short line.

The sample (a Chinese daily) and a three-page English issue of the gazette style are each built once
with WeasyPrint and read back with pdfplumber; the ear's ink is read from poppler's raster.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest
from readback import glyph_lines

from layout.build import BuildOptions, Built, make
from layout.display import display_lines
from layout.plan import HEAD_PARTS, Page, Piece, Plan
from layout.style import load_style
from layout.typeset import Run, Typesetter
from layout.verify import normalize as norm
from layout.verify import verify_pdf

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "zhaotong-2023-11-15.md"
COURIER = ROOT / "tests" / "issues" / "gazette-inside.md"  # 3 pages; ten stories begin on pages 2 and 3
EAR_LABELS = {"zhaotong-daily": "导读", "gazette": "Insidetoday"}
PAGE_MARK = re.compile(r"(\d+)版$|Page(\d+)$")


@dataclass
class Rendered:
    built: Built
    pdf: Path
    style: str

    @property
    def plan(self) -> Plan:
        return self.built.plan

    def chars(self, page: int) -> list[dict]:
        with pdfplumber.open(self.pdf) as document:
            return document.pages[page - 1].chars

    def vertical_edges(self, page: int) -> list[dict]:
        with pdfplumber.open(self.pdf) as document:
            return [edge for edge in document.pages[page - 1].edges if edge["orientation"] == "v"]


def _render(source: Path, folder: Path, style: str) -> Rendered:
    built = make(source, BuildOptions(epub=False, style=style))
    pdf = folder / f"{source.stem}.pdf"
    pdf.write_bytes(built.files[pdf.name])
    return Rendered(built, pdf, style)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return _render(SAMPLE, tmp_path_factory.mktemp("sample"), "zhaotong-daily")


@pytest.fixture(scope="module")
def courier(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return _render(COURIER, tmp_path_factory.mktemp("courier"), "gazette")


@pytest.fixture(params=["sample", "courier"])
def rendered(request: pytest.FixtureRequest) -> Rendered:
    return request.getfixturevalue(request.param)


# -- reading back --------------------------------------------------------------------------------


def _text(line: list[dict]) -> str:
    return norm("".join(c["text"] for c in line))


def _grid_top(plan: Plan) -> float:
    return plan.geometry.paper.margin + plan.geometry.masthead_height


def _ear(rendered: Rendered) -> tuple[list[dict], list[list[dict]]]:
    """The ear's label line and its entries' lines: the masthead's lines from the label down, right of it."""
    masthead = [c for c in rendered.chars(1) if c["bottom"] <= _grid_top(rendered.plan)]
    lines = glyph_lines(masthead)
    label = next(line for line in lines if _text(line) == EAR_LABELS[rendered.style])
    left = label[0]["x0"] - 7  # the label's bar stands out 6pt from the entries' edge
    below = glyph_lines([c for c in masthead if c["x0"] >= left and c["top"] > label[0]["bottom"]])
    strip_top = min(c["top"] for c in _strip(rendered))
    return label, [line for line in below if line[0]["bottom"] <= strip_top]


def _strip(rendered: Rendered) -> list[dict]:
    """The masthead's bottom strip: the line that ends with the issue's page count."""
    masthead = [c for c in rendered.chars(1) if c["bottom"] <= _grid_top(rendered.plan)]
    return next(line for line in glyph_lines(masthead) if re.search(r"今日\d+版$|\dpages?$", _text(line)))


def _later_starts(plan: Plan, rendered: Rendered) -> list[tuple[str, int]]:
    """Each section that begins after the front page, as the plan places it: its label and page."""
    sections = rendered.built.issue.sections
    return [
        (sections[piece.section].label, page.number)
        for page in plan.pages[1:]
        for piece in page.pieces
        if piece.part == 0 and sections[piece.section].kind.value != "notes"
    ]


# -- the ear ---------------------------------------------------------------------------------------


def test_the_ear_indexes_each_story_that_begins_after_the_front_page_with_its_true_page(rendered: Rendered) -> None:
    """issue 10: the box beside the nameplate (报眼, Inside today) names the sections that begin on later
    pages, in reading order, each with the page its headline stands on in the PDF, as many as the box
    holds: all of the sample's, nine of the Courier's ten (the rest are on their pages, not in the index)."""
    _, entries = _ear(rendered)
    expected = _later_starts(rendered.plan, rendered)
    assert len(entries) == {"zhaotong-daily": len(expected), "gazette": 9}[rendered.style] > 0
    with pdfplumber.open(rendered.pdf) as document:
        pages = [norm(page.extract_text()) for page in document.pages]
    for line, (label, page) in zip(entries, expected[: len(entries)], strict=True):
        mark = PAGE_MARK.search(_text(line))
        assert mark, _text(line)
        assert int(mark.group(1) or mark.group(2)) == page
        assert _text(line).startswith(norm(label)[:6])
        # word by word: a page's text runs across its modules, and a headline beside another's interleaves
        assert all(norm(word) in pages[page - 1] for word in label.split()), f"{label} is not on page {page}"


def test_the_ear_stands_inside_the_masthead_and_its_text_inside_its_box(rendered: Rendered) -> None:
    """issue 10: the ear leaves the masthead as deep as the planner counts it (everything above the strip,
    the strip above the grid) and sets nothing beyond the page's text area: a headline too long for
    the box is cut short with an ellipsis, never drawn into the margin."""
    g = rendered.plan.geometry
    label, entries = _ear(rendered)
    strip = _strip(rendered)
    assert max(c["bottom"] for line in entries for c in line) < min(c["top"] for c in strip)
    assert max(c["bottom"] for c in strip) <= _grid_top(rendered.plan)
    assert min(c["top"] for c in label) >= g.paper.margin
    right_margin = _ink_columns(rendered.pdf, top=g.paper.margin, bottom=_grid_top(rendered.plan))
    content_right = g.paper.margin + g.content_width
    assert not [x for x in right_margin if x > content_right + 1.5], "ink in the right margin beside the ear"


def _ink_columns(pdf: Path, top: float, bottom: float, resolution: int = 72) -> list[float]:
    """The x (pt) of every raster column of page 1 with a dark pixel between ``top`` and ``bottom``."""
    raster = subprocess.run(
        ["pdftoppm", "-gray", "-r", str(resolution), "-f", "1", "-l", "1", str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    header = raster.split(b"\n", 3)  # P5, width height, maxval, pixels
    width, height = map(int, header[1].split())
    pixels = header[3]
    scale = 72 / resolution
    rows = range(int(top / scale), min(height, int(bottom / scale)))
    return sorted({x * scale for y in rows for x in range(width) if pixels[y * width + x] < 128})


# -- column rules ----------------------------------------------------------------------------------


def _box(plan: Plan, page: Page, piece: Piece) -> tuple[float, float, float]:
    """The gutter's middle left of the piece, and its top and bottom, in pt from the page's top left."""
    g = plan.geometry
    top = g.paper.margin + (g.masthead_height if page.front else g.folio_height)
    x = g.paper.margin + piece.column * (g.column_width + g.gutter) - g.gutter / 2
    return x, top + piece.row * g.line_height, top + piece.bottom * g.line_height


def test_a_one_page_papers_furniture_stands_as_its_source_gives_it_wrapped_inside_the_masthead(tmp_path) -> None:
    """With no inside page to index, the furniture takes the ear's place: its items as text, wrapped where
    one is longer than the box (a run of letters too), and no decoration the source does not have (the
    sample's paper labels QR codes there; a paper of 1946 has none)."""
    source = tmp_path / "day.md"
    source.write_text(
        "---\npage_count: 1\n---\n# 太行日报\n\n1946年5月15日 星期三\n\n"
        "太行区党委机关报　社址：山西黎城西井村　本报零售每份边币十元　订阅全月边币二百五十元　"
        "MOUNTAINDAILYPRINTINGWORKSTELEGRAPHICADDRESS　广告刊例另议\n\n"
        "## 春耕生产全面展开\n\n本报讯 各县春耕生产全面展开，农民群众互助合作，克服困难，保证不荒一亩地。\n",
        encoding="utf-8",
    )
    built = make(source, BuildOptions(epub=False, html=True))
    html = built.files["day.print.html"].decode()
    assert "太行区党委机关报" in html and 'class="qr"' not in html
    pdf = tmp_path / "day.pdf"
    pdf.write_bytes(built.files[pdf.name])
    with pdfplumber.open(pdf) as document:
        page = document.pages[0]
        inked = "".join(char["text"] for char in page.chars if 0 <= char["x0"] and char["x1"] <= page.width)
    assert "MOUNTAINDAILY" in inked and "广告刊例另议" in inked
    report = verify_pdf(built.issue, pdf)
    assert not [finding for finding in report.findings if finding.check == "layout"]  # none off the page or overprinted


def test_a_module_beside_another_has_a_column_rule_down_the_gutter(sample: Rendered) -> None:
    """issue 10: where modules stand side by side (on the sample's front, the photo beside the second
    story), a thin rule runs down the middle of the gutter between them, as deep as the module right of it."""
    beside = [(page, piece) for page in sample.plan.pages for piece in page.pieces if piece.column > 0]
    assert beside, "the issue has modules side by side"
    for page, piece in beside:
        x, top, bottom = _box(sample.plan, page, piece)
        edges = [e for e in sample.vertical_edges(page.number) if abs(e["x0"] - x) < 1.0]
        assert any(e["top"] <= top + 1 and e["bottom"] >= bottom - 1 for e in edges), (page.number, piece.section)


# -- a head's secondary lines ------------------------------------------------------------------------


def _short(line: str, width: float, size: float, typesetter: Typesetter) -> bool:
    return len(line) < 3 or typesetter.advance(line, size, bold=True) < width / 5


@pytest.fixture(scope="module")
def typesetter() -> Typesetter:
    return Typesetter.for_faces(load_style("zhaotong-daily").body_faces, "zh-Hans")


OVERLINE = "市政府系统办理市人大代表建议、市政协提案工作专题会议强调"


def test_the_samples_overline_reads_back_without_a_short_last_line(sample: Rendered) -> None:
    """issue 10: the overline (引题) of the sample's second story no longer leaves 强调 alone on a line: in
    the PDF its lines together are the overline, and the last is not short."""
    plan = sample.plan
    section = next(i for i, s in enumerate(sample.built.issue.sections) if s.overline == OVERLINE)
    page, piece = next((p, x) for p in plan.pages for x in p.pieces if x.section == section and x.part == 0)
    g = plan.geometry
    x0 = g.paper.margin + piece.column * (g.column_width + g.gutter)
    top = _grid_top(plan) + piece.row * g.line_height
    head = [
        c
        for c in sample.chars(page.number)
        if x0 - 1 <= c["x0"]
        and c["x1"] <= x0 + g.span_width(piece.span) + 1
        and top <= c["top"]
        and c["bottom"] <= top + piece.head.rows * g.line_height + 1
    ]
    lines = [_text(line) for line in glyph_lines(head) if _text(line) in norm(OVERLINE)]
    assert "".join(lines) == norm(OVERLINE)
    last = next(line for line in glyph_lines(head) if _text(line) == lines[-1])
    assert len(lines[-1]) >= 3 and last[-1]["x1"] - last[0]["x0"] >= g.span_width(piece.span) / 5


def test_a_display_line_that_fits_is_set_as_it_is(typesetter: Typesetter) -> None:
    """issue 10: an overline that fits its width keeps its size, on one line."""
    fit = display_lines(OVERLINE, 1000, 12, typesetter)
    assert fit.size == 12 and fit.lines == (OVERLINE,)


def test_a_display_line_a_little_too_long_shrinks_to_one_line(typesetter: Typesetter) -> None:
    """issue 10: an overline that would leave two characters on a second line is set up to a tenth smaller
    on one line instead (the headline shrinks the same way, further)."""
    width = typesetter.advance(OVERLINE[:-2], 12, bold=True) + 1
    fit = display_lines(OVERLINE, width, 12, typesetter)
    assert fit.lines == (OVERLINE,)
    assert 12 * 0.9 <= fit.size < 12 and typesetter.advance(OVERLINE, fit.size, bold=True) <= width


def test_a_long_display_line_breaks_evenly_between_its_phrases(typesetter: Typesetter) -> None:
    """issue 10: too long to shrink onto fewer lines, an overline whose last line would be short breaks
    where its phrases part (after 、 and ，), into lines of about even length, each within the width."""
    text = "全市上下凝心聚力抓发展、促改革、惠民生，奋力谱写中国式现代化昭通篇章，推进高质量发展强调"
    size = 12.0
    width = typesetter.advance(text[:21], size, bold=True) + 1  # the typesetter breaks it 21 + 21 + 2
    greedy = [line.text for line in typesetter.set_paragraph([Run(text, bold=True)], width, size, indent_em=0)]
    assert _short(greedy[-1], width, size, typesetter)
    fit = display_lines(text, width, size, typesetter)
    assert fit.size == size and len(fit.lines) == len(greedy)
    assert "".join(fit.lines) == text
    assert all(line[-1] in "、，" for line in fit.lines[:-1])
    assert all(typesetter.advance(line, size, bold=True) <= width for line in fit.lines)
    assert not _short(fit.lines[-1], width, size, typesetter)


def test_a_display_line_without_phrases_is_balanced_by_narrowing_its_measure(typesetter: Typesetter) -> None:
    """issue 10: a text with no phrase boundary to break at is broken by the typesetter in the narrowest
    measure that keeps its line count: lines of nearly even length, none short."""
    text = "市政府系统办理市人大代表建议市政协提案工作专题会议强调" * 2
    size = 12.0
    width = typesetter.advance(text[:26], size, bold=True) + 1
    fit = display_lines(text, width, size, typesetter)
    assert "".join(fit.lines) == text and len(fit.lines) == 3
    lengths = [len(line) for line in fit.lines]
    assert max(lengths) - min(lengths) <= 2


def test_the_head_counts_the_lines_the_print_sets(sample: Rendered) -> None:
    """issue 10: the planner's head depth and the print take a secondary line's lines from the same
    function, so the head's rows hold what is printed: every glyph of every head stands inside its rows."""
    plan, g = sample.plan, sample.plan.geometry
    assert HEAD_PARTS["overline"][0] > 1  # an overline stands larger than the body
    for page in plan.pages:
        top = g.paper.margin + (g.masthead_height if page.front else g.folio_height)
        for piece in page.pieces:
            x0 = g.paper.margin + piece.column * (g.column_width + g.gutter)
            head_top, head_bottom = top + piece.row * g.line_height, top + (piece.row + piece.head.rows) * g.line_height
            inside = [
                c
                for c in sample.chars(page.number)
                if x0 <= (c["x0"] + c["x1"]) / 2 <= x0 + g.span_width(piece.span)
                and head_top - 2 <= c["top"] < head_bottom
            ]
            assert all(c["bottom"] <= head_bottom + 1 for c in inside), (page.number, piece.section)
