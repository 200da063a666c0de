"""Styles: a folder under ``styles/`` with ``style.yaml`` (typographic bounds, paper presets) and templates.

In: a style's name and a paper preset. Out: a ``Style`` (validated settings and a Jinja2 environment
that reads only that folder) and its ``Paper``. Python reads the numbers it must plan with; the look
itself stays in the style's templates and CSS.

``style.yaml`` is read against a typed schema, ``Settings``: each key declared with its type and a
docstring that says what it means. Every problem in the file (a wrong value, a misspelt or missing
key) is collected and all are reported at once, as one ``StyleError`` naming the file and each key's
line. A style may name another with ``extends:``; it then sets only the keys that differ.
A template that breaks while an edition is rendered (bad syntax, an include that does not exist, an
undefined name) is a ``StyleError`` naming the template file and line (``Style.rendering``).
"""

from __future__ import annotations

import contextlib
import difflib
import math
import re
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Any

import jinja2
import pydantic
import yaml
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, Strict, TypeAdapter, with_config
from typing_extensions import TypedDict  # pydantic reads typing.TypedDict only from Python 3.12

from layout.errors import StyleError
from layout.user_folders import cache_folder

STYLES_DIR = Path(__file__).resolve().parent.parent / "styles"
DEFAULT_STYLE = "zhaotong-daily"

PT_PER_UNIT = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "px": 0.75}


def to_pt(value: str | float | int) -> float:
    """A CSS length (``12mm``, ``11in``, ``10pt`` or a bare number of points) in points."""
    if isinstance(value, (int, float)):
        return float(value)
    match = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*(pt|mm|cm|in|px)\s*", str(value))
    if not match:
        raise StyleError(f"{value!r} is not a length", hint="write a number with one of the units pt, mm, cm, in")
    return float(match.group(1)) * PT_PER_UNIT[match.group(2)]


def _length(value: object) -> object:
    """A length as style.yaml writes it (``210mm``), in points; a number is left to the type check."""
    if not isinstance(value, str):
        return value
    try:
        points = to_pt(value)
    except StyleError:
        points = 0
    if points <= 0:  # said here, of the length as written, not of its value in points
        raise ValueError("should be a length greater than 0, such as 210mm, 8.5in or 595pt")
    return points


def _name_papers(value: object) -> object:
    """Each paper preset is named by its key under ``papers``, in lower case as --paper is looked up."""
    if not isinstance(value, dict):
        return value
    return {
        str(key).lower(): {**size, "name": str(key).lower()} if isinstance(size, dict) else size
        for key, size in value.items()
    }


# Numbers as YAML writes them (never a quoted string or a boolean)
Positive = Annotated[float, Strict(), Field(gt=0)]
Share = Annotated[float, Strict(), Field(gt=0, lt=1)]  # of a page's rows or height
Length = Annotated[float, Strict(), Field(gt=0), BeforeValidator(_length)]  # in pt

# a font family's name as CSS may write it unquoted (the print templates do): words of letters and digits
FontFamily = Annotated[str, Strict(), Field(pattern=r"^[A-Za-z][A-Za-z0-9]*( [A-Za-z][A-Za-z0-9]*)*$")]

SCHEMA = ConfigDict(extra="forbid", use_attribute_docstrings=True)


@with_config(SCHEMA)
@dataclass(frozen=True)
class Paper:
    """A paper preset: the sheet and the columns of its grid."""

    name: str
    """The preset's name: its key under ``papers``."""
    width: Length
    """The sheet's width: a length such as 210mm, 8.5in or 595pt."""
    height: Length
    """The sheet's height."""
    margin: Length
    """The margin on every side of the page."""
    columns: Annotated[int, Strict(), Field(ge=1)]
    """How many columns the page's grid has."""


@with_config(SCHEMA)
@dataclass(frozen=True)
class Bounds:
    """A range the planner tries, from ``min`` to ``max`` in steps of ``step``, to fit the issue."""

    min: Positive
    """The smallest value tried."""
    max: Positive
    """The largest value tried."""
    step: Positive = 0.25
    """The step between two tries."""
    preferred: Positive | None = None
    """The body size an issue that names no page count is reckoned at: it takes as many pages as its
    content fills at this size (then fitted to them within the bounds). The largest when not given."""

    def __post_init__(self) -> None:
        if self.min > self.max:
            raise ValueError(f"min {self.min:g} is larger than max {self.max:g}")
        if self.preferred is not None and not self.min <= self.preferred <= self.max:
            raise ValueError(f"preferred {self.preferred:g} is not between min {self.min:g} and max {self.max:g}")

    @property
    def reckoned(self) -> float:
        """``preferred``, else ``max``: what an issue that names no page count is reckoned at."""
        return self.preferred or self.max


