"""Conservation of the source's text: an ``Issue`` and a file's text, as read back -> a ``Finding`` for
each text field not found whole, where each story's text was found, and the figures compared.

Every character of every text field of the model (masthead, headlines, bylines, captions,
paragraphs...) must be in the file's text, compared after NFKC with white space removed
(``normalize``), in order within each field. A field may be found in pieces (a story cut by a jump to
a later page, a jump line or a running head drawn in between); every piece but the last must be
``MIN_PIECE`` characters or more, so that scattered short strings never count as a paragraph found.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from layout.model import Issue, Masthead, Section
from layout.verify.report import Finding

MIN_PIECE = 6  # shortest piece of a split field that counts as found (the last piece may be shorter)
CONTEXT = 12  # characters of context quoted in a finding


def normalize(text: str) -> str:
    """NFKC with all white space removed: what any faithful re-typesetting keeps."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class Unit:
    """One text field of the model that must reach the output."""

    kind: str
    text: str  # normalized
    line: int | None
    section: int | None = None  # index in issue.sections


# ISO date (printed in the paper's own form), file name, alt text; a catalogue's volume and LCCN (METS),
# which the paper prints, if at all, in its own furniture (VOL. I.)
NOT_PRINTED_AS_IS = {"date", "image", "alt", "volume", "lccn"}


def text_units(issue: Issue, reading: Callable[[str], str] = lambda text: text) -> list[Unit]:
    """Every text field of the model: the masthead's strings, then each section's fields and blocks,
    each as ``reading`` gives it back (see ``pdf_pages.as_read_from_print``), normalized."""
    m = issue.masthead
    units = [Unit(f"masthead {name.replace('_', ' ')}", value, m.lines.get(name)) for name, value in _text_fields(m)]
    if m.issue_number is not None:
        units.append(Unit("masthead issue number", str(m.issue_number), m.lines.get("issue_number")))
    lines = m.furniture_lines + (None,) * (len(m.furniture) - len(m.furniture_lines))
    units += [Unit("masthead furniture", text, line) for text, line in zip(m.furniture, lines)]
    for index, s in enumerate(issue.sections):
        units += [Unit(name, value, s.lines.get(name, s.line), index) for name, value in _text_fields(s)]
        units += [Unit(b.role.value, b.text, b.line, index) for b in s.blocks]
    return [Unit(u.kind, normalize(reading(u.text)), u.line, u.section) for u in units if normalize(u.text)]


def _text_fields(record: Masthead | Section) -> list[tuple[str, str]]:
    """The plain-string fields of a model record that the outputs must print (not enums, not ``NOT_PRINTED_AS_IS``)."""
    return [
        (f.name, getattr(record, f.name))
        for f in dataclasses.fields(record)
        if type(getattr(record, f.name)) is str and f.name not in NOT_PRINTED_AS_IS
    ]


Pieces = tuple[
    list[tuple[int, int]], list[tuple[int, int]]
]  # found (start in target, length), lost (start in unit, length)


def _find_pieces(unit: str, target: str) -> Pieces:
    """Match ``unit`` in ``target`` as pieces in order, each after the one before.

    Each piece is the longest prefix of what is left of the unit that occurs after the previous piece, at
    its first such place (``_longest``). Where text repeats (an advertisement printed twice, a paragraph
    made of the same sentences as another), that longest match can stand at the wrong place, past where
    the rest of a story cut by a jump goes on; so a unit not found whole is matched again taking each piece
    where its first ``MIN_PIECE`` characters first occur (``_earliest``), and the match that finds more of
    it is kept. A piece shorter than MIN_PIECE counts only if it ends the unit, after a piece found or as
    the whole unit: a lone 。 found does not make a paragraph partly found."""
    found, lost = _pieces(unit, target, _longest)
    if lost:
        other = _pieces(unit, target, _earliest)
        if sum(n for _, n in other[1]) < sum(n for _, n in lost):
            return other
    return found, lost


