"""An issue's source file -> its text, or a ``SourceError`` saying why it cannot be read as text.

In: a path. Out: the decoded text with ``\\n`` line ends. The file must be a regular file of at most
``REISSUE_MAX_SOURCE_MB`` megabytes (20 unless set). Its encoding is, first that applies:

- the one its front matter declares (``encoding: latin-1``): like Python's coding declaration, it is
  read before the rest is decoded, so the front matter must be ASCII in that encoding;
- the one its byte-order mark names (UTF-8, UTF-16, UTF-32);
- UTF-8;
- GB18030 (what older Chinese systems write), when the text reads as GB18030: charset-normalizer finds
  no mess in it. Single-byte text (Latin-1, say) often decodes as GB18030 too, into rare characters.

Anything else is refused with the line where UTF-8 fails and a way to convert it. Empty and binary
files are refused, and so are characters XML forbids (controls other than tab and line ends,
noncharacters), with their line: neither edition could carry them.

``read_head`` and ``head_text`` give a file's first bytes, read with the same care, and their text: what
the readers tell a format by.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path

import charset_normalizer

from layout.errors import ReissueError, SourceError, quoted
from layout.inputs import note
from layout.readers.frontmatter import declared_encoding

LIMIT_VARIABLE = "REISSUE_MAX_SOURCE_MB"
DEFAULT_LIMIT_MB = 20
MEGABYTE = 1_000_000

# the longer marks first: UTF-32's little-endian mark begins with UTF-16's
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# XML 1.0 forbids the C0 controls but tab and line ends, and the noncharacters U+FFFE and U+FFFF; the
# other noncharacters, DEL and the C1 controls it discourages, and in a newspaper's text they only come
# from a wrong decoding (cp1252's quotes read as Latin-1) or from a binary file.
NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
)
FORBIDDEN = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{NONCHARACTERS}]")


def read_source(path: Path) -> str:
    """The text of the issue at ``path``; a ``SourceError`` when it cannot be read as an issue's text."""
    text = _decode(_read_bytes(path, source_limit()), path)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text or text.isspace():
        raise SourceError("the file is empty", path=path, hint="give the issue's extracted text (Markdown)")
    _refuse_forbidden_characters(text, path)
    return text


def read_source_bytes(path: Path) -> bytes:
    """The bytes of the issue's file at ``path`` (markup its reader decodes), within the same limit as text."""
    return _read_bytes(path, source_limit())


def source_limit() -> int:
    """The largest source reissue reads, in bytes: ``REISSUE_MAX_SOURCE_MB`` megabytes, 20 unless set."""
    value = os.environ.get(LIMIT_VARIABLE, str(DEFAULT_LIMIT_MB))
    try:
        megabytes = float(value)
    except ValueError:
        megabytes = 0
    if not 0 < megabytes < float("inf"):
        raise ReissueError(
            f"{LIMIT_VARIABLE} is {quoted(value)}, not a number of megabytes",
            hint=f"set it to the largest source to read in megabytes, such as {DEFAULT_LIMIT_MB}",
        )
    return int(megabytes * MEGABYTE)


def read_head(path: Path, size: int, *, what: str = "the issue's extracted text") -> bytes:
    """The first ``size`` bytes of the file at ``path`` (all of a shorter one), read as carefully as the
    whole: only from a regular file, a ``SourceError`` when there is none to read; ``what`` the file
    should hold, for that error's hint."""
    return _read_regular(path, size, what)[0]


def _read_bytes(path: Path, limit: int) -> bytes:
    """The file's bytes; never more than ``limit`` of them are read."""
    data, size = _read_regular(path, limit + 1)
    if len(data) > limit:
        size = max(size, len(data))
        raise SourceError(
            f"the file is {size / MEGABYTE:.1f} MB, more than the {limit / MEGABYTE:g} MB reissue reads",
            path=path,
            hint=f"split the issue, or set {LIMIT_VARIABLE} to a larger number of megabytes",
        )
    return data


def _read_regular(path: Path, count: int, what: str = "the issue's extracted text") -> tuple[bytes, int]:
    """At most ``count`` bytes from the start of the file, only from a regular file; and the file's size."""
    note(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a named pipe must not block the open
    except FileNotFoundError:
        raise SourceError("no such file", path=path, hint="check the path") from None
    except OSError as error:
        raise SourceError(f"cannot read the file ({error.strerror})", path=path) from None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise SourceError(
                "not a regular file (a device, a pipe or a folder)",
                path=path,
                hint=f"give {what} as a file",
            )
        with os.fdopen(descriptor, "rb", closefd=False) as file:
            data = file.read(count)
    except OSError as error:
        raise SourceError(f"cannot read the file ({error.strerror})", path=path) from None
    finally:
        os.close(descriptor)
    return data, status.st_size


def head_text(head: bytes) -> str:
    """A file's first bytes as text, for a reader to tell its content or a message to quote it: decoded
    as their byte-order mark says, else as UTF-8, with what does not decode (another encoding's bytes,
    a character cut off at the end) replaced."""
    return head.decode(_marked_encoding(head) or "utf-8", errors="replace").removeprefix("\ufeff")


def _marked_encoding(data: bytes) -> str | None:
    """The encoding the byte-order mark ``data`` opens with names, if it opens with one."""
    return next((encoding for mark, encoding in BYTE_ORDER_MARKS if data.startswith(mark)), None)


def _decode(data: bytes, path: Path) -> str:
    marked = _marked_encoding(data)
    # decoded provisionally, to read the front matter's declaration: Latin-1 maps ASCII to itself
    declared = declared_encoding(data.decode(marked or "latin-1", errors="replace"), path)
    if encoding := declared or marked:
        why = "its front matter declares" if declared else "its byte-order mark says"
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            raise SourceError(
                f"the text is not {encoding}, as {why}",
                path=path,
                line=data[: error.start].count(b"\n") + 1,
                hint="convert the file to UTF-8, e.g. iconv -f <its encoding> -t UTF-8, or declare its encoding",
            ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if b"\0" in data:  # text in no encoding but UTF-16 and UTF-32 holds NUL bytes, and those have a mark
            raise SourceError(
                "this is a binary file, not text", path=path, hint="give the issue's extracted text (Markdown)"
            ) from None
        if _reads_as_gb18030(data):
            return data.decode("gb18030")
        guess = charset_normalizer.from_bytes(data).best()
        encoding = guess.encoding if guess else "<its encoding>"
        raise SourceError(
            f"the text is neither UTF-8 nor Chinese in GB18030{f' (it looks like {encoding})' if guess else ''}",
            path=path,
            line=data[: error.start].count(b"\n") + 1,
            hint=f"convert it, e.g. iconv -f {encoding} -t UTF-8, or declare it in the front matter: "
            f"'encoding: {encoding}'",
        ) from None


def _reads_as_gb18030(data: bytes) -> bool:
    """Whether ``data`` decodes as GB18030 into text, not into a soup of rare characters."""
    return charset_normalizer.from_bytes(data, cp_isolation=["gb18030"]).best() is not None


def _refuse_forbidden_characters(text: str, path: Path) -> None:
    if found := FORBIDDEN.search(text):
        char = found[0]
        kind = "control character" if char <= "\x9f" else "noncharacter"
        raise SourceError(
            f"{kind} U+{ord(char):04X} in the text, which XML and so the e-book cannot carry",
            path=path,
            line=text.count("\n", 0, found.start()) + 1,
            hint="remove it; if this is not a text file, give the issue's extracted text (Markdown)",
        )
