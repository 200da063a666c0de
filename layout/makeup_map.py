"""The makeup map: a ``Plan`` and its ``Issue`` in -> where each page's modules stand in the print PDF out,
as the small JSON file (``MAKEUP_NAME``) the PDF carries, for ``verify`` to measure the page against.

Each module is listed with its rectangle on the page, its columns, its sections (the index in the
issue, the kind, the headline, the characters of the story's text, the columns its piece spans), the
rectangles of its headline blocks and of its photo frames. Every rectangle is in PDF points from the
top left of the page's trim box, y down, computed here and nowhere else, with the numbers the print
templates place their boxes with (``place()`` in styles/<style>/print/_macros.html.j2): the grid's
columns and rows start at the paper's margin, under the masthead on the front page and under the folio
on the inside pages.
"""

from __future__ import annotations

import json

from layout.model import Issue
from layout.plan import Geometry, Module, Page, Piece, Plan

MAKEUP_NAME = "makeup.json"
MAKEUP_VERSION = 1

Rect = dict[str, float]  # x, y, width, height


def makeup_json(plan: Plan, issue: Issue) -> bytes:
    """The makeup map as the PDF carries it."""
    return json.dumps(makeup_map(plan, issue), ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def makeup_map(plan: Plan, issue: Issue) -> dict:
    geometry = plan.geometry
    return {
        "version": MAKEUP_VERSION,
        "origin": "top left of the page's trim box, y down, in pt",
        "line_height": geometry.line_height,
        "pages": [
            {"number": page.number, "modules": [_module(module, page, geometry, issue) for module in page.modules()]}
            for page in plan.pages
        ],
    }


def grid_origin(geometry: Geometry, page: Page) -> tuple[float, float]:
    """Where the page's grid begins: the paper's margin, under the masthead or the folio."""
    furniture = geometry.masthead_height if page.front else geometry.folio_height
    return geometry.paper.margin, geometry.paper.margin + furniture


def grid_rect(geometry: Geometry, page: Page, row: int, column: int, rows: int, span: int) -> Rect:
    """The rectangle of ``rows`` rows from ``row`` and ``span`` columns from ``column`` on the page."""
    left, top = grid_origin(geometry, page)
    return _rect(
        left + column * (geometry.column_width + geometry.gutter),
        top + row * geometry.line_height,
        geometry.span_width(span),
        rows * geometry.line_height,
    )


def _module(module: Module, page: Page, geometry: Geometry, issue: Issue) -> dict:
    columns: dict[tuple[float, float], Rect] = {}
    for piece in module.pieces:
        for column in _text_columns(piece, page, geometry):
            columns.setdefault((column["x"], column["width"]), column)
    return {
        **grid_rect(geometry, page, module.row, module.column, module.rows, module.span),
        "columns": [{"x": c["x"], "width": c["width"]} for c in sorted(columns.values(), key=lambda c: c["x"])],
        "sections": [_section(piece, issue) for piece in module.pieces],
        "heads": [
            grid_rect(geometry, page, piece.head_row, piece.column, piece.head.rows, piece.span)
            for piece in module.pieces
            if piece.head.is_headline
        ],
        "frames": [
            grid_rect(geometry, page, piece.row, piece.column, piece.photo_rows, piece.span)
            for piece in module.pieces
            if piece.photo_rows
        ],
    }


def _text_columns(piece: Piece, page: Page, geometry: Geometry) -> list[Rect]:
    """The columns a piece's text is set in (the page's, or a list's lanes): a photo's caption runs across
    the photo's whole width."""
    whole = grid_rect(geometry, page, piece.row, piece.column, piece.rows, piece.span)
    if piece.photo_rows:
        return [whole]
    return [
        {**whole, "x": round(whole["x"] + left, 3), "width": round(width, 3)}
        for left, width in geometry.text_columns(piece.span, piece.lane)
    ]


def _section(piece: Piece, issue: Issue) -> dict:
    section = issue.sections[piece.section]
    return {
        "index": piece.section,
        "part": piece.part,
        "kind": section.kind.value,
        "headline": section.label,
        "chars": section.characters,
        "span": piece.span,
    }


def _rect(x: float, y: float, width: float, height: float) -> Rect:
    return {"x": round(x, 3), "y": round(y, 3), "width": round(width, 3), "height": round(height, 3)}
