"""The lab runner's pieces: guided labs (``labs/*.yaml``) run against a :class:`engine.backends.base.LabBackend`.

- :mod:`engine.labs.checks` evaluates a step's declarative checks on one ``LabState`` snapshot and phrases
  each result as expected vs actual in an administrator's words; ``name_problems`` finds property and job-filter
  names that ``LabState`` does not have, before any lab runs.
"""
