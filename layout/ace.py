"""Ace by DAISY, the accessibility checker that libraries run on EPUBs: an EPUB in, its violations out.

Ace checks the package's accessibility metadata and runs axe-core on every document in a headless
Chromium, which it starts through puppeteer with ``--no-sandbox`` of its own accord (so it runs as
root too). Its puppeteer command is ``ace-cli`` (npm ``@daisy/ace-cli``, what ``scripts/setup --test``
installs, with Debian's ``chromium``) or ``ace-puppeteer`` (npm ``@daisy/ace``, whose own ``ace`` needs
an Electron download). Ace is optional: ``installed()`` says whether it is there.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

COMMANDS = ("ace-cli", "ace-puppeteer")
BROWSERS = ("chromium", "chromium-browser")  # Debian's, Ubuntu's: puppeteer's own download is not used
COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # Ace colours its log lines even into a pipe
SHOWN = 200  # characters of a violation's description (axe's run to many lines)
SECONDS = 300  # Ace takes about ten seconds on a daily's EPUB; one that takes this long has hung


def installed() -> bool:
    return _command() is not None


def _command() -> str | None:
    return next(filter(None, map(shutil.which, COMMANDS)), None)


def violations(epub: Path) -> list[str]:
    """Ace's violations of ``epub``, one line each (impact, rule, document: what is wrong); a line
    saying so when Ace did not finish or gave no report. Ace must be ``installed()``."""
    command = _command()
    assert command is not None, "Ace is not installed"
    browser = next(filter(None, map(shutil.which, BROWSERS)), None)
    with tempfile.TemporaryDirectory(prefix="reissue-ace-") as folder:
        env = {**os.environ, "TMPDIR": folder}  # Ace unpacks the EPUB, Chromium keeps its profile: both go
        if browser and "PUPPETEER_EXECUTABLE_PATH" not in env:
            env["PUPPETEER_EXECUTABLE_PATH"] = browser
        report = Path(folder) / "report"
        process = subprocess.Popen(
            [command, "--outdir", str(report), "--tempdir", folder, str(epub)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,  # Ace's errors; its progress goes to the standard output
            env=env,
            start_new_session=True,  # so that a hung Ace is ended with the browser it started
        )
        try:
            _, errors = process.communicate(timeout=SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return [f"Ace did not finish within {SECONDS} s"]
        try:
            results = json.loads((report / "report.json").read_text(encoding="utf-8"))["assertions"]
        except (OSError, ValueError, KeyError):
            said = " ".join(COLOUR.sub("", errors.decode(errors="replace")).split()[-12:])
            return [f"Ace gave no report (exit status {process.returncode}): …{said[-200:]}"]
    return [
        f"{test['earl:test']['earl:impact']} {test['earl:test']['dct:title']} "
        f"{document['earl:testSubject']['url'].lstrip('/')}: {_shortened(test['earl:result']['dct:description'])}"
        for document in results
        for test in document["assertions"]
        if test["earl:result"]["earl:outcome"] == "fail"
    ]


def _shortened(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"
