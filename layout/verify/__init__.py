"""Proof that finished files are faithful to their issue: an ``Issue`` and a built PDF or EPUB -> a ``Report``.

It reads the files as a reader, a printer and a library would, never the engine's intermediate state:
``text`` finds every character of the source in a file's text (both targets), ``pdf`` checks a
PDF as ``pdf_pages`` reads it, ``epub`` checks an EPUB as an untrusted archive first, ``files``
refuses a file that is not one of this issue's, and ``report`` says what was found.

A file that is not a PDF / an EPUB, or that belongs to another issue, raises ``OutputError``; a file of
this issue with problems gives a ``Report`` whose ``findings`` say what is wrong and where.
"""

from layout.verify.epub import verify_epub
from layout.verify.pdf import JUMP_FROM, near_empty_pages, page_number, verify_pdf
from layout.verify.report import Finding, Report, count, render_reports, report_dict
from layout.verify.text import normalize

__all__ = [
    "JUMP_FROM",
    "Finding",
    "Report",
    "count",
    "near_empty_pages",
    "normalize",
    "page_number",
    "render_reports",
    "report_dict",
    "verify_epub",
    "verify_pdf",
]
