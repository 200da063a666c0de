"""reissue: a newspaper issue's extracted text in, a print PDF and a reflowable EPUB out, each verified.

The pipeline runs one way: ``readers`` (source file -> model) -> ``plan`` (model -> pages) ->
``pdf`` / ``epub`` (plan -> files) -> ``verify`` (files -> report). The model in ``model`` is the
contract between the stages; no stage changes what another has made.
"""

__version__ = "0.1.0"
