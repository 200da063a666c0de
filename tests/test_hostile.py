"""Hostile and careless input, through the real command: each case is refused with one line and exit 2,
or builds correctly; never a traceback, a hang past 60 s, or more than 1 GiB of memory.

The cases are grouped by what they attack (the source's bytes, its front matter, the paths, the output
folder, the style, the files given to verify); ``tests/hostile/harness.py`` runs and judges them.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from faults import file_size_limit, small_disk, unprivileged

import tests.hostile.zips as zips
from tests.hostile.harness import ROOT, assert_built, assert_refused, assert_unfaithful, run

SAMPLE = ROOT / "issues" / "zhaotong-2023-11-15.md"


def test_the_sample_builds(tmp_path: Path) -> None:
    outcome = run("build", SAMPLE, "--out", tmp_path / "out", cwd=tmp_path)
    assert_built(outcome)
    assert (tmp_path / "out" / "zhaotong-2023-11-15.pdf").is_file()


@pytest.mark.parametrize("name", ["missing.md"])
def test_a_missing_issue_is_refused(tmp_path: Path, name: str) -> None:
    assert_refused(run("inspect", tmp_path / name, cwd=tmp_path), name, "no such file")


# --- item 5: output faults are one line, exit 2, and the outputs go in together or not at all ---

SMALL = ROOT / "tests" / "issues" / "print-small.md"  # two pages; builds in seconds


def test_an_out_folder_inside_a_folder_reissue_may_not_enter_is_refused(tmp_path: Path) -> None:
    """item 8.5: mode 000 on the folder above --out (as a user bound by mode bits)."""
    locked = tmp_path / "locked"
    locked.mkdir(mode=0)
    outcome = run("build", SMALL, "--out", locked / "out", "--no-verify", cwd=tmp_path, under=unprivileged())
    assert_refused(outcome, f"{locked}/out", "not a folder reissue may write in")


def test_a_read_only_out_folder_is_refused(tmp_path: Path) -> None:
    """item 8.5: an --out folder that may be entered but not written in."""
    out = tmp_path / "out"
    out.mkdir(mode=0o555)
    outcome = run("build", SMALL, "--out", out, "--epub-only", "--no-verify", cwd=tmp_path, under=unprivileged())
    assert_refused(outcome, "not a folder reissue may write in", out_dir=out)


@pytest.mark.parametrize("out", ["print-small.md/out", "/dev/null"], ids=["under a file", "a device"])
def test_an_out_path_that_is_no_folder_is_refused(tmp_path: Path, out: str) -> None:
    """item 8.5: --out through a file, or at a device."""
    (tmp_path / "print-small.md").write_bytes(SMALL.read_bytes())
    outcome = run("build", "print-small.md", "--out", out, "--epub-only", "--no-verify", cwd=tmp_path)
    assert_refused(outcome, "not a folder reissue may write in")


def test_a_folder_where_the_epub_should_go_keeps_the_old_pdf(tmp_path: Path) -> None:
    """item 8.5: with an old PDF in place and the EPUB impossible to write, neither output changes."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "print-small.pdf").write_bytes(b"the old PDF")
    (out / "print-small.epub").mkdir()
    outcome = run("build", SMALL, "--out", out, "--no-verify", cwd=tmp_path)
    assert_refused(outcome, f"{out}/print-small.epub: cannot write it: is a directory", out_dir=out)
    assert (out / "print-small.pdf").read_bytes() == b"the old PDF"
    assert sorted(p.name for p in out.iterdir()) == ["print-small.epub", "print-small.pdf"]


def test_a_full_disk_is_refused_and_keeps_the_old_outputs(tmp_path: Path) -> None:
    """item 8.5: ENOSPC, for real: --out on a file system of 64 KiB."""
    with small_disk(tmp_path / "disk") as out:
        (out / "print-small.pdf").write_bytes(b"the old PDF")
        (out / "print-small.epub").write_bytes(b"the old EPUB")
        outcome = run("build", SMALL, "--out", out, "--no-verify", cwd=tmp_path)
        assert_refused(outcome, "print-small.pdf: cannot write it: no space left on device", out_dir=out)
        assert {p.name: p.read_bytes() for p in out.iterdir()} == {
            "print-small.pdf": b"the old PDF",
            "print-small.epub": b"the old EPUB",
        }


