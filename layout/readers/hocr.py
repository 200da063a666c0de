"""The hOCR reader: an hOCR file (the HTML Tesseract writes) -> ``model.Issue``; each ``ocr_page`` a page.

In: an hOCR document, HTML or XHTML. Out: the issue's model, made from the pages by the ALTO reader's
rules (``layout.readers.alto.issue_from_pages``): headlines, furniture and the nameplate alike.

- Each ``ocr_par`` is a text block, read in the file's order; its lines (``ocr_line`` and the line
  classes Tesseract gives headers, captions and floating text) are joined by spaces, their words being
  the ``ocrx_word`` elements (else the line's text). Where the OCR made one paragraph of several, the
  lines' ``bbox`` show where the compositor began each (``layout.readers.ocr_paragraphs``). A line
  whose last word ends in a hyphen, followed by another line of the paragraph, is rejoined with that
  line's first word, each time a HYPHEN repair; the hyphen is kept when the second part opens with a
  capital (New-York, Anglo-Saxon).
- A line's size is its ``x_size`` (the height of its letters' body), else the height of its ``bbox``;
  a paragraph's size is the one most of its characters are set in. Where it stands comes from its
  ``bbox``, and a word's confidence from its ``x_wconf`` (0..100, kept as 0..1): the ALTO reader's
  rules list the doubtful words, each with its page, its paragraph's ``id`` and its line.

The file is parsed as HTML with nothing fetched and no entities but HTML's own. Lines in the model are
lines of the hOCR file.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from lxml import etree

from layout.errors import SourceError
from layout.model import Issue, Repair, RepairKind
from layout.readers.alto import (
    OcrPage,
    OcrWord,
    TextBlock,
    issue_from_pages,
    least_sure,
    page_of,
    root_name,
    text_block,
)
from layout.readers.ocr_paragraphs import LineBox
from layout.readers.registry import Reading, register
from layout.readers.source import head_text, read_source

LINE_CLASSES = {"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"}
# what tells hOCR from other HTML in a file's first bytes: the meta naming the OCR system, or a page
HOCR_MARK = re.compile(r"""name\s*=\s*["']ocr-system["']|class\s*=\s*["'][^"']*\bocr_page\b""")
PROPERTY = re.compile(r"\s*([\w-]+)\s+([^;]*)")

PARSER = etree.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True)


def read_hocr(path: Path) -> list[OcrPage]:
    """The pages of the hOCR file at ``path``, in the file's order."""
    # decoded as every source is (byte-order marks, GB18030, forbidden characters), then parsed as UTF-8
    root = etree.fromstring(read_source(path).encode("utf-8"), PARSER)
    pages = _with_class(root, {"ocr_page"}) if root is not None else []
    if not pages:
        raise SourceError("the hOCR file has no ocr_page", path=path, hint="give the hOCR file as the OCR wrote it")
    return [page_of(path, [_text_block(par) for par in _with_class(page, {"ocr_par"})]) for page in pages]


def _with_class(element: Any, classes: set[str]) -> list[Any]:
    return [e for e in element.iter() if isinstance(e.tag, str) and classes & set((e.get("class") or "").split())]


def _properties(element: Any) -> dict[str, list[str]]:
    """An element's hOCR properties: ``title="bbox 10 20 300 60; x_size 40"`` -> {"bbox": [...], "x_size": [...]}."""
    found = (PROPERTY.match(part) for part in (element.get("title") or "").split(";"))
    return {match[1]: match[2].split() for match in found if match}


def _number(values: list[str], index: int) -> float | None:
    try:
        return float(values[index])
    except (IndexError, ValueError):
        return None


def _size(line: Any) -> float | None:
    properties = _properties(line)
    if (size := _number(properties.get("x_size", []), 0)) is not None:
        return size
    top, bottom = _number(properties.get("bbox", []), 1), _number(properties.get("bbox", []), 3)
    return bottom - top if top is not None and bottom is not None else None


