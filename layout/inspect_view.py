"""Model -> a readable tree for ``reissue inspect``: the masthead, the sections with their blocks, the repairs,
the words the OCR doubted.

In: an ``Issue``. Out: the tree's lines, one ``rich.text.Text`` each, drawn with guides as ``rich.tree``
draws them, and made one at a time: a rich ``Tree`` renders whole before it prints, which for an issue
of 50 MB took gigabytes. All text goes in as ``Text`` so that brackets in the source are never read as
markup. Paragraphs are cut to their opening words; ``--json`` has them whole.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

from rich.text import Text

from layout.model import Block, BlockRole, DoubtfulWord, Issue, Masthead, Repair, RepairKind, Section

EXCERPT = 36  # characters of a paragraph shown
SECTION_FIELDS = ("kicker", "overline", "subheadline", "byline", "author", "caption", "credit", "image", "alt", "page")
# the masthead's fields as the model declares them, less the title (the tree's root) and the bookkeeping
MASTHEAD_FIELDS = tuple(
    f.name for f in dataclasses.fields(Masthead) if f.name not in ("title", "furniture", "furniture_lines", "lines")
)


# a node of the tree: its label and its children, made when the tree is drawn down to them
Node = tuple[Text, Iterable["Node"]]


def tree_lines(issue: Issue) -> Iterator[Text]:
    """The issue's model as a tree: one branch for the masthead, one per section, one for the repairs, and
    one for the words the OCR doubted, to proofread against the scan (for OCR sources that say)."""
    settings = issue.settings
    yield Text.assemble(
        (issue.masthead.title, "bold"),
        f"  {issue.source}  ",
        (
            f"{settings.language}, {f'{issue.page_count} pages' if issue.page_count else 'pages as its text fills'}, "
            "punctuation "
            f"{'normalised' if settings.normalize_punctuation else 'kept'}"
            f"{f', style {settings.style}' if settings.style else ''}"
            f"{f', paper {settings.paper}' if settings.paper else ''}",
            "dim",
        ),
    )
    sections = ((_section_label(number, s), _section(s)) for number, s in enumerate(issue.sections, 1))
    yield from _draw(
        [
            (Text("masthead", "bold"), _masthead(issue.masthead)),
            (Text(f"sections ({len(issue.sections)})", "bold"), sections),
            (Text(f"repairs ({len(issue.repairs)})", "bold"), ((_repair(r), ()) for r in issue.repairs)),
            *_doubtful_words(issue.doubtful_words),
        ],
        indent="",
    )


def _draw(nodes: Iterable[Node], indent: str) -> Iterator[Text]:
    """The lines of ``nodes`` and of all below them, each behind its guides."""
    iterator = iter(nodes)
    following = next(iterator, None)
    while following is not None:
        (label, children), following = following, next(iterator, None)
        last = following is None
        yield Text.assemble(indent + ("└── " if last else "├── "), label)
        yield from _draw(children, indent + ("    " if last else "│   "))


def _field(name: str, value: object, line: int | None) -> Text:
    return Text.assemble((f"{name}: ", "cyan"), str(value), (f"  line {line}" if line else "", "dim"))


def _masthead(masthead: Masthead) -> Iterator[Node]:
    for name in MASTHEAD_FIELDS:
        value = getattr(masthead, name)
        if value is not None:
            yield _field(name, value, masthead.lines.get(name)), ()
    for text, line in zip(masthead.furniture, masthead.furniture_lines):
        yield _field("furniture", text, line), ()


def _section_label(number: int, section: Section) -> Text:
    return Text.assemble(
        f"{number} ",
        (section.kind.value, "magenta"),
        (" lead" if section.lead else "", "yellow"),
        "  ",
        (section.headline, "bold"),
        (f"  line {section.line}", "dim"),
    )


def _section(section: Section) -> Iterator[Node]:
    for name in SECTION_FIELDS:
        value = getattr(section, name)
        if value is not None:
            yield _field(name, value, section.lines.get(name)), ()
    for block in section.blocks:
        yield _block(block), ()


def _block(block: Block) -> Text:
    lines = f"{block.line}" if block.line == block.last_line else f"{block.line}-{block.last_line}"
    if block.role is BlockRole.SUBHEAD:
        return Text.assemble((f"{lines:>7} ", "dim"), ("subhead ", "cyan"), (block.text, "bold"))
    rest = block.text[len(block.run_in or "") :]
    excerpt = rest if len(block.text) <= EXCERPT else rest[: max(EXCERPT - len(block.run_in or ""), 8)] + "…"
    run_in = ("run-in ", "cyan") if block.run_in else ""
    return Text.assemble((f"{lines:>7} ", "dim"), run_in, (block.run_in or "", "bold"), excerpt)


def _doubtful_words(words: tuple[DoubtfulWord, ...]) -> list[Node]:
    if not words:
        return []
    label = Text(f"doubtful words ({len(words)}, to proofread against the scan)", "bold")
    return [(label, ((_doubtful(word), ()) for word in words))]


def _doubtful(word: DoubtfulWord) -> Text:
    return Text.assemble((f"{word.confidence:4.0%} ", "yellow"), word.text, (f"  {word.where}", "dim"))


# what a repair that takes text out of a story did with it, by kind
LEFT_OUT = {
    RepairKind.JUMP: "left out; the reissue prints its own",
    RepairKind.REPEAT: "left out; the heading prints the decks once",
    RepairKind.MARKER: "left out; the section's page, which the reissue numbers itself",
    RepairKind.DATE_LINE: "left out of the story; the masthead prints the issue's date",
    RepairKind.LABEL: "left out; an empty label says nothing",
}


def _repair(repair: Repair) -> Text:
    lines = ", ".join(str(n) for n in repair.lines)
    if repair.kind is RepairKind.JOIN:
        before, after = repair.before.split("\n\n", 1)
        return Text.assemble(("join ", "yellow"), (f"lines {lines}: ", "dim"), f"…{before} ¶ {after}…")
    if repair.kind in LEFT_OUT:
        said = f"“{_cut(repair.before.replace(chr(10), ' / '))}” {LEFT_OUT[repair.kind]}; the notes quote it"
        where = f"line{'s' if len(repair.lines) > 1 else ''} {lines}: "
        return Text.assemble((f"{repair.kind.value} ", "yellow"), (where, "dim"), said)
    if repair.kind in (RepairKind.HYPHEN, RepairKind.MARKED_HYPHEN):
        rejoined = f"“{repair.before}” → “{repair.after}”"
        return Text.assemble((f"{repair.kind.value} ", "yellow"), (f"lines {lines}: ", "dim"), rejoined)
    if repair.kind is RepairKind.NOISE:
        moved = f"“{repair.after}” set as the nameplate; “{repair.before}”, as read, with the furniture"
        return Text.assemble(("nameplate noise ", "yellow"), (f"line {lines}: ", "dim"), moved)
    changed = [(a, b) for a, b in zip(repair.before, repair.after) if a != b]
    marks = " ".join(f"{a}→{b}" for a, b in dict.fromkeys(changed))
    return Text.assemble(
        ("punctuation ", "yellow"), (f"line {lines}: ", "dim"), f"{len(changed)} marks made full width ({marks})"
    )


def _cut(text: str) -> str:
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "…"
