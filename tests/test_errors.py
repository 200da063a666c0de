"""Error messages quote what the user wrote as a short excerpt, and stay short whatever they quote."""

from __future__ import annotations

from layout.errors import MESSAGE_LIMIT, SourceError, quoted


def test_a_quoted_value_is_a_short_excerpt_on_one_line() -> None:
    """item 8.4: a value of a megabyte is quoted by its first and last characters."""
    assert quoted("colour") == "'colour'"
    long = quoted("标题" * 500_000 + "\n")
    assert long.startswith("'标题") and "..." in long and len(long) <= 80 and "\n" not in long
    assert quoted([["x" * 1000] * 1000] * 1000).count("...") >= 1 and len(quoted([[1] * 1000] * 1000)) <= 80


def test_no_message_prints_more_than_its_limit() -> None:
    """item 8.4: a message that quotes without ``quoted`` is still cut, and keeps its hint."""
    error = SourceError("no section has the headline " + "标" * 100_000, path="x.md", line=3, hint="copy it")
    text = str(error)
    assert text.startswith("x.md:3: no section has the headline 标") and text.endswith("…; copy it")
    assert len(text) < MESSAGE_LIMIT + 50
