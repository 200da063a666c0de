"""Measured page makeup (issue 10, item 4): the print PDF carries a map of its pages' modules, and verify
measures each page against its glyphs: ink, the white left inside modules, short stories spread wide,
tombstoned headlines; a module more than a third empty fails.

Every PDF here is rendered by WeasyPrint and read back: the sample as ``reissue build`` makes it, and
small issues of the sample's text whose plan a test rearranges before rendering, to make a page an
editor would not sign.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from layout.build import BuildOptions, Built, make, style_of
from layout.cli import main
from layout.identity import release_time
from layout.makeup_map import MAKEUP_NAME, makeup_json
from layout.pdf import PrintOptions, render_html, render_pdf
from layout.photos import photo_files
from layout.plan import Page, Piece, Plan
from layout.verify import normalize, verify_pdf
from layout.verify.makeup import MOST_WHITE
from layout.verify.pdf_pages import read_pdf

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "zhaotong-2023-11-15.md"

MASTHEAD = """---
page_count: 1
---
# 昭通日报

2023年11月15日 星期三

"""
PARAGRAPHS = (
    "本报讯 今年以来,昭通市工信局紧扣省委“3815”战略发展目标,深入推进“产业兴市”战略,扎实做好“产”的文章,"
    "坚持“大抓产业、主攻工业”,主动靠前服务,精准谋划产业,狠抓重点项目建设服务,推动能源外工业投资持续高速增长。",
    "成立项目专班,重大项目推进有序。今年以来,全市工信系统把工业项目建设一线作为转作风、促发展的主战场,"
    "成立了重大工业项目专班,实行重点项目周研判、月报告制度,落实局领导抓产业挂项目机制,确保重大项目顺利实施。",
    "今年前三季度,全市能源外工业投资同比增长61.2%,增速排名全省第一位,在去年高基数高速增长的情况下,"
    "增速连续9个月保持全省前三名,始终保持57%以上的高速增长态势。",
)
STORY = "## 昭通前三季度工业投资增速排名全省第一位\n\n" + "".join(f"{p}\n\n" for p in PARAGRAPHS)
SHORT_STORY_TEXT = "## 昭通前三季度工业投资增速排名全省第一位\n\n" + PARAGRAPHS[0] + "\n\n"
BRIEFS = """## 苹果飘香

近日,在昭阳区小龙洞回族彝族乡的苹果园里,红彤彤的苹果挂满枝头,果农们忙着采摘苹果。

## 建议提案

市政府系统办理市人大代表建议、市政协提案工作专题会议强调,要高质高效办理建议提案。

## 投资增长

今年前三季度,全市能源外工业投资同比增长61.2%,增速排名全省第一位。

"""


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Built, Path]:
    built = make(SAMPLE, BuildOptions(epub=False))
    pdf = tmp_path_factory.mktemp("sample") / f"{SAMPLE.stem}.pdf"
    pdf.write_bytes(built.files[pdf.name])
    return built, pdf


def built_issue(folder: Path, text: str) -> Built:
    source = folder / "issue.md"
    source.write_text(text, encoding="utf-8")
    return make(source, BuildOptions(epub=False))


def rendered(built: Built, plan: Plan, pdf: Path, makeup: bytes | None) -> Path:
    """``plan`` rendered by the build's own templates and WeasyPrint, carrying ``makeup`` as its makeup map
    (None: no map, as an older reissue built it)."""
    issue = built.issue
    style = style_of(issue, BuildOptions())
    options = PrintOptions(attachments=((MAKEUP_NAME, makeup, "makeup"),) if makeup is not None else ())
    released = release_time(issue)
    with style.rendering():
        html = render_html(issue, plan, style, options, photo_files(issue), released)
        pdf.write_bytes(render_pdf(html, issue, style, options, released)[0])
    return pdf


def with_page(plan: Plan, page: Page) -> Plan:
    return replace(plan, pages=(page, *plan.pages[1:]))


def stretched_to_the_foot(plan: Plan) -> Plan:
    """The front page's last piece made as deep as the page, its text left as it was set."""
    page = plan.pages[0]
    last = page.pieces[-1]
    deeper = replace(last, body_rows=page.rows - last.row - last.head.rows)
    return with_page(plan, replace(page, pieces=(*page.pieces[:-1], deeper)))


def in_one_column(piece: Piece, row: int, column: int) -> Piece:
    """The piece's lines poured into one column at (row, column), a module of its own under a story's
    headline: they were set at the column's width."""
    rows = tuple(r for col in piece.columns for r in col)
    head = replace(piece.head, rank="story", label=False)
    return replace(
        piece, head=head, columns=(rows,), body_rows=len(rows), row=row, column=column, span=1, module=column
    )


def run(argv: list[str | Path], capsys) -> tuple[object, str, str]:
    with pytest.raises(SystemExit) as exit:
        main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return exit.value.code, out, err


