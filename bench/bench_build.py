"""How long the print edition takes: an issue in, a table of timings on stdout out.

Run: ``.venv/bin/python bench/bench_build.py [ISSUE]`` (default: the sample issue). Measures, in
one process and with WeasyPrint's font configuration warm:

* the whole ``make()`` of the PDF (read + plan + HTML + WeasyPrint), best of 3, and how many
  WeasyPrint layout passes one ``make()`` runs (calls of ``weasyprint.HTML.render``, counted by
  wrapping it for the run; the behaviour is unchanged);
* ``plan_issue`` alone (on the paper and page count the build chose), best of 3, and the verify step
  on the finished PDF, with the makeup it measures on each page (issue 10: ink, white inside the
  modules, short stories spread wide, tombstones);
* the floor: one WeasyPrint render of the final HTML (``HTML(string=html).write_pdf()``), best of 3,
  and the same with ``pdf_tags=True`` as the build writes it; the build and these renders take turns;
* when ``pandoc`` is installed, pandoc's HTML of the same text rendered by WeasyPrint;
* the CPU time of ``build()`` with verification (PDF, EPUB, verify_pdf, verify_epub with its EPUBCheck
  JVM warm, as in a batch), median of 3, against the CPU time of the tagged single render (issue 11 aims
  at 1.3 or less in a batch); CPU time counts this process's, its ended children's
  (``RUSAGE_CHILDREN``: pdftoppm) and its live children's (the EPUBCheck JVM, from ``/proc``);
* a cold ``reissue build`` of the issue with verification, in a new process: its wall and CPU time, the
  EPUBCheck JVM's included, against the same render (issue 11 aims at 2.5 or less): the first build,
  which starts the lasting JVM the commands share and fills the cache folder (faces' figures, compiled
  templates; both folders the bench's own), and the median of 3 builds after it, which find that JVM
  running (its CPU during each build counted) and the cache filled;

and prints the ratio of the build to the single render (issue 3 aims at 1.5 or less) and of the
planning to the single render (issue 10 aims at 0.5 or less).
"""

from __future__ import annotations

import contextlib
import logging
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import weasyprint  # noqa: E402

from layout.build import BuildOptions, build, make, style_of  # noqa: E402
from layout.pdf import _font_config  # noqa: E402 - the build's own font configuration, warm
from layout.plan import plan_issue  # noqa: E402
from layout.verify import verify_pdf  # noqa: E402
from layout.verify.report import page_line  # noqa: E402

SAMPLE = ROOT / "issues" / "zhaotong-2023-11-15.md"
REPEATS = 3
T = TypeVar("T")


def timed(run: Callable[[], T]) -> tuple[float, T]:
    """The wall time of one run, and what it returned."""
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def best_of(run: Callable[[], T], repeats: int = REPEATS) -> tuple[float, T]:
    """The shortest wall time of ``repeats`` runs, and what the last run returned."""
    times, results = zip(*(timed(run) for _ in range(repeats)))
    return min(times), results[-1]


@contextlib.contextmanager
def counting_layouts() -> Iterator[list[int]]:
    """Count calls of ``weasyprint.HTML.render`` (every layout pass, ``write_pdf`` included) while inside."""
    original = weasyprint.HTML.render
    calls = [0]

    def render(self, *args, **kwargs):
        calls[0] += 1
        return original(self, *args, **kwargs)

    weasyprint.HTML.render = render
    try:
        yield calls
    finally:
        weasyprint.HTML.render = original


def live_children_cpu() -> float:
    """CPU seconds of this process's children still running (the EPUBCheck JVM), from ``/proc``."""
    return sum(process.seconds for process in _processes() if process.parent == os.getpid())


def cpu_seconds() -> float:
    """CPU seconds so far of this process and all its children, ended or running."""
    own, ended = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + ended.ru_utime + ended.ru_stime + live_children_cpu()


def cpu_of(run: Callable[[], T]) -> tuple[float, T]:
    """The CPU time (children's included) of one run, and what it returned."""
    started = cpu_seconds()
    result = run()
    return cpu_seconds() - started, result


