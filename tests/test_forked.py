"""A call made in a forked child (``layout.forked``): what it returns or raises comes back as if made here,
and nothing it changes reaches this process."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from layout.errors import FitError
from layout.forked import ChildEnded, call_forked

CHANGED: list[str] = []


def render(text: str, times: int) -> tuple[bytes, int]:
    CHANGED.append(text)
    return (text * times).encode(), os.getpid()


def refuse(path: str) -> None:
    raise FitError("the content needs 3 more rows", path=path, hint="give more pages")


class Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("held a lock")
        self.lock = threading.Lock()


def raise_unpicklable() -> None:
    raise Unpicklable


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_the_result_comes_back_and_what_the_child_changed_stays_in_it():
    data, child = call_forked(render, "ab", 3)
    assert data == b"ababab" and child != os.getpid()
    assert CHANGED == []


def test_an_exception_of_reissue_is_raised_here_with_its_message_path_and_hint():
    with pytest.raises(FitError) as raised:
        call_forked(refuse, "issues/day.md")
    assert str(raised.value) == "issues/day.md: the content needs 3 more rows; give more pages"


def test_an_exception_that_cannot_travel_is_raised_as_a_runtime_error_naming_it():
    with pytest.raises(RuntimeError) as raised:
        call_forked(raise_unpicklable)
    assert type(raised.value) is RuntimeError and str(raised.value) == "Unpicklable: held a lock"


def test_a_child_killed_before_it_answers_is_an_error_saying_so():
    with pytest.raises(ChildEnded) as raised:
        call_forked(die)
    assert str(raised.value) == "the forked die ended without a result (killed by SIGKILL)"
