"""The ``reissue`` command: the only place where the engine's errors become messages and exit codes.

In: the command line. Out: files under ``--out`` and a report on the terminal; exit status 0 when
all went well, 1 when a build or check found the outputs unfaithful, 2 for bad input.
"""

from __future__ import annotations

import atexit
import gc
import itertools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from layout.errors import ReissueError, quoted, shortened
from layout.model import MAX_PAGES
from layout.options import BuildOptions
from layout.output import OUT_DIR
from layout.readers import format_names

if TYPE_CHECKING:
    from layout.archive.batch import BatchResult

console = Console(stderr=True, highlight=False, emoji=False)  # a path with :smile: in it is a path

ISSUE = click.argument("issue", type=click.Path(path_type=Path, dir_okay=False))
FORMAT = click.option(
    "--format",
    type=click.Choice(format_names()),
    help="Read the issues in this format (default: the one their content is in).",
)


OUT = click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=OUT_DIR,
    show_default=True,
    help="Folder for the outputs.",
)
JOBS = click.option(
    "--jobs",
    type=click.IntRange(1),
    help="Issues worked on at once, each by a worker process (default: the machine's cores).",
)
REPORT = click.option(
    "--report",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the whole result of a batch to this JSON file.",
)
DASK = click.option(
    "--dask", "dask_address", metavar="ADDRESS", help="Work on the Dask cluster whose scheduler is here."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reissue")
def cli() -> None:
    """Lay out newspaper issues as print PDFs and EPUBs, and prove them faithful."""


@cli.command()
@ISSUE
@FORMAT
@click.option("--json", "as_json", is_flag=True, help="Print the model as JSON.")
@click.option("--keep-punctuation", is_flag=True, help="Keep half-width punctuation in Chinese text as it is.")
def inspect(issue: Path, format: str | None, as_json: bool, keep_punctuation: bool) -> None:
    """Print the model the reader of its format reads from ISSUE, with the repairs it made."""
    from layout.inspect_view import tree_lines
    from layout.model import to_dict
    from layout.readers import find_paper_file, read_issue, reader_for

    reader = reader_for(issue, format)
    model = read_issue(issue, format=reader.name, normalize_punctuation=False if keep_punctuation else None)
    paper = find_paper_file(issue)
    out = sys.stdout
    if as_json:  # written as it is encoded: the whole text of a large issue would be many times the source
        about = {"reader": reader.name, "paper_settings": str(paper) if paper else None}
        json.dump({**about, **to_dict(model)}, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        terminal = Console(file=out, highlight=False)
        read_by = Text(f"read by the {reader.name} reader ({reader.description})", "dim")
        settings = Text(f"paper settings: {paper if paper else 'none (no paper.yaml)'}", "dim")
        lines = itertools.chain([read_by, settings], tree_lines(model))
        while batch := list(itertools.islice(lines, 500)):  # rich renders each print whole before writing it
            terminal.print(Text("\n").join(batch), soft_wrap=True)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@FORMAT
@click.option("--pdf", type=click.Path(path_type=Path, dir_okay=False), help="The PDF to check (of one issue).")
@click.option("--epub", type=click.Path(path_type=Path, dir_okay=False), help="The EPUB to check (of one issue).")
@click.option("--json", "as_json", is_flag=True, help="Print the reports of one issue as JSON.")
@OUT
@JOBS
@REPORT
@DASK
def verify(
    paths: tuple[Path, ...],
    format: str | None,
    pdf: Path | None,
    epub: Path | None,
    as_json: bool,
    out_dir: Path,
    jobs: int | None,
    report: Path | None,
    dask_address: str | None,
) -> None:
    """Prove the built PDF and EPUB of each issue of PATHS faithful to its text (by default <out>/<name>.pdf
    and .epub); for folders, as `build` built them, noting each result in the catalogue."""
    if len(paths) == 1 and not paths[0].is_dir() and not (jobs or report or dask_address):
        _verify_one(paths[0], format, pdf, epub, as_json, out_dir)
        return
    if pdf or epub or as_json:
        raise click.UsageError("--pdf, --epub and --json are for one issue; give --report for a batch's result")
    from layout.archive.batch import run_checks

    _batch(
        paths,
        out_dir,
        lambda sources, workers_for, display: run_checks(sources, out_dir, format, workers_for, display),
        jobs=jobs,
        report=report,
        dask=dask_address,
    )


def _verify_one(issue: Path, format: str | None, pdf: Path | None, epub: Path | None, as_json: bool, out_dir: Path):
    from layout.errors import OutputError, VerificationFailed
    from layout.readers import read_issue
    from layout.verify import count, epubcheck, render_reports, report_dict, verify_epub, verify_pdf

    epubcheck.last_between_commands()  # the next command checks with this one's EPUBCheck JVM, started once

    model = read_issue(issue, format=format)
    if pdf is None and epub is None:
        built = [out_dir / f"{issue.stem}{suffix}" for suffix in (".pdf", ".epub")]
        pdf, epub = (path if path.exists() else None for path in built)
        if pdf is None and epub is None:
            raise OutputError(
                f"no {out_dir}/{issue.stem}.pdf or {out_dir}/{issue.stem}.epub",
                path=issue,
                hint="run `reissue build` first, or give --pdf / --epub",
            )
    reports = [verify_pdf(model, pdf)] if pdf else []
    if epub:  # with Ace's accessibility check, which a build's own verification leaves out for its time
        reports.append(verify_epub(model, epub, accessibility=True))
    if as_json:
        click.echo(json.dumps([report_dict(r) for r in reports], ensure_ascii=False, indent=2))
    else:
        Console(highlight=False).print(render_reports(reports), soft_wrap=True)
    failed = [r for r in reports if not r.ok]
    if failed:
        summary = " and ".join(f"{r.path} is not faithful ({count(len(r.findings), 'finding')})" for r in failed)
        raise VerificationFailed(summary, path=issue, hint="the findings above say what is missing or wrong, and where")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@FORMAT
@OUT
@click.option(
    "--style", help="Style folder under styles/ (default: the issue's or its paper's, else the style of its language)."
)
@click.option(
    "--paper",
    help="Paper preset: a4, a3, tabloid, berliner, broadsheet, blanket "
    "(default: the issue's, the source's own page size, else the style's, or the first larger that holds the issue).",
)
@click.option("--pages", type=click.IntRange(1, MAX_PAGES), help="Page count (default: the masthead's, else 4).")
@click.option("--pdf-only", is_flag=True, help="Build only the print PDF.")
@click.option("--epub-only", is_flag=True, help="Build only the EPUB (its cover is made from the masthead).")
@click.option("--html", is_flag=True, help="Also write <name>.print.html, the final HTML of the print edition.")
@click.option(
    "--bleed",
    callback=lambda ctx, param, value: _length(value),
    help="Bleed around each page for the printer, e.g. 3mm.",
)
@click.option("--marks", is_flag=True, help="Crop and registration marks (with --bleed).")
@click.option(
    "--pdf-variant",
    type=click.Choice(["pdf/a-3b", "pdf/a-3u", "pdf/ua-1", "pdf/a-2b"]),
    help="Archival or accessible PDF variant.",
)
@click.option("--archival", is_flag=True, help="PDF/A-3b, tagged, with the source and model inside.")
@click.option("--attach", is_flag=True, help="The source and model inside the PDF, as an archival PDF has them.")
@click.option("--no-verify", is_flag=True, help="Skip proving the outputs faithful.")
@JOBS
@click.option("--force", is_flag=True, help="Build every issue, also those whose last build still stands.")
@REPORT
@DASK
def build(
    paths: tuple[Path, ...],
    format: str | None,
    out_dir: Path,
    style: str | None,
    paper: str | None,
    pages: int | None,
    pdf_only: bool,
    epub_only: bool,
    html: bool,
    bleed: str | None,
    marks: bool,
    pdf_variant: str | None,
    archival: bool,
    attach: bool,
    no_verify: bool,
    jobs: int | None,
    force: bool,
    report: Path | None,
    dask_address: str | None,
) -> None:
    """Lay out each issue of PATHS as a print PDF and an EPUB in --out, and prove both faithful.

    A PATH is an issue's source, or a folder whose issues are built (see the README), their outputs
    under --out as the folder holds them, with build/catalog.sqlite saying what was built from what:
    an issue whose last good build still stands is skipped."""
    from layout.options import NO_ATTACHMENTS, PrintOptions

    if pdf_only and epub_only:
        raise click.UsageError("--pdf-only and --epub-only exclude each other")
    if attach and not archival and pdf_variant and pdf_variant.startswith(NO_ATTACHMENTS):
        raise click.UsageError(f"a {pdf_variant} may embed only PDF/A files: --attach needs another variant")
    options = BuildOptions(
        format=format,
        out_dir=out_dir,
        style=style,
        paper=paper,
        pages=pages,
        pdf=not epub_only,
        epub=not pdf_only,
        html=html,
        attach=attach,
        printing=PrintOptions(bleed=bleed, marks=marks, variant="pdf/a-3b" if archival else pdf_variant),
    )
    one_issue = len(paths) == 1 and not paths[0].is_dir()
    if one_issue and not (jobs or force or report or dask_address):
        _build_one(paths[0], options, verify=not no_verify)
    else:
        from layout.archive.batch import run_batch

        _batch(
            paths,
            out_dir,
            lambda sources, workers_for, display: run_batch(
                sources, options, workers_for, display, verify=not no_verify, force=force
            ),
            jobs=jobs,
            report=report,
            dask=dask_address,
        )


def _build_one(issue: Path, options: BuildOptions, *, verify: bool) -> None:
    from layout import build as building
    from layout.errors import VerificationFailed
    from layout.verify import epubcheck, render_reports

    epubcheck.last_between_commands()  # the next command checks with this one's EPUBCheck JVM, started once

    # paths are the user's text: a folder named x[/]y must print as itself, not as rich markup
    with console.status(f"building {escape(str(issue))} …", spinner="dots"):
        result = building.build(issue, options, verify=verify)
    geometry, pages = result.built.plan.geometry, len(result.built.plan.pages)
    console.print(
        f"{escape(str(issue))}: {pages} page{'s' if pages != 1 else ''} of {geometry.paper.name}, "
        f"{geometry.columns} columns, body {geometry.body_size:g}pt"
    )
    if result.reports:
        console.print(render_reports(result.reports), soft_wrap=True)
    for path in result.written:
        console.print(f"  wrote {escape(str(path))}")
    if result.failed:
        raise VerificationFailed(
            "the outputs are not faithful to the source; kept as .failed files beside the previous good ones",
            path=issue,
            hint="read the findings above",
        )


def _batch(
    paths: tuple[Path, ...],
    out_dir: Path,
    run: Callable[..., BatchResult],
    *,
    jobs: int | None,
    report: Path | None,
    dask: str | None,
) -> None:
    """A batch over the issues under ``paths``: ``run(sources, workers_for, display)`` does the work; then
    the summary; exit status 1 when an issue failed, 130 when it was interrupted."""
    import os

    from layout.archive.batch import report_dict
    from layout.archive.progress import BatchDisplay, details, summary
    from layout.archive.sources import find_sources

    def workers_for(count: int):
        if dask:
            from layout.archive.pools import DaskPool

            return DaskPool(dask)
        from layout.archive.pools import LocalPool

        return LocalPool(min(count, jobs or os.cpu_count() or 1))

    sources = find_sources(paths, out_dir)
    with BatchDisplay(console) as display:
        result = run(sources, workers_for, display)
    console.print(summary(result))
    for line in details(result):
        console.print(line, soft_wrap=True, highlight=False)
    if report is not None:
        report.write_text(json.dumps(report_dict(result), ensure_ascii=False, indent=1), encoding="utf-8")
    if result.interrupted:
        sys.exit(130)
    if result.failed:
        sys.exit(1)


@cli.command()
@click.argument("build_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option(
    "--base-url",
    required=True,
    callback=lambda ctx, param, value: _base_url(value),
    help="Where the site will be served from (https://example.org/news/): feeds and records link by it.",
)
@click.option(
    "--out", "site_dir", type=click.Path(path_type=Path, file_okay=False), required=True, help="Folder for the site."
)
def catalog(build_dir: Path, base_url: str, site_dir: Path) -> None:
    """Write a catalogue site of the issues built in BUILD_DIR (by reissue build) and of its volumes (by reissue
    volume): web pages for readers, OPDS feeds for reading apps, and MARC 21 and MODS records for library systems."""
    from layout.archive.catalog import CATALOG_NAME, Catalog
    from layout.catalog.opds import write_feeds
    from layout.catalog.records import write_records
    from layout.catalog.site import write_site
    from layout.catalog.volume_files import volumes_as_recorded
    from layout.errors import OutputError

    if not (build_dir / CATALOG_NAME).is_file():
        raise OutputError(
            f"no {CATALOG_NAME} here: not a folder reissue build wrote", path=build_dir, hint="run reissue build first"
        )
    with Catalog(build_dir) as opened:
        entries = list(opened.entries())
        volumes = volumes_as_recorded(opened.volumes())
    if not any(entry.good for entry in entries):
        raise OutputError("no issue here was built", path=build_dir / CATALOG_NAME, hint="run reissue build first")
    written = write_site(entries, build_dir, site_dir, base_url, volumes)
    written += write_feeds(entries, build_dir, site_dir, base_url, volumes=volumes)
    written += write_records(entries, build_dir, site_dir, base_url, volumes)
    console.print(f"wrote {len(written)} files of the web catalogue, feeds and records in {escape(str(site_dir))}")


def _base_url(value: str) -> str:
    """The site's absolute address, which every feed and record links by."""
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"{quoted(value)} is not an absolute http(s) address; write e.g. https://example.org/")
    return value


@cli.command()
@click.argument("build_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--from", "date_from", required=True, metavar="YYYY-MM-DD", help="The first day of the volume.")
@click.option("--to", "date_to", required=True, metavar="YYYY-MM-DD", help="The last day of the volume.")
@click.option("--paper", help="The paper's title or slug (needed when the range holds issues of several papers).")
@click.option(
    "--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False), help="Folder for the volume."
)
def volume(build_dir: Path, date_from: str, date_to: str, paper: str | None, out_dir: Path) -> None:
    """Bind the issues that BUILD_DIR holds from one day to another into one EPUB, and record it in its catalogue."""
    from layout.catalog.volume import make_volume

    made = make_volume(build_dir, out_dir, date_from, date_to, paper)
    issues = len(made.row.issues)
    console.print(f"{escape(made.row.title)}: {issues} issue{'s' if issues != 1 else ''}, {made.row.size / 1e6:.1f} MB")
    console.print(f"  wrote {escape(str(made.path))}", soft_wrap=True)


def _length(value: str | None) -> str | None:
    """A CSS length the printer's bleed can be (3mm, 0.125in, 9pt), checked before anything is laid out."""
    from layout.errors import StyleError
    from layout.style import to_pt

    if value is None:
        return None
    try:
        to_pt(value)
    except StyleError:
        raise click.BadParameter(f"{quoted(value)} is not a length; write e.g. 3mm, 0.125in or 9pt") from None
    return value


@cli.command()
@click.argument("site", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free one).")
def serve(site: Path, port: int) -> None:
    """Serve the catalogue SITE (reissue catalog ... --out SITE) on 127.0.0.1 until Ctrl-C."""
    from layout.catalog.serve import serve as serve_site

    serve_site(
        site,
        port,
        ready=lambda address: console.print(f"serving {escape(str(site))} at {address} (Ctrl-C stops)", soft_wrap=True),
    )


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; a ``ReissueError`` becomes one line on stderr and its exit code, never a traceback."""
    _show_warnings()
    # what the command made is left to the system at exit: Python's last collection would walk all of it
    # first (0.15 s of a build's CPU). Run last of the exit's work, so after everything else's clean-up;
    # registered once, however often one process runs commands (the tests run many)
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    try:
        status = cli.main(args=argv, prog_name="reissue", standalone_mode=False)
    except ReissueError as error:
        console.print(f"[bold red]error:[/] {escape(str(error))}", soft_wrap=True)
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        console.print("aborted")
        sys.exit(130)
    except click.ClickException as error:  # a mistyped command line: one line too, with what to do
        console.print(
            f"[bold red]error:[/] {escape(shortened(error.format_message().rstrip('.')))} (see reissue --help)",
            soft_wrap=True,
        )
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    sys.exit(status if isinstance(status, int) else 0)


def _show_warnings() -> None:
    """The engine's warnings (a photo without its image, say) as one line each on stderr."""
    import logging

    class OneLine(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            console.print(f"[yellow]warning:[/] {escape(shortened(record.getMessage()))}", soft_wrap=True)

    logging.basicConfig(level=logging.WARNING, handlers=[OneLine()])
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