def test_a_limit_on_the_size_of_files_is_refused(tmp_path: Path) -> None:
    """item 8.5: EFBIG, for real: RLIMIT_FSIZE of 100 kB, less than the PDF."""
    out = tmp_path / "out"
    outcome = run(
        "build", SMALL, "--out", out, "--pdf-only", "--no-verify", cwd=tmp_path, under=file_size_limit(100_000)
    )
    assert_refused(outcome, "print-small.pdf: cannot write it: file too large", out_dir=out)
    assert list(out.iterdir()) == []


# --- item 10: style errors are errors: one line naming the style file and the key or template line ---


def engine_with_style(tmp_path: Path, name: str, files: dict[str, str]) -> dict[str, str]:
    """A copy of reissue whose styles/ holds one more style, ``name``, made of ``files`` (path -> text);
    returns the environment that runs the copy. The repository's own styles/ is never written."""
    root = tmp_path / "engine"
    shutil.copytree(ROOT / "layout", root / "layout", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "styles", root / "styles")
    for relative, text in files.items():
        path = root / "styles" / name / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return {"PYTHONPATH": str(root)}


def edited(template: str, old: str, new: str) -> str:
    """The default style's ``template`` with ``old`` replaced by ``new`` (once, and it must be there)."""
    text = (ROOT / "styles" / "zhaotong-daily" / template).read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {template}"
    return text.replace(old, new, 1)


def build_with_style(tmp_path: Path, files: dict[str, str], *options: str):
    env = engine_with_style(tmp_path, "broken", {"style.yaml": "extends: zhaotong-daily\n", **files})
    out = tmp_path / "out"
    outcome = run("build", SMALL, "--style", "broken", "--out", out, "--no-verify", *options, cwd=tmp_path, env=env)
    return outcome, tmp_path / "engine" / "styles" / "broken", out


def test_a_wrong_value_in_style_yaml_is_refused_naming_the_file_line_and_key(tmp_path: Path) -> None:
    """item 8.10: `gutter: wide`."""
    outcome, style, out = build_with_style(tmp_path, {"style.yaml": "extends: zhaotong-daily\ngutter: wide\n"})
    assert_refused(outcome, f"{style}/style.yaml:2: gutter should be a valid number, not 'wide'", out_dir=out)


def test_a_misspelt_key_in_style_yaml_is_refused_with_the_key_it_meant(tmp_path: Path) -> None:
    """item 8.10: `guter: 1.2`."""
    outcome, style, out = build_with_style(tmp_path, {"style.yaml": "extends: zhaotong-daily\nguter: 1.2\n"})
    assert_refused(outcome, f"{style}/style.yaml:2: guter is not a setting (did you mean gutter?)", out_dir=out)


def test_every_problem_of_style_yaml_is_named_in_one_line(tmp_path: Path) -> None:
    """item 8.10: the problems are collected, not reported one per run."""
    settings = (
        "extends: zhaotong-daily\n"
        "gutter: wide\n"
        "body_size: {min: 14, max: 9}\n"
        "papers:\n"
        "  a4: {width: 210mm, height: 2ft, margin: 11mm, columns: 3}\n"
        "headline_size: {lead: 2.5}\n"
        "folio_height: 2.4\n"
    )
    outcome, style, _ = build_with_style(tmp_path, {"style.yaml": settings})
    assert_refused(
        outcome,
        f"{style}/style.yaml: 5 problems: gutter (line 2) should be a valid number",
        "body_size (line 3) min 14 is larger than max 9",
        "papers.a4.height (line 5) should be a length greater than 0, such as 210mm, 8.5in or 595pt, not '2ft'",
        "headline_size (line 6) lacks story, commentary, photo, continuation",
        "folio_height (line 7) should be a valid integer, not 2.4",
    )


def test_a_syntax_error_in_a_print_template_is_refused_naming_its_line(tmp_path: Path) -> None:
    """item 8.10: a print/ template that does not compile."""
    page = edited("print/page.html.j2", "{% endfor %}", "{% endfro %}")
    outcome, style, out = build_with_style(tmp_path, {"print/page.html.j2": page}, "--pdf-only")
    line = page.splitlines().index("{% endfro %}") + 1
    assert_refused(outcome, f"{style}/print/page.html.j2:{line}: template syntax: Encountered unknown tag", out_dir=out)