def test_each_modules_rectangle_holds_every_line_of_its_text(sample):
    """issue 10: the makeup map's rectangles are where the print puts each module: every line the plan set
    for a module is read back from the glyphs inside its rectangle, and the headline with them."""
    built, pdf = sample
    pages, _, attached = read_pdf(pdf)
    makeup = json.loads(attached[MAKEUP_NAME])
    assert len(makeup["pages"]) == len(pages) == len(built.plan.pages)
    for planned, page, listed in zip(built.plan.pages, pages, makeup["pages"], strict=True):
        assert len(listed["modules"]) == len(planned.modules())
        for module, placed in zip(planned.modules(), listed["modules"], strict=True):
            left, top = page.trim[0] + placed["x"], page.trim[3] - placed["y"]
            right, bottom = left + placed["width"], top - placed["height"]
            inside = normalize(
                "".join(
                    g.text
                    for g in page.glyphs
                    if left <= (g.box[0] + g.box[2]) / 2 <= right and bottom <= (g.box[1] + g.box[3]) / 2 <= top
                )
            )
            for piece in module.pieces:
                headline = built.issue.sections[piece.section].headline
                assert normalize(headline) in inside
                for column in piece.columns:
                    for row in column:
                        if row.line is not None:
                            assert normalize(row.line.text) in inside, (page, row.line.text)


def test_the_sample_verifies_clean_and_reports_each_pages_makeup(sample, capsys):
    """issue 10: verify prints a line per page: ink, white inside modules, short stories spread wide and
    tombstones (and --json gives the same figures); the sample has no module a third empty."""
    _, pdf = sample
    code, out, err = run(["verify", SAMPLE, "--pdf", pdf], capsys)
    assert (code, err) == (0, "")
    assert "checked pages, text, jumps, fonts, layout, makeup" in out
    for number in range(1, 5):
        assert f"  page {number}: ink 0." in out
    code, out, _ = run(["verify", SAMPLE, "--pdf", pdf, "--json"], capsys)
    assert code == 0
    [report] = json.loads(out)
    assert [page["number"] for page in report["makeup"]] == [1, 2, 3, 4]
    assert all(page["emptiest"] <= MOST_WHITE and page["ink"] >= 0.3 for page in report["makeup"])


def test_a_module_more_than_a_third_empty_fails_verify_in_one_line(tmp_path, capsys):
    """issue 10: a story whose module runs far below its text leaves a hole in the page: verify fails,
    naming the page and the story, and the command says so in one line (exit 1, as for any unfaithful
    output)."""
    built = built_issue(tmp_path, MASTHEAD + SHORT_STORY_TEXT)
    plan = stretched_to_the_foot(built.plan)
    pdf = rendered(built, plan, tmp_path / "holed.pdf", makeup_json(plan, built.issue))
    report = verify_pdf(built.issue, pdf)
    [finding] = report.findings
    assert finding.check == "makeup"
    assert finding.message.startswith("page 1: the module of “昭通前三季度工业投资增速排名全省第一位” is ")
    assert "empty below its text" in finding.message and "\n" not in finding.message
    assert report.makeup[0].emptiest > MOST_WHITE
    code, out, err = run(["verify", tmp_path / "issue.md", "--pdf", pdf], capsys)
    assert code == 1
    assert f"makeup: {finding.message}" in out
    assert err.count("\n") == 1 and "is not faithful (1 finding)" in err


def test_a_pdf_without_a_makeup_map_is_verified_as_before_with_a_note(tmp_path):
    """issue 10: a PDF built by an older reissue carries no map: its makeup is not measured, and the report
    says so; everything else is checked as before."""
    built = built_issue(tmp_path, MASTHEAD + STORY)
    pdf = rendered(built, stretched_to_the_foot(built.plan), tmp_path / "older.pdf", makeup=None)
    report = verify_pdf(built.issue, pdf)
    assert report.ok and report.makeup == ()
    assert "makeup" not in report.checks
    assert report.notes == (f"makeup not measured: the PDF carries no makeup map ({MAKEUP_NAME})",)


def test_headlines_side_by_side_and_a_short_story_across_the_page_are_counted(tmp_path):
    """issue 10: two briefs set side by side, their headlines at the same height, are a tombstone; a story
    of fewer than 200 characters set across three columns is spread wide."""
    built = built_issue(tmp_path, MASTHEAD + BRIEFS)
    page = built.plan.pages[0]
    first, second, third = sorted(page.pieces, key=lambda piece: piece.section)
    across = replace(third, row=max(first.rows, second.rows) + 1, column=0, span=3, module=3)
    page = replace(page, pieces=(in_one_column(first, 0, 0), in_one_column(second, 0, 1), across))
    plan = with_page(built.plan, page)
    pdf = rendered(built, plan, tmp_path / "tombstoned.pdf", makeup_json(plan, built.issue))
    [measured] = verify_pdf(built.issue, pdf).makeup
    assert (measured.tombstones, measured.spread) == (1, 1)


def test_a_makeup_map_that_does_not_describe_the_pdf_is_refused_in_one_line(tmp_path, capsys):
    """issue 10: a map of other pages than the PDF's cannot be measured against: verify says so in one line
    (exit 2, as for any PDF it cannot read)."""
    built = built_issue(tmp_path, MASTHEAD + STORY)
    two_pages = replace(built.plan, pages=built.plan.pages * 2)
    pdf = rendered(built, built.plan, tmp_path / "other.pdf", makeup=makeup_json(two_pages, built.issue))
    code, out, err = run(["verify", tmp_path / "issue.md", "--pdf", pdf], capsys)
    assert (code, out) == (2, "")
    assert err == (
        f"error: {pdf}: the PDF's makeup map ({MAKEUP_NAME}) does not describe its pages: it lists 2 pages, "
        "the PDF has 1; rebuild it with `reissue build`\n"
    )
