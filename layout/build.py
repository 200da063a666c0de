"""One build of one issue: source path and options in; the PDF and EPUB (and optionally the final
HTML) in the output folder out, verified, written together and atomically.

The stages run in order and each reads only what the one before made: read -> plan -> render
(PDF, then the EPUB with the PDF's front page as its cover) -> verify.
"""

from __future__ import annotations

import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from layout.epub import build_epub
from layout.errors import FitError
from layout.identity import release_time
from layout.inputs import recorded
from layout.makeup_map import MAKEUP_NAME, makeup_json
from layout.model import Issue, to_dict
from layout.options import ARCHIVAL, NO_ATTACHMENTS, BuildOptions
from layout.output import check_writable, failed_path, staged_outputs
from layout.pdf import RenderPdf, front_page_png, render_html, render_pdf
from layout.photos import photo_files
from layout.plan import Plan, largely_blank, plan_filled, plan_issue
from layout.readers import read_issue
from layout.readers.newspaper import language_of
from layout.style import Paper, Style, load_style, style_for_language
from layout.verify import Report, epubcheck, verify_epub, verify_pdf

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Built:
    """What a build made, in memory, before anything is written."""

    issue: Issue
    plan: Plan
    style: str  # the name of the style it was set in
    files: dict[str, bytes]  # file name -> content
    seconds: dict[str, float]  # stage -> wall time
    inputs: tuple[Path, ...] = ()  # the files of the issue's side the build read (``layout.inputs``)


def _plan(issue: Issue, style: Style, papers: list[Paper]) -> tuple[Plan, int]:
    """The plan on the first of ``papers`` that holds the issue on its page count (the pages its text fills
    when it names none: ``plan_filled``), and that count; the last paper's ``FitError`` when none does.
    Pages the plan leaves largely blank are reported."""
    *smaller, last = papers
    for paper in smaller:
        try:
            plan = _plan_on(issue, style, paper)
            break
        except FitError:
            log.info("%s: %s does not hold it on its pages; trying a larger paper", issue.source, paper.name)
    else:
        plan = _plan_on(issue, style, last)
    if blank := largely_blank(plan):
        log.warning(
            "%s: set at %gpt, the fullest its pages allow, the content leaves page(s) %s largely blank; "
            "give fewer pages (--pages) or a smaller paper (--paper)",
            issue.source,
            plan.geometry.body_size,
            ", ".join(map(str, blank)),
        )
    return plan, len(plan.pages)


def _plan_on(issue: Issue, style: Style, paper: Paper) -> Plan:
    if issue.page_count:
        return plan_issue(issue, style, paper, issue.page_count)
    return plan_filled(issue, style, paper)


def style_of(issue: Issue, options: BuildOptions) -> Style:
    """The style an issue is built in: the one asked for, else the issue's or its paper's, else its language's."""
    texts = (block.text for section in issue.sections for block in section.blocks)
    return load_style(
        options.style or issue.settings.style or style_for_language(issue.settings.language, language_of(texts))
    )


def make(
    source: Path, options: BuildOptions, released: datetime | None = None, *, render: RenderPdf = render_pdf
) -> Built:
    """Run the stages; nothing is written. ``released`` is the release time when the caller knows it
    (a cluster's worker builds from a copy of the source, whose history is not there to ask); ``render``
    makes the PDF of the final HTML (a batch worker's makes it in a forked child: ``layout.forked``)."""
    with recorded() as inputs:
        built = _make(source, options, released, render)
    return replace(built, inputs=tuple(sorted(inputs)))


