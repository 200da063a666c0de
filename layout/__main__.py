"""``python -m layout`` is the ``reissue`` command."""

from layout.cli import main

main()
