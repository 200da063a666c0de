"""The YAML front matter at the top of an issue's source -> validated overrides, each with its line.

In: the source text (and its path, for messages and for resolving images). Out: a ``FrontMatter``:
masthead values and settings by key, per-section overrides found by headline, and the line where
the body starts. The front matter is optional; it sits between a ``---`` first line and the next
``---`` line and is read with yaml's safe loader. Every key is checked against its type; the first
problem becomes a ``SourceError`` naming the file, the line and what to write instead.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import yaml

from layout.errors import SourceError
from layout.model import SectionKind

FENCE = "---"
FENCE_ENDS = ("---", "...")

MASTHEAD_TEXT_KEYS = (
    "title",
    "title_romanized",
    "weekday",
    "lunar_date",
    "sponsor",
    "publisher",
    "slogan",
    "serial_number",
    "postal_code",
    "website",
    "editor_on_duty",
)
SETTING_TEXT_KEYS = ("paper", "style", "language")
SECTION_KINDS = tuple(kind.value for kind in SectionKind)


@dataclass(frozen=True)
class SectionOverride:
    """What the front matter says about the section whose headline is ``headline``."""

    headline: str
    line: int
    values: dict[str, Any] = field(default_factory=dict)  # Section field name -> value
    lines: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class FrontMatter:
    values: dict[str, Any] = field(default_factory=dict)  # masthead fields and settings by key
    lines: dict[str, int] = field(default_factory=dict)
    sections: tuple[SectionOverride, ...] = ()
    body_line: int = 1  # the source line where the text begins


def read_front_matter(text: str, path: Path) -> FrontMatter:
    """The front matter of ``text`` (an empty one when the text does not open with ``---``)."""
    lines = text.split("\n")
    if lines[0].strip() != FENCE:
        return FrontMatter()
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in FENCE_ENDS), None)
    if end is None:
        raise SourceError(
            "the front matter opened by '---' is never closed", path=path, line=1, hint="end it with a '---' line"
        )
    source = "\n".join(lines[1:end])
    reader = _Reader(path, first_line=2)
    try:
        root = yaml.compose(source, Loader=_SafeLoader)
        data = yaml.load(source, Loader=_SafeLoader)  # noqa: S506 - a SafeLoader: no Python objects
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise SourceError(
            f"the front matter is not valid YAML: {problem}",
            path=path,
            line=reader.line(mark),
            hint="fix the YAML between the '---' lines",
        ) from None
    if data is None:
        return FrontMatter(body_line=end + 2)
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        raise SourceError(
            "the front matter must be a mapping of keys to values",
            path=path,
            line=2,
            hint="write one 'key: value' a line",
        )
    values, key_lines, sections = reader.top(root, data)
    return FrontMatter(values=values, lines=key_lines, sections=sections, body_line=end + 2)


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _positive(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _boolean(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _names(value: Any) -> tuple[str, ...] | None:
    ok = isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value)
    return tuple(v.strip() for v in value) if ok else None


def _iso_date(value: Any) -> str | None:
    try:
        return datetime.date.fromisoformat(value).isoformat() if isinstance(value, str) else None
    except ValueError:
        return None


class _SafeLoader(yaml.SafeLoader):
    """yaml's safe loader, but dates stay text so that a bad one (2023-13-45) is checked with its key's line."""


_SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)

# key -> (read the value or None when it has the wrong type, what to write instead)
Check = tuple[Callable[[Any], Any], str]
TOP_KEYS: dict[str, Check] = {
    **{key: (_text, "a line of text") for key in MASTHEAD_TEXT_KEYS + SETTING_TEXT_KEYS},
    "date": (_iso_date, "a date such as 2023-11-15"),
    "issue_number": (_positive, "a whole number such as 9642"),
    "page_count": (_positive, "a whole number of pages such as 4"),
    "normalize_punctuation": (_boolean, "true or false"),
    "page_names": (_names, "a list of page names, first page first, such as [要闻, 综合, 评论, 专题]"),
    # what a library catalogues the issue by (model.Catalogue); printed nowhere
    "subjects": (_names, "a list of subjects, such as [工业, 经济]"),
    "description": (_text, "a line of text saying what the issue holds"),
    "rights": (_text, "a line of text such as '© 2023 昭通日报社'"),
}
SECTION_KEYS: dict[str, Check] = {
    "headline": (_text, "the section's headline as the text has it"),
    "kind": (_text, f"one of {', '.join(SECTION_KINDS)}"),
    "image": (_text, "a path relative to the issue's folder"),
    "alt": (_text, "a line of text describing the image"),
    "page": (_positive, "a page number such as 2"),
    "kicker": (_text, "a line of text"),
    "lead": (_boolean, "true or false"),
}


class _Reader:
    """Checks the parsed YAML against the keys, using the composed nodes for line numbers."""

    def __init__(self, path: Path, first_line: int) -> None:
        self.path = path
        self.first_line = first_line

    def line(self, mark: Any) -> int:
        return mark.line + self.first_line if mark is not None else self.first_line - 1

    def error(self, message: str, node: yaml.Node, hint: str) -> SourceError:
        return SourceError(message, path=self.path, line=self.line(node.start_mark), hint=hint)

    def top(
        self, root: yaml.MappingNode, data: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, int], tuple[SectionOverride, ...]]:
        values: dict[str, Any] = {}
        lines: dict[str, int] = {}
        sections: tuple[SectionOverride, ...] = ()
        for key_node, value_node in root.value:
            key = key_node.value
            if key == "sections":
                sections = self.sections(value_node, data[key])
            else:
                values[key] = self.checked(key, key_node, data[key], TOP_KEYS, "front matter key")
            lines[key] = self.line(key_node.start_mark)
        return values, lines, sections

    def checked(self, key: str, node: yaml.Node, value: Any, keys: dict[str, Check], what: str) -> Any:
        if key not in keys:
            allowed = ", ".join(sorted(keys) + (["sections"] if keys is TOP_KEYS else []))
            raise self.error(f"unknown {what} '{key}'", node, f"use one of {allowed}")
        read, expected = keys[key]
        checked = read(value)
        if checked is None:
            raise self.error(f"'{key}' must be {expected}, not {value!r}", node, f"write {key}: <{expected}>")
        return checked

    def sections(self, node: yaml.Node, items: Any) -> tuple[SectionOverride, ...]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.error("'sections' must be a list", node, "write one '- headline: …' item per section")
        return tuple(self.section(item_node, item) for item_node, item in zip(node.value, items))

    def section(self, node: yaml.Node, item: Any) -> SectionOverride:
        if not isinstance(node, yaml.MappingNode) or not isinstance(item, dict) or "headline" not in item:
            raise self.error(
                "each item of 'sections' needs a 'headline'",
                node,
                "write '- headline: <the headline as the text has it>'",
            )
        values: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            values[key] = self.checked(key, key_node, item[key], SECTION_KEYS, "section key")
            lines[key] = self.line(key_node.start_mark)
            if key == "kind" and values[key] not in SECTION_KINDS:
                raise self.error(
                    f"unknown section kind '{values[key]}'", value_node, f"use one of {', '.join(SECTION_KINDS)}"
                )
            if key == "image":
                values[key] = self.image(values[key], value_node)
        headline = values.pop("headline")
        return SectionOverride(headline=headline, line=lines.pop("headline"), values=values, lines=lines)

    def image(self, image: str, node: yaml.Node) -> str:
        """The image's path relative to the issue's folder; it must be a file inside that folder."""
        folder = self.path.parent.resolve()
        hint = f"put the image in {self.path.parent.as_posix() or '.'}/ and give its path relative to the issue"
        if PurePosixPath(image).is_absolute() or PureWindowsPath(image).is_absolute():
            raise self.error(f"image '{image}' is an absolute path", node, hint)
        resolved = (folder / image).resolve()
        if not resolved.is_relative_to(folder):
            raise self.error(f"image '{image}' is outside the issue's folder", node, hint)
        if not resolved.is_file():
            raise self.error(f"image '{image}' does not exist", node, hint)
        return resolved.relative_to(folder).as_posix()
