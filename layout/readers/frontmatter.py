"""The YAML front matter at the top of an issue's source -> validated overrides, each with its line.

In: the source text (and its path, for messages and for resolving images). Out: a ``FrontMatter``:
masthead values and settings by key, per-section overrides found by headline, and the line where
the body starts. The front matter is optional; it sits between a ``---`` first line and the next
``---`` line and is read with yaml's safe loader, less anchors, aliases, merge keys and deep nesting,
which no front matter needs (an alias bomb of 500 bytes expands to gigabytes). Every key is checked
against its type; the first problem becomes a ``SourceError`` naming the file, the line and what to
write instead, quoting at most a short excerpt of the value.

``read_settings`` is the same checker for a YAML document of its own against a table of these keys:
a paper's settings file (``paper``) is read by it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import langcodes
import yaml

from layout.calendar_dates import calendar_date
from layout.errors import SourceError, quoted
from layout.model import MAX_PAGES, SectionKind, issue_folder

FENCE = "---"
FENCE_END = re.compile(r"^[^\S\n]*(?:---|\.\.\.)[^\S\n]*$", re.MULTILINE)
MAX_DEPTH = 8  # levels of nesting; the deepest a front matter needs is three (sections, an item, a key)

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
SETTING_TEXT_KEYS = ("paper", "style")
SECTION_KINDS = tuple(kind.value for kind in SectionKind if kind is not SectionKind.NOTES)  # notes: the edition's own


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
    body_line: int = 1  # the source line where the issue's text begins


@dataclass(frozen=True)
class Document:
    """A YAML document of keys the checker reads, as its messages name it."""

    name: str  # what a message calls it: "the front matter", "paper.yaml"
    key: str  # what a message calls one of its keys
    first_line: int  # the line of the file its first line is
    fix: str  # what to do when its YAML cannot be read


FRONT_MATTER = Document("the front matter", "front matter key", 2, "fix the YAML between the '---' lines")


def read_front_matter(text: str, path: Path) -> FrontMatter:
    """The front matter of ``text`` (an empty one when the text does not open with ``---``)."""
    found = _front_matter(text, path)
    if found is None:
        return FrontMatter()
    source, body_line = found
    reader, root = _compose(source, path, FRONT_MATTER)
    if root is None:
        return FrontMatter(body_line=body_line)
    values, key_lines, sections = reader.top(root, TOP_KEYS)
    return FrontMatter(values=values, lines=key_lines, sections=sections, body_line=body_line)


def read_settings(source: str, path: Path, keys: dict[str, Check], document: Document) -> dict[str, Any]:
    """The values of the YAML ``source`` read from ``path``, each key one of ``keys`` and checked as the
    front matter's are; ``sections`` is a key only of the front matter."""
    reader, root = _compose(source, path, document)
    return reader.top(root, keys)[0] if root is not None else {}


def declared_encoding(text: str, path: Path) -> str | None:
    """The ``encoding:`` that the front matter of ``text``, decoded provisionally, declares, if any.

    Only the front matter's ASCII is read. A front matter that cannot be read is reported later, when
    the decoded text is read; an encoding Python does not know is reported now, with its line."""
    try:
        found = _front_matter(text, path)
        if found is None:
            return None
        reader, root = _compose(found[0].encode("ascii", "replace").decode("ascii"), path, FRONT_MATTER)
    except SourceError:
        return None
    for key_node, value_node in root.value if root is not None else ():
        if key_node.value == "encoding":
            encoding: str = reader.checked("encoding", key_node, value_node, TOP_KEYS, FRONT_MATTER.key)
            return encoding
    return None


def _front_matter(text: str, path: Path) -> tuple[str, int] | None:
    """The YAML between the fences and the line where the body starts; None without a front matter."""
    first_end = text.find("\n")
    if text[: first_end if first_end >= 0 else len(text)].strip() != FENCE:
        return None
    fence = FENCE_END.search(text, first_end + 1) if first_end >= 0 else None
    if fence is None:
        raise SourceError(
            "the front matter opened by '---' is never closed", path=path, line=1, hint="end it with a '---' line"
        )
    return text[first_end + 1 : fence.start()].removesuffix("\n"), text.count("\n", 0, fence.start()) + 2


