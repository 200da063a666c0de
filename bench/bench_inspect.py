"""What ``reissue inspect`` costs on large issues: sizes in megabytes in, a table of time and memory out.

Run: ``.venv/bin/python bench/bench_inspect.py [MB ...]`` (default: 5 20 50). For each size, three issues
made from the sample: its sections repeated; one paragraph in wrapped lines; one paragraph on one line.
Each is inspected by ``python -m layout inspect`` in a child process, as a tree and as JSON, with
``REISSUE_MAX_SOURCE_MB`` raised to let it in; the table gives the wall and CPU time and the child's
peak memory, and how much it grew beyond inspecting the sample (the interpreter and its imports) as a
multiple of the file. Issue 8.3 asks that memory grow linearly and modestly
(a 50 MB issue took 7.8 GB and 205 s).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "zhaotong-2023-11-15.md"
LINE = "昭通市坚持以项目建设为抓手，推动经济高质量发展，各项工作取得明显成效"


def sections(size: int) -> str:
    masthead, body = SAMPLE.read_text(encoding="utf-8").split("\n## ", 1)
    return masthead + ("\n## " + body) * (size // len(body.encode()) + 1)


def wrapped(size: int) -> str:
    return "# 日报\n\n## 标题\n\n" + f"{LINE}\n" * (size // len(f"{LINE}\n".encode()) + 1)


def one_line(size: int) -> str:
    return "# 日报\n\n## 标题\n\n" + f"{LINE}，" * (size // len(f"{LINE}，".encode()) + 1) + "完。\n"


SHAPES: dict[str, Callable[[int], str]] = {"sections": sections, "wrapped": wrapped, "one line": one_line}


def inspect(issue: Path, *options: str) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak bytes of ``reissue inspect`` on ``issue``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REISSUE_MAX_SOURCE_MB": str(issue.stat().st_size // 10**6 + 1)}
    started = time.monotonic()
    with open(os.devnull, "wb") as nowhere:
        child = subprocess.Popen([sys.executable, "-m", "layout", "inspect", *options, issue], env=env, stdout=nowhere)
        _, status, usage = os.wait4(child.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, f"inspect {issue.name} failed"
    return time.monotonic() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def main(sizes: list[int]) -> None:
    _, _, baseline = inspect(SAMPLE, "--json")
    print(f"inspecting the sample: peak {baseline / 1e6:.0f} MB")
    print(f"{'issue':<16} {'view':<5} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'growth × file':>14}")
    with tempfile.TemporaryDirectory() as folder:
        for megabytes in sizes:
            for name, shape in SHAPES.items():
                issue = Path(folder) / "issue.md"
                issue.write_text(shape(megabytes * 10**6), encoding="utf-8")
                size = issue.stat().st_size
                for view, options in (("tree", ()), ("json", ("--json",))):
                    wall, cpu, peak = inspect(issue, *options)
                    label = f"{megabytes} MB {name}"
                    growth = (peak - baseline) / size
                    print(f"{label:<16} {view:<5} {wall:>8.1f} {cpu:>8.1f} {peak / 1e6:>8.0f} {growth:>14.1f}")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [5, 20, 50])