@with_config(SCHEMA)
@dataclass(frozen=True)
class Dense:
    """The dense preset: tighter bounds the planner goes on to when an issue's text does not fit its pages
    within the style's own (a nineteenth-century page held 25,000-30,000 characters)."""

    body_size: Bounds
    """The body text's size in pt."""
    leading: Bounds
    """The body's line height as a multiple of its size."""
    gutter: Positive
    """The space between columns, as a multiple of the body size."""
    masthead_height: Share
    """The masthead's height, as a share of the page's height (old nameplates took less of the page)."""


def _below_one(share: Bounds) -> Bounds:
    if share.max >= 1:
        raise ValueError(f"max {share.max:g} is not below 1")
    return share


RANKS = ("lead", "story", "commentary", "photo", "continuation")  # the planner's ranks of headlines


def _every_rank(sizes: dict[str, float]) -> dict[str, float]:
    """A size for each rank of headline, and for nothing else."""
    unknown = [rank for rank in sizes if rank not in RANKS]
    missing = [rank for rank in RANKS if rank not in sizes]
    if unknown or missing:
        said = ([f"has no rank {', '.join(unknown)}"] if unknown else []) + (
            [f"lacks {', '.join(missing)}"] if missing else []
        )
        raise ValueError(" and ".join(said))
    return sizes


@with_config(SCHEMA)
class PageNames(TypedDict):
    """The names (版名) printed in the folios of pages the issue does not name itself."""

    front: str
    """The front page's name."""
    inside: str
    """Every other page's name."""


@with_config(SCHEMA)
@dataclass(frozen=True)
class Settings:
    """What a style's ``style.yaml`` sets (together with the style it extends). Sizes in pt unless a
    unit is given; the engine fits an issue to its pages by choosing within these bounds."""

    language: Annotated[str, Strict(), Field(min_length=2)]
    """The language of the style's wording, as a BCP 47 tag (zh-Hans, en)."""
    default_paper: Annotated[str, Strict(), Field(alias="paper")]
    """The paper preset used unless the issue or --paper names another (a key under ``papers``)."""
    papers: Annotated[dict[str, Paper], BeforeValidator(_name_papers)]
    """The paper presets by name: each a sheet's width, height, margin and columns."""
    gutter: Positive
    """The space between columns, as a multiple of the body size (a column rule stands in it)."""
    body_size: Bounds
    """The body text's size in pt: the bounds within which the planner fits the issue."""
    leading: Bounds
    """The body's line height as a multiple of its size: the page's row grid."""
    caption_size: Positive
    """A caption's size, as a multiple of the body size."""
    headline_size: Annotated[dict[str, Positive], AfterValidator(_every_rank)]
    """Headline sizes by rank (lead, story, commentary, photo, continuation), as multiples of the body
    size; a headline shrinks (to 70%) or wraps to fit its span."""
    photo_share: Annotated[Bounds, AfterValidator(_below_one)]
    """A photo frame's depth, as a share of its page's rows (within that, the planner keeps the frame's
    proportions between a wide landscape and a portrait)."""
    front_story_share: Share
    """The share of the front page's rows that the lead story keeps at least (when it has that much)."""
    masthead_height: Share
    """The masthead's height, as a share of the page's height."""
    folio_height: Annotated[int, Strict(), Field(ge=1)]
    """The folio's height (the running head with page number and name), in rows of the grid."""
    page_names: PageNames
    """The page names (版名) used where the issue names none."""
    paragraph_indent: Annotated[float, Strict(), Field(ge=0)]
    """A paragraph's first-line indent, in ems of the body."""
    body_faces: Annotated[tuple[FontFamily, ...], Field(min_length=1)]
    """The body's font families, in fallback order (each character in the first that has it): the
    print edition sets them and the planner measures with them. The first needs a Regular and a Bold (the
    headlines are set in it); a later one, there for the characters the first lacks, may have no Bold:
    the few such characters in a headline then print in its Regular."""
    dense: Dense | None = None
    """The dense preset, if the style has one: what the planner tries when the issue's text does not fit
    its pages within the bounds above."""

    def __post_init__(self) -> None:  # checked once every key is valid
        if self.default_paper not in self.papers:
            raise ValueError(f"paper {self.default_paper!r} is none of the papers ({', '.join(self.papers)})")


SETTINGS = TypeAdapter(Settings)
SETTINGS_SCHEMA = SETTINGS.json_schema()


