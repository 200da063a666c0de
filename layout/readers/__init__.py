"""The reading stage: an issue's source file, in any format reissue reads -> ``model.Issue``.

``registry`` picks the reader of a file's format (``read_issue``); each reader is a module that
registers itself: ``text``, the Markdown-like extracted text, which ``parse`` reads into the model;
``alto``, OCR pages in ALTO XML; ``mets``, a METS issue of ALTO pages; ``hocr``, OCR pages in hOCR,
Tesseract's HTML. ``newspaper`` holds the rules they share (a masthead line's fields, the text's language).
``source`` reads a file's bytes into text (encodings, limits), ``frontmatter`` its YAML front matter;
``paper`` reads the settings of the issue's paper (``paper.yaml``) that every reader is given.
"""

# each import registers a reader, in this order: text first, the one a tie goes to
# isort: off
from layout.readers import text  # noqa: F401
from layout.readers import alto  # noqa: F401
from layout.readers import mets  # noqa: F401
from layout.readers import hocr  # noqa: F401

# isort: on
from layout.readers.paper import find_paper_file
from layout.readers.registry import Reader, Reading, format_names, read_issue, reader_for, register

__all__ = ["Reader", "Reading", "find_paper_file", "format_names", "read_issue", "reader_for", "register"]
