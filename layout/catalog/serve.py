"""A catalogue site (``reissue catalog ... --out SITE``) in; served over HTTP on 127.0.0.1 out, for a quick
look in a browser and for reading apps on the same machine.

Python's own static file server, rooted at SITE: nothing outside it is served (not through ``..``, not
through a link), and each file goes with the type its readers expect: the OPDS feeds' Atom and JSON,
EPUBs, and the library records.
"""

from __future__ import annotations

import http.server
import io
import os
import posixpath
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO

from layout.errors import ReissueError

HOST = "127.0.0.1"  # for this machine only: a catalogue to publish goes on a real web server

OPDS_TYPES = {  # by the folder the feeds stand in (layout.catalog.paths)
    "opds/": {".xml": "application/atom+xml;profile=opds-catalog"},
    "opds2/": {".json": "application/opds+json"},
}
TYPES = {  # types Python's table lacks or gets wrong, by the end of the name (longest first)
    ".marc.xml": "application/marcxml+xml",
    ".mods.xml": "application/mods+xml",
    ".epub": "application/epub+zip",
    ".mrc": "application/marc",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}


def content_type(place: str) -> str | None:
    """The type of the file at ``place`` (relative to SITE), or None to leave it to Python's table."""
    for folder, types in OPDS_TYPES.items():
        if place.startswith(folder) and posixpath.splitext(place)[1] in types:
            return types[posixpath.splitext(place)[1]]
    return next((kind for end, kind in TYPES.items() if place.endswith(end)), None)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the files under its ``directory`` and nothing else."""

    def send_head(self) -> io.BytesIO | BinaryIO | None:
        """The file for a request, or 404 for a path that leads out of the site (through a link pointing out)."""
        root = Path(self.directory).resolve()
        if not Path(self.translate_path(self.path)).resolve().is_relative_to(root):
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        return super().send_head()

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        place = Path(os.path.relpath(path, self.directory)).as_posix()
        return content_type(place) or super().guess_type(path)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Quiet: a reading app asks for many files; errors still reach ``log_error``."""


def server(site_dir: Path, port: int = 0) -> http.server.ThreadingHTTPServer:
    """A server of ``site_dir`` on 127.0.0.1 at ``port`` (0: any free one), not yet serving."""
    handler: Callable[..., SiteHandler] = partial(SiteHandler, directory=str(site_dir))
    try:
        return http.server.ThreadingHTTPServer((HOST, port), handler)
    except OSError as error:
        raise ReissueError(
            f"cannot serve on {HOST}:{port} ({error.strerror})", hint="choose another --port, or 0 for any free one"
        ) from None


def serve(site_dir: Path, port: int, ready: Callable[[str], None]) -> None:
    """Serve ``site_dir`` until interrupted (Ctrl-C), telling ``ready`` the site's address first."""
    with server(site_dir, port) as httpd:
        try:
            ready(f"http://{HOST}:{httpd.server_address[1]}/")
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
