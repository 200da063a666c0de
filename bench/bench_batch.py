"""What a whole archive costs: the batch runner (issue 11) against one plain WeasyPrint render per issue.

    .venv/bin/python bench/bench_batch.py [--days 8] [--noop 100]

A script, not a test: it prints figures and asserts nothing. On an archive of dated variants
(``dated_variants.py``: the sample, the NDNP issue, an English test issue; ``--days`` of each) it measures

- per-issue CPU with verification in a batch of one worker (the worker's CPU and its children's, the
  EPUBCheck JVM's included), against a plain render: ``weasyprint.HTML(string=html).write_pdf()`` of
  that issue's final HTML, in a process importing nothing of reissue's, warm. A shared machine's speed
  drifts by a third over minutes, so the renders are measured two ways: *beside* the batch (a process
  rendering the papers' HTML in turns on the other core for as long as a one-worker batch runs, the
  median of each paper's renders but the first), and *alone*, before, between and after the batches
  (best of 2 each time, the median of the three). The ratio is the batch's CPU over the sum of the
  renders of its issues, for all of them and for issue 11's own batch (the sample and the NDNP issue);
- wall time of the batch on 1 and on 2 workers, nothing beside them (``--force``), and the per-issue
  ratio of each against the renders alone;
- the workers' resident memory after each issue (highest, and the last quarter's mean against the first's);
- a second run of ``reissue build`` with nothing changed, on ``--noop`` issues (a separate archive of
  the English issue built without verification), wall time of the whole command.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: bench.dated_variants is imported as the tests import it

from bench.dated_variants import gazette_variant, write_archive  # noqa: E402
from layout.archive.batch import BatchResult, IssueResult, run_batch  # noqa: E402
from layout.archive.pools import LocalPool  # noqa: E402
from layout.archive.sources import find_sources  # noqa: E402
from layout.build import BuildOptions, make  # noqa: E402

REISSUE = Path(sys.executable).parent / "reissue"
# the batch issue 11 aims at: dated variants of the sample and of the NDNP issue
ISSUE_11_PAPERS = {"zhaotong", "ndnp"}


class Silent:
    def begin(self, total: int, skipped: int, workers: int) -> None:
        pass

    def working(self, worker: int, key: str | None) -> None:
        pass

    def finished(self, result: IssueResult) -> None:
        pass


def batch(archive: Path, out: Path, workers: int, *, verify: bool = True) -> tuple[BatchResult, float]:
    sources = find_sources([archive], out)
    started = time.perf_counter()
    options = BuildOptions(out_dir=out)
    result = run_batch(sources, options, lambda n: LocalPool(workers), Silent(), verify=verify, force=True)
    assert not result.failed, [r.message for r in result.of("failed")]
    return result, time.perf_counter() - started


# plain WeasyPrint renders, in a process of their own that imports nothing of reissue's (whose workers
# change how WeasyPrint reads font files and when Python collects garbage): the pages' HTML rendered in turns,
# ROUNDS times (0: until killed), each render's page number and CPU seconds printed as it ends
RENDERS = """
import itertools, sys, time, weasyprint
rounds = int(sys.argv[1])
pages = [(open(html, encoding="utf-8").read(), base) for html, base in zip(sys.argv[2::2], sys.argv[3::2])]
for _ in range(rounds) if rounds else itertools.count():
    for number, (html, base) in enumerate(pages):
        started = time.process_time()
        weasyprint.HTML(string=html, base_url=base).write_pdf()
        print(number, time.process_time() - started, flush=True)
"""


def _renders(pages: dict[str, tuple[Path, Path]], rounds: int) -> subprocess.Popen[str]:
    arguments = [str(path) for html, base in pages.values() for path in (html, base)]
    return subprocess.Popen([sys.executable, "-c", RENDERS, str(rounds), *arguments], stdout=subprocess.PIPE, text=True)


def _times(pages: dict[str, tuple[Path, Path]], said: str) -> dict[str, list[float]]:
    """Each paper's render times as the renderer printed them, the first (which warms its fonts) left out
    when there are more."""
    papers = list(pages)
    times: dict[str, list[float]] = {paper: [] for paper in papers}
    for line in said.splitlines():
        number, seconds = line.split()
        times[papers[int(number)]].append(float(seconds))
    return {paper: found[len(found) > 1 :] for paper, found in times.items()}


def final_html(sources: dict[str, Path], folder: Path) -> dict[str, tuple[Path, Path]]:
    """Each paper's final HTML, written in ``folder``, and the folder its links are relative to."""
    pages = {}
    for paper, source in sources.items():
        html = make(source, BuildOptions(html=True, epub=False)).files[f"{source.stem}.print.html"]
        pages[paper] = (folder / f"{paper}.html", source.parent)
        pages[paper][0].write_bytes(html)
    return pages


