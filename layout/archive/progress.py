"""What the user sees of a batch: on a terminal, a progress bar (issues done of all, pages per second,
elapsed and remaining time) and a line per worker naming the issue it is on; elsewhere (a log, a pipe)
one plain line per finished issue. Then the summary: what was built, skipped and failed, with each
failure's one line, the warnings, and the slowest issues.
"""

from __future__ import annotations

from rich.console import Console, RenderableType
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from layout.archive.batch import BatchResult, IssueResult

SLOWEST = 5


class _PagesPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0
        pages = task.fields.get("pages", 0)
        return Text(f"{pages / elapsed:.1f} pages/s" if elapsed and pages else "", style="progress.data.speed")


class _ForTheBatch(ProgressColumn):
    """A column shown on the batch's line only; a worker's line is just its text."""

    def __init__(self, column: ProgressColumn) -> None:
        super().__init__()
        self.column = column

    def render(self, task: Task) -> RenderableType:
        return Text("") if task.fields.get("worker") else self.column.render(task)


class BatchDisplay:
    """Progress on ``console``: live when it is a terminal, a line per issue otherwise."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.live = console.is_terminal
        columns = (BarColumn(), MofNCompleteColumn(), _PagesPerSecond(), TimeElapsedColumn(), TimeRemainingColumn())
        self.progress = Progress(
            TextColumn("{task.description}"),
            *(_ForTheBatch(column) for column in columns),
            console=console,
            transient=True,
        )
        self.total = TaskID(0)
        self.workers: dict[int, TaskID] = {}  # slot -> its line's task

    def __enter__(self) -> BatchDisplay:
        if self.live:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live:
            self.progress.stop()

    def begin(self, total: int, skipped: int, workers: int) -> None:
        if skipped:
            self.console.print(f"{skipped} issue{'s' if skipped != 1 else ''} up to date, skipped")
        if not self.live or not total:
            return
        self.total = self.progress.add_task("building", total=total, pages=0)
        for slot in range(1, workers + 1):
            self.workers[slot] = self.progress.add_task(f"  worker {slot}", total=None, start=False, worker=True)

    def working(self, worker: int, key: str | None) -> None:
        if self.live and worker in self.workers:
            self.progress.update(self.workers[worker], description=f"  worker {worker}: {escape(key or 'idle')}")

    def finished(self, result: IssueResult) -> None:
        if self.live:
            pages = self.progress.tasks[self.total].fields["pages"] + result.pages
            self.progress.update(self.total, advance=1, pages=pages)
            if result.status == "failed":
                self.progress.console.print(f"[red]failed[/] {escape(result.message or result.key)}", soft_wrap=True)
        else:
            self.console.print(_line(result), soft_wrap=True, highlight=False)


def _line(result: IssueResult) -> str:
    if result.status == "failed":
        return f"failed {escape(result.message or result.key)}"
    pages = f"{result.pages} pages " if result.pages else ""
    return f"{result.status} {escape(result.key)}: {pages}in {result.seconds:.1f} s"


def summary(result: BatchResult) -> Table:
    """The batch's summary table: issues by status, warnings, pages built, time."""
    table = Table(title="interrupted: what was done" if result.interrupted else None, show_header=True)
    counts = result.counts()
    figures = {
        **counts,
        "warnings": sum(len(r.warnings) for r in result.results),
        "pages built": sum(r.pages for r in result.of("built")),
        "seconds": f"{result.seconds:.1f}",
    }
    if "built" not in counts:
        del figures["pages built"]
    for column in figures:
        table.add_column(column, justify="right")
    table.add_row(*(str(value) for value in figures.values()))
    return table


def details(result: BatchResult) -> list[str]:
    """Lines under the table: each failure, each warning, the slowest issues."""
    lines = [f"[red]failed[/] {escape(r.message or r.key)}" for r in result.of("failed")]
    lines += [f"[yellow]warning[/] {escape(w)}" for r in result.results for w in r.warnings]
    done = [r for r in result.results if r.status in ("built", "verified")]
    slowest = sorted(done, key=lambda r: r.seconds, reverse=True)[:SLOWEST]
    if slowest:
        lines.append("slowest: " + ", ".join(f"{escape(r.key)} {r.seconds:.1f} s" for r in slowest))
    return lines
