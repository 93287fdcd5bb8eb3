"""The matching tests share explicit fixtures from ``matching_fixtures.py`` beside this file
(pytest may run with --import-mode=importlib, which does not put test folders on sys.path)."""

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.append(_HERE)
