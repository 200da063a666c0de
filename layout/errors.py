"""The engine's own exceptions. Stages raise them; only the CLI turns them into messages and exit codes.

A message may quote what the user wrote, and what they wrote may be megabytes long: ``quoted`` gives the
short excerpt a message shows of any value, and no message, whatever it quotes, prints longer than
``MESSAGE_LIMIT`` characters.
"""

from __future__ import annotations

import reprlib
from pathlib import Path

EXCERPT = 40  # characters of a quoted value that a message shows
MESSAGE_LIMIT = 1200  # characters of a message (room for every problem of a style file), and of its hint

_excerpt = reprlib.Repr()
_excerpt.maxstring = _excerpt.maxother = EXCERPT
_excerpt.maxlist = _excerpt.maxtuple = _excerpt.maxdict = _excerpt.maxset = 4
_excerpt.maxlevel = 2


def quoted(value: object) -> str:
    """``value`` as a message quotes it: in quotes, on one line, cut to a short excerpt (``'abc...xyz'``)."""
    return shortened(_excerpt.repr(value), 2 * EXCERPT)


def shortened(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis where it was cut."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


class ReissueError(Exception):
    """Something the user can fix: bad input, an impossible fit, a missing style.

    ``str()`` gives the one line the CLI prints: where (file and line), what is wrong, what to do.
    """

    exit_code = 2

    def __init__(
        self, message: str, *, path: Path | str | None = None, line: int | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{shortened(self.message)}"
        return f"{text}; {shortened(self.hint)}" if self.hint else text


class SourceError(ReissueError):
    """The issue's source (its text, encoding or front matter) cannot be read into a model."""


class StyleError(ReissueError):
    """A style is missing, or its templates or settings are broken."""


class FitError(ReissueError):
    """The content cannot be laid out on the pages within the style's bounds."""


class OutputError(ReissueError):
    """A finished file cannot be read back, or is not the kind of file or issue expected."""


class VerificationFailed(ReissueError):
    """The outputs were built but are not faithful to the source."""

    exit_code = 1


class SelectionError(ReissueError):
    """What was asked of a built archive is not in its catalogue: no issue in a date range, an unknown paper."""