def test_an_include_of_a_template_that_does_not_exist_is_refused_naming_the_line(tmp_path: Path) -> None:
    """item 8.10: a print/ template that includes one the style lacks."""
    page = edited("print/page.html.j2", '"print/folio.html.j2"', '"print/foilo.html.j2"')
    outcome, style, out = build_with_style(tmp_path, {"print/page.html.j2": page}, "--pdf-only")
    assert_refused(
        outcome, f"{style}/print/page.html.j2:3: no template 'print/foilo.html.j2' in style 'broken'", out_dir=out
    )


def test_an_undefined_name_in_an_epub_template_is_refused_naming_the_line(tmp_path: Path) -> None:
    """item 8.10: an epub/ template that renders a name it is not given."""
    title = edited("epub/title.xhtml.j2", "{{ masthead.title }}", "{{ masthead.titel }}")
    outcome, style, out = build_with_style(tmp_path, {"epub/title.xhtml.j2": title}, "--epub-only")
    line = next(n for n, text in enumerate(title.splitlines(), start=1) if "masthead.titel" in text)
    assert_refused(outcome, f"{style}/epub/title.xhtml.j2:{line}: template error:", "no attribute 'titel'", out_dir=out)


def test_an_undefined_name_in_a_wording_macro_is_refused_naming_the_line(tmp_path: Path) -> None:
    """item 8.10: a macro of epub/wording.j2 that the engine calls for the book's metadata."""
    wording = edited("epub/wording.j2", "{% macro toc_title() %}目录", "{% macro toc_title() %}{{ contents }}")
    outcome, style, out = build_with_style(tmp_path, {"epub/wording.j2": wording}, "--epub-only")
    line = next(n for n, text in enumerate(wording.splitlines(), start=1) if "{{ contents }}" in text)
    assert_refused(outcome, f"{style}/epub/wording.j2:{line}: template error: 'contents' is undefined", out_dir=out)


# --- items 17-19: the archival PDF ---


def test_attach_with_a_variant_that_may_embed_no_files_is_refused(tmp_path: Path) -> None:
    """item 8.19: a PDF/A-2 may embed only PDF/A files; the source and model are never dropped silently."""
    out = tmp_path / "out"
    outcome = run("build", SAMPLE, "--attach", "--pdf-variant", "pdf/a-2b", "--out", out, cwd=tmp_path)
    assert_refused(outcome, "pdf/a-2b", "--attach", out_dir=out)
    assert not out.exists()


# --- items 8.12, 8.14-8.16: the e-book's catalogue metadata and release time ---


def tiny_issue(folder: Path, front: str = "") -> Path:
    """A one-story issue, with ``front`` as its front matter when given."""
    source = folder / "issue.md"
    head = f"---\n{front}\n---\n" if front else ""
    source.write_text(f"{head}# 测试日报\n\n2024年2月29日\n\n## 一个标题\n\n正文一段。\n", encoding="utf-8")
    return source


@pytest.mark.parametrize(
    "front, key",
    [
        ("rights: [1, 2]", "rights"),
        ("rights: ''", "rights"),
        ("subjects: 工业", "subjects"),
        ("subjects: [工业, 3]", "subjects"),
        ("description: {a: b}", "description"),
    ],
)
def test_a_catalogue_value_of_the_wrong_kind_is_refused(tmp_path: Path, front: str, key: str) -> None:
    source = tiny_issue(tmp_path, front)
    outcome = run("build", source, "--out", tmp_path / "out", cwd=tmp_path)
    assert_refused(outcome, "issue.md:2", f"'{key}' must be", out_dir=tmp_path / "out")


def test_markup_in_the_rights_stays_text_in_the_package(tmp_path: Path) -> None:
    rights = "<script>alert(1)</script> & ]]> © 某某"
    source = tiny_issue(tmp_path, f"rights: '{rights}'")
    assert_built(run("build", source, "--out", tmp_path / "out", "--epub-only", cwd=tmp_path))
    with zipfile.ZipFile(tmp_path / "out" / "issue.epub") as book:
        opf = ElementTree.fromstring(book.read("EPUB/content.opf"))
    assert [e.text for e in opf.iter("{http://purl.org/dc/elements/1.1/}rights")] == [rights]


