"""An archive to batch-build: dated variants of issues reissue has, written as an archive holds them.

    .venv/bin/python bench/dated_variants.py OUT [--days N] [--broken]

writes, under OUT, N consecutive days (from the source's own date) of each of three papers in two
formats: the sample (text, ``zhaotong/2023/11/15.md``...), the NDNP issue (METS with its ALTO pages,
``ndnp/1858/08/13/``...) and the Riverside Gazette test issue (text, with its ``paper.yaml``-free folder);
each variant carries its own date, weekday and number, so it is an issue of its own (its own identifier).
``--broken`` adds one issue that cannot be read (a binary file named .md). The text of each variant is
its source's: only the masthead's date, weekday and number change.
"""

from __future__ import annotations

import argparse
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ZHAOTONG = ROOT / "issues" / "zhaotong-2023-11-15.md"
NDNP = ROOT / "tests" / "issues" / "ndnp"
GAZETTE = ROOT / "tests" / "issues" / "gazette.md"
CHINESE_WEEKDAYS = "一二三四五六日"


def write_archive(out: Path, days: int, broken: bool) -> list[Path]:
    """The issues written (METS files for the NDNP issue)."""
    written = []
    for offset in range(days):
        written.append(zhaotong_variant(out, offset))
        written.append(ndnp_variant(out, offset))
        written.append(gazette_variant(out, offset))
    if broken:
        bad = out / "gazette" / "broken.md"
        bad.write_bytes(b"\x00\x01 not an issue's text")
        written.append(bad)
    return written


def zhaotong_variant(out: Path, offset: int) -> Path:
    day = date(2023, 11, 15) + timedelta(days=offset)
    text = ZHAOTONG.read_text(encoding="utf-8")
    dated = f"{day.year}年{day.month}月{day.day}日 星期{CHINESE_WEEKDAYS[day.weekday()]}"
    text = text.replace("2023年11月15日 星期三", dated)
    text = text.replace("第9642期", f"第{9642 + offset}期")
    return _write(out / "zhaotong" / f"{day:%Y/%m/%d}.md", text)


def ndnp_variant(out: Path, offset: int) -> Path:
    day = date(1858, 8, 13) + timedelta(days=offset)
    folder = out / "ndnp" / f"{day:%Y/%m/%d}"
    shutil.copytree(NDNP, folder, dirs_exist_ok=True)
    mets = folder / "1858081301.xml"
    mets.write_text(mets.read_text(encoding="utf-8").replace("1858-08-13", day.isoformat()), encoding="utf-8")
    return mets


def gazette_variant(out: Path, offset: int) -> Path:
    day = date(2024, 3, 5) + timedelta(days=offset)
    text = GAZETTE.read_text(encoding="utf-8")
    text = text.replace("Tuesday, March 5, 2024", f"{day:%A, %B} {day.day}, {day.year}")
    text = re.sub(r"^No\. 345$", f"No. {345 + offset}", text, flags=re.MULTILINE)
    return _write(out / "gazette" / f"{day:%Y-%m-%d}.md", text)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--days", type=int, default=8)
    parser.add_argument("--broken", action="store_true")
    arguments = parser.parse_args()
    issues = write_archive(arguments.out, arguments.days, arguments.broken)
    print(f"{len(issues)} issues under {arguments.out}")
