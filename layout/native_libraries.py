"""WeasyPrint imported without a compiler run for each name of its native libraries: importing this module
in, ``weasyprint`` imported out.

WeasyPrint loads GObject, Pango, HarfBuzz and fontconfig by trying each library's names on every platform
in turn, Windows' first (``libgobject-2.0-0``, ``gobject-2.0-0``, ``gobject-2.0``, then Linux's soname
``libgobject-2.0.so.0``...). cffi looks each name that is not a loadable file up with
``ctypes.util.find_library``, which on Linux asks ``ldconfig``, then runs gcc and ld when they are
installed: on Debian, 16 compiler and linker runs for names that are not there (HarfBuzz's vector library
under all six of its names), 0.2-0.3 s of CPU, a tenth of a cold ``reissue build`` (WeasyPrint's issue
#1125). Every name WeasyPrint tries last on Linux, macOS and Windows is a file name the dynamic loader
finds by itself, so while WeasyPrint is first imported here the look-up finds nothing at once and cffi goes
on to the next name. Import this before anything of WeasyPrint's.
"""

import ctypes.util
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def _names_loaded_as_given() -> Iterator[None]:
    find_library = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = find_library


with _names_loaded_as_given():
    import weasyprint  # noqa: F401
