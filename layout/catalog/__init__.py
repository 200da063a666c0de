"""The library's side: what a batch built (``build/catalog.sqlite`` and the files) in; volumes, OPDS feeds,
MARC and MODS records, covers and a static web catalogue out. Nothing here re-renders an issue.

``paths`` says where each thing stands in a site, for every writer of it and every link to it.
"""
