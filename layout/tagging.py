"""The tagged PDF's structure tree, finished: WeasyPrint's PDF objects in, before they are written;
the same objects out, with a tree that holds what a reader reads and nothing else.

WeasyPrint 70 makes a structure element of every box and marks all text as content. Two things
follow that assistive technology should not meet:

- the text of the page-margin boxes (a running head, such as the folio) is marked as content but
  left out of the tree, so it is neither read in order nor an artifact: it becomes an artifact of
  pagination (PDF 1.7, 14.8.2.2), as ISO 14289-1 (PDF/UA-1) asks of running heads;
- boxes drawn only for their rules and backgrounds (already marked as artifacts) leave structure
  elements that hold nothing: they are taken out of the tree.
"""

from __future__ import annotations

from collections.abc import Iterator

import pydyf

PAGINATION = pydyf.Dictionary({"Type": "/Pagination"})


def finish_tags(pdf: pydyf.PDF) -> None:
    """Running heads made artifacts and empty structure elements pruned, in place."""
    if "StructTreeRoot" not in pdf.catalog:
        return
    root = _get(pdf, pdf.catalog["StructTreeRoot"])
    in_tree = set(_elements(pdf, root))
    parents = _get(pdf, root["ParentTree"])["Nums"]
    for page_number, page in enumerate(_pages(pdf)):
        # the parent tree's first entries are the pages', in order: MCID -> its structure element
        key, mcids = parents[2 * page_number], parents[2 * page_number + 1]
        assert key == page_number
        loose = {mcid for mcid, element in enumerate(mcids) if _number(element) not in in_tree}
        if loose:
            _as_artifacts(_get(pdf, page["Contents"]), loose)
            for mcid in loose:
                mcids[mcid] = b"null"
    _prune(pdf, root)


def _as_artifacts(stream: pydyf.Stream, mcids: set[int]) -> None:
    """``/Span <</MCID n>> BDC`` of each of ``mcids`` made ``/Artifact <</Type /Pagination>> BDC``."""
    items = stream.stream
    for index, item in enumerate(items):
        if isinstance(item, pydyf.Dictionary) and item.get("MCID") in mcids and items[index + 1] == b"BDC":
            items[index - 1 : index + 1] = ["/Artifact", PAGINATION]
            mcids = mcids - {item["MCID"]}
    assert not mcids, f"marked content {sorted(mcids)} is not in its page's content stream"


def _prune(pdf: pydyf.PDF, element: pydyf.Dictionary) -> bool:
    """Drop the structure elements under ``element`` that own no content; whether ``element`` owns some."""
    kids = element["K"]
    kids[:] = [kid for kid in kids if not _is_element(pdf, kid) or _prune(pdf, _get(pdf, kid))]
    return bool(kids)


def _elements(pdf: pydyf.PDF, element: pydyf.Dictionary) -> Iterator[int]:
    """The object numbers of the structure elements under ``element``."""
    for kid in element["K"]:
        if _is_element(pdf, kid):
            yield _number(kid)
            yield from _elements(pdf, _get(pdf, kid))


def _is_element(pdf: pydyf.PDF, kid: object) -> bool:
    # a kid is an MCID (an int), or a reference to a structure element or to an annotation (OBJR)
    return isinstance(kid, bytes) and _get(pdf, kid).get("Type") == "/StructElem"


def _pages(pdf: pydyf.PDF) -> list[pydyf.Dictionary]:
    # pydyf lists each page as three items: its object number, 0, R
    return [pdf.objects[number] for number in pdf.pages["Kids"][::3]]


def _get(pdf: pydyf.PDF, reference: bytes) -> pydyf.Dictionary:
    return pdf.objects[_number(reference)]


def _number(reference: bytes) -> int:
    return int(reference.split()[0])