def cold_build(source: Path, folder: Path, runtime: Path, cache: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one ``reissue build`` with verification in a new process, its children's and
    the lasting EPUBCheck JVM's (whose socket is in ``runtime``) included; what it keeps, kept in ``cache``."""
    before, jvm_before = resource.getrusage(resource.RUSAGE_CHILDREN), lasting_jvm_cpu(runtime)
    started = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "reissue"), "build", str(source), "--out", str(folder)],
        check=True,
        capture_output=True,
        env={**os.environ, "XDG_RUNTIME_DIR": str(runtime), "XDG_CACHE_HOME": str(cache)},
    )
    wall = time.perf_counter() - started
    time.sleep(0.2)  # the JVM's compiler threads go on a moment after its reply: counted too
    after, jvm_after = resource.getrusage(resource.RUSAGE_CHILDREN), lasting_jvm_cpu(runtime)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime + jvm_after - jvm_before


def lasting_jvm_cpu(runtime: Path) -> float:
    """CPU seconds of the lasting EPUBCheck JVMs whose socket is in ``runtime``, from ``/proc``."""
    return sum(process.seconds for process in _lasting_jvms(runtime))


def end_lasting_jvms(runtime: Path) -> None:
    for process in _lasting_jvms(runtime):
        os.kill(process.pid, signal.SIGKILL)


def _lasting_jvms(runtime: Path) -> list[_Process]:
    return [process for process in _processes() if b"--serve" in process.command and bytes(runtime) in process.command]


class _Process(NamedTuple):
    pid: int
    parent: int
    command: bytes
    seconds: float  # CPU


def _processes() -> Iterator[_Process]:
    """The running processes, from ``/proc``."""
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():  # /proc/self, /proc/meminfo...
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if fields[0] != "Z":
            yield _Process(int(entry.name), int(fields[1]), command, (int(fields[11]) + int(fields[12])) / tick)


