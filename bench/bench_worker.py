"""What one warm batch worker spends on an issue beyond the render, stage by stage.

    .venv/bin/python bench/bench_worker.py [--rounds 3] [--papers zhaotong,ndnp,gazette]

A script, not a test: it prints figures and asserts nothing. In this process, as a batch's worker builds
(``layout.archive.work.run_job``, with verification), it builds one dated variant of each paper
(``dated_variants.py``) once to warm up, then ``--rounds`` times in turns, and prints per stage the median
CPU seconds of the process and its children (the EPUBCheck JVM, pdftoppm), read around each stage's
function: read, plan, HTML, WeasyPrint's layout (``render``) and PDF (``write_pdf``), cover, EPUB,
``verify_pdf``, ``verify_epub`` (without EPUBCheck) and EPUBCheck; ``other`` is the rest of the job
(staging, the collection after it). The garbage collector's passes run inside whichever stage allocates.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: bench.dated_variants is imported as the tests import it

import weasyprint  # noqa: E402
from weasyprint.document import Document  # noqa: E402

import layout.archive.work as work  # noqa: E402
import layout.build as build  # noqa: E402
from bench.dated_variants import write_archive  # noqa: E402
from layout.options import BuildOptions  # noqa: E402
from layout.verify import epubcheck  # noqa: E402

STAGES = [
    (build, "read_issue", "read"),
    (build, "_plan", "plan"),
    (build, "render_html", "html"),
    (weasyprint.HTML, "render", "render"),
    (Document, "write_pdf", "write_pdf"),
    (build, "front_page_png", "cover"),
    (build, "build_epub", "epub"),
    (build, "verify_pdf", "verify_pdf"),
    (build, "verify_epub", "verify_epub"),
    (epubcheck, "messages", "epubcheck"),
]


def timed_stages() -> dict[str, float]:
    """Wrap each stage's function so that its CPU seconds add up in the dict returned."""
    spent: dict[str, float] = {}
    for owner, name, stage in STAGES:
        function = getattr(owner, name)

        @functools.wraps(function)
        def timed(*args, _function=function, _stage=stage, **kwargs):
            started = work._cpu()
            try:
                return _function(*args, **kwargs)
            finally:
                spent[_stage] = spent.get(_stage, 0.0) + work._cpu() - started

        setattr(owner, name, timed)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--papers", default="zhaotong,ndnp,gazette")
    arguments = parser.parse_args()
    spent = timed_stages()
    with tempfile.TemporaryDirectory(prefix="bench-worker-") as folder:
        root = Path(folder)
        issues = write_archive(root / "in", 1, broken=False)
        papers = arguments.papers.split(",")
        sources = {paper: next(path for path in issues if f"/{paper}/" in str(path)) for paper in papers}
        figures: dict[str, list[dict[str, float]]] = {paper: [] for paper in papers}
        for round in range(arguments.rounds + 1):  # the first warms up
            for paper, source in sources.items():
                spent.clear()
                outcome = work.run_job(work.Job(paper, source, BuildOptions(out_dir=root / "out")))
                assert outcome.message is None, outcome.message
                stages = {**spent, "verify_epub": spent["verify_epub"] - spent["epubcheck"]}
                stages["other"] = outcome.cpu - sum(stages.values())
                stages["total"] = outcome.cpu
                stages["peak RSS, MB"] = outcome.peak_memory / 1e6
                if round:
                    figures[paper].append(stages)
    print(f"{'stage':14}" + "".join(f"{paper:>10}" for paper in papers))
    for stage in figures[papers[0]][0]:
        medians = [statistics.median(rounds[stage] for rounds in figures[paper]) for paper in papers]
        print(f"{stage:14}" + "".join(f"{median:10.2f}" for median in medians))


if __name__ == "__main__":
    main()
