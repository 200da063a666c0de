"""Archive grade, end to end on the sample issue: ``reissue build`` and ``reissue verify`` through the
command, the PDF/A-3b build with its source and model inside, the tagged PDF's headings, byte-identical
rebuilds, and builds that are killed or fail without harming the earlier outputs.

Builds are slow (seconds each), so the session makes the ones the tests read once, side by side, and
the xdist workers share them (the first worker to take the lock builds; the other waits). Every test
that writes copies what it needs into its own folder first.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import cast
from xml.etree import ElementTree

import pdfplumber
import pytest
from jvms import lasting_jvms
from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject, StreamObject
from pypdf.xmp import XmpInformation
from readback import document_info, one, text_of, xmp_metadata

from layout.build import BuildOptions, make
from layout.cli import main
from layout.identity import issue_urn, release_time
from layout.makeup_map import MAKEUP_NAME
from layout.model import Issue, SectionKind, to_dict
from layout.readers.parse import parse_issue
from layout.verify import normalize as norm  # NFKC, no white space: the PDF's spaces are positions

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "issues" / "zhaotong-2023-11-15.md"
STEM = SAMPLE.stem
OUTPUTS = (f"{STEM}.pdf", f"{STEM}.epub")
EPOCH = 1_700_100_000  # 2023-11-16T02:00:00Z, the day after the issue's date
MISSING = "今年前三季度,全市能源外工业投资同比增长61.2%"  # the paragraph the short copy leaves out
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"


def reissue(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """``reissue`` in a process of its own, its output kept for the failure message."""
    return subprocess.Popen(
        [sys.executable, "-m", "layout", *map(str, args)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(argv: list[str | Path], capsys) -> tuple[int | str | None, str, str]:
    """``reissue`` in this process, through ``main``: the exit status and what it printed."""
    with pytest.raises(SystemExit) as exit:
        main([str(a) for a in argv])
    captured = capsys.readouterr()
    return exit.value.code, captured.out, captured.err


def copy_of_sample(folder: Path, old: str, new: str) -> Path:
    """The sample, changed once, under its own name (so its outputs are the sample's) in ``folder``."""
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.count(old) == 1
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / SAMPLE.name
    copy.write_text(text.replace(old, new), encoding="utf-8")
    return copy


def source_line(prefix: str) -> int:
    return next(
        n for n, line in enumerate(SAMPLE.read_text(encoding="utf-8").splitlines(), 1) if line.startswith(prefix)
    )


# ---------------------------------------------------------------- the builds the tests read


@dataclass(frozen=True)
class Builds:
    folder: Path

    def pdf(self, name: str) -> Path:
        return self.folder / name / "build" / f"{STEM}.pdf"

    def epub(self, name: str) -> Path:
        return self.folder / name / "build" / f"{STEM}.epub"

    @property
    def first_status(self) -> int:
        return json.loads((self.folder / "first-status").read_text())


def make_builds(folder: Path) -> None:
    """first: the default build, in this process through ``main``; second: the same in another process;
    archival: --archival with SOURCE_DATE_EPOCH set; short: --archival of a copy of the sample without one
    paragraph (another content of the same issue); ua: PDF/UA-1 with the source and model attached, verified."""
    paragraph = SAMPLE.read_text(encoding="utf-8").splitlines()[source_line(MISSING) - 1]
    short = copy_of_sample(folder / "short", paragraph + "\n", "")
    quiet = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    others = {
        "second": reissue("build", SAMPLE, "--out", folder / "second" / "build", "--no-verify", env=quiet),
        "archival": reissue(
            "build",
            SAMPLE,
            "--out",
            folder / "archival" / "build",
            "--archival",
            "--no-verify",
            env={**quiet, "SOURCE_DATE_EPOCH": str(EPOCH)},
        ),
        "short": reissue(
            "build", short, "--out", folder / "short" / "build", "--pdf-only", "--archival", "--no-verify", env=quiet
        ),
        "ua": reissue(
            "build", SAMPLE, "--out", folder / "ua" / "build", "--pdf-variant", "pdf/ua-1", "--attach", "--pdf-only"
        ),
    }
    with pytest.MonkeyPatch.context() as patch, pytest.raises(SystemExit) as exit:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        main(["build", str(SAMPLE), "--out", str(folder / "first" / "build")])
    (folder / "first-status").write_text(json.dumps(exit.value.code))
    for name, process in others.items():
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, f"the {name} build failed:\n{out}{err}"


@pytest.fixture(scope="session")
def builds(tmp_path_factory, worker_id) -> Builds:
    root = tmp_path_factory.getbasetemp()
    root = root if worker_id == "master" else root.parent  # shared by the xdist workers of this run
    folder = root / "archive-builds"
    with open(root / "archive-builds.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "done").exists():
            shutil.rmtree(folder, ignore_errors=True)
            make_builds(folder)
            (folder / "done").touch()
    return Builds(folder)


# ---------------------------------------------------------------- build, then verify


def test_build_then_verify_pass(builds, capsys, monkeypatch):
    assert builds.first_status == 0
    monkeypatch.chdir(builds.folder / "first")  # verify reads build/<name>.pdf and .epub by default
    code, out, err = run(["verify", SAMPLE], capsys)
    assert (code, err) == (0, "")
    assert out.startswith("pdf ok  build/zhaotong-2023-11-15.pdf\n")
    assert "\nepub ok  build/zhaotong-2023-11-15.epub\n" in out


def test_verify_names_the_line_of_a_paragraph_the_pdf_lacks(builds, capsys):
    """The PDF was built from a copy of the sample without one paragraph: checked against the sample,
    it lacks that paragraph."""
    code, out, err = run(["verify", SAMPLE, "--pdf", builds.pdf("short")], capsys)
    assert code == 1
    assert f"text: line {source_line(MISSING)}: paragraph missing from the PDF (" in out
    assert err.count("\n") == 1 and "is not faithful (1 finding)" in err


def test_verify_given_an_epub_that_is_a_pdf_says_so_in_one_line(builds, capsys):
    code, out, err = run(["verify", SAMPLE, "--epub", builds.pdf("first")], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {builds.pdf('first')}: ") and "not an EPUB file" in err
    assert err.count("\n") == 1


def test_verify_given_the_pdf_of_another_issue_says_so_in_one_line(builds, capsys):
    gazette = ROOT / "tests" / "issues" / "gazette.md"
    code, out, err = run(["verify", gazette, "--pdf", builds.pdf("first")], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {builds.pdf('first')}: this PDF is not of The Riverside Gazette")
    assert err.count("\n") == 1


# ---------------------------------------------------------------- PDF/A-3b


def xmp(reader: PdfReader) -> ElementTree.Element:
    return ElementTree.fromstring(cast(StreamObject, reader.root_object["/Metadata"]).get_data())


def test_archival_pdf_carries_its_source_and_model(builds):
    reader = PdfReader(builds.pdf("archival"))
    attached = {name: data for name, [data] in reader.attachments.items()}
    assert sorted(attached) == sorted([f"{STEM}.md", f"{STEM}.model.json", MAKEUP_NAME])
    assert attached[SAMPLE.name] == SAMPLE.read_bytes()
    model = to_dict(replace(parse_issue(SAMPLE), source=SAMPLE.name))
    assert json.loads(attached[f"{STEM}.model.json"]) == json.loads(json.dumps(model))
    # PDF/A-3 associated files: each once in the catalog's /AF, related to the PDF as what it was made from
    associated = [spec.get_object() for spec in cast(ArrayObject, reader.root_object["/AF"])]
    assert {(spec["/UF"], spec["/AFRelationship"]) for spec in associated} == {
        (SAMPLE.name, "/Source"),
        (f"{STEM}.model.json", "/Data"),
        (MAKEUP_NAME, "/Data"),
    }
    assert len(associated) == 3


def test_only_the_archival_pdf_carries_the_source_and_model_unless_asked(builds):
    """item 8.19: the print PDF is what the printer and the reader get, with only the small makeup map
    verify measures its pages by (issue 10); --attach puts the files into any other variant."""
    plain = PdfReader(builds.pdf("first"))
    assert list(plain.attachments) == [MAKEUP_NAME] and "/AF" not in plain.root_object
    asked = PdfReader(builds.pdf("ua"))
    assert sorted(asked.attachments) == sorted([f"{STEM}.md", f"{STEM}.model.json", MAKEUP_NAME])
    assert asked.attachments[SAMPLE.name] == [SAMPLE.read_bytes()]


def test_archival_pdf_is_pdf_a_3b_with_srgb_output_intent_and_full_xmp(builds):
    reader = PdfReader(builds.pdf("archival"))
    assert reader.pdf_header == "%PDF-1.7"
    descriptions = xmp(reader).iter(f"{RDF}Description")
    assert {(d.get(f"{PDFAID}part"), d.get(f"{PDFAID}conformance")) for d in descriptions} >= {("3", "B")}
    [intent] = cast(ArrayObject, reader.root_object["/OutputIntents"])
    intent = intent.get_object()
    assert (intent["/S"], intent["/OutputConditionIdentifier"]) == (
        "/GTS_PDFA1",
        "IEC 61966-2-1 Default RGB Colour Space - sRGB",
    )
    profile = intent["/DestOutputProfile"].get_object()
    icc = profile.get_data()
    assert (profile["/N"], icc[36:40], icc[16:20]) == (3, b"acsp", b"RGB ")  # an ICC profile of an RGB space

    issue = parse_issue(SAMPLE)
    meta, info = xmp_metadata(reader), document_info(reader)
    assert meta.dc_title == {"x-default": info.title} and info.title is not None and info.title.startswith("昭通日报")
    assert meta.dc_identifier == issue_urn(issue.masthead)
    assert meta.dc_language == ["zh-Hans"] and reader.root_object["/Lang"] == "zh-Hans"
    assert dc_dates(meta) == ["2023-11-15"]  # the issue's date, not the build's
    assert meta.dc_publisher == ["昭通日报社"]  # the organisation, without the masthead's 出版 (item 8.15)
    assert meta.dc_creator == ["昭通日报"] and info.author == "昭通日报"


def dc_dates(meta: XmpInformation) -> list[str]:
    """The XMP's dc:date values as ISO dates."""
    assert meta.dc_date is not None, "the XMP has no dc:date"
    return [d.date().isoformat() for d in meta.dc_date]


def test_archival_pdf_passes_verify(builds, capsys):
    code, out, _ = run(["verify", SAMPLE, "--pdf", builds.pdf("archival")], capsys)
    assert code == 0 and out.startswith("pdf ok")


def test_epub_and_pdf_name_the_issue_alike(builds):
    with zipfile.ZipFile(builds.epub("first")) as book:
        opf = book.read("EPUB/content.opf").decode("utf-8")
    urn = issue_urn(parse_issue(SAMPLE).masthead)
    assert f">{urn}</dc:identifier>" in opf
    file_id = cast(ArrayObject, PdfReader(builds.pdf("first")).trailer["/ID"])
    assert file_id[0] == urn.removeprefix("urn:uuid:").replace("-", "")


# ---------------------------------------------------------------- the tagged PDF

PAINTING = {b"Tj", b"TJ", b"'", b'"', b"Do", b"sh", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"S", b"s"}
HEADINGS = ("H1", "H2", "H3", "H4", "H5", "H6")


@dataclass(frozen=True)
class Element:
    """A structure element of a tagged PDF as read back: its type (P, H2 ...), its page (0-based; -1 for
    the document), the text of the marked content it and its descendants own, in the tree's order, and
    its children."""

    kind: str
    page: int
    text: str
    kids: tuple[Element, ...]

    def walk(self) -> Iterator[Element]:
        yield self
        for kid in self.kids:
            yield from kid.walk()


@dataclass(frozen=True)
class Tagged:
    root: Element
    loose: tuple[str, ...]  # what the pages paint that is neither in the tree nor an artifact

    def of_kind(self, *kinds: str) -> list[Element]:
        return [element for element in self.root.walk() if element.kind in kinds]


def tagged(pdf: Path) -> Tagged:
    """The PDF's structure tree, each element with its text (the glyphs of the marked content it owns,
    as pdfplumber reads them), and what the pages paint outside both the tree and any artifact: the
    content ISO 14289-1 (PDF/UA-1) 7.1 forbids."""
    reader = PdfReader(pdf)
    page_of = {cast(IndirectObject, page.indirect_reference).idnum: n for n, page in enumerate(reader.pages)}
    text = marked_text(pdf)
    owned: set[tuple[int, int]] = set()

    def own(page: int, mcid: int) -> str:
        owned.add((page, mcid))
        return text.get((page, mcid), "")

    def read(node: DictionaryObject, page: int) -> Element:
        page = page_of[node.raw_get("/Pg").idnum] if "/Pg" in node else page
        kids, texts = [], []
        for kid in node_kids(node):
            if isinstance(kid, int):
                texts.append(own(page, kid))
            elif kid.get("/Type") == "/MCR":
                texts.append(own(page_of[kid.raw_get("/Pg").idnum] if "/Pg" in kid else page, kid["/MCID"]))
            elif kid.get("/Type") != "/OBJR":  # an annotation has no text of its own
                element = read(kid, page)
                kids.append(element)
                texts.append(element.text)
        return Element(str(node["/S"])[1:], page, "".join(texts), tuple(kids))

    [document] = node_kids(cast(DictionaryObject, reader.root_object["/StructTreeRoot"]))
    root = read(document, -1)
    loose = []
    for number, page in enumerate(reader.pages):
        sequences: list[str | int | None] = []  # each open marked-content sequence: Artifact, its MCID or None
        for operands, operator in cast(ContentStream, page.get_contents()).operations:
            if operator == b"BMC":
                sequences.append("Artifact" if operands[0] == "/Artifact" else None)
            elif operator == b"BDC":
                tag, properties = operands
                sequences.append("Artifact" if tag == "/Artifact" else properties.get("/MCID"))
            elif operator == b"EMC":
                sequences.pop()
            elif operator in PAINTING and "Artifact" not in sequences:
                mcids = [mcid for mcid in sequences if isinstance(mcid, int)]
                if not mcids or (number, mcids[-1]) not in owned:
                    loose.append(f"page {number + 1}: {operator.decode()}")
    return Tagged(root, tuple(loose))


def node_kids(node: DictionaryObject) -> list:
    kids = node.get("/K", [])
    return [kid.get_object() for kid in (kids if isinstance(kids, list) else [kids])]


def marked_text(pdf: Path) -> dict[tuple[int, int], str]:
    """The text of each marked-content sequence, by (page, MCID), as pdfplumber reads its glyphs."""
    text: dict[tuple[int, int], str] = {}
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages):
            for char in page.chars:
                if char["mcid"] is not None:
                    key = (number, char["mcid"])
                    text[key] = text.get(key, "") + char["text"]
    return text


def printed_paragraphs(issue: Issue) -> list[str]:
    """Every paragraph the sections print as running text: bylines, body paragraphs, captions, credits."""
    return [
        norm(text)
        for section in issue.sections
        for text in (
            section.byline if section.kind is not SectionKind.COMMENTARY else None,
            *(block.text for block in section.paragraphs),
            section.caption,
            section.credit,
        )
        if text
    ]


def assert_tagged_for_reading(pdf: Path) -> None:
    """What assistive technology needs of the print edition: each paragraph one P (one on each page a
    jump carries it to), everything the pages paint in the tree or an artifact, the inside pages' folios
    (running heads) artifacts, and headings that begin at H1 and never skip a level."""
    tree = tagged(pdf)
    assert tree.loose == ()
    ps = [(p.page, norm(p.text)) for p in tree.of_kind("P")]
    for paragraph in printed_paragraphs(parse_issue(SAMPLE)):
        parts = [(page, text) for page, text in ps if text and text in paragraph]
        assert "".join(text for _, text in parts) == paragraph, f"not one P: {paragraph[:20]}…"
        pages = [page for page, _ in parts]
        assert pages == sorted(set(pages)), f"more than one P on a page: {paragraph[:20]}…"

    g = make(SAMPLE, BuildOptions(pdf=False, epub=False)).plan.geometry
    with pdfplumber.open(pdf) as document:
        for page in document.pages[1:]:
            folio = {c["tag"] for c in page.chars if c["top"] < g.paper.margin + g.folio_height}
            rest = {c["tag"] for c in page.chars if c["top"] >= g.paper.margin + g.folio_height}
            assert (folio, "Artifact" in rest) == ({"Artifact"}, False), f"page {page.page_number}"

    levels = [int(element.kind[1]) for element in tree.of_kind(*HEADINGS)]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels


@pytest.mark.parametrize("build", ["first", "archival"])
def test_tagged_pdf_holds_paragraphs_as_p_and_folios_as_artifacts(builds, build):
    """item 8.17: the tree of the default and the archival build, as a screen reader walks it."""
    assert_tagged_for_reading(builds.pdf(build))


def test_pdf_ua_1_build_has_the_tree_it_claims(builds):
    """item 8.17: a PDF/UA-1 says so in its XMP only over a tree fit for reading, with the document's
    language and its title shown."""
    pdf = builds.pdf("ua")
    reader = PdfReader(pdf)
    claims = {d.get("{http://www.aiim.org/pdfua/ns/id/}part") for d in xmp(reader).iter(f"{RDF}Description")}
    assert "1" in claims
    catalog, metadata = reader.root_object, reader.metadata
    assert catalog["/Lang"] == "zh-Hans" and cast(DictionaryObject, catalog["/MarkInfo"])["/Marked"]
    assert cast(DictionaryObject, catalog["/ViewerPreferences"])["/DisplayDocTitle"]
    assert metadata and str(metadata.title).startswith("昭通日报")
    assert_tagged_for_reading(pdf)


def test_tagged_pdf_has_the_stories_headlines_as_headings_in_reading_order(builds):
    """item 8.17: the nameplate is the one H1, every headline an H2 (the lead's too), in reading order."""
    built = make(SAMPLE, BuildOptions(pdf=False, epub=False))  # the plan alone: where each piece stands
    sections = built.issue.sections
    pieces = [sections[piece.section] for page in built.plan.pages for piece in page.pieces]
    expected = [("H1", built.issue.masthead.title)] + [("H2", norm(section.headline)) for section in pieces]
    found = [(h.kind, norm(h.text)) for h in tagged(builds.pdf("first")).of_kind("H1", "H2")]
    assert found == expected
    assert {text for _, text in expected[1:]} == {norm(s.headline) for s in sections}


def test_the_pdf_and_the_epub_give_each_heading_the_same_level(builds):
    """item 8.17: one hierarchy for both editions: h1 the nameplate (and, in the EPUB, each print page),
    h2 the headlines, h3 the subheads."""
    in_pdf = {norm(h.text): h.kind.lower() for h in tagged(builds.pdf("first")).of_kind(*HEADINGS)}
    in_epub = {}
    with zipfile.ZipFile(builds.epub("first")) as book:
        for name in book.namelist():
            if name.endswith(".xhtml") and not name.endswith("nav.xhtml"):
                for element in ElementTree.fromstring(book.read(name)).iter():
                    level = element.tag.rpartition("}")[2]
                    if level in ("h1", "h2", "h3", "h4", "h5", "h6"):
                        in_epub[norm("".join(element.itertext()))] = level
    assert in_pdf.items() <= in_epub.items()
    subheads = {norm(block.text) for section in parse_issue(SAMPLE).sections for block in section.subheads}
    assert subheads and {text: "h3" for text in subheads}.items() <= in_pdf.items()


# ---------------------------------------------------------------- reproducible


def test_two_builds_in_two_processes_give_the_same_bytes(builds):
    for output in (builds.pdf, builds.epub):
        assert output("first").read_bytes() == output("second").read_bytes(), output("first").name


def test_dates_follow_source_date_epoch(builds):
    """The release time is SOURCE_DATE_EPOCH; the PDF was created, as a document, the day it was printed."""
    reader = PdfReader(builds.pdf("archival"))
    document, meta = document_info(reader), xmp_metadata(reader)
    assert (document["/CreationDate"], document["/ModDate"]) == ("D:20231115000000Z", "D:20231116020000Z")
    assert meta.xmp_create_date is not None and meta.xmp_create_date.isoformat() == "2023-11-15T00:00:00"
    assert meta.xmp_modify_date is not None and meta.xmp_modify_date.isoformat() == "2023-11-16T02:00:00"
    for spec in cast(ArrayObject, reader.root_object["/AF"]):
        params = spec.get_object()["/EF"]["/F"].get_object()["/Params"]
        assert params["/CreationDate"] == params["/ModDate"] == "D:20231116020000Z"
    with zipfile.ZipFile(builds.epub("archival")) as book:
        assert {info.date_time for info in book.infolist()} == {(2023, 11, 16, 2, 0, 0)}
        assert modified(book.read("EPUB/content.opf")) == "2023-11-16T02:00:00Z"
    first = document_info(PdfReader(builds.pdf("first")))  # without it, when the sample last changed
    released = release_time(parse_issue(SAMPLE)).strftime("D:%Y%m%d%H%M%SZ")
    assert (first["/CreationDate"], first["/ModDate"]) == ("D:20231115000000Z", released)


# ---------------------------------------------------------------- atomic


@pytest.fixture
def good_outputs(builds, tmp_path) -> Path:
    """A folder holding the sample's good outputs, as an earlier build left them."""
    out = tmp_path / "build"
    out.mkdir()
    for name in OUTPUTS:
        shutil.copy(builds.folder / "first" / "build" / name, out / name)
    return out


def contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def start_changed_build(tmp_path: Path, out: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """``reissue build`` of a copy of the sample with one more sentence, into ``out``."""
    copy = copy_of_sample(tmp_path / "changed", "现场一派繁忙景象。", "现场一派繁忙景象。果农笑逐颜开。")
    return reissue("build", copy, "--out", out, env=env)


def test_a_build_killed_while_it_renders_leaves_the_earlier_outputs(builds, good_outputs, tmp_path):
    before = contents(good_outputs)
    process = start_changed_build(tmp_path, good_outputs)
    time.sleep(2.0)  # past the imports and the plan, inside WeasyPrint's layout (about 3 s)
    assert process.poll() is None, "the build ended before it could be stopped"
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    assert process.returncode in (-signal.SIGTERM, 128 + signal.SIGTERM)
    assert contents(good_outputs) == before


def test_a_build_killed_while_its_outputs_are_staged_leaves_the_earlier_outputs(builds, good_outputs, tmp_path):
    before = contents(good_outputs)
    # a runtime folder with no lasting EPUBCheck JVM in it, and a Java that takes half a minute to start: the
    # build's check waits for it with its outputs staged, so the signal surely comes while they are (with a
    # JVM running, a check takes 0.1 s)
    runtime = Path(tempfile.mkdtemp(prefix="reissue-staged-"))
    slow = tmp_path / "slow-java"
    slow.mkdir()
    (slow / "java").write_text(f'#!/bin/sh\nsleep 30\nexec {shutil.which("java")} "$@"\n')
    (slow / "java").chmod(0o755)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "PATH": f"{slow}{os.pathsep}{os.environ['PATH']}"}
    process = start_changed_build(tmp_path, good_outputs, env=env)
    staged = good_outputs / f".{STEM}.tmp-{process.pid}.pdf"
    deadline = time.monotonic() + 120
    try:
        while not staged.exists():  # rendered and written beside the outputs; now being verified
            assert process.poll() is None and time.monotonic() < deadline, "the build did not stage its PDF"
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
    finally:
        for pid in lasting_jvms(runtime):  # the slow Java, still asleep
            os.kill(pid, signal.SIGKILL)
        shutil.rmtree(runtime)
    assert process.returncode == 128 + signal.SIGTERM
    assert contents(good_outputs) == before  # the staged files are gone, the earlier outputs untouched


def test_a_build_that_fails_verification_keeps_the_earlier_outputs_and_sets_its_own_aside(
    builds, good_outputs, tmp_path, capsys
):
    """A real failure, not a stand-in: U+13000 (an Egyptian hieroglyph) is in no installed font, so the
    PDF draws it as .notdef and verification's font check fails."""
    copy = copy_of_sample(
        tmp_path / "tofu", "确保能源外工业投资保持高速增长态势。", "确保能源外工业投资保持高速增长态势\U00013000。"
    )
    before = contents(good_outputs)
    code, out, err = run(["build", copy, "--out", good_outputs, "--pdf-only"], capsys)
    assert (code, out) == (1, "")
    report = " ".join(err.split())  # the build's report goes to stderr, wrapped to the terminal's width
    assert f"fonts: line {source_line('建立干部包县')}: page " in report and "no font has them" in report
    assert err.splitlines()[-1].startswith(
        f"error: {copy}: the outputs are not faithful to the source; kept as "
        ".failed files beside the previous good ones"
    )
    after = contents(good_outputs)
    failed = after.pop(f"{STEM}.failed.pdf")
    assert after == before
    assert failed.startswith(b"%PDF-") and failed != before[f"{STEM}.pdf"]


# ---------------------------------------------------------------- versions an archive can tell apart

OPF = "{http://www.idpf.org/2007/opf}"
XMP_MM = "{http://ns.adobe.com/xap/1.0/mm/}"
XMP = "{http://ns.adobe.com/xap/1.0/}"
CORRECTION = ("现场一派繁忙景象。", "现场一片繁忙景象。")  # one character


def modified(opf: bytes) -> str:
    """The EPUB's release time: its package's dcterms:modified."""
    root = ElementTree.fromstring(opf)
    [meta] = (m for m in root.iter(f"{OPF}meta") if m.get("property") == "dcterms:modified")
    return text_of(meta)


def epub_of(source: Path) -> tuple[bytes, str, str]:
    """The EPUB of ``source`` (no PDF: its cover is drawn), its identifier and its dcterms:modified."""
    data = make(source, BuildOptions(pdf=False)).files[f"{source.stem}.epub"]
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        opf = book.read("EPUB/content.opf")
    identifier = one(ElementTree.fromstring(opf), f"{OPF}metadata/{{http://purl.org/dc/elements/1.1/}}identifier")
    return data, text_of(identifier), modified(opf)


def commit(folder: Path, when: str) -> None:
    """Commit everything in ``folder`` (a git repository) at ``when``."""
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    for args in (["add", "-A"], ["-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-qm", when]):
        subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True)


def test_a_corrected_rebuild_is_a_new_release_of_the_same_issue(tmp_path, monkeypatch):
    """item 8.14: in a git repository the release time is the last commit that touched the source: a
    rebuild of the same content gives the same bytes, a one-character correction committed later a new
    dcterms:modified under the same identifier; an uncommitted edit, the file's modification time."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    repo = tmp_path / "archive"
    repo.mkdir()
    source = Path(shutil.copy(SAMPLE, repo))
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    commit(repo, "2024-01-02T03:04:05Z")
    first, identifier, released = epub_of(source)
    assert released == "2024-01-02T03:04:05Z"
    assert epub_of(source)[0] == first

    source.write_text(source.read_text(encoding="utf-8").replace(*CORRECTION), encoding="utf-8")
    os.utime(source, (1_706_000_000, 1_706_000_000))  # 2024-01-23T08:53:20Z, not yet committed
    assert epub_of(source)[1:] == (identifier, "2024-01-23T08:53:20Z")
    commit(repo, "2024-02-03T04:05:06Z")
    corrected, same_identifier, released_again = epub_of(source)
    assert (same_identifier, released_again) == (identifier, "2024-02-03T04:05:06Z")
    assert corrected != first


def test_outside_git_the_release_is_the_files_time_and_never_before_the_issue(tmp_path, monkeypatch):
    """item 8.14: outside a repository, the file's modification time; one before the issue's date (a
    file copied without its times) gives the issue's date; SOURCE_DATE_EPOCH comes before both."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    source = Path(shutil.copy(SAMPLE, tmp_path))
    os.utime(source, (1_715_000_000, 1_715_000_000))
    assert epub_of(source)[2] == "2024-05-06T12:53:20Z"
    os.utime(source, (1_600_000_000, 1_600_000_000))  # 2020
    assert epub_of(source)[2] == "2023-11-15T00:00:00Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    os.utime(source, (1_715_000_000, 1_715_000_000))
    assert epub_of(source)[2] == "2023-11-16T02:00:00Z"


def test_the_pdf_names_the_issue_once_and_each_content_apart(builds):
    """item 8.14: the XMP's DocumentID is the issue's (the same for the sample and a corrected copy), its
    InstanceID the content's (different), its MetadataDate the rendition's, agreeing with the Info dict's
    ModDate; the print date stays the issue's."""
    fields = {}
    for name in ("archival", "short"):
        reader = PdfReader(builds.pdf(name))
        descriptions = xmp(reader).iter(f"{RDF}Description")
        values = {child.tag: child.text for d in descriptions for child in d if child.text and child.text.strip()}
        fields[name] = values
        assert values[f"{XMP}MetadataDate"] == values[f"{XMP}ModifyDate"]
        moddate = document_info(reader)["/ModDate"]
        assert moddate == "D:" + values[f"{XMP}ModifyDate"].translate(str.maketrans("", "", "-:T"))
        assert dc_dates(xmp_metadata(reader)) == ["2023-11-15"]
    archival, short = fields["archival"], fields["short"]
    assert archival[f"{XMP_MM}DocumentID"] == short[f"{XMP_MM}DocumentID"] == issue_urn(parse_issue(SAMPLE).masthead)
    assert archival[f"{XMP_MM}InstanceID"] != short[f"{XMP_MM}InstanceID"]
    assert archival[f"{XMP_MM}InstanceID"].startswith("urn:uuid:")


# ---------------------------------------------------------------- accessibility


@pytest.mark.slow
def test_verify_runs_ace_and_fails_an_epub_it_finds_inaccessible(builds, tmp_path, capsys):
    """item 8.12: ``reissue verify`` adds Ace by DAISY when it is installed: the sample's EPUB passes it;
    the same EPUB with its cover image's alt text removed fails, and the finding says why."""
    code, out, _ = run(["verify", SAMPLE, "--epub", builds.epub("first")], capsys)
    assert code == 0 and "checked archive, text, navigation, safety, epubcheck, ace:" in out
    damaged = tmp_path / f"{STEM}.epub"
    with zipfile.ZipFile(builds.epub("first")) as book, zipfile.ZipFile(damaged, "w") as copy:
        for info in book.infolist():
            data = book.read(info)
            copy.writestr(info, re.sub(rb' alt="[^"]*"', b"", data) if info.filename == "EPUB/cover.xhtml" else data)
    code, out, err = run(["verify", SAMPLE, "--epub", damaged], capsys)
    assert code == 1
    assert "ace: critical image-alt cover.xhtml: " in out and "is not faithful (1 finding)" in err