def pandoc_render(source: Path) -> float | None:
    """pandoc's HTML of the issue's text, rendered by WeasyPrint: best of 3 seconds, or None without pandoc."""
    if shutil.which("pandoc") is None:
        return None

    def run() -> bytes:
        html = subprocess.run(
            ["pandoc", "-f", "markdown", "-t", "html5", "-s", "--metadata", "title=bench", str(source)],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        return weasyprint.HTML(string=html).write_pdf(font_config=_font_config())

    return best_of(run)[0]


def main(argv: list[str]) -> None:
    source = Path(argv[0]) if argv else SAMPLE
    options = BuildOptions(epub=False, html=True)
    make(source, options)  # warm: fonts, the typesetter's tables, WeasyPrint's imports
    logging.getLogger("layout").setLevel(logging.ERROR)  # the issue's warnings were shown once, above

    with counting_layouts() as layouts:
        built = make(source, options)
    passes = layouts[0]
    html = built.files[f"{source.stem}.print.html"].decode("utf-8")
    # the build and the renders it is compared with take turns, so that a busy machine slows all alike
    builds, single, tagged = [], [], []
    for _ in range(REPEATS):
        builds.append(timed(lambda: make(source, options))[0])
        single.append(timed(lambda: weasyprint.HTML(string=html).write_pdf(font_config=_font_config()))[0])
        tagged.append(
            timed(lambda: weasyprint.HTML(string=html).write_pdf(font_config=_font_config(), pdf_tags=True))[0]
        )
    build_seconds, single_seconds, tagged_seconds = min(builds), min(single), min(tagged)

    issue, style = built.issue, style_of(built.issue, options)
    paper, page_count = built.plan.geometry.paper, len(built.plan.pages)
    plan_seconds, _ = best_of(lambda: plan_issue(issue, style, paper, page_count))
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / f"{source.stem}.pdf"
        pdf.write_bytes(built.files[pdf.name])
        verify_seconds, report = timed(lambda: verify_pdf(issue, pdf))
    pandoc_seconds = pandoc_render(source)

    def render_tagged() -> bytes:
        return weasyprint.HTML(string=html).write_pdf(font_config=_font_config(), pdf_tags=True)

    # issue 11: CPU time, children's included, of a build with verification in a warm process (its EPUBCheck
    # JVM warm, as in a batch) and of cold single builds, against the render they are compared with
    with tempfile.TemporaryDirectory() as folder:
        verified = BuildOptions(out_dir=Path(folder) / "warm")
        build(source, verified)  # warm: EPUBCheck's JVM started and warmed up
        verified_cpu, render_cpu = [], []
        for _ in range(REPEATS):
            verified_cpu.append(cpu_of(lambda: build(source, verified))[0])
            render_cpu.append(cpu_of(render_tagged)[0])
        runtime = Path(tempfile.mkdtemp(prefix="bench-runtime-"))  # short: a socket's path is at most 107 bytes
        cache = Path(folder) / "cache"
        try:
            first_wall, first_cpu = cold_build(source, Path(folder) / "cold", runtime, cache)
            cold_wall, cold_cpu = zip(
                *(cold_build(source, Path(folder) / "cold", runtime, cache) for _ in range(REPEATS))
            )
        finally:
            end_lasting_jvms(runtime)
            shutil.rmtree(runtime)
    verified_seconds, render_seconds = statistics.median(verified_cpu), statistics.median(render_cpu)
    cold_wall_seconds, cold_cpu_seconds = statistics.median(cold_wall), statistics.median(cold_cpu)

    stages = ", ".join(f"{stage} {seconds:.2f}" for stage, seconds in built.seconds.items())
    rows = [
        ("build: make() of the PDF, best of 3", f"{build_seconds:.2f} s", f"one build's stages: {stages}"),
        ("WeasyPrint layout passes per build", str(passes), "calls of weasyprint.HTML.render"),
        ("plan_issue alone, best of 3", f"{plan_seconds:.2f} s", f"{len(built.plan.pages)} pages"),
        ("single render of the final HTML, best of 3", f"{single_seconds:.2f} s", "HTML(string=html).write_pdf()"),
        ("the same, tagged (pdf_tags=True, as the build)", f"{tagged_seconds:.2f} s", ""),
        ("verify_pdf on the built PDF, once", f"{verify_seconds:.2f} s", "ok" if report.ok else "NOT OK"),
        (
            "pandoc + WeasyPrint, best of 3",
            f"{pandoc_seconds:.2f} s" if pandoc_seconds is not None else "-",
            "" if pandoc_seconds is not None else "pandoc not installed",
        ),
        ("ratio build / single render", f"{build_seconds / single_seconds:.2f}", "issue 3 aims at <= 1.5"),
        ("ratio build / tagged single render", f"{build_seconds / tagged_seconds:.2f}", ""),
        ("ratio planning / single render", f"{plan_seconds / single_seconds:.2f}", "issue 10 aims at <= 0.5"),
    ]
    if pandoc_seconds is not None:
        rows.append(("ratio build / pandoc + WeasyPrint", f"{build_seconds / pandoc_seconds:.2f}", ""))
    rows += [
        ("tagged single render, CPU, median of 3", f"{render_seconds:.2f} s", "the render issue 11 compares with"),
        (
            "build with verification, warm, CPU, median of 3",
            f"{verified_seconds:.2f} s",
            "build(verify=True): PDF, EPUB, both verified; EPUBCheck's JVM warm",
        ),
        (
            "first cold reissue build with verification",
            f"{first_cpu:.2f} s",
            f"CPU; {first_wall:.2f} s wall; it starts the lasting EPUBCheck JVM, fills the cache",
        ),
        (
            "cold reissue build with verification, median of 3",
            f"{cold_cpu_seconds:.2f} s",
            f"CPU; {cold_wall_seconds:.2f} s wall; the lasting JVM running, the cache filled",
        ),
        (
            "ratio build with verification / render, CPU",
            f"{verified_seconds / render_seconds:.2f}",
            "issue 11 aims at <= 1.3",
        ),
        ("ratio first cold build / render, CPU", f"{first_cpu / render_seconds:.2f}", ""),
        ("ratio cold build / render, CPU", f"{cold_cpu_seconds / render_seconds:.2f}", "issue 11 aims at <= 2.5"),
        (
            "ratio cold build / render, wall",
            f"{cold_wall_seconds / tagged_seconds:.2f}",
            "against the tagged single render's wall time, best of 3",
        ),
    ]
    width = max(len(name) for name, _, _ in rows)
    print(
        f"{source.name}: {len(built.plan.pages)} pages of {built.plan.geometry.paper.name}, "
        f"body {built.plan.geometry.body_size:g}pt, WeasyPrint {weasyprint.__version__}"
    )
    for name, value, note in rows:
        print(f"  {name:<{width}}  {value:>8}  {note}")
    print("makeup, as verify measures it:")
    for line in [page_line(page) for page in report.makeup] + list(report.notes):
        print(f"  {line}")


if __name__ == "__main__":
    main(sys.argv[1:])
