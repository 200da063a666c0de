"""An issue's source file -> its text, or a ``SourceError`` saying why it cannot be read as text.

In: a path. Out: the decoded text with ``\\n`` line ends. Archives hold extracted text as UTF-8,
UTF-8 with a byte-order mark, or GB18030 (what older Chinese systems write); the first encoding
that decodes the whole file wins. Empty and binary files are refused here, before any parsing.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from layout.errors import SourceError

# utf-8-sig reads plain UTF-8 too and drops a leading byte-order mark; GB18030 is a superset of GBK and GB2312.
ENCODINGS = ("utf-8-sig", "gb18030")
TEXT_CONTROLS = "\t\n\r\f"


def read_source(path: Path) -> str:
    """The text of the issue at ``path``; a ``SourceError`` when it is missing, empty, binary or undecodable."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError("no such file", path=path, hint="check the path") from None
    except OSError as error:
        raise SourceError(f"cannot read the file ({error.strerror})", path=path) from None
    if b"\0" in data:
        raise SourceError(
            "this is a binary file, not text", path=path, hint="give the issue's extracted text (Markdown)"
        )
    text = _decode(data, path)
    if not text.strip():
        raise SourceError("the file is empty", path=path, hint="give the issue's extracted text (Markdown)")
    _refuse_controls(text, path)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes, path: Path) -> str:
    first_error: UnicodeDecodeError | None = None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            first_error = first_error or error
    assert first_error is not None
    line = data[: first_error.start].count(b"\n") + 1
    raise SourceError(
        "the text is neither UTF-8 nor GB18030",
        path=path,
        line=line,
        hint="convert it to UTF-8, e.g. iconv -f <its encoding> -t UTF-8",
    )


def _refuse_controls(text: str, path: Path) -> None:
    """Control characters other than tabs and line ends mean the bytes only decoded by chance."""
    for index, char in enumerate(text):
        if unicodedata.category(char) == "Cc" and char not in TEXT_CONTROLS:
            line = text.count("\n", 0, index) + 1
            raise SourceError(
                f"control character U+{ord(char):04X} in the text; this looks like a binary file",
                path=path,
                line=line,
                hint="give the issue's extracted text (Markdown)",
            )
