"""What planning costs on busy pages: issues in, the CPU time of the build's planning of each out.

    .venv/bin/python bench/bench_plan.py [ISSUE ...]   # default: the sample and issue 10's day fixtures

A script, not a test: it prints a table and asserts nothing. For each issue it runs the build's planning
(``layout.build._plan``: the papers from smaller to larger, on each the style's grids and then its dense
preset's, every grid tried a flow of page makeups) in this process, after one warm-up plan of the sample
(fonts and the typesetter's tables loaded), and prints its CPU time (``time.process_time``, which a busy
machine disturbs less than wall time), how many page makeups it ran and the plan it chose.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import layout.plan  # noqa: E402
from layout.build import _plan, style_of  # noqa: E402
from layout.options import BuildOptions  # noqa: E402
from layout.readers import read_issue  # noqa: E402

SAMPLE = ROOT / "issues" / "zhaotong-2023-11-15.md"
DAYS = ROOT / "tests" / "issues" / "days"
FIXTURES = [
    SAMPLE,
    DAYS / "shenbao-1880" / "1880-10-4902408.txt",
    DAYS / "tonopah-1916-08-02" / "sn86076142-ed-1_seq-1.txt",
    Path("/work/shared/samples/ndnp-daily-national-democrat-1858-08-13/1858081301.xml"),
]


def planned(source: Path) -> tuple[float, int, str]:
    """CPU seconds of the build's planning of ``source``, the page makeups it ran, and what it chose."""
    options = BuildOptions()
    issue = read_issue(source, format=None, page_count=None)
    style = style_of(issue, options)
    papers = style.papers_for(issue.settings.paper, issue.settings.page_size)
    original, calls = layout.plan.make_up, [0]

    def counted(*args, **kwargs):
        calls[0] += 1
        return original(*args, **kwargs)

    layout.plan.make_up = counted
    try:
        started = time.process_time()
        plan, pages = _plan(issue, style, papers)
        seconds = time.process_time() - started
    finally:
        layout.plan.make_up = original
    geometry = plan.geometry
    return (
        seconds,
        calls[0],
        f"{pages} pages of {geometry.paper.name}, {geometry.body_size:g}/{geometry.line_height:g}pt",
    )


def main(argv: list[str]) -> None:
    sources = [Path(arg) for arg in argv] or [source for source in FIXTURES if source.exists()]
    planned(SAMPLE)  # warm
    for source in sources:
        seconds, makeups, chosen = planned(source)
        print(f"{source.name:<36} {seconds:7.2f} s CPU  {makeups:3d} page makeups  {chosen}")


if __name__ == "__main__":
    main(sys.argv[1:])