def _compose(source: str, path: Path, document: Document) -> tuple[_Reader, yaml.MappingNode | None]:
    """The document's YAML as a tree of nodes (None when it is empty), and the reader to check it."""
    reader = _Reader(path, document)
    try:
        reader.loader = _SafeLoader(source)  # which reads the text's first characters already
        root = reader.loader.get_single_node()
    except _Unsupported as refused:
        raise SourceError(
            f"{document.name} uses {refused.what}, which reissue does not read",
            path=path,
            line=reader.line(refused.mark),
            hint="write each value out in full",
        ) from None
    except yaml.YAMLError as error:
        raise reader.yaml_error(error) from None
    if root is not None and not isinstance(root, yaml.MappingNode):
        raise SourceError(
            f"{document.name} must be a mapping of keys to values",
            path=path,
            line=document.first_line,
            hint="write one 'key: value' a line",
        )
    return reader, root


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _positive(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _page_count(value: Any) -> int | None:
    count = _positive(value)
    return count if count is not None and count <= MAX_PAGES else None


def _language_tag(value: Any) -> str | None:
    """A well-formed BCP 47 tag of registered subtags (zh-Hans, en-GB), as EPUB and PDF need it."""
    tag = _text(value)
    return tag if tag and LANGUAGE_TAG.fullmatch(tag) and langcodes.tag_is_valid(tag) else None


def _encoding(value: Any) -> str | None:
    """The name of a text encoding Python knows (latin-1, cp1252, shift_jis)."""
    name = _text(value)
    try:
        b"\0".decode(name or "", "ignore")  # not b"": Python decodes no bytes without looking up the codec
    except LookupError:  # unknown, or a codec that is not a text encoding (base64, rot13)
        return None
    return name


def _boolean(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _names(value: Any) -> tuple[str, ...] | None:
    ok = isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value)
    return tuple(v.strip() for v in value) if ok else None


def _iso_date(value: Any) -> str | None:
    """A date to the precision the issue is known by: 2023-11-15, or 1880-10, or 1880 (which YAML reads as
    a number)."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    try:
        return calendar_date(text).iso if isinstance(text, str) else None
    except ValueError:
        return None


LANGUAGE_TAG = re.compile(r"[A-Za-z0-9]{1,8}(?:-[A-Za-z0-9]{1,8})*")  # the shape; langcodes knows the subtags
MERGE = "tag:yaml.org,2002:merge"


class _Unsupported(yaml.YAMLError):
    """What the front matter's loader refuses to read, and where."""

    def __init__(self, what: str, mark: Any) -> None:
        super().__init__(what)
        self.what = what
        self.mark = mark


class _SafeLoader(yaml.SafeLoader):
    """yaml's safe loader, less anchors, aliases, merge keys and deep nesting. Dates stay text so that
    a bad one (2023-13-45) is checked with its key's line."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Unsupported("an anchor or alias (&name, *name)", event.start_mark)
        if self.depth >= MAX_DEPTH:
            raise _Unsupported(f"nesting deeper than {MAX_DEPTH} levels", event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def compose_mapping_node(self, anchor: Any) -> Any:
        node = super().compose_mapping_node(anchor)
        if merge := next((key for key, _ in node.value if key.tag == MERGE), None):
            raise _Unsupported("a merge key (<<)", merge.start_mark)
        return node


def _timestamp_as_text(loader: _SafeLoader, node: yaml.ScalarNode) -> str:
    text: str = loader.construct_scalar(node)
    return text


_SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)

# key -> (read the value or None when it has the wrong type, what to write instead)
Check = tuple[Callable[[Any], Any], str]
TOP_KEYS: dict[str, Check] = {
    **{key: (_text, "a line of text") for key in MASTHEAD_TEXT_KEYS + SETTING_TEXT_KEYS},
    "language": (_language_tag, "a BCP 47 language tag such as zh-Hans or en-GB"),
    "encoding": (_encoding, "a text encoding such as latin-1, cp1252 or gb18030"),
    "date": (_iso_date, "a date such as 2023-11-15 (1880-10 or 1880 when the day is not known)"),
    "issue_number": (_positive, "a whole number such as 9642"),
    "page_count": (_page_count, f"a whole number of pages from 1 to {MAX_PAGES}"),
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
    """Checks the composed YAML against the keys; the nodes give the line of each key and value."""

    loader: _SafeLoader

    def __init__(self, path: Path, document: Document) -> None:
        self.path = path
        self.document = document

    def line(self, mark: Any) -> int:
        first_line = self.document.first_line
        return mark.line + first_line if mark is not None else first_line - 1

    def error(self, message: str, node: yaml.Node, hint: str) -> SourceError:
        return SourceError(message, path=self.path, line=self.line(node.start_mark), hint=hint)

    def yaml_error(self, error: yaml.YAMLError) -> SourceError:
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        return SourceError(
            f"{self.document.name} is not valid YAML: {problem}",
            path=self.path,
            line=self.line(getattr(error, "problem_mark", None)),
            hint=self.document.fix,
        )

    def value(self, node: yaml.Node) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            raise self.yaml_error(error) from None
        except ValueError:  # a number of more digits than Python converts
            raise self.error(
                f"{quoted(node.value)} is not a value reissue reads", node, "write a shorter value"
            ) from None

    def key(self, node: yaml.Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise self.error(f"a {what} must be a word, not a list or a mapping", node, "write one 'key: value' a line")
        key: str = node.value
        return key

    def top(
        self, root: yaml.MappingNode, keys: dict[str, Check]
    ) -> tuple[dict[str, Any], dict[str, int], tuple[SectionOverride, ...]]:
        values: dict[str, Any] = {}
        lines: dict[str, int] = {}
        sections: tuple[SectionOverride, ...] = ()
        for key_node, value_node in root.value:
            key = self.key(key_node, self.document.key)
            if key == "sections" and keys is TOP_KEYS:
                sections = self.sections(value_node)
            else:
                values[key] = self.checked(key, key_node, value_node, keys, self.document.key)
            lines[key] = self.line(key_node.start_mark)
        return values, lines, sections

    def checked(self, key: str, node: yaml.Node, value_node: yaml.Node, keys: dict[str, Check], what: str) -> Any:
        if key not in keys:
            allowed = ", ".join(sorted(keys) + (["sections"] if keys is TOP_KEYS else []))
            raise self.error(f"unknown {what} {quoted(key)}", node, f"use one of {allowed}")
        read, expected = keys[key]
        value = self.value(value_node)
        checked = read(value)
        if checked is None:
            raise self.error(f"'{key}' must be {expected}, not {quoted(value)}", node, f"write {key}: <{expected}>")
        return checked

    def sections(self, node: yaml.Node) -> tuple[SectionOverride, ...]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.error("'sections' must be a list", node, "write one '- headline: …' item per section")
        return tuple(self.section(item_node) for item_node in node.value)

    def section(self, node: yaml.Node) -> SectionOverride:
        if not isinstance(node, yaml.MappingNode) or not any(key.value == "headline" for key, _ in node.value):
            raise self.error(
                "each item of 'sections' needs a 'headline'",
                node,
                "write '- headline: <the headline as the text has it>'",
            )
        values: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = self.key(key_node, "section key")
            values[key] = self.checked(key, key_node, value_node, SECTION_KEYS, "section key")
            lines[key] = self.line(key_node.start_mark)
            if key == "kind" and values[key] not in SECTION_KINDS:
                raise self.error(
                    f"unknown section kind {quoted(values[key])}",
                    value_node,
                    f"use one of {', '.join(SECTION_KINDS)}",
                )
            if key == "image":
                values[key] = self.image(values[key], value_node)
        headline = values.pop("headline")
        return SectionOverride(headline=headline, line=lines.pop("headline"), values=values, lines=lines)

    def image(self, image: str, node: yaml.Node) -> str:
        """The image's path relative to the issue's folder; it must be a file inside that folder."""
        folder = issue_folder(self.path)
        hint = f"put the image in {folder.as_posix()}/ and give its path relative to the issue"
        if PurePosixPath(image).is_absolute() or PureWindowsPath(image).is_absolute():
            raise self.error(f"image {quoted(image)} is an absolute path", node, hint)
        try:
            resolved = (folder / image).resolve()
            if not resolved.is_relative_to(folder):
                raise self.error(f"image {quoted(image)} is outside the issue's folder", node, hint)
            if not resolved.is_file():
                raise self.error(f"image {quoted(image)} does not exist", node, hint)
        except (OSError, RuntimeError):  # a name longer than the system allows, a loop of symlinks
            raise self.error(f"image {quoted(image)} cannot be opened", node, hint) from None
        return resolved.relative_to(folder).as_posix()
