"""One build of one issue: source path and options in; the PDF and EPUB (and optionally the final
HTML) in the output folder out, verified, written together and atomically.

The stages run in order and each reads only what the one before made: read -> plan -> render
(PDF, then the EPUB with the PDF's front page as its cover) -> verify.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from layout.epub import build_epub
from layout.errors import FitError, OutputError
from layout.identity import release_time
from layout.makeup_map import MAKEUP_NAME, makeup_json
from layout.model import Issue, to_dict
from layout.output import OUT_DIR, failed_path, staged_outputs
from layout.pdf import PrintOptions, front_page_png, render_html, render_pdf
from layout.photos import photo_files
from layout.plan import Plan, pages_filled, plan_issue
from layout.readers import read_issue
from layout.style import Paper, Style, load_style, style_for_language
from layout.verify import epubcheck, verify_epub, verify_pdf

log = logging.getLogger(__name__)

# A PDF/A-3 is the archive's copy: it carries the issue's source and model inside (its associated
# files). Any other PDF carries them only when asked; PDF/A-1 and PDF/A-2 allow no files of these kinds.
ARCHIVAL = ("pdf/a-3",)
NO_ATTACHMENTS = ("pdf/a-1", "pdf/a-2")


@dataclass(frozen=True)
class BuildOptions:
    format: str | None = None  # the issue's format, when not told from its content
    out_dir: Path = OUT_DIR
    style: str | None = None
    paper: str | None = None
    pages: int | None = None
    pdf: bool = True
    epub: bool = True
    html: bool = False
    attach: bool = False  # the source and model inside any PDF, not only an archival one
    printing: PrintOptions = field(default_factory=PrintOptions)


@dataclass(frozen=True)
class Built:
    """What a build made, in memory, before anything is written."""

    issue: Issue
    plan: Plan
    files: dict[str, bytes]  # file name -> content
    seconds: dict[str, float]  # stage -> wall time


def _plan(issue: Issue, style: Style, papers: list[Paper]) -> tuple[Plan, int]:
    """The plan on the first of ``papers`` that holds the issue on its page count (the pages its text fills
    when it names none), and that count; the last paper's ``FitError`` when none does."""
    *smaller, last = papers
    for paper in smaller:
        page_count = issue.page_count or pages_filled(issue, style, paper)
        try:
            return plan_issue(issue, style, paper, page_count), page_count
        except FitError:
            log.info("%s: %d pages of %s do not hold it; trying a larger paper", issue.source, page_count, paper.name)
    page_count = issue.page_count or pages_filled(issue, style, last)
    return plan_issue(issue, style, last, page_count), page_count


def style_of(issue: Issue, options: BuildOptions) -> Style:
    """The style an issue is built in: the one asked for, else the issue's or its paper's, else its language's."""
    return load_style(options.style or issue.settings.style or style_for_language(issue.settings.language))


def make(source: Path, options: BuildOptions) -> Built:
    """Run the stages; nothing is written."""
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
    released = release_time(issue)  # once: it may ask git
    pdf = None
    with style.rendering():  # a broken template of the style is a StyleError naming its file and line
        if options.pdf:
            print_options = replace(options.printing, attachments=_attachments(source, issue, plan, options))
            html = render_html(issue, plan, style, print_options, photos, released)
            if options.html:
                files[f"{stem}.print.html"] = html.encode("utf-8")
            pdf, document = render_pdf(html, issue, style, print_options, released)
            if len(document.pages) != page_count:
                raise FitError(
                    f"the planned {page_count} pages rendered as {len(document.pages)}",
                    path=source,
                    hint="the style's CSS sets sizes the planner does not know of",
                )
            files[f"{stem}.pdf"] = pdf
            lap("pdf")
        if options.epub:
            cover = front_page_png(pdf) if pdf is not None else None
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
    return Built(issue, plan, files, seconds)


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
    reports: list  # verify.Report, one per verified output
    failed: bool  # verification failed: the outputs were set aside as .failed files


def build(source: Path, options: BuildOptions, *, verify: bool = True) -> Result:
    """Make the outputs, verify the finished files, and put them in place together, or, when they are
    not faithful, beside the previous good ones as ``.failed`` files."""
    _check_writable(options.out_dir)  # before the work, not after it; nothing is made until it is done
    if verify and options.epub:
        epubcheck.warm()  # EPUBCheck's JVM warms up on another core while the outputs are made
    built = make(source, options)
    reports = []
    with staged_outputs(options.out_dir) as stage:
        staged = {name: stage.add(name, data) for name, data in built.files.items()}
        if verify:
            started = time.perf_counter()
            # the reports name the file the user will find, not the staged file that was read
            reports = [
                replace(check(built.issue, staged[name]), path=str(options.out_dir / name))
                for name, check in _checks(staged)
            ]
            built.seconds["verify"] = time.perf_counter() - started
        failed = not all(report.ok for report in reports)
        written = stage.set_aside() if failed else stage.commit()
    if failed:  # the reports name the files that were written
        reports = [replace(report, path=str(failed_path(Path(report.path)))) for report in reports]
    return Result(built, written, reports, failed)


def _check_writable(folder: Path) -> None:
    """``folder`` exists as a folder we may write in, or can be made in one."""
    existing = next(p for p in (folder, *folder.parents) if _visible(p))
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(
            f"cannot write the outputs here: {existing} is not a folder reissue may write in",
            path=folder,
            hint="give an --out folder you can write to",
        )


def _visible(path: Path) -> bool:
    """``path`` exists and may be looked at (inside a folder we may not enter, nothing may)."""
    try:
        path.stat()
    except OSError:
        return False
    return True


def _checks(staged: dict[str, Path]):
    for name in staged:
        if name.endswith(".pdf"):
            yield name, verify_pdf
        elif name.endswith(".epub"):
            yield name, verify_epub
