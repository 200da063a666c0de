"""Styles: a style extends another, taking its settings and templates unless it has its own."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from layout.build import BuildOptions, make
from layout.errors import StyleError
from layout.style import SETTINGS_SCHEMA, STYLES_DIR, load_style, style_for_language
from layout.verify import verify_pdf

WORDS = (
    "council road bridge school budget river market harbour station library hospital "
    "museum garden festival weather farmer train ferry village"
).split()


def english_issue(folder: Path, stories: int = 3, paragraphs: int = 4) -> Path:
    """A small English paper with enough text to jump from the front page."""
    lines = ["# The Riverside Gazette", "", "Tuesday, March 5, 2024", "No. 345", ""]
    for s in range(stories):
        lines += [f"## Story {s + 1} about the {WORDS[s]}", "", "By Jane Doe", ""]
        for p in range(paragraphs):
            words = [WORDS[(s * 7 + p * 3 + k) % len(WORDS)] for k in range(60)]
            lines += [f"Paragraph {p + 1} of story {s + 1}: " + " ".join(words) + ".", ""]
    path = folder / "gazette.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_a_style_takes_the_settings_and_templates_of_the_style_it_extends():
    gazette, daily = load_style("gazette"), load_style("zhaotong-daily")
    assert gazette.folders == (STYLES_DIR / "gazette", STYLES_DIR / "zhaotong-daily")
    assert (gazette.language, gazette.paragraph_indent) == ("en", 1.0)
    assert gazette.papers == daily.papers and gazette.body_size.min == daily.body_size.min
    # its own Latin face, whose smaller x-height sets its largest body size a little higher (issue 9)
    assert gazette.body_faces[-1] == daily.body_faces[0] and gazette.body_size.max > daily.body_size.max
    # its own wording wins; the page templates come from the Chinese daily
    wording = gazette.templates.get_template("print/wording.html.j2").module
    assert "Continued on page" in wording.jump_to(3)  # type: ignore[attr-defined]  # a macro of the template
    page = gazette.templates.get_template("print/page.html.j2")
    assert Path(page.filename or "").is_relative_to(STYLES_DIR / "zhaotong-daily")
    assert gazette.stylesheets("print/print.css") == [
        STYLES_DIR / "zhaotong-daily/print/print.css",
        STYLES_DIR / "gazette/print/print.css",
    ]


def test_an_unknown_style_is_a_style_error_naming_the_known_ones():
    with pytest.raises(StyleError, match="gazette, zhaotong-daily"):
        load_style("tabloid-pink")


def test_an_english_paper_naming_no_style_gets_the_english_one_and_jumps_with_english_jump_lines(tmp_path):
    built = make(english_issue(tmp_path), BuildOptions(pages=2, epub=False))
    pages = [page.extract_text() for page in read_pdf(built.files["gazette.pdf"]).pages]
    assert len(pages) == 2
    to = re.findall(r"Continued on page (\d)", pages[0])
    assert to and set(to) == {"2"}
    assert len(re.findall(r"Continued from page 1", pages[1])) == len(to)
    assert "下转" not in "".join(pages) and "版" not in "".join(pages)


def test_an_english_jump_line_ends_where_its_page_number_does(tmp_path):
    """A continuation that opens with figures (a table of results, a date) stands right under its jump line,
    and a PDF's text has no spaces between lines: the jump line's closing parenthesis, like 版 in the
    Chinese, says where its page number ends, so verify does not read page 1 and 118 as page 1118."""
    path = english_issue(tmp_path)
    figures = " ".join(str(118 + n) for n in range(60))
    path.write_text(re.sub(r"(Paragraph \d+ of story \d+:) [^\n]*", rf"\1 {figures}.", path.read_text()), "utf-8")
    built = make(path, BuildOptions(pages=2, epub=False))
    pdf = tmp_path / "gazette.pdf"
    pdf.write_bytes(built.files[pdf.name])
    assert "(Continued from page 1)" in "".join(page.extract_text() for page in read_pdf(pdf.read_bytes()).pages)
    report = verify_pdf(built.issue, pdf)
    assert report.ok, report.findings


def read_pdf(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


# --- item 8.10: style errors are errors, one line naming the style file and the key or template line ---


@pytest.fixture
def styles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A styles folder of the test's own: the repository's styles (linked) and those the test adds."""
    folder = tmp_path / "styles"
    folder.mkdir()
    for style in STYLES_DIR.iterdir():
        (folder / style.name).symlink_to(style)
    monkeypatch.setattr("layout.style.STYLES_DIR", folder)
    return folder


