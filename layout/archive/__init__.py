"""Whole archives: many issue sources in, each built as ``reissue build`` builds one, in parallel (a
process pool, or a Dask cluster's workers), incrementally (``catalog.sqlite`` remembers what was built
from what), resumably and one failure never stopping the others.

- ``sources``: paths given -> the issue sources under them, each with the place of its outputs;
- ``freshness``: what an issue's build depends on (its input files, options, style, engine) and
  whether its last good build still stands;
- ``catalog``: the catalogue database, one row per issue;
- ``work``: one issue's build on a worker, outputs returned as bytes with their reports;
- ``batch``: the runner, which hands issues to workers, writes what they return and keeps the catalogue;
- ``progress``: what the user sees while it runs, and the summary.
"""
