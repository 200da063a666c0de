"""The text reader: an issue's Markdown-like extracted text -> ``model.Issue``, through ``parse``.

In: a file of extracted text (OCR or PDF-to-Markdown output, as ``issues/`` holds), in any encoding
``source`` reads. Out: the issue's model.

It claims every content that does not open as markup (an XML declaration, a doctype or an element,
after any comments): such a file is a document in another format, ALTO or HTML, whatever its name,
not text to read as Markdown. A Markdown comment (``<!-- page 2 -->``) opens text as well. A file
that is no text at all is the text reader's to refuse too, as ``source`` does, saying why (binary,
in an unknown encoding, empty).
"""

from __future__ import annotations

import re
from pathlib import Path

from layout.model import Issue
from layout.readers.parse import parse_issue
from layout.readers.registry import Reading, register
from layout.readers.source import head_text

# after white space and comments, '<?' (a declaration or instruction), '<!' not opening a comment (a
# doctype) or '<' and a letter (an element); a comment may not hold '-->', so each is read one way
MARKUP = re.compile(r"\s*(?:<!--(?:(?!-->).)*-->\s*)*<(?:\?|!(?!--)|[^\W\d])", re.DOTALL)


class TextReader:
    name = "text"
    description = "Markdown-like extracted text"
    file_extensions: tuple[str, ...] = (".md", ".markdown", ".txt")

    def sniff(self, head: bytes) -> bool:
        return MARKUP.match(head_text(head)) is None

    def read(self, path: Path, reading: Reading) -> Issue:
        return parse_issue(
            path,
            normalize_punctuation=reading.normalize_punctuation,
            page_count=reading.page_count,
            paper=reading.paper,
        )


register(TextReader())