def _words(line: Any) -> list[OcrWord]:
    """A line's words, each with the OCR's confidence in it (``x_wconf``, 0..100, made 0..1) and its line."""
    words = _with_class(line, {"ocrx_word"})
    if not words:
        return [OcrWord(word, None, line.sourceline) for word in "".join(line.itertext()).split()]
    return [
        OcrWord(text, _confidence(word), word.sourceline)
        for word in words
        if (text := " ".join("".join(word.itertext()).split()))
    ]


def _confidence(word: Any) -> float | None:
    confidence = _number(_properties(word).get("x_wconf", []), 0)
    return confidence / 100 if confidence is not None else None


def _text_block(par: Any) -> TextBlock:
    lines = _with_class(par, LINE_CLASSES)
    words: list[OcrWord] = []
    repairs: list[Repair] = []
    sizes: Counter[float | None] = Counter()
    broken: OcrWord | None = None  # a word's first part at a line's end, hyphen and all
    boxes: list[LineBox | None] = []  # where each line with words stands, if the file says
    line_starts: list[int] = []  # the index in ``words`` where each of those lines begins
    for line in lines:
        line_words = _words(line)
        sizes[_size(line)] += sum(len(word.text) for word in line_words)
        if line_words:
            boxes.append(_line_box(line, line_words[-1]))
            line_starts.append(len(words))
        if broken is not None and line_words:
            end, *line_words = line_words
            words.append(_rejoined(broken, end, repairs))
            broken = None
        last = line_words[-1].text if line_words else ""
        if len(last) > 1 and last.endswith("-") and line is not lines[-1]:
            broken = line_words.pop()
        words += line_words
    if broken is not None:  # followed by a line without words: the word stays as printed
        words.append(broken)
    bbox = _properties(par).get("bbox", [])
    return text_block(
        words,
        line_starts,
        [box for box in boxes if box is not None] if None not in boxes else [],
        ids=(par.get("id"),) if par.get("id") else (),
        line=par.sourceline,
        last_line=lines[-1].sourceline if lines else par.sourceline,
        size=sizes.most_common(1)[0][0] if sizes else None,
        bold=False,  # hOCR does not say which words are bold
        line_count=len(lines),
        top=_number(bbox, 1),
        bottom=_number(bbox, 3),
        repairs=tuple(repairs),
    )


def _line_box(line: Any, last: OcrWord) -> LineBox | None:
    """Where a line stands (its ``bbox``), and whether its ``last`` word runs on to the next line."""
    left, top, right, bottom = (_number(_properties(line).get("bbox", []), index) for index in range(4))
    if left is None or top is None or right is None or bottom is None:
        return None
    return LineBox(left, right, bottom - top, hyphenated=len(last.text) > 1 and last.text.endswith("-"))


def _rejoined(first: OcrWord, second: OcrWord, repairs: list[Repair]) -> OcrWord:
    start, end = first.text, second.text
    word = start + end if end[:1].isupper() else start.removesuffix("-") + end
    repairs.append(Repair(RepairKind.HYPHEN, (first.line, second.line), f"{start} {end}", word))
    return OcrWord(word, least_sure(first.confidence, second.confidence), first.line)


class HocrReader:
    name = "hocr"
    description = "an hOCR file (OCR layout HTML, as Tesseract writes it)"
    file_extensions: tuple[str, ...] = (".hocr", ".html", ".htm", ".xhtml")

    def sniff(self, head: bytes) -> bool:
        return (root_name(head) or "").lower() == "html" and HOCR_MARK.search(head_text(head)) is not None

    def read(self, path: Path, reading: Reading) -> Issue:
        # OCR's punctuation is kept as printed: normalize_punctuation is for Chinese extracted text
        return issue_from_pages(path, read_hocr(path), values={}, lines={}, reading=reading)


register(HocrReader())
