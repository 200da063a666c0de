"""Test-wide settings: CI runs the property tests on a fixed set of examples, so that a landing is
never decided by the luck of a draw; runs elsewhere keep exploring new examples."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
