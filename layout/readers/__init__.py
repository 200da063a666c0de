"""The reading stage: an issue's source file -> ``model.Issue``.

``source`` reads the file's bytes into text (encodings, limits), ``frontmatter`` reads the YAML front
matter, ``parse`` reads the Markdown-like extracted text into the model.
"""
