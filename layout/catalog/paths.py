"""Where each thing stands in a catalogue site (``reissue catalog BUILD --out SITE``), relative to SITE:
one place for every writer and every link, so that a feed, a record and a page link to the same file.

    files/<key>.pdf, files/<key>.epub      the issue's outputs, copied from the build
    covers/<key>.png, covers/<key>.jpg     its front page as a cover, and a thumbnail 200 px wide
    index.html                             the papers
    <paper>/index.html                     a paper's years
    <paper>/<yyyy>/index.html              a year: a calendar per month, a cover per day
    <paper>/<yyyy>/<mm>/index.html         a month's calendar
    issues/<key>.html                      an issue's page
    opds/...xml, opds2/...json             the OPDS 1.2 and 2.0 feeds (``layout.catalog.opds``)
    opds/opensearch.xml                    the OpenSearch description
    records/<key>.mrc, .marc.xml, .mods.xml   the issue's MARC 21 and MODS records
    records/all.mrc, all.marc.xml          every issue's and volume's MARC record in one file
    records/volumes/<volume>.mrc, ...      a volume's MARC 21 and MODS records
    volumes/<volume>.epub                  a volume (``reissue volume``): ``volume_key`` names it

``key`` is the issue's key in the catalogue (``1946/05/15``: where its outputs are under BUILD).
A paper is named by its slug: the ASCII letters and digits of its title, else of its identifier.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata

UNDATED = "undated"


def paper_slug(title: str | None) -> str:
    """``The Riverside Gazette`` -> ``the-riverside-gazette``; a title with no Latin letters (昭通日报) ->
    ``paper-`` and a short hash of it, the same on every run."""
    title = title or "untitled"
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug or f"paper-{hashlib.sha256(title.encode()).hexdigest()[:8]}"


def issue_file(key: str, suffix: str) -> str:
    """``files/<key>.pdf`` (suffix ``.pdf``) or ``.epub``."""
    return f"files/{key}{suffix}"


def cover(key: str) -> str:
    return f"covers/{key}.png"


def thumbnail(key: str) -> str:
    return f"covers/{key}.jpg"


def issue_page(key: str) -> str:
    return f"issues/{key}.html"


def papers_page() -> str:
    return "index.html"


def paper_page(slug: str) -> str:
    return f"{slug}/index.html"


def year_page(slug: str, year: str) -> str:
    return f"{slug}/{year}/index.html"


def month_page(slug: str, year: str, month: str) -> str:
    return f"{slug}/{year}/{month}/index.html"


def record(key: str, suffix: str) -> str:
    """``records/<key>.mrc``, ``.marc.xml`` or ``.mods.xml``."""
    return f"records/{key}{suffix}"


def opds_feed(parts: tuple[str, ...], page: int = 1) -> str:
    """An OPDS 1.2 feed: ``opds/index.xml`` (the root), ``opds/<paper>/<yyyy>/<mm>/index.xml``, its second
    page ``.../page-2.xml``; the latest issues ``opds/new/index.xml``."""
    return _feed("opds", parts, page, ".xml")


def opds2_feed(parts: tuple[str, ...], page: int = 1) -> str:
    """The same feed in OPDS 2.0: ``opds2/...json``."""
    return _feed("opds2", parts, page, ".json")


def _feed(root: str, parts: tuple[str, ...], page: int, suffix: str) -> str:
    name = "index" if page == 1 else f"page-{page}"
    return "/".join((root, *parts, name + suffix))


OPENSEARCH = "opds/opensearch.xml"


def records_collection(suffix: str) -> str:
    """``records/all.mrc`` or ``.marc.xml``: every issue's record in one file."""
    return f"records/all{suffix}"


def volume_key(slug: str, date_from: str, date_to: str) -> str:
    """``<paper>-<from>-<to>``: a volume's name in the catalogue, and its file's under ``reissue volume --out``."""
    return f"{slug}-{date_from}-{date_to}"


def volume_file(key: str) -> str:
    return f"volumes/{key}.epub"


def volume_record(key: str, suffix: str) -> str:
    """``records/volumes/<volume>.mrc``, ``.marc.xml`` or ``.mods.xml``."""
    return f"records/volumes/{key}{suffix}"


def stylesheet() -> str:
    """The web catalogue's one style sheet."""
    return "site.css"


def relative(from_page: str, to: str) -> str:
    """The link from one page of the site to another file of it, both given relative to SITE, so that
    the site reads the same from any base URL and from file://: ``issues/a/b.html`` to ``covers/a/b.jpg``
    -> ``../../covers/a/b.jpg``."""
    return posixpath.relpath(to, posixpath.dirname(from_page) or ".")
