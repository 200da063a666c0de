"""What a build is asked for: the command line's options, as plain data that every stage and the batch
runner read (a module of its own, so that reading them costs no import of the renderers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from layout.output import OUT_DIR

# A PDF/A-3 is the archive's copy: it carries the source and model inside (its associated
# files). Any other PDF carries them only when asked; PDF/A-1 and PDF/A-2 allow no files of these kinds.
ARCHIVAL = ("pdf/a-3",)
NO_ATTACHMENTS = ("pdf/a-1", "pdf/a-2")


@dataclass(frozen=True)
class PrintOptions:
    bleed: str | None = None  # e.g. "3mm"
    marks: bool = False
    variant: str | None = None  # WeasyPrint's pdf_variant, e.g. "pdf/a-3b", "pdf/ua-1"
    tagged: bool = True
    attachments: tuple[tuple[str, bytes, str], ...] = field(default=())  # (name, data, description)


@dataclass(frozen=True)
class BuildOptions:
    format: str | None = None  # the format, when not told from its content
    out_dir: Path = OUT_DIR
    style: str | None = None
    paper: str | None = None
    pages: int | None = None
    pdf: bool = True
    epub: bool = True
    html: bool = False
    attach: bool = False  # the source and model inside any PDF, not only an archival one
    printing: PrintOptions = field(default_factory=PrintOptions)