def _make(source: Path, options: BuildOptions, released: datetime | None, render: RenderPdf) -> Built:
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = now - clock
        clock = now

    issue = read_issue(source, format=options.format, page_count=options.pages)
    style = style_of(issue, options)
    papers = style.papers_for(options.paper or issue.settings.paper, issue.settings.page_size)
    photos = photo_files(issue)
    lap("read")
    plan, page_count = _plan(issue, style, papers)
    lap("plan")
    stem = source.stem
    files: dict[str, bytes] = {}
    released = released or release_time(issue)  # once: it may ask git
    pdf = None
    with style.rendering():  # a broken template of the style is a StyleError naming its file and line
        if options.pdf:
            print_options = replace(options.printing, attachments=_attachments(source, issue, plan, options))
            html = render_html(issue, plan, style, print_options, photos, released)
            if options.html:
                files[f"{stem}.print.html"] = html.encode("utf-8")
            pdf, rendered = render(html, issue, style, print_options, released)
            if rendered != page_count:
                raise FitError(
                    f"the planned {page_count} pages rendered as {rendered}",
                    path=source,
                    hint="the style's CSS sets sizes the planner does not know of",
                )
            files[f"{stem}.pdf"] = pdf
            lap("pdf")
        if options.epub:
            cover = front_page_png(pdf, plan.geometry.paper) if pdf is not None else None
            files[f"{stem}.epub"] = build_epub(
                issue,
                page_parts=plan.page_parts(),
                photos=photos,
                page_names=[page.name for page in plan.pages],
                cover_png=cover,
                templates=style.templates,
                body_faces=style.body_faces,
                released=released,
            )
            lap("epub")
    return Built(issue, plan, style.name, files, seconds)


def _attachments(source: Path, issue: Issue, plan: Plan, options: BuildOptions) -> tuple[tuple[str, bytes, str], ...]:
    """The files the PDF carries: the makeup map, which verify measures the pages by (in every variant
    that may embed it), and the issue's source and model in the archive's copy or when asked."""
    variant = options.printing.variant or ""
    if variant.startswith(NO_ATTACHMENTS):
        return ()
    makeup = ((MAKEUP_NAME, makeup_json(plan, issue), "Where each page's modules stand, for reissue verify"),)
    if not (options.attach or variant.startswith(ARCHIVAL)):
        return makeup
    # the model names its source by file name: the same issue built from another folder is the same PDF
    model = to_dict(replace(issue, source=source.name))
    model = json.dumps(model, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    return (
        (source.name, source.read_bytes(), "The issue's source text, as the archive holds it"),
        (f"{source.stem}.model.json", model, "The issue's model, as reissue read it from the source"),
        *makeup,
    )


@dataclass(frozen=True)
class Result:
    built: Built
    written: list[Path]
    reports: list[Report]  # one per verified output
    failed: bool  # verification failed: the outputs were set aside as .failed files


def build(source: Path, options: BuildOptions, *, verify: bool = True) -> Result:
    """Make the outputs, verify the finished files, and put them in place together, or, when they are
    not faithful, beside the previous good ones as ``.failed`` files."""
    check_writable(options.out_dir)  # before the work, not after it; nothing is made until it is done
    if verify and options.epub:
        epubcheck.warm()  # EPUBCheck's JVM warms up on another core while the outputs are made
    built = make(source, options)
    reports = []
    with staged_outputs(options.out_dir) as stage:
        staged = {name: stage.add(name, data) for name, data in built.files.items()}
        if verify:
            reports = verified(built, staged, options.out_dir)
        failed = not all(report.ok for report in reports)
        written = stage.set_aside() if failed else stage.commit()
    if failed:  # the reports name the files that were written
        reports = [replace(report, path=str(failed_path(Path(report.path)))) for report in reports]
    return Result(built, written, reports, failed)


def verified(built: Built, staged: dict[str, Path], folder: Path) -> list[Report]:
    """The reports of verifying the files of ``built``, read where they are staged (file name -> path);
    the reports name them as the user will find them, in ``folder``. The time it took goes in its seconds."""
    started = time.perf_counter()
    # at once, each on a thread of its own: the EPUB's check waits on EPUBCheck's JVM for most of its time,
    # which then checks while the PDF is read, and verification takes the longer of the two, not their sum
    with ThreadPoolExecutor(max_workers=len(staged), thread_name_prefix="verify") as threads:
        checking = [(name, threads.submit(check, built.issue, staged[name])) for name, check in _checks(staged)]
        reports = [replace(report.result(), path=str(folder / name)) for name, report in checking]
    built.seconds["verify"] = time.perf_counter() - started
    return reports


def _checks(staged: dict[str, Path]):
    for name in staged:
        if name.endswith(".pdf"):
            yield name, verify_pdf
        elif name.endswith(".epub"):
            yield name, verify_epub
