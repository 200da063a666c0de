"""What verify found and how it is told: each check's problems (``Finding``) -> a ``Report`` per file,
rendered for the terminal (``render_reports``) or as JSON (``report_dict``, for ``--json``).

A report is ``ok`` when its file has no findings; its ``stats`` are the figures checked (units of text,
pages, fonts, EPUBCheck's messages...); a PDF's report has its pages' makeup measured (``PageMakeup``),
or a note saying why it was not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text


@dataclass(frozen=True)
class Finding:
    """One problem, in one line; ``source_line`` when it is about the source's text."""

    check: str
    message: str
    source_line: int | None = None


@dataclass(frozen=True)
class PageMakeup:
    """One page's makeup as measured (``verify.makeup``)."""

    number: int
    ink: float  # share of the page inked
    white: float  # share of the page's modules' columns left white below their text
    emptiest: float  # the same share of the page's emptiest module
    spread: int  # short stories set across more than two columns
    tombstones: int  # pairs of headlines side by side or one under another with nothing between


@dataclass(frozen=True)
class Report:
    target: str  # "pdf" or "epub"
    path: str
    checks: tuple[str, ...]
    findings: tuple[Finding, ...]
    stats: dict = field(default_factory=dict)
    makeup: tuple[PageMakeup, ...] = ()
    notes: tuple[str, ...] = ()  # what was not checked, and why

    @property
    def ok(self) -> bool:
        return not self.findings


SHOWN = 20  # findings printed per report; --json gives all


def report_dict(report: Report) -> dict:
    """The JSON form of a report, as ``reissue verify --json`` prints it."""
    return {
        "target": report.target,
        "path": report.path,
        "ok": report.ok,
        "checks": list(report.checks),
        "findings": [{"check": f.check, "message": f.message, "source_line": f.source_line} for f in report.findings],
        "stats": report.stats,
        "makeup": [vars(page) for page in report.makeup],
        "notes": list(report.notes),
    }


def render_reports(reports: list[Report]) -> Text:
    """A short terminal report: per file, ok or its problems, and the figures checked."""
    out = Text()
    for report in reports:
        verdict = (
            ("ok", "bold green") if report.ok else (f"FAILS ({count(len(report.findings), 'finding')})", "bold red")
        )
        out.append(f"{report.target} ", style="bold").append(verdict[0], style=verdict[1])
        out.append(f"  {report.path}\n")
        figures = ", ".join(_figure(name, value) for name, value in report.stats.items())
        out.append(f"  checked {', '.join(report.checks)}: {figures}\n", style="dim")
        for page in report.makeup:
            out.append(f"  {page_line(page)}\n", style="dim")
        for note in report.notes:
            out.append(f"  {note}\n", style="dim")
        for finding in report.findings[:SHOWN]:
            out.append(f"  {finding.check}: ", style="yellow").append(f"{finding.message}\n")
        if len(report.findings) > SHOWN:
            out.append(f"  … and {len(report.findings) - SHOWN} more (--json lists them all)\n")
    out.rstrip()
    return out


def page_line(page: PageMakeup) -> str:
    """'page 1: ink 0.42, white in modules 3% (emptiest 9%), 0 short stories spread wide, 1 tombstone'."""
    stories = "story" if page.spread == 1 else "stories"
    return (
        f"page {page.number}: ink {page.ink:.2f}, white in modules {page.white:.0%} "
        f"(emptiest {page.emptiest:.0%}), {page.spread} short {stories} spread wide, "
        f"{count(page.tombstones, 'tombstone')}"
    )


def _figure(name: str, value: object) -> str:
    """'4 pages', '4 fonts' (a list counted), 'ink 0.42/0.37' (a list of shares)."""
    label = name.replace("_", " ")
    if isinstance(value, list) and value and all(isinstance(v, float) for v in value):
        return f"{label} {'/'.join(f'{v:.2f}' for v in value)}"
    return f"{len(value) if isinstance(value, list) else value} {label}"


def count(n: int, noun: str) -> str:
    """'1 finding', '3 findings'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