@dataclass(frozen=True, kw_only=True)
class Style(Settings):
    """A style: its settings, and the folders its templates come from."""

    name: str
    folders: tuple[Path, ...]  # this style's folder first, then the folders of the styles it extends

    def paper(self, name: str | None, page_size: tuple[float, float] | None = None) -> Paper:
        """The paper named; else a sheet of the source's printed ``page_size`` (mm), with the margin and
        columns of the style's paper nearest to it, so that a page is reissued at its own size (an 1858
        page held its 35,000 characters on a sheet larger than any broadsheet); else the style's default."""
        if name is None and page_size is not None:
            nearest = min(self.papers.values(), key=lambda paper: _size_difference(paper, page_size))
            width, height = (length * PT_PER_MM for length in page_size)
            return replace(
                nearest, name=f"the source's {page_size[0]:.0f}x{page_size[1]:.0f}mm page", width=width, height=height
            )
        key = (name or self.default_paper).lower()
        if key not in self.papers:
            raise StyleError(
                f"unknown paper {name!r} in style {self.name!r}", hint=f"use one of {', '.join(sorted(self.papers))}"
            )
        return self.papers[key]

    def densest(self) -> Style | None:
        """This style with its dense preset's bounds for its own, if it has one."""
        if self.dense is None:
            return None
        dense = self.dense
        return replace(
            self,
            body_size=dense.body_size,
            leading=dense.leading,
            gutter=dense.gutter,
            masthead_height=dense.masthead_height,
            dense=None,
        )

    def papers_for(self, name: str | None, page_size: tuple[float, float] | None) -> list[Paper]:
        """The papers an issue may be set on, to try in turn: the one named alone; else the source's own size
        (see ``paper``) or the style's default, and then each larger paper of the style, by area, for an issue
        whose text its page count holds only on a larger sheet (old type was smaller than the dense preset's)."""
        if name is not None:
            return [self.paper(name)]
        first = self.paper(None, page_size)
        larger = [p for p in self.papers.values() if p.width * p.height > first.width * first.height]
        return [first, *sorted(larger, key=lambda p: p.width * p.height)]

    @cached_property
    def templates(self) -> jinja2.Environment:
        """A template is taken from this style's folder, else from the style it extends."""
        return template_environment(*self.folders)

    def stylesheets(self, name: str) -> list[Path]:
        """Every ``name`` (e.g. ``print/print.css``) along the chain, the extended style's first."""
        return [folder / name for folder in reversed(self.folders) if (folder / name).is_file()]

    @contextmanager
    def rendering(self) -> Iterator[None]:
        """While the block renders the style's templates, a broken template is a ``StyleError`` naming
        the template file and line: a syntax error, an include or import of a template that does not
        exist, a name that is undefined (as the templates are rendered, or a macro called from Python)."""
        try:
            yield
        except jinja2.TemplateError as error:
            raise self._template_error(error) from None

    def _template_error(self, error: jinja2.TemplateError) -> StyleError:
        path, line = _template_line(error, self.folders)
        path = path or self.folders[0]  # a template asked for by the engine itself: the style lacks it
        if isinstance(error, jinja2.TemplateSyntaxError):
            return StyleError(f"template syntax: {error.message}", path=path, line=line)
        if isinstance(error, jinja2.TemplateNotFound):
            return StyleError(
                f"no template {error.name!r} in style {self.name!r}",
                path=path,
                line=line,
                hint="add it to the style's folder, or correct the name",
            )
        hint = "correct the name" if isinstance(error, jinja2.UndefinedError) else None
        return StyleError(f"template error: {error.message}", path=path, line=line, hint=hint)


PT_PER_MM = 72 / 25.4


def _size_difference(paper: Paper, size_mm: tuple[float, float]) -> float:
    """How far a paper is from a page of ``size_mm``: the ratios of widths and of heights, as logarithms,
    so that a sheet twice as large and one half as large are as far."""
    width, height = (length * PT_PER_MM for length in size_mm)
    return abs(math.log(paper.width / width)) + abs(math.log(paper.height / height))


def _template_line(error: jinja2.TemplateError, folders: tuple[Path, ...]) -> tuple[Path | None, int | None]:
    """The template file and line where ``error`` arose: the innermost template frame of its traceback."""
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        return Path(error.filename), error.lineno
    found: tuple[Path | None, int | None] = (None, None)
    for frame, lineno in traceback.walk_tb(error.__traceback__):
        template = frame.f_globals.get("__jinja_template__")  # compiled template code, as Jinja2 marks it
        if template is not None and template.filename:
            found = Path(template.filename), template.get_corresponding_lineno(lineno)
        elif any(Path(frame.f_code.co_filename).is_relative_to(folder) for folder in folders):
            found = Path(frame.f_code.co_filename), lineno  # a frame Jinja2 already rewrote to the template's line
    return found


