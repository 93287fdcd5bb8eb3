"""The poursuites tests share explicit builders from ``poursuites_fixtures.py`` beside this file (on pytest's
``pythonpath``, see pyproject.toml)."""

from poursuites_fixtures import comptable, redevable  # noqa: F401  (fixtures)