def renders_alone(pages: dict[str, tuple[Path, Path]]) -> dict[str, float]:
    """CPU seconds of a plain render of each paper's HTML, warm, best of 2, the machine otherwise idle."""
    said, _ = _renders(pages, 3).communicate()
    return {paper: min(found) for paper, found in _times(pages, said).items()}


@contextmanager
def renders_beside(pages: dict[str, tuple[Path, Path]]) -> Iterator[dict[str, list[float]]]:
    """The CPU seconds of each plain render of the papers' HTML, made in turns while the block runs (the
    first of each paper, which warms its fonts, left out when there are more)."""
    renderer = _renders(pages, 0)
    times: dict[str, list[float]] = {}
    try:
        yield times
    finally:
        renderer.kill()
        said, _ = renderer.communicate()
    times.update(_times(pages, said))


def paper_of(key: str) -> str:
    return key.split("/")[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=8)
    parser.add_argument("--noop", type=int, default=100)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as folder:
        root = Path(folder)
        archive = root / "in"
        issues = write_archive(archive, arguments.days, broken=False)
        print(f"archive: {len(issues)} issues ({arguments.days} days of 3 papers)")

        first_issues = {paper_of(str(path.relative_to(archive))): path for path in reversed(issues)}
        pages = final_html(first_issues, root)
        alone = [renders_alone(pages)]
        with renders_beside(pages) as beside:
            measured, _ = batch(archive, root / "out", 1)
        alone.append(renders_alone(pages))
        one, wall_one = batch(archive, root / "out", 1)
        two, wall_two = batch(archive, root / "out", 2)
        alone.append(renders_alone(pages))
        print("\nper-issue CPU with verification, 1 worker, against a plain render of the issue's HTML")
        print("beside it (median; how many) and alone (before, between and after the batches; median):")
        print(
            f"{'paper':10} {'batch CPU':>10} {'beside':>12} {'ratio':>6}   {'batch CPU':>10} {'alone':>25} {'ratio':>6}"
        )
        renders_beside_it = {paper: statistics.median(beside[paper]) for paper in pages}
        renders_alone_it = {paper: statistics.median(turn[paper] for turn in alone) for paper in pages}
        for paper in pages:
            near = statistics.mean(r.cpu for r in measured.results if paper_of(r.key) == paper)
            far = statistics.mean(r.cpu for r in one.results if paper_of(r.key) == paper)
            render_near, render_far = renders_beside_it[paper], renders_alone_it[paper]
            turns = "/".join(f"{turn[paper]:.2f}" for turn in alone) + f" {render_far:.2f}s"
            print(
                f"{paper:10} {near:9.2f}s {render_near:6.2f}s ({len(beside[paper]):2}) {near / render_near:6.2f}   "
                f"{far:9.2f}s {turns:>25} {far / render_far:6.2f}"
            )
        print()
        for label, papers in (("all", set(pages)), ("issue 11", ISSUE_11_PAPERS)):
            for how, result, renders in (
                ("1 worker, renders beside", measured, renders_beside_it),
                ("1 worker, renders alone", one, renders_alone_it),
                ("2 workers, renders alone", two, renders_alone_it),
            ):
                results = [r for r in result.results if paper_of(r.key) in papers]
                cpu, render = sum(r.cpu for r in results), sum(renders[paper_of(r.key)] for r in results)
                print(f"{label:8} {how:25} {cpu:6.1f}s / {render:5.1f}s = {cpu / render:.2f}")
        print(f"\nwall: 1 worker {wall_one:.1f} s, 2 workers {wall_two:.1f} s: speed-up {wall_one / wall_two:.2f}")
        for label, result in (("1 worker", one), ("2 workers", two)):
            memory = [r.memory / 1e6 for r in result.results]
            peak = max(r.peak_memory for r in result.results) / 1e6
            quarter = max(1, len(memory) // 4)
            first, last = statistics.mean(memory[:quarter]), statistics.mean(memory[-quarter:])
            quarters = f"after each issue, quarters: first {first:.0f}, last {last:.0f}"
            print(f"worker memory, {label}: peak {peak:.0f} MB; {quarters}")

        noop = root / "noop"
        for offset in range(arguments.noop):
            gazette_variant(noop, offset)
        batch(noop, root / "noop-out", 2, verify=False)
        command = [str(REISSUE), "build", str(noop), "--out", str(root / "noop-out")]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        print(f"\nsecond run, nothing changed, {arguments.noop} issues: {time.perf_counter() - started:.2f} s")
        print(done.stderr.strip().splitlines()[0])


if __name__ == "__main__":
    main()