class _KeptTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in a folder; one that cannot be written there (the folder removed, the disk
    full) is compiled again by the next command, and this one goes on."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


@cache  # one a process: a build's templates are compiled once, not for every issue of a batch
def template_environment(*folders: Path) -> jinja2.Environment:
    """Templates from ``folders`` only (the first that has a name wins), every value escaped,
    an undefined name an error. A template changed on disk is read again (Jinja2's ``auto_reload``).
    Compiled templates are kept in the user's cache folder, for the next command (compiling a style's
    templates costs 0.1 s of a cold build's CPU); Jinja2 compiles a template again when its source changed."""
    cache = cache_folder()
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in folders]),
        bytecode_cache=None if cache is None else _KeptTemplates(str(cache)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def load_style(name: str | None = None) -> Style:
    """Read ``styles/<name>/style.yaml`` over the style it extends; an unknown style or a broken file is
    a ``StyleError`` naming every problem found."""
    chain = _chain(name or DEFAULT_STYLE, ())
    merged: dict[str, Any] = {}
    origin: dict[str, SettingsFile] = {}  # the file each key was taken from
    for file in reversed(chain):
        for key, value in file.settings.items():
            merged[key], origin[key] = value, file
    try:
        settings = SETTINGS.validate_python(merged)
    except pydantic.ValidationError as error:
        raise _settings_error(error, chain[0], origin) from None
    return Style(**vars(settings), name=chain[0].path.parent.name, folders=tuple(f.path.parent for f in chain))


def style_for_language(language: str, script_language: str | None = None) -> str:
    """The style for an issue that names none: the default style when it is set in the issue's language,
    else the first style, by name, whose language is the issue's (``en-US`` takes an ``en`` style), else
    the style of ``script_language``, the language whose script the issue's text is set in (``en`` for
    Latin letters, ``zh-Hans`` for Han: ``layout.readers.newspaper.language_of``), so that a French or
    Finnish paper is set in Latin faces with Western dates, not as a Chinese daily; else the default style."""
    for wanted in (language, script_language):
        if wanted and (name := _style_in(wanted)):
            return name
    return DEFAULT_STYLE


def _style_in(language: str) -> str | None:
    """The default style if it is set in ``language``, else the first style, by name, that is."""
    primary = language.split("-")[0].lower()
    others = sorted(p.name for p in STYLES_DIR.iterdir() if (p / "style.yaml").is_file() and p.name != DEFAULT_STYLE)
    return next((n for n in (DEFAULT_STYLE, *others) if load_style(n).language.split("-")[0].lower() == primary), None)


@dataclass(frozen=True)
class SettingsFile:
    """One ``style.yaml``: its settings as written, and the YAML tree they came from (for line numbers)."""

    path: Path
    settings: dict[str, Any]
    tree: yaml.Node | None


def _chain(name: str, seen: tuple[str, ...]) -> list[SettingsFile]:
    """The settings files of a style and of the styles it extends, the style's own first."""
    settings_file = STYLES_DIR / name / "style.yaml"
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", name) or not settings_file.is_file():
        known = sorted(p.name for p in STYLES_DIR.iterdir() if (p / "style.yaml").is_file())
        raise StyleError(f"no style named {name!r}", hint=f"use one of {', '.join(known)}")
    if name in seen:
        raise StyleError(f"style {name!r} extends itself", path=settings_file)
    file = _read(settings_file)
    extends = file.settings.pop("extends", None)  # the style whose settings and templates this one starts from
    if extends is None:
        return [file]
    if not isinstance(extends, str):
        raise StyleError("extends should name a style", path=settings_file, line=_line(file.tree, ("extends",)))
    return [file, *_chain(extends, seen + (name,))]


def _read(path: Path) -> SettingsFile:
    try:
        loader = yaml.SafeLoader(path.read_text(encoding="utf-8"))
        try:
            tree = loader.get_single_node()
            settings = loader.construct_document(tree) if tree is not None else {}
        finally:
            loader.dispose()
    except UnicodeDecodeError:
        raise StyleError("not UTF-8 text", path=path, hint="save it as UTF-8") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise StyleError(
            f"broken YAML: {getattr(error, 'problem', error)}",
            path=path,
            line=mark.line + 1 if mark is not None else None,
        ) from None
    if not isinstance(settings, dict):
        raise StyleError("not a mapping of settings", path=path, hint="write one `key: value` per line")
    return SettingsFile(path, settings, tree)


def _settings_error(error: pydantic.ValidationError, own: SettingsFile, origin: dict[str, SettingsFile]) -> StyleError:
    """Every problem pydantic found, in one line: each key, its line and what is wrong with it; the keys
    missing from one mapping are said together."""
    problems: dict[tuple[str, ...], Problem] = {}
    for found in error.errors():
        loc = tuple(map(str, found["loc"]))
        file = origin.get(loc[0], own) if loc else own
        if found["type"] == "missing":  # said once per mapping: "headline_size lacks story, photo"
            parent = loc[:-1]
            earlier = problems.get(("missing", *parent))
            lacking = (earlier.lacking if earlier else ()) + (loc[-1],)
            problems[("missing", *parent)] = Problem(file, _line(file.tree, parent), ".".join(parent), "", lacking)
        else:
            problems[loc] = Problem(file, _line(file.tree, loc), ".".join(loc), _what_is_wrong(found, loc))
    ordered = sorted(problems.values(), key=lambda p: (p.file is not own, p.line or 0))
    if len(ordered) == 1:
        return StyleError(ordered[0].text(), path=ordered[0].file.path, line=ordered[0].line)
    return StyleError(f"{len(ordered)} problems: " + "; ".join(p.text(own) for p in ordered), path=own.path)


@dataclass(frozen=True)
class Problem:
    """One problem in a style's settings."""

    file: SettingsFile
    line: int | None
    key: str  # dotted: papers.a4.width
    what: str  # what is wrong with it
    lacking: tuple[str, ...] = ()  # for a mapping: the keys it lacks

    def text(self, own: SettingsFile | None = None) -> str:
        """The problem as said in the error's one line; ``own`` is the file the line names already."""
        if self.lacking:
            what = f"lacks {', '.join(self.lacking)}" if self.key else f"missing settings: {', '.join(self.lacking)}"
        else:
            what = self.what
        if own is None:
            return f"{self.key} {what}".strip()
        where = str(self.file.path) if self.file is not own else ""
        where = f"{where}:{self.line}" if where and self.line else f"line {self.line}" if self.line else where
        return f"{self.key} ({where}) {what}".strip() if where else f"{self.key} {what}".strip()


SUBJECT = re.compile(r"^\w+ (?=should )")  # pydantic's "Input should…", "String should…"


def _what_is_wrong(problem: Any, loc: tuple[str, ...]) -> str:
    """pydantic's message for one problem, said of the key, with what the key means."""
    if problem["type"] in ("unexpected_keyword_argument", "extra_forbidden"):
        known = list(_deref(_schema_at(loc[:-1])).get("properties", {}))
        close = difflib.get_close_matches(loc[-1], known, n=1)
        return "is not a setting" + (f" (did you mean {close[0]}?)" if close else f" (known: {', '.join(known)})")
    what = problem["msg"].removeprefix("Value error, ")  # a ValueError of the schema's own checks
    what = SUBJECT.sub("", what)  # "Input should be a valid number" -> "should be a valid number"
    if not isinstance(problem["input"], (dict, list)):
        what += f", not {_excerpt(problem['input'])}"
    meaning = _schema_at(loc).get("description") if loc else None
    return f"{what} — {_first_sentence(meaning)}" if meaning else what


def _schema_at(loc: tuple[str, ...]) -> dict[str, Any]:
    """The part of the settings' JSON schema that describes the key at ``loc`` (its description is here)."""
    node: dict[str, Any] = SETTINGS_SCHEMA
    for part in loc:
        node = _deref(node)
        if part in node.get("properties", {}):
            node = node["properties"][part]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        else:
            return {}
    return node


def _deref(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = SETTINGS_SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _line(tree: yaml.Node | None, loc: tuple[str, ...]) -> int | None:
    """The line of the deepest key along ``loc`` that the file writes (1-based)."""
    node, line = tree, None
    for part in loc:
        if not isinstance(node, yaml.MappingNode):
            break
        for key, value in node.value:
            if key.value == str(part):
                node, line = value, key.start_mark.line + 1
                break
        else:
            break
    return line


def _excerpt(value: object, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _first_sentence(text: str) -> str:
    """A docstring's first sentence, to follow a dash: "The space between…" -> "the space between…"."""
    sentence = " ".join(text.split()).split(". ")[0].rstrip(".").replace("``", "")
    return sentence[:1].lower() + sentence[1:]