@pytest.mark.parametrize("epoch", ["yesterday", "-5", "99999999999999"])
def test_a_source_date_epoch_that_is_no_time_is_refused(tmp_path: Path, epoch: str) -> None:
    outcome = run(
        "build", tiny_issue(tmp_path), "--out", tmp_path / "out", cwd=tmp_path, env={"SOURCE_DATE_EPOCH": epoch}
    )
    assert_refused(outcome, "SOURCE_DATE_EPOCH", "not a time", out_dir=tmp_path / "out")


def test_a_source_dated_past_what_a_zip_can_hold_builds(tmp_path: Path) -> None:
    source = tiny_issue(tmp_path)
    year_2200 = 7_258_118_400
    os.utime(source, (year_2200, year_2200))
    assert_built(run("build", source, "--out", tmp_path / "out", "--epub-only", "--no-verify", cwd=tmp_path))


def test_a_broken_git_repository_around_the_source_is_no_obstacle(tmp_path: Path) -> None:
    source = tiny_issue(tmp_path)
    (tmp_path / ".git").write_text("gitdir: /nowhere/at/all\n")
    assert_built(run("build", source, "--out", tmp_path / "out", "--epub-only", "--no-verify", cwd=tmp_path))


# --- items 8, 9, 11, 20: verify reads untrusted files, and leaves nothing running ---


@pytest.fixture(scope="module")
def sample_epub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    assert_built(run("build", SAMPLE, "--epub-only", "--no-verify", "--out", out, cwd=out))
    return out / "zhaotong-2023-11-15.epub"


def _sample_with(sample_epub: Path, path: Path, *extra: zips.Member) -> Path:
    path.write_bytes(zips.archive(zips.members_of(sample_epub) + list(extra)))
    return path


HOSTILE_MEMBERS = {  # made when the case runs: a deflate stream of gigabytes takes a second to make
    "2 GiB of zeros in 2 MB": (lambda: [zips.zeros("EPUB/zeros.xhtml", 2047)], "unpacks to 2047 MiB"),
    "past the archive limit": (lambda: [zips.zeros(f"EPUB/z{n}.bin", 60) for n in range(9)], "540 MiB together"),
    "data past its declared size": (
        lambda: [dataclasses.replace(zips.zeros("EPUB/liar.xhtml", 256), size=100)],
        "'EPUB/liar.xhtml' cannot be unpacked: Bad CRC-32",
    ),
    "corrupt deflate data": (
        lambda: [zips.Member("EPUB/bad.xhtml", b"\x07" * 300, zips.DEFLATED, size=4000)],
        "'EPUB/bad.xhtml' cannot be unpacked: Error -3",
    ),
    "unsupported compression": (lambda: [zips.Member("EPUB/odd.css", b"x", 99)], "uses compression method 99"),
    "a name with ..": (lambda: [zips.stored("../../etc/cron.d/x", b"")], "unsafe member name '../../etc/cron.d/x'"),
    "an absolute name": (lambda: [zips.stored("/etc/passwd", b"")], "unsafe member name '/etc/passwd'"),
    "an encrypted member": (lambda: [zips.Member("EPUB/x.xhtml", b"\0" * 12, flags=0x801)], "is encrypted"),
}


@pytest.mark.parametrize("case", HOSTILE_MEMBERS)
def test_verify_names_a_hostile_member_of_an_epub(sample_epub: Path, tmp_path: Path, case: str) -> None:
    """item 8.8: read in bounded time and memory, reported as a finding, never handed to EPUBCheck."""
    members, expected = HOSTILE_MEMBERS[case]
    epub = _sample_with(sample_epub, tmp_path / "hostile.epub", *members())
    assert_unfaithful(run("verify", SAMPLE, "--epub", epub, cwd=tmp_path), expected)