def add_style(styles: Path, name: str, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = styles / name / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return styles / name


def test_a_wrong_value_in_style_yaml_names_the_file_the_line_the_key_and_its_meaning(styles):
    """item 8.10: `gutter: wide` is a StyleError, not a traceback from float()."""
    style = add_style(styles, "wide", {"style.yaml": "extends: zhaotong-daily\n\ngutter: wide\n"})
    with pytest.raises(StyleError) as raised:
        load_style("wide")
    assert str(raised.value) == (
        f"{style}/style.yaml:3: gutter should be a valid number, not 'wide'"
        " — the space between columns, as a multiple of the body size (a column rule stands in it)"
    )


def test_every_problem_in_style_yaml_is_reported_at_once(styles):
    """item 8.10: the schema collects all problems; the keys a mapping lacks are named together."""
    style = add_style(
        styles,
        "many",
        {
            "style.yaml": "extends: zhaotong-daily\n"
            "guter: 1.2\n"
            "leading: {min: 1.5, max: 1.8, stp: 0.05}\n"
            "page_names: {front: A}\n"
            "papers: {a4: {width: 210mm, height: 297mm, margin: -1mm, columns: 3}}\n"
            "paper: a5\n"
        },
    )
    with pytest.raises(StyleError) as raised:
        load_style("many")
    assert str(raised.value) == (
        f"{style}/style.yaml: 4 problems: guter (line 2) is not a setting (did you mean gutter?); "
        "leading.stp (line 3) is not a setting (did you mean step?); page_names (line 4) lacks inside; "
        "papers.a4.margin (line 5) should be a length greater than 0, such as 210mm, 8.5in or 595pt, not '-1mm'"
        " — the margin on every side of the page"
    )


def test_a_relation_between_settings_is_checked_once_each_is_valid(styles):
    """item 8.10: the default paper must be one of the papers."""
    style = add_style(styles, "a5", {"style.yaml": "extends: zhaotong-daily\npaper: a5\n"})
    with pytest.raises(StyleError, match=rf"^{style}/style.yaml: paper 'a5' is none of the papers \(a4, a3, "):
        load_style("a5")


def test_a_problem_in_the_extended_style_is_named_in_that_style_s_file(styles):
    """item 8.10: each key is checked where it was written."""
    daily = (STYLES_DIR / "zhaotong-daily" / "style.yaml").read_text(encoding="utf-8")
    base = add_style(styles, "base", {"style.yaml": daily.replace("folio_height: 2 ", "folio_height: 2.4")})
    child = add_style(styles, "child", {"style.yaml": "extends: base\nguter: 1\n"})
    line = next(n for n, text in enumerate(daily.splitlines(), start=1) if text.startswith("folio_height"))
    with pytest.raises(StyleError) as raised:
        load_style("child")
    assert str(raised.value).startswith(
        f"{child}/style.yaml: 2 problems: guter (line 2) is not a setting (did you mean gutter?); "
        f"folio_height ({base}/style.yaml:{line}) should be a valid integer, not 2.4"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gutter: [1\n", r"style.yaml:2: broken YAML"),
        ("- gutter\n- 1.6\n", r"style.yaml: not a mapping of settings"),
        ("", r"style.yaml: missing settings: language, paper, papers, gutter, body_size, "),
    ],
    ids=["broken YAML", "a list", "empty"],
)
def test_a_style_yaml_that_is_no_mapping_of_settings_is_a_style_error(styles, text, expected):
    """item 8.10"""
    add_style(styles, "odd", {"style.yaml": text})
    with pytest.raises(StyleError, match=expected):
        load_style("odd")


def test_every_setting_is_declared_with_a_type_and_a_docstring():
    """item 8.10: the schema documents each key, as the error messages quote it."""

    def undocumented(node: dict, where: str) -> list[str]:
        found = []
        for key, value in node.get("properties", {}).items():
            if "description" not in value:
                found.append(f"{where}{key}")
            if "$ref" in value:
                found += undocumented(SETTINGS_SCHEMA["$defs"][value["$ref"].rsplit("/", 1)[1]], f"{where}{key}.")
        return found

    assert SETTINGS_SCHEMA["properties"] and undocumented(SETTINGS_SCHEMA, "") == []


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("<p>\n{% if x %}\n", r"print/t.html.j2:2: template syntax: Unexpected end of template"),
        ('<p>\n{% include "print/nothing.html.j2" %}\n', r"print/t.html.j2:2: no template 'print/nothing.html.j2'"),
        ("<p>\n\n{{ masthead.titel }}\n", r"print/t.html.j2:3: template error: 'masthead' is undefined"),
    ],
    ids=["syntax", "unknown include", "undefined name"],
)
def test_a_broken_template_is_a_style_error_naming_its_file_and_line(styles, template, expected):
    """item 8.10"""
    add_style(styles, "t", {"style.yaml": "extends: zhaotong-daily\n", "print/t.html.j2": template})
    style = load_style("t")
    with pytest.raises(StyleError, match=f"^{styles}/t/{expected}"), style.rendering():
        style.templates.get_template("print/t.html.j2").render()


def test_a_style_that_lacks_a_template_the_engine_asks_for_is_a_style_error(styles, tmp_path):
    """item 8.10: a style of its own (extending none) without the e-book's templates."""
    daily = (STYLES_DIR / "zhaotong-daily" / "style.yaml").read_text(encoding="utf-8")
    add_style(styles, "bare", {"style.yaml": daily})
    with pytest.raises(StyleError, match=rf"^{styles}/bare: no template 'epub/wording.j2' in style 'bare'"):
        make(english_issue(tmp_path), BuildOptions(style="bare", pages=2, pdf=False))


@pytest.mark.parametrize(
    ("language", "style"),
    [("zh-Hans", "zhaotong-daily"), ("en", "gazette"), ("en-US", "gazette"), ("de", "zhaotong-daily")],
)
def test_an_issue_that_names_no_style_gets_the_style_of_its_language(language, style):
    """Issue 9: an English issue gets the English style; a language no style is set in, the default."""
    assert style_for_language(language) == style


@pytest.mark.parametrize(
    ("language", "script_language", "style"),
    [
        ("fr", "en", "gazette"),
        ("fi", "en", "gazette"),
        ("ja", "zh-Hans", "zhaotong-daily"),
        ("de", None, "zhaotong-daily"),
    ],
)
def test_a_language_no_style_is_set_in_gets_the_style_of_its_texts_script(language, script_language, style):
    """A French or Finnish paper (Chronicling America holds many) is set in Latin faces, with Western
    dates, as the English style sets them: not with a Chinese daily's masthead (1916年2月12日, 第7期)."""
    assert style_for_language(language, script_language) == style
