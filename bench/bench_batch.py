"""What a whole archive costs: the batch runner (issue 11) against one plain WeasyPrint render per issue.

    .venv/bin/python bench/bench_batch.py [--days 8] [--noop 100]

A script, not a test: it prints figures and asserts nothing. On an archive of dated variants
(``dated_variants.py``: the sample, the NDNP issue, an English test issue; ``--days`` of each) it measures

- per-issue CPU with verification in a batch of one worker (the worker's CPU and its children's, the
  EPUBCheck JVM's included), against a plain render: ``weasyprint.HTML(string=html).write_pdf()`` of
  that issue's final HTML, in a process importing nothing of reissue's, warm, best of 2, measured before
  the batches, between them and after them, the median of the three taken (a shared machine's speed
  drifts over the minutes between); the ratio is the batch's CPU over the sum of the renders of its
  issues, for all of them and for issue 11's own batch (the sample and the NDNP issue), of one worker
  and of each of two;
- wall time of the same batch on 1 and on 2 workers (``--force``);
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


# one plain WeasyPrint render, in a process of its own that imports nothing of reissue's (whose workers
# change how WeasyPrint reads font files and when Python collects garbage): CPU seconds, warm, best of 2
PLAIN_RENDER = """
import sys, time, weasyprint
html = open(sys.argv[1], encoding="utf-8").read()
times = []
for _ in range(3):  # the first warms the fonts
    started = time.process_time()
    weasyprint.HTML(string=html, base_url=sys.argv[2]).write_pdf()
    times.append(time.process_time() - started)
print(min(times[1:]))
"""


def plain_render_cpu(source: Path) -> float:
    """CPU seconds of one plain WeasyPrint render of the issue's final HTML (warm, best of 2)."""
    html = make(source, BuildOptions(html=True, epub=False)).files[f"{source.stem}.print.html"]
    with tempfile.NamedTemporaryFile(suffix=".html") as file:
        file.write(html)
        file.flush()
        command = [sys.executable, "-c", PLAIN_RENDER, file.name, str(source.parent)]
        return float(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


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
        measured = [{paper: plain_render_cpu(path) for paper, path in first_issues.items()}]
        one, wall_one = batch(archive, root / "out", 1)
        measured.append({paper: plain_render_cpu(path) for paper, path in first_issues.items()})
        two, wall_two = batch(archive, root / "out", 2)
        measured.append({paper: plain_render_cpu(path) for paper, path in first_issues.items()})
        renders = {paper: statistics.median(m[paper] for m in measured) for paper in first_issues}
        print("\nper-issue CPU with verification, 1 worker, against a plain render of the issue's HTML")
        print("(the render: before the batches, between them, after them; their median):")
        print(f"{'paper':13} {'issues':>6} {'batch CPU':>10} {'render CPU':>25} {'ratio':>6}")
        for paper, render in renders.items():
            cpus = [r.cpu for r in one.results if paper_of(r.key) == paper]
            mean = statistics.mean(cpus)
            turns = "/".join(f"{m[paper]:.2f}" for m in measured) + f" {render:.2f}s"
            print(f"{paper:13} {len(cpus):6} {mean:9.2f}s {turns:>25} {mean / render:6.2f}")
        for label, papers in (("all", set(renders)), ("issue 11", ISSUE_11_PAPERS)):
            for workers, result in (("1 worker", one), ("2 workers", two)):
                results = [r for r in result.results if paper_of(r.key) in papers]
                total_cpu = sum(r.cpu for r in results)
                total_render = sum(renders[paper_of(r.key)] for r in results)
                ratio = total_cpu / total_render
                print(f"{label:13} {workers:>9} {total_cpu:6.1f}s {total_render:24.1f}s {ratio:6.2f}")
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
