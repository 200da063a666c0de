"""Styles: a folder under ``styles/`` with ``style.yaml`` (typographic bounds, paper presets) and templates.

In: a style's name and a paper preset. Out: a ``Style`` (validated settings and a Jinja2 environment
that reads only that folder) and its ``Paper``. Python reads the numbers it must plan with; the look
itself stays in the style's templates and CSS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
import yaml

from layout.errors import StyleError

STYLES_DIR = Path(__file__).resolve().parent.parent / "styles"
DEFAULT_STYLE = "zhaotong-daily"

PT_PER_UNIT = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "px": 0.75}


def to_pt(value: str | float | int, *, where: str = "") -> float:
    """A CSS length (``12mm``, ``11in``, ``10pt`` or a bare number of points) in points."""
    if isinstance(value, (int, float)):
        return float(value)
    match = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*(pt|mm|cm|in|px)\s*", str(value))
    if not match:
        raise StyleError(
            f"{value!r} is not a length", path=where or None, hint="write a number with one of the units pt, mm, cm, in"
        )
    return float(match.group(1)) * PT_PER_UNIT[match.group(2)]


@dataclass(frozen=True)
class Paper:
    name: str
    width: float  # pt
    height: float
    margin: float
    columns: int


@dataclass(frozen=True)
class Bounds:
    min: float
    max: float
    step: float = 0.25


@dataclass(frozen=True)
class Style:
    name: str
    folders: tuple[Path, ...]  # this style's folder first, then the folders of the styles it extends
    language: str
    default_paper: str
    papers: dict[str, Paper]
    gutter: float  # as a multiple of the body size
    body_size: Bounds
    leading: Bounds
    caption_size: float
    headline_size: dict[str, float]
    photo_share: Bounds
    front_story_share: float
    masthead_height: float
    folio_height: int
    page_names: dict[str, str]
    paragraph_indent: float  # first-line indent, in ems of the body

    def paper(self, name: str | None) -> Paper:
        key = (name or self.default_paper).lower()
        if key not in self.papers:
            raise StyleError(
                f"unknown paper {name!r} in style {self.name!r}", hint=f"use one of {', '.join(sorted(self.papers))}"
            )
        return self.papers[key]

    @cached_property
    def templates(self) -> jinja2.Environment:
        """A template is taken from this style's folder, else from the style it extends."""
        return template_environment(*self.folders)

    def stylesheets(self, name: str) -> list[Path]:
        """Every ``name`` (e.g. ``print/print.css``) along the chain, the extended style's first."""
        return [folder / name for folder in reversed(self.folders) if (folder / name).is_file()]


def template_environment(*folders: Path) -> jinja2.Environment:
    """Templates from ``folders`` only (the first that has a name wins), every value escaped,
    an undefined name an error."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in folders]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


OPTIONAL_KEYS = {"extends"}  # the style whose settings and templates this one starts from
SETTINGS_KEYS = {
    "language",
    "paper",
    "papers",
    "gutter",
    "body_size",
    "leading",
    "caption_size",
    "headline_size",
    "photo_share",
    "front_story_share",
    "masthead_height",
    "folio_height",
    "page_names",
    "paragraph_indent",
}


def load_style(name: str | None = None) -> Style:
    """Read ``styles/<name>/style.yaml`` (over the style it extends); an unknown style or a broken
    file is a ``StyleError``."""
    raw, folders = _settings_chain(name or DEFAULT_STYLE, ())
    settings_file = folders[0] / "style.yaml"
    missing = SETTINGS_KEYS - set(raw)
    if missing:
        raise StyleError(
            f"settings {sorted(missing)} missing",
            path=settings_file,
            hint=f"a style sets {', '.join(sorted(SETTINGS_KEYS))}, or extends one that does",
        )
    where = str(settings_file)
    papers = {
        key: Paper(
            key,
            to_pt(p["width"], where=where),
            to_pt(p["height"], where=where),
            to_pt(p["margin"], where=where),
            int(p["columns"]),
        )
        for key, p in raw["papers"].items()
    }
    return Style(
        name=folders[0].name,
        folders=folders,
        language=raw["language"],
        default_paper=raw["paper"],
        papers=papers,
        gutter=float(raw["gutter"]),
        body_size=Bounds(**raw["body_size"]),
        leading=Bounds(**raw["leading"]),
        caption_size=float(raw["caption_size"]),
        headline_size={k: float(v) for k, v in raw["headline_size"].items()},
        photo_share=Bounds(**raw["photo_share"]),
        front_story_share=float(raw["front_story_share"]),
        masthead_height=float(raw["masthead_height"]),
        folio_height=int(raw["folio_height"]),
        page_names=dict(raw["page_names"]),
        paragraph_indent=float(raw["paragraph_indent"]),
    )


def _settings_chain(name: str, seen: tuple[str, ...]) -> tuple[dict[str, Any], tuple[Path, ...]]:
    """A style's settings over those of the style it extends, and the folders of the chain."""
    folder = STYLES_DIR / name
    settings_file = folder / "style.yaml"
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", name) or not settings_file.is_file():
        known = sorted(p.name for p in STYLES_DIR.iterdir() if (p / "style.yaml").is_file())
        raise StyleError(f"no style named {name!r}", hint=f"use one of {', '.join(known)}")
    if name in seen:
        raise StyleError(f"style {name!r} extends itself", path=settings_file)
    try:
        raw: dict[str, Any] = yaml.safe_load(settings_file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        line = getattr(getattr(error, "problem_mark", None), "line", None)
        raise StyleError(
            f"broken YAML: {getattr(error, 'problem', error)}",
            path=settings_file,
            line=line + 1 if line is not None else None,
        ) from None
    unknown = set(raw) - SETTINGS_KEYS - OPTIONAL_KEYS
    if unknown:
        raise StyleError(
            f"unknown settings {sorted(unknown)}",
            path=settings_file,
            hint=f"a style sets {', '.join(sorted(SETTINGS_KEYS | OPTIONAL_KEYS))}",
        )
    if "extends" not in raw:
        return raw, (folder,)
    base, folders = _settings_chain(str(raw.pop("extends")), seen + (name,))
    return {**base, **raw}, (folder, *folders)
