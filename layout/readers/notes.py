"""An issue as a reader made it -> the same issue with its notes: the source's text its repairs took out.

In: an ``Issue``. Out: the issue with one NOTES section at its end for each kind of repair in
``QUOTED_IN_NOTES`` it made (a word a line's end broke, made whole: ``Har- bor``; the original
edition's jump line, replaced by the reissue's own: ``Continued on page 3``), its one paragraph
quoting what each of those repairs took out, in the order of the source. The text reads as the
edition means it to, and every character of the source is still in the edition, in its notes: a
reader can see what was changed, and a check that knows nothing of the repairs finds every
character. The style's wording says what each kind of note is.
"""

from __future__ import annotations

import dataclasses

from layout.model import QUOTED_IN_NOTES, Block, Issue, Repair, RepairKind, Section, SectionKind

SEPARATOR = " · "  # between two quotations: a mark no language's text around it needs to explain


def with_notes(issue: Issue) -> Issue:
    """``issue`` with its notes sections last (none when no repair took text out)."""
    notes = [_notes(kind, repairs) for kind in QUOTED_IN_NOTES if (repairs := _of_kind(issue.repairs, kind))]
    return dataclasses.replace(issue, sections=(*issue.sections, *notes)) if notes else issue


def _of_kind(repairs: tuple[Repair, ...], kind: RepairKind) -> list[Repair]:
    return sorted((r for r in repairs if r.kind is kind), key=lambda r: r.lines)


def _notes(kind: RepairKind, repairs: list[Repair]) -> Section:
    first, last = repairs[0].lines[0], max(r.lines[-1] for r in repairs)
    text = SEPARATOR.join(" ".join(r.before.split()) for r in repairs)
    return Section(SectionKind.NOTES, "", first, blocks=(Block(text, first, last),), notes=kind)
