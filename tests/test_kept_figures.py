"""What a command keeps in the user's cache folder for the next (issue 11: a cold build pays less): figures
read from font files, and compiled templates. Kept only where nobody else may write, and never stale."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from layout import typeset
from layout.kept_figures import kept
from layout.style import template_environment
from layout.user_folders import cache_folder


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "reissue"


@pytest.fixture
def font_file(tmp_path) -> Path:
    path = tmp_path / "face.otf"
    path.write_bytes(b"a face")
    return path


class Counted:
    """A reader of ``figures`` that counts its reads."""

    def __init__(self, figures: object) -> None:
        self.figures, self.count = figures, 0

    def __call__(self) -> object:
        self.count += 1
        return self.figures


def test_figures_are_read_once_and_kept_for_the_next_command(cache, font_file):
    read = Counted({"advances": {"a": 500}, "codes": [97]})
    assert kept(font_file, 0, "v1", read) == {"advances": {"a": 500}, "codes": [97]}
    assert kept(font_file, 0, "v1", read) == {"advances": {"a": 500}, "codes": [97]}
    assert read.count == 1
    assert [path.name.startswith("figures-") for path in cache.iterdir()] == [True]


def test_figures_come_back_as_json_gives_them_kept_or_not(cache, font_file):
    """The first command, which reads them, sets text with the same figures as the next, which loads them."""
    read = Counted({"lookups": [("single", {"a": "b"})]})
    first = kept(font_file, 0, "v1", read)
    assert first == kept(font_file, 0, "v1", read) == {"lookups": [["single", {"a": "b"}]]}


def test_a_changed_file_another_face_of_it_or_another_reader_is_read_afresh(cache, font_file):
    read = Counted([1])
    kept(font_file, 0, "v1", read)
    kept(font_file, 1, "v1", read)  # another face of a collection
    kept(font_file, 0, "v2", read)  # the code that reads the figures changed
    font_file.write_bytes(b"another face")
    kept(font_file, 0, "v2", read)
    assert read.count == 4
    kept(font_file, 0, "v2", read)
    assert read.count == 4


def test_a_kept_file_that_is_not_whole_is_read_afresh_and_replaced(cache, font_file):
    read = Counted([1, 2])
    kept(font_file, 0, "v1", read)
    [kept_file] = cache.iterdir()
    kept_file.write_bytes(kept_file.read_bytes()[:10])
    assert kept(font_file, 0, "v1", read) == [1, 2]
    assert kept(font_file, 0, "v1", read) == [1, 2]
    assert read.count == 2


def test_nothing_is_kept_in_a_cache_folder_others_may_write(cache, font_file):
    """Whoever could write the figures would set the widths a layout is planned with."""
    cache.mkdir(parents=True)
    os.chmod(cache, 0o777)
    assert cache_folder() is None
    read = Counted([1])
    assert kept(font_file, 0, "v1", read) == kept(font_file, 0, "v1", read) == [1]
    assert read.count == 2
    assert list(cache.iterdir()) == []


def test_a_face_from_kept_figures_is_the_face_read_from_its_file(cache):
    regular, _, index = typeset._located(typeset.FAMILY)
    read = typeset._Face(regular, index)
    assert list(cache.iterdir()), "the figures were kept"
    loaded = typeset._Face(regular, index)
    assert vars(loaded) == vars(read)
    assert loaded.char_advance("中") == read.char_advance("中") == 1000
    assert loaded.clusters("——") == read.clusters("——") == [("——", 2000)]


def test_a_compiled_template_is_kept_and_compiled_again_when_its_source_changes(cache, tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html").write_text("<p>{{ text }}</p>")
    command = template_environment.__wrapped__  # a command's environment: each makes its own
    assert command(folder).get_template("page.html").render(text="<old>") == "<p>&lt;old&gt;</p>"
    assert len([path for path in cache.iterdir() if path.name.startswith("__jinja2_")]) == 1
    (folder / "page.html").write_text("<div>{{ text }}</div>")
    assert command(folder).get_template("page.html").render(text="new") == "<div>new</div>"


def test_templates_are_compiled_when_the_cache_folder_cannot_take_them(cache, tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html").write_text("<p>{{ text }}</p>")
    environment = template_environment.__wrapped__(folder)
    cache.rmdir()  # removed while a worker runs
    assert environment.get_template("page.html").render(text="a") == "<p>a</p>"