def test_verify_refuses_an_xml_entity_bomb(sample_epub: Path, tmp_path: Path) -> None:
    """item 8.8: a billion laughs in the package document is refused, not expanded."""
    members = zips.members_of(sample_epub)
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + n]), b"&%s;" % bytes([97 + n]) * 10) for n in range(9))
        + b"]><p>&j;</p>"
    )
    members = [zips.stored(m.name, bomb) if m.name.endswith(".opf") else m for m in members]
    epub = tmp_path / "bomb.epub"
    epub.write_bytes(zips.archive(members))
    assert_refused(run("verify", SAMPLE, "--epub", epub, cwd=tmp_path), "declares XML entities")


@pytest.mark.parametrize(
    "given, expected",
    [("/dev/zero", "not a regular file"), ("truncated.epub", "not an EPUB file (not a zip archive)")],
)
def test_verify_refuses_an_epub_it_cannot_read_as_one(
    sample_epub: Path, tmp_path: Path, given: str, expected: str
) -> None:
    """item 8.8: a device is never read; an archive cut short is not a zip."""
    (tmp_path / "truncated.epub").write_bytes(sample_epub.read_bytes()[: sample_epub.stat().st_size // 2])
    assert_refused(run("verify", SAMPLE, "--epub", tmp_path / given, cwd=tmp_path), expected)


def test_arabic_and_hebrew_quoted_in_chinese_text_build_and_verify(tmp_path: Path) -> None:
    """item 8.9: right-to-left runs (with a number, brackets and a ligature) are found in the PDF."""
    quoted = "（阿拉伯文السلام عليكم，希伯来文שלום，عام 2023）"
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "始终保持57%以上的高速增长态势。", f"始终保持57%以上的高速增长态势{quoted}。"
    )
    assert quoted in text
    issue = tmp_path / "rtl.md"
    issue.write_text(text, encoding="utf-8")
    assert_built(run("build", issue, "--out", tmp_path / "out", cwd=tmp_path))


TINY = """# 昭通日报

2023年11月15日 星期三

## 苹果飘香 采摘忙

本报讯(记者 刘建忠)近日,在昭阳区小龙洞回族彝族乡的苹果园里,红彤彤的苹果挂满枝头,果农们忙着采摘苹果。
今年全乡苹果种植面积达到两万亩,预计产量比去年增长一成以上,果农收入稳步提高,乡里正在建设冷库和分拣中心。
"""


def test_a_short_article_spread_over_four_pages_is_not_faithful(tmp_path: Path) -> None:
    """item 8.20: three of the four pages would be blank: the build fails verification and says which."""
    issue = tmp_path / "tiny.md"
    issue.write_text(TINY, encoding="utf-8")
    outcome = run("build", issue, "--pages", "4", "--out", tmp_path / "out", cwd=tmp_path)
    assert_unfaithful(outcome, "page 2 is nearly empty", "page 3 is nearly empty", "page 4 is nearly empty")


EPUBCHECK = "epubcheck.jar"  # in the command line of EPUBCheck's Java process


def _processes_in_session(session: int, name: str) -> list[int]:
    """Live processes (not zombies) of ``session`` whose command line has ``name``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
            command = (entry / "cmdline").read_bytes()
        except OSError:  # ended while we looked
            continue
        state, sid = fields[0], int(fields[3])
        if sid == session and state != "Z" and name.encode() in command:
            found.append(int(entry.name))
    return found


def _wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_a_killed_build_leaves_no_epubcheck_running(tmp_path: Path) -> None:
    """item 8.11: SIGKILL of reissue while EPUBCheck's Java runs ends the Java process too."""
    gazette = ROOT / "tests" / "issues" / "gazette.md"
    build = subprocess.Popen(
        [sys.executable, "-m", "layout", "build", gazette, "--style", "gazette", "--pages", "1", "--out", tmp_path],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its session id marks every process it starts, even once orphaned
    )
    try:
        assert _wait_until(lambda: _processes_in_session(build.pid, EPUBCHECK), 60), "EPUBCheck never started"
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        assert _wait_until(lambda: not _processes_in_session(build.pid, EPUBCHECK), 5), "EPUBCheck outlived reissue"
    finally:
        for pid in _processes_in_session(build.pid, EPUBCHECK):
            os.kill(pid, signal.SIGKILL)
        if build.poll() is None:
            build.kill()
            build.wait()