def _pieces(unit: str, target: str, piece_at: Callable[[str, str, int], tuple[int, int]]) -> Pieces:
    found: list[tuple[int, int]] = []
    lost: list[tuple[int, int]] = []
    i, pos = 0, 0
    while i < len(unit):
        start, length = piece_at(unit[i:], target, pos)
        if length >= MIN_PIECE or (length and i + length == len(unit) and (found or i == 0)):
            found.append((start, length))
            i, pos = i + length, start + length
        elif lost and lost[-1][0] + lost[-1][1] == i:
            lost[-1] = (lost[-1][0], lost[-1][1] + 1)
            i += 1
        else:
            lost.append((i, 1))
            i += 1
    return found, lost


def _longest(rest: str, target: str, pos: int) -> tuple[int, int]:
    """Where in ``target``, at ``pos`` or after, the longest prefix of ``rest`` first occurs, and its length."""
    lo, hi = 0, len(rest)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if target.find(rest[:mid], pos) != -1:
            lo = mid
        else:
            hi = mid - 1
    return target.find(rest[:lo], pos), lo


def _earliest(rest: str, target: str, pos: int) -> tuple[int, int]:
    """Where in ``target``, at ``pos`` or after, the first ``MIN_PIECE`` characters of ``rest`` first occur
    (all of it, if shorter), and how much of ``rest`` goes on there; else ``_longest``'s answer."""
    start = target.find(rest[:MIN_PIECE], pos)
    if start == -1:
        return _longest(rest, target, pos)
    length = MIN_PIECE if len(rest) >= MIN_PIECE else len(rest)
    while length < len(rest) and start + length < len(target) and target[start + length] == rest[length]:
        length += 1
    return start, length


def conservation(units: list[Unit], target: str, where: str) -> tuple[list[Finding], dict[int, list[int]], dict]:
    """Findings for text the target lacks, where each section's text was found (offsets), and figures."""
    findings: list[Finding] = []
    placed: dict[int, list[int]] = {}
    for unit in units:
        found, lost = _find_pieces(unit.text, target)
        # where a story stands is where its text is, the headline aside (the front page's index reprints it):
        # its decks and byline too, for a story whose body is too short to place (an ad's price: 54?J!)
        if unit.section is not None and unit.kind != "headline":
            placed.setdefault(unit.section, []).extend(start for start, length in found if length >= MIN_PIECE)
        if not lost:
            continue
        prefix = f"line {unit.line}: " if unit.line else ""
        missing, first = sum(n for _, n in lost), lost[0][0]
        how = "missing" if 2 * missing > len(unit.text) else "partly missing"
        message = (
            f"{prefix}{unit.kind} {how} from the {where} ({missing} of {len(unit.text)} characters not "
            f"found), first at {quote(unit.text, first)}"
        )
        findings.append(Finding("text", message, unit.line))
    if not findings:  # otherwise the missing text is named already, and the counts only repeat it
        findings += _shortfall(units, target, where)
    return findings, placed, {"units": len(units), "characters": sum(len(u.text) for u in units)}


def _shortfall(units: list[Unit], target: str, where: str) -> list[Finding]:
    """Characters the source has more often than the target: catches a field matched twice by one text."""
    have = Counter(target)
    short = [(c, n, have[c]) for c, n in Counter("".join(u.text for u in units)).items() if have[c] < n]
    if not short:
        return []
    listed = ", ".join(f"{c!r} {n} times (found {h})" for c, n, h in short[:8])
    more = f" and {len(short) - 8} more" if len(short) > 8 else ""
    return [Finding("text", f"the source has characters more often than the {where}: {listed}{more}")]


def quote(text: str, at: int) -> str:
    before = "…" if at > 4 else ""
    after = "…" if at + CONTEXT < len(text) else ""
    return (
        f"“{before}{text[max(0, at - 4) : at]}[{text[at : at + CONTEXT]}{after}]”"
        if at
        else f"“{text[:CONTEXT]}{after}”"
    )
